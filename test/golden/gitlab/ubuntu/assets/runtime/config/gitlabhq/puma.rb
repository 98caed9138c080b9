# Puma, written by /sbin/entrypoint.sh at every start. Workhorse talks to it on the unix socket.
directory "{{raw:GITLAB_INSTALL_DIR}}"
environment "production"
pidfile "{{raw:GITLAB_INSTALL_DIR}}/tmp/pids/puma.pid"
state_path "{{raw:GITLAB_INSTALL_DIR}}/tmp/pids/puma.state"
bind "unix://{{raw:GITLAB_INSTALL_DIR}}/tmp/sockets/gitlab.socket"
bind "tcp://127.0.0.1:8080"
workers {{raw:PUMA_WORKERS}}
threads 1, 4
queue_requests false
worker_timeout 60
require_relative "{{raw:GITLAB_INSTALL_DIR}}/lib/gitlab/cluster/lifecycle_events"
on_restart do
  Gitlab::Cluster::LifecycleEvents.do_before_master_restart
end
before_fork do
  Gitlab::Cluster::LifecycleEvents.do_before_fork
end
on_worker_boot do
  Gitlab::Cluster::LifecycleEvents.do_worker_start
end
