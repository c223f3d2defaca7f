#!/usr/bin/env bash
# `make stop`: gracefully stop the nginx started by nginx/start.sh, if any.
set -euo pipefail

TREE="$(cd "$(dirname "$0")" && pwd)"
PID_FILE="$TREE/run/nginx.pid"

pid="$(cat "$PID_FILE" 2>/dev/null || true)"
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null || ! grep -q nginx "/proc/$pid/cmdline" 2>/dev/null; then
  echo "nginx is not running (no live pid in nginx/run/nginx.pid)"
  rm -f "$PID_FILE"
  exit 0
fi

kill -QUIT "$pid"   # graceful: finish in-flight requests
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || { echo "nginx stopped (pid $pid)"; exit 0; }
  sleep 0.1
done
echo "nginx (pid $pid) did not stop within 10s; sending SIGTERM" >&2
kill -TERM "$pid" 2>/dev/null || true
