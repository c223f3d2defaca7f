#!/usr/bin/env bash
# `make start`: install every built example guest into the nginx/ tree and
# serve it on 127.0.0.1:18080. Idempotent: a running instance is reloaded
# (or restarted when the host module was rebuilt since it started).
# Expects `make build` to have run: build/module/ngx_http_wasm_module.so and
# build/guests/<name>.wasm.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TREE="$ROOT/nginx"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
MODULE_SO="$ROOT/build/module/ngx_http_wasm_module.so"
GUESTS_DIR="$ROOT/build/guests"
BASE_URL="http://127.0.0.1:18080"
NGX=("$NGINX" -p "$TREE/" -c nginx.conf)

die() { echo "start.sh: $*" >&2; exit 1; }

[ -f "$MODULE_SO" ] || die "missing $MODULE_SO: run \`make module\` (or \`make start\`, which builds everything)"
compgen -G "$GUESTS_DIR/*.wasm" >/dev/null || die "no guests in $GUESTS_DIR: run \`make guests\`"

mkdir -p "$TREE/run/tmp" "$TREE/cache" "$TREE/wasm" "$TREE/conf.d"

# name -> how it is served. A filter guest needs a content source; the rewrite
# guest falls through to a `return` that shows what it changed.
declare -A PHASE EXPORT EXTRA CURL
PHASE[hello]=content;         EXPORT[hello]=on_content
CURL[hello]="curl -i $BASE_URL/hello"
PHASE[echo]=content;          EXPORT[echo]=on_content
CURL[echo]="curl -i -H 'X-Demo: 42' '$BASE_URL/echo?name=nginx'"
PHASE[rewrite]=rewrite;       EXPORT[rewrite]=on_rewrite
EXTRA[rewrite]='return 200 "fell through to nginx; X-Rewritten: $http_x_rewritten\n";'
CURL[rewrite]="curl -i $BASE_URL/rewrite   # and: curl -i '$BASE_URL/rewrite?redirect=1'"
PHASE[uppercase]=body_filter; EXPORT[uppercase]=on_body
EXTRA[uppercase]='alias html/static/sample.txt;'
CURL[uppercase]="curl -i $BASE_URL/uppercase"

installed=()
for wasm in "$GUESTS_DIR"/*.wasm; do
  name="$(basename "$wasm" .wasm)"
  # Examples without an entry above are content handlers by convention.
  phase="${PHASE[$name]:-content}"
  export_name="${EXPORT[$name]:-on_content}"
  args=(install "$wasm" --tree "$TREE" --location "/$name" --phase "$phase" --export "$export_name")
  [ -n "${EXTRA[$name]:-}" ] && args+=(--directive "${EXTRA[$name]}")
  node "$ROOT/bin/ngxwasm.js" "${args[@]}" >/dev/null
  installed+=("$name")
done

"${NGX[@]}" -t -q || die "nginx -t failed for $TREE/nginx.conf (see the messages above)"

running_pid() {
  local pid
  pid="$(cat "$TREE/run/nginx.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q nginx "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

if pid="$(running_pid)"; then
  if [ "$MODULE_SO" -nt "$TREE/run/nginx.pid" ]; then
    echo "host module rebuilt since nginx started: restarting"
    bash "$TREE/stop.sh"
    "${NGX[@]}"
  else
    echo "nginx already running (pid $pid): reloading"
    "${NGX[@]}" -s reload
  fi
else
  "${NGX[@]}"
fi

echo "nginx serves the ngxwasm examples on $BASE_URL (log: nginx/run/error.log; stop: make stop)"
for name in "${installed[@]}"; do
  echo "  ${CURL[$name]:-curl -i $BASE_URL/$name}"
done
