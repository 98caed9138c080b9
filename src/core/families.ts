// What differs between base image families: package names, package manager, users, locales, service commands.
// Plain tables and functions so templates stay declarative and the differences are reviewable in one place.
import { sh, shCommand } from './escape.js';
import type { Family, PortSpec, Probe, Runtime, RuntimeName } from './types.js';

export interface ServiceDef {
  description: string;
  packages: Record<Family, string[]>;
  /** Foreground command (argv) per family; the service must not daemonise. */
  command: Record<Family, string[]>;
  /** Needs root to run (privileged port, privilege separation, cron switching users). */
  needsRoot: boolean;
  /**
   * In an image that runs as root (for a service that needs it), what runs as SERVICE_ACCOUNT instead:
   * the service's `process` itself (started through dropPrivileges), or the `jobs` it runs (cron's).
   */
  asAccount?: 'process' | 'jobs';
  /** Default port the recipe's config makes it listen on. */
  port?: number;
  /** The port its config always listens on, whatever the ports answered: never a web server's. */
  ownPort?: number;
  /** A port it listens on with no authentication, which runs code for whoever reaches it: published on loopback only. */
  privatePort?: number;
  /**
   * A shell command that exits 0 when the service is healthy (the image's HEALTHCHECK), or undefined where
   * another chosen service's is the one to run (php-fpm beside its web server).
   */
  health?: (port: number, services: readonly string[]) => string | undefined;
  /** Its health command needs curl in the image. */
  healthCurl?: true;
  /**
   * What proves the service does its work, asked by `--build`'s verification and ci/smoke-test.sh: a page
   * it serves, a protocol exchange, or its process where it has nothing to ask. `port`: the one it listens on.
   */
  probes: (o: { port: number; services: readonly string[] }) => Probe[];
  /** Packages its probes need in the image, beyond the service's own. */
  probePackages?: (family: Family, services: readonly string[]) => string[];
  /**
   * Commands (run after the install) that fit the packaged service to a container: the port it listens
   * on, logs to the container's stdout/stderr, run-time dirs the non-root user can write.
   */
  setup?: (family: Family, o: { port: number; user: UserSpec | null; services: readonly string[] }) => string[];
  /** The config file a recipe renders for the service (`source` in the target dir) and where the image reads it. */
  config?: { source: string; target: (family: Family) => string };
}

const all = (pkgs: string[]): Record<Family, string[]> => ({ debian: pkgs, ubuntu: pkgs, alpine: pkgs, rhel: pkgs });
const same = (argv: string[]): Record<Family, string[]> => ({ debian: argv, ubuntu: argv, alpine: argv, rhel: argv });

/** Where the entrypoint keeps redis's password (`password`, for redis-cli) and `auth.conf` (requirepass). */
export const REDIS_STATE = '/var/lib/create-image/redis';

/**
 * The account cron runs the image's jobs as (cron itself needs root to switch users, its jobs do not), and
 * the one redis runs as beside a root service. The image's own user when it has one; an image that runs as
 * root (cron and sshd are root services) gets this account.
 */
export const SERVICE_ACCOUNT: UserSpec = { name: 'app', uid: 10001, home: '/home/app' };

/**
 * `argv` started as `account` by a root parent (the watchdog, supervisord, the entrypoint): util-linux's
 * setpriv, there in every Debian and Ubuntu image; su-exec on Alpine.
 */
export function dropPrivileges(family: Family, account: UserSpec, argv: string[]): string[] {
  if (family === 'alpine') return ['su-exec', account.name, ...argv];
  return ['setpriv', `--reuid=${account.name}`, `--regid=${account.name}`, '--init-groups', '--', ...argv];
}

/** What dropPrivileges needs installed: su-exec on Alpine, util-linux (setpriv) where the base may lack it. */
export function dropPrivilegesPackages(family: Family): string[] {
  return family === 'alpine' ? ['su-exec'] : family === 'rhel' ? ['util-linux'] : [];
}

/**
 * A pipe to the container log for cron's jobs: they cannot open PID 1's stdout (/proc/1/fd/1) as a
 * non-root user, so the entrypoint makes this pipe, writable by SERVICE_ACCOUNT's group, and copies what
 * arrives to its own stdout.
 */
export const CRON_LOG = '/run/create-image/cron.log';

export const SERVICES: Record<string, ServiceDef> = {
  nginx: {
    description: 'nginx web server (non-root, config in config/nginx.conf)',
    packages: all(['nginx']),
    command: same(['nginx', '-e', 'stderr', '-c', '/etc/nginx/create-image.conf', '-g', 'daemon off;']),
    needsRoot: false,
    port: 8080,
    health: (port) => `curl -fsS -o /dev/null http://127.0.0.1:${port}/`,
    healthCurl: true,
    probes: webProbes,
    config: { source: 'config/nginx.conf', target: () => '/etc/nginx/create-image.conf' },
  },
  apache: {
    description: 'Apache httpd (non-root on a high port)',
    // apache2-proxy on Alpine: mod_proxy_fcgi, which hands .php to php-fpm (the other families ship it)
    packages: { debian: ['apache2'], ubuntu: ['apache2'], alpine: ['apache2', 'apache2-proxy'], rhel: ['httpd'] },
    command: {
      debian: ['apache2ctl', '-D', 'FOREGROUND'],
      ubuntu: ['apache2ctl', '-D', 'FOREGROUND'],
      alpine: ['httpd', '-D', 'FOREGROUND'],
      rhel: ['httpd', '-D', 'FOREGROUND'],
    },
    needsRoot: false,
    port: 8080,
    health: (port) => `curl -fsS -o /dev/null http://127.0.0.1:${port}/`,
    healthCurl: true,
    probes: webProbes,
    // Debian and Ubuntu split the config (ports.conf, sites-available/); Alpine and the rhel family keep one httpd.conf.
    setup: (family, { port, user, services }) => {
      const own = (dirs: string) => (user ? [`chown -R ${user.name}:${user.name} ${dirs}`] : []);
      const php = services.includes('php-fpm') ? phpFpmHandler(family) : [];
      if (family === 'debian' || family === 'ubuntu') {
        return [
          `sed -i 's/^Listen 80$/Listen ${port}/' /etc/apache2/ports.conf`,
          `sed -i 's/<VirtualHost \\*:80>/<VirtualHost *:${port}>/' /etc/apache2/sites-available/000-default.conf`,
          'ln -sf /dev/stdout /var/log/apache2/access.log',
          'ln -sf /dev/stderr /var/log/apache2/error.log',
          ...php,
          // apache runs as the user the image runs as (chown to www-data of its mutexes and sockets fails
          // otherwise); apache2ctl makes its run and lock dirs at start, which that user cannot: made here
          ...(user
            ? [
                `sed -i -e 's/^export APACHE_RUN_USER=.*/export APACHE_RUN_USER=${user.name}/' -e 's/^export APACHE_RUN_GROUP=.*/export APACHE_RUN_GROUP=${user.name}/' /etc/apache2/envvars`,
                'mkdir -p /var/run/apache2 /var/lock/apache2',
              ]
            : []),
          ...own('/var/run/apache2 /var/lock/apache2 /var/log/apache2'),
        ];
      }
      const [conf, dir] = family === 'alpine' ? ['/etc/apache2/httpd.conf', 'apache2'] : ['/etc/httpd/conf/httpd.conf', 'httpd'];
      // Alpine's httpd.conf serves /var/www/localhost/htdocs; the site is copied to /var/www/html, RHEL's own root
      const docroot = family === 'alpine' ? [`sed -i 's#/var/www/localhost/htdocs#/var/www/html#g' ${conf}`] : [];
      return [`sed -i 's/^Listen 80$/Listen ${port}/' ${conf}`, ...docroot, ...php, ...(user ? [`mkdir -p /run/${dir}`, ...own(`/run/${dir} /var/log/${dir}`)] : [])];
    },
  },
  'php-fpm': {
    description: 'PHP FastCGI process manager on port 9000 (127.0.0.1 beside a web server)',
    packages: { debian: ['php-fpm'], ubuntu: ['php-fpm'], alpine: ['php83-fpm'], rhel: ['php-fpm'] },
    // alone, the probe's FastCGI client is PHP's CLI (on Debian and Ubuntu a dependency of php-fpm already)
    // FastCGI has no authentication, and its parameters (PHP_VALUE, SCRIPT_FILENAME) run any code
    privatePort: 9000,
    probePackages: (family, services) => (besideWebServer(services) ? [] : ({ alpine: ['php83'], rhel: ['php-cli'] } as Partial<Record<Family, string[]>>)[family] ?? []),
    // The binary is versioned on Debian (php-fpm8.4): the install step links it to /usr/local/sbin/php-fpm.
    command: same(['php-fpm', '-F', '-y', '/etc/create-image/php-fpm.conf']),
    needsRoot: false,
    // beside a web server, the page that must run in PHP is its probe (webProbes); alone, a FastCGI request
    probes: ({ services }) => (besideWebServer(services) ? [] : [fastcgiProbe()]),
    // beside a web server, the server's check asks through it; alone, php-fpm's ping page over FastCGI
    health: (_port, services) => (besideWebServer(services) ? undefined : fastcgiPing()),
    config: { source: 'config/php-fpm.conf', target: () => '/etc/create-image/php-fpm.conf' },
  },
  redis: {
    description: 'Redis key-value store (a password always; on loopback unless port 6379 is asked for)',
    packages: { debian: ['redis-server', 'redis-tools'], ubuntu: ['redis-server', 'redis-tools'], alpine: ['redis'], rhel: ['redis'] },
    // config/redis.conf includes the password file the entrypoint writes at start (REDIS_STATE)
    command: same(['redis-server', '/etc/create-image/redis.conf']),
    needsRoot: false,
    // No default port: an unauthenticated-by-default store is not exposed unless asked (--port 6379).
    ownPort: 6379,
    // beside cron or sshd (root), never root itself: a client of a root redis would reach root's files
    asAccount: 'process',
    health: (port) => `REDISCLI_AUTH="$(cat ${REDIS_STATE}/password)" redis-cli -p ${port} ping | grep -q PONG`,
    // inside the container (its port is on loopback unless exposed): refused without the password, PONG with it
    probes: ({ port }) => [
      {
        kind: 'command',
        command: [
          'sh',
          '-c',
          [
            `out=$(redis-cli -p ${port} ping 2>&1)`,
            'case $out in *NOAUTH*) ;; *) echo "redis answered PING without its password: $out"; exit 1 ;; esac',
            `REDISCLI_AUTH="$(cat ${REDIS_STATE}/password)" redis-cli -p ${port} ping`,
          ].join('\n'),
        ],
        expect: 'PONG',
        label: 'redis PING: NOAUTH without the password, PONG with it',
      },
    ],
    setup: (_family, { user }) => [`mkdir -p ${REDIS_STATE}`, `chmod 700 ${REDIS_STATE}`, ...(user ? [`chown ${user.name}:${user.name} ${REDIS_STATE}`] : [])],
    config: { source: 'config/redis.conf', target: () => '/etc/create-image/redis.conf' },
  },
  openssh: {
    description: 'OpenSSH server (host keys made at first start)',
    packages: { debian: ['openssh-server'], ubuntu: ['openssh-server'], alpine: ['openssh-server'], rhel: ['openssh-server'] },
    command: same(['/usr/sbin/sshd', '-D', '-e']),
    needsRoot: true,
    port: 22,
    ownPort: 22,
    probes: () => [{ kind: 'tcp', port: 22, expect: 'SSH-2.0-', label: 'tcp :22 answered an SSH banner' }],
    // Host keys are made per container at first start (the entrypoint), never baked into the image.
    setup: () => ['mkdir -p /run/sshd', 'rm -f /etc/ssh/ssh_host_*'],
  },
  cron: {
    description: 'cron daemon (jobs in config/crontab, run as a non-root user)',
    // ubi-minimal has no useradd for the jobs' account
    packages: { debian: ['cron'], ubuntu: ['cron'], alpine: [], rhel: ['cronie', 'shadow-utils'] },
    command: { debian: ['cron', '-f'], ubuntu: ['cron', '-f'], alpine: ['crond', '-f'], rhel: ['crond', '-n'] },
    needsRoot: true,
    asAccount: 'jobs',
    // its jobs run on their schedule, a minute away at best: the daemon that runs them is what can be asked
    probes: () => [processProbe('cron', '^crond?$')],
    config: { source: 'config/crontab', target: (family) => OS[family].crontab.path },
  },
};

export const SERVICE_NAMES = Object.keys(SERVICES);

const WEB_SERVERS = ['nginx', 'apache'];
/** php-fpm beside nginx or apache serves them; alone, a web server in another container. */
const besideWebServer = (services: readonly string[]): boolean => services.some((s) => WEB_SERVERS.includes(s));

/**
 * `ports` as `docker run -p` and compose publish them: a chosen service's private port (php-fpm's
 * FastCGI) on the host's loopback only, where a web server of the host or a tunnel can reach it.
 */
export function publishPorts(services: readonly string[], ports: readonly PortSpec[]): PortSpec[] {
  const closed = new Set(services.map((s) => SERVICES[s]?.privatePort).filter((p) => p !== undefined));
  return ports.map((p) => (p.proto === 'tcp' && p.from === p.to && closed.has(p.from) ? { ...p, bind: '127.0.0.1' } : p));
}

/**
 * The port a single web service listens on: the first TCP port answered that no other chosen service
 * owns (`--port 6379 --port 8080` beside redis is 8080), else `fallback`.
 */
export function webPort(services: readonly string[], ports: readonly { from: number; proto: string }[], fallback: number): number {
  const owned = new Set(services.map((s) => SERVICES[s]?.ownPort));
  return ports.find((p) => p.proto === 'tcp' && !owned.has(p.from))?.from ?? fallback;
}

/**
 * A web server's probes: its root answers, and beside php-fpm, index.php runs (its body without `<?php`:
 * a server with no PHP handler serves the source, or fails with 502/503).
 */
function webProbes({ port, services }: { port: number; services: readonly string[] }): Probe[] {
  const probes: Probe[] = [{ kind: 'http', port, path: '/', label: `GET :${port}/ answered` }];
  if (services.includes('php-fpm')) probes.push({ kind: 'http', port, path: '/index.php', refuse: '<?php', label: `GET :${port}/index.php ran PHP (no source in the body)` });
  return probes;
}

/** The php-fpm pool's ping page (php-fpm.conf alone): answers `pong` while the pool takes requests. */
export const PHP_FPM_PING = '/fpm-ping';

/** Runs PHP code given as `$1` with PHP's CLI: Debian's is php, Alpine's php83. */
const PHP_CLI = 'exec "$(command -v php || command -v php83)" -r "$1"';

/**
 * PHP (for `php -r`) that sends php-fpm on 127.0.0.1:9000 one FastCGI request with `params` (a PHP array
 * expression) and leaves its whole answer in `$out`; no connection exits 1 with a line on stderr.
 */
function fastcgiRequest(params: string): string[] {
  return [
    '$s = @fsockopen("127.0.0.1", 9000, $no, $why, 3);',
    'if (!$s) { fwrite(STDERR, "no FastCGI on 127.0.0.1:9000: $why\\n"); exit(1); }',
    // a record: version 1, type, request id 1, length, no padding
    '$rec = function ($type, $body) { return pack("CCnnCx", 1, $type, 1, strlen($body), 0) . $body; };',
    '$params = "";',
    `foreach (${params} as $k => $v) $params .= chr(strlen($k)) . chr(strlen($v)) . $k . $v;`,
    // BEGIN_REQUEST as a responder, PARAMS, empty PARAMS, empty STDIN
    'fwrite($s, $rec(1, pack("nCx5", 1, 0)) . $rec(4, $params) . $rec(4, "") . $rec(5, ""));',
    'stream_set_timeout($s, 5);',
    '$out = stream_get_contents($s);',
  ];
}

/**
 * php-fpm alone (a FastCGI backend for a web server elsewhere): inside the container, PHP's CLI writes a
 * script and asks php-fpm on :9000 to run it over FastCGI. Its answer must hold what only running the script
 * gives (42, where the file says 6 * 7), whatever site the image serves.
 */
function fastcgiProbe(): Probe {
  const client = [
    '$f = sys_get_temp_dir() . "/create-image-probe.php";',
    'file_put_contents($f, "<?php echo \'php-fpm ran PHP: \', 6 * 7;");',
    ...fastcgiRequest('["SCRIPT_FILENAME" => $f, "REQUEST_METHOD" => "GET"]'),
    'echo $out;',
    'unlink($f);',
  ].join(' ');
  return { kind: 'command', command: ['sh', '-c', PHP_CLI, 'sh', client], expect: 'php-fpm ran PHP: 42', label: 'FastCGI :9000 ran PHP' };
}

/** php-fpm alone's health command: its ping page over FastCGI must answer pong (php-fpm matches SCRIPT_NAME). */
function fastcgiPing(): string {
  const client = [
    ...fastcgiRequest(`["SCRIPT_NAME" => "${PHP_FPM_PING}", "SCRIPT_FILENAME" => "${PHP_FPM_PING}", "REQUEST_METHOD" => "GET"]`),
    'exit(strpos($out, "pong") === false ? 1 : 0);',
  ].join(' ');
  return shCommand(['sh', '-c', PHP_CLI, 'sh', client]);
}

/** A daemon with nothing to ask: a process whose name (/proc/PID/comm) matches `comm`, an extended regex, runs. */
function processProbe(name: string, comm: string): Probe {
  return {
    kind: 'command',
    // cat, not grep on the files: a process that exits between the glob and the read makes grep exit 2
    command: ['sh', '-c', `cat /proc/[0-9]*/comm 2> /dev/null | grep -qE ${sh(comm)} && echo ${sh(`${name} is running`)}`],
    expect: `${name} is running`,
    label: `${name} process running`,
  };
}

/** The php-fpm address the custom recipe's php-fpm.conf listens on (nginx and apache hand .php to it). */
const PHP_FPM_ADDRESS = '127.0.0.1:9000';

/**
 * Apache beside php-fpm: .php handed to php-fpm over FastCGI (proxy_fcgi), index.php as a directory
 * index. Without it Debian's, Ubuntu's and Alpine's apache serve PHP as source, and RHEL's php.conf
 * points at a socket php-fpm does not listen on (a later conf.d file overrides its handler).
 */
function phpFpmHandler(family: Family): string[] {
  const lines = ['<FilesMatch "\\.php$">', `    SetHandler "proxy:fcgi://${PHP_FPM_ADDRESS}"`, '</FilesMatch>', 'DirectoryIndex index.php index.html'];
  const write = (file: string) => `${shCommand(['printf', '%s\\n', ...lines])} > ${file}`;
  if (family === 'debian' || family === 'ubuntu') {
    return ['a2enmod proxy_fcgi', write('/etc/apache2/conf-available/create-image-php-fpm.conf'), 'a2enconf create-image-php-fpm'];
  }
  // Alpine: apache2-proxy's conf.d/proxy.conf loads mod_proxy and mod_proxy_fcgi; RHEL's httpd loads them itself
  return [write(family === 'alpine' ? '/etc/apache2/conf.d/zz-create-image-php-fpm.conf' : '/etc/httpd/conf.d/zz-create-image-php-fpm.conf')];
}

// The dated releases (end of support, the default release per family) live in releases.ts.
export { BASE_IMAGES, BASE_RELEASES, baseRelease, endOfSupportWarning, type BaseRelease } from './releases.js';

/** Conventions of a family's base images that templates need as text: paths and file formats. */
export interface OsFacts {
  /** Login shell of accounts that must not log in. */
  nologin: string;
  /** The system's bundle of trusted CA certificates (one PEM file). */
  caBundle: string;
  /** Where cron reads the image's jobs, and whether its lines name the user a job runs as (system crontab format). */
  /** percent: whether cron turns an unescaped % in a command into a newline (vixie cron, cronie), as busybox crond does not. */
  crontab: { path: string; userField: boolean; percent: boolean };
  /** The tools that add users and groups: busybox's adduser/addgroup or shadow-utils' useradd/groupadd (other flags). */
  accounts: 'busybox' | 'shadow';
}

const OS: Record<Family, OsFacts> = {
  debian: { nologin: '/usr/sbin/nologin', caBundle: '/etc/ssl/certs/ca-certificates.crt', crontab: { path: '/etc/cron.d/create-image', userField: true, percent: true }, accounts: 'shadow' },
  ubuntu: { nologin: '/usr/sbin/nologin', caBundle: '/etc/ssl/certs/ca-certificates.crt', crontab: { path: '/etc/cron.d/create-image', userField: true, percent: true }, accounts: 'shadow' },
  // busybox crond reads per-user tables: no user field
  alpine: { nologin: '/sbin/nologin', caBundle: '/etc/ssl/certs/ca-certificates.crt', crontab: { path: `/etc/crontabs/${SERVICE_ACCOUNT.name}`, userField: false, percent: false }, accounts: 'busybox' },
  rhel: { nologin: '/usr/sbin/nologin', caBundle: '/etc/pki/tls/certs/ca-bundle.crt', crontab: { path: '/etc/cron.d/create-image', userField: true, percent: true }, accounts: 'shadow' },
};

export function osFacts(family: Family): OsFacts {
  return OS[family];
}

/** Packages that provide a runtime, per family. Versions come from the family's own repositories. */
const RUNTIME_PACKAGES: Record<Exclude<RuntimeName, 'none'>, Record<Family, string[]>> = {
  node: { debian: ['nodejs', 'npm'], ubuntu: ['nodejs', 'npm'], alpine: ['nodejs', 'npm'], rhel: ['nodejs', 'npm'] },
  python: { debian: ['python3', 'python3-venv'], ubuntu: ['python3', 'python3-venv'], alpine: ['python3'], rhel: ['python3'] },
  go: { debian: ['golang-go'], ubuntu: ['golang-go'], alpine: ['go'], rhel: ['golang'] },
  java: { debian: ['default-jre-headless'], ubuntu: ['default-jre-headless'], alpine: ['openjdk17-jre-headless'], rhel: ['java-17-openjdk-headless'] },
  ruby: { debian: ['ruby'], ubuntu: ['ruby'], alpine: ['ruby'], rhel: ['ruby'] },
  php: { debian: ['php-cli'], ubuntu: ['php-cli'], alpine: ['php83'], rhel: ['php-cli'] },
};

/** The runtime version each family release packages, where we know it: used to refuse impossible pins. */
export const PACKAGED_VERSIONS: Record<string, Partial<Record<RuntimeName, string>>> = {
  'debian:bookworm': { node: '18.19', python: '3.11', go: '1.19', java: '17', ruby: '3.1', php: '8.2' },
  'debian:trixie': { node: '20.19', python: '3.13', go: '1.24', java: '21', ruby: '3.3', php: '8.4' },
  'ubuntu:24.04': { node: '18', python: '3.12', go: '1.22', java: '21', ruby: '3.2', php: '8.3' },
  'ubuntu:22.04': { node: '12', python: '3.10', go: '1.18', java: '17', ruby: '3.0', php: '8.1' },
};

/** Official runtime images already carry their runtime: installing it again would duplicate it. */
const RUNTIME_IMAGES: Record<Exclude<RuntimeName, 'none'>, RegExp> = {
  node: /(^|\/)node:/,
  python: /(^|\/)python:/,
  go: /(^|\/)golang:/,
  java: /(^|\/)(eclipse-temurin|openjdk|amazoncorretto|tomcat):/,
  ruby: /(^|\/)ruby:/,
  php: /(^|\/)php:/,
};

export function runtimePackages(runtime: Runtime, family: Family, base: string): string[] {
  if (runtime.name === 'none' || RUNTIME_IMAGES[runtime.name].test(base)) return [];
  return RUNTIME_PACKAGES[runtime.name][family];
}

/** The "debian:bookworm" key of PACKAGED_VERSIONS for a base like "debian:bookworm-slim" or "debian:12". */
export function releaseKey(base: string): string | undefined {
  const m = /(?:^|\/)(debian|ubuntu):([\w.]+?)(?:-slim)?$/.exec(base);
  if (!m) return undefined;
  const aliases: Record<string, string> = { '12': 'bookworm', '13': 'trixie', noble: '24.04', jammy: '22.04' };
  return `${m[1]}:${aliases[m[2]!] ?? m[2]}`;
}

export interface PackageManager {
  /** Shell commands (joined with && by the caller) that install packages and leave no caches. */
  install(pkgs: string[]): string[];
}

export function packageManager(family: Family, base: string): PackageManager {
  switch (family) {
    case 'debian':
    case 'ubuntu':
      return {
        // apt's and dpkg's logs and ldconfig's cache hold the time of the build: gone, so two builds of the
        // same sources (--reproducible) write the same bytes (measured: the only files that differed)
        install: (pkgs) => ['apt-get update', `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`, 'rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log /var/log/alternatives.log /var/cache/ldconfig/aux-cache'],
      };
    case 'alpine':
      return { install: (pkgs) => [`apk add --no-cache ${pkgs.join(' ')}`] };
    case 'rhel': {
      const dnf = /ubi-?minimal|ubi\d+-minimal/.test(base) ? 'microdnf' : 'dnf';
      const opts = dnf === 'dnf' ? ' --setopt=install_weak_deps=False --nodocs' : ' --nodocs';
      return { install: (pkgs) => [`${dnf} install -y${opts} ${pkgs.join(' ')}`, `${dnf} clean all`, 'rm -rf /var/cache/dnf /var/cache/yum'] };
    }
  }
}

/** Packages every generated image needs on top of the base, per family. */
export function basePackages(family: Family, opts: { tzdata: boolean; localeName: string; ca: boolean }): string[] {
  const pkgs: string[] = [];
  if (opts.ca || family !== 'alpine') pkgs.push('ca-certificates');
  if (opts.tzdata) pkgs.push('tzdata');
  pkgs.push(...localePackages(family, opts.localeName));
  return pkgs;
}

export const isPlainLocale = (locale: string): boolean => /^(C|POSIX|C\.UTF-8|C\.utf8)$/.test(locale);

export function localePackages(family: Family, locale: string): string[] {
  if (isPlainLocale(locale)) return [];
  const lang = locale.split(/[_.@]/)[0]!;
  switch (family) {
    case 'debian':
    case 'ubuntu':
      return ['locales'];
    case 'alpine':
      return ['musl-locales'];
    case 'rhel':
      return [`glibc-langpack-${lang}`];
  }
}

/** Commands that make `locale` generated and usable (Alpine's musl needs no generation). */
export function localeCommands(family: Family, locale: string): string[] {
  if (isPlainLocale(locale) || family === 'alpine' || family === 'rhel') return [];
  const [name, charset = 'UTF-8'] = locale.split('.');
  const [input] = name!.split('@');
  const modifier = locale.includes('@') ? `@${locale.split('@')[1]}` : '';
  return [`localedef -i ${input}${modifier} -c -f ${charset.replace(/^utf8$/i, 'UTF-8')} -A /usr/share/locale/locale.alias ${locale}`];
}

export function timezoneCommands(zone: string): string[] {
  return [`ln -snf /usr/share/zoneinfo/${zone} /etc/localtime`, `echo ${zone} > /etc/timezone`];
}

export interface UserSpec {
  name: string;
  uid: number;
  home: string;
}

/** Creates a system user with a fixed uid (stable file ownership across rebuilds) and no login shell. */
export function addUserCommands(family: Family, u: UserSpec): string[] {
  const shell = OS[family].nologin;
  if (OS[family].accounts === 'busybox') {
    return [`addgroup -S -g ${u.uid} ${u.name}`, `adduser -S -D -u ${u.uid} -G ${u.name} -h ${u.home} -s ${shell} ${u.name}`];
  }
  return [`groupadd --system --gid ${u.uid} ${u.name}`, `useradd --system --uid ${u.uid} --gid ${u.name} --home-dir ${u.home} --create-home --shell ${shell} ${u.name}`];
}

/** Packages a family needs for useradd (ubi-minimal has no shadow-utils). */
export function userPackages(family: Family, base: string): string[] {
  return family === 'rhel' && /minimal/.test(base) ? ['shadow-utils'] : [];
}

/** Packages that live in EPEL on the rhel family: the repository must be enabled by an earlier install. */
const EPEL_PACKAGES = ['supervisor', 'tini'];

export function repoSetupCommands(family: Family, base: string, pkgs: string[]): string[] {
  if (family !== 'rhel' || !pkgs.some((p) => EPEL_PACKAGES.includes(p))) return [];
  return [`${epelDnf(base)} install -y epel-release`];
}

/** The same as a RUN of its own, leaving no package caches behind. */
export function repoSetupRun(family: Family, base: string, pkgs: string[]): string[] {
  const setup = repoSetupCommands(family, base, pkgs);
  return setup.length ? [...setup, `${epelDnf(base)} clean all`, 'rm -rf /var/cache/dnf /var/cache/yum'] : [];
}

const epelDnf = (base: string) => (/minimal/.test(base) ? 'microdnf' : 'dnf');
