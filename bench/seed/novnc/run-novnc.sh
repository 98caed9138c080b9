#!/bin/bash
# The seed's run script: two processes started in the background, then a loop that exits when either is gone.
# websockify's token plugin is the packaged TokenFile (the seed named its own TokenDB).
nohup websockify --web /opt/kvm-novnc/novnc \
--token-plugin=TokenFile \
--token-source=/opt/kvm-novnc/vnc_tokens.db 6080 >> /opt/kvm-novnc/novnc.log &
status=$?
if [ $status -ne 0 ]; then
  echo "Failed to start websockify: $status" >> /opt/novnc-run.log
  exit $status
fi

nohup /usr/bin/python3 /opt/kvm-novnc/novnc_service.py &
status=$?
if [ $status -ne 0 ]; then
  echo "Failed to start novnc_service: $status" >> /opt/novnc-run.log
  exit $status
fi

while sleep 10; do
  ps aux |grep websockify |grep -q -v grep
  PROCESS_1_STATUS=$?
  ps aux |grep novnc_service |grep -q -v grep
  PROCESS_2_STATUS=$?
  if [ $PROCESS_1_STATUS -ne 0 -o $PROCESS_2_STATUS -ne 0 ]; then
    echo "One of the processes has already exited." >> /opt/novnc-run.log
    exit 1
  fi
done
