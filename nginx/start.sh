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

# name -> how it is served (see each guest's header comment). A filter guest
# needs a content source; the rewrite guest runs for every URL no other
# location claims and falls through to a `return` that shows what it set.
declare -A LOCATION PHASE EXPORT CURL
declare -A EXTRA1 EXTRA2
LOCATION[hello]=/hello;         PHASE[hello]=content;         EXPORT[hello]=on_content
CURL[hello]="curl -i $BASE_URL/hello"
LOCATION[echo]=/echo;           PHASE[echo]=content;          EXPORT[echo]=on_content
CURL[echo]="curl -s '$BASE_URL/echo/x?a=1&tag=x&tag=y' -H 'X-Request-Id: 42'"
LOCATION[rewrite]=/;            PHASE[rewrite]=rewrite;       EXPORT[rewrite]=on_rewrite
EXTRA1[rewrite]='return 200 "fell through to nginx: $uri, X-Guest: $http_x_guest\n";'
CURL[rewrite]="curl -i '$BASE_URL/old/page?x=1'   # 301 to /new/page?x=1; then: curl -i $BASE_URL/new/page"
LOCATION[uppercase]=/uppercase; PHASE[uppercase]=body_filter; EXPORT[uppercase]=on_body
EXTRA1[uppercase]='header_filter_by_wasm wasm/uppercase.wasm on_header;'
EXTRA2[uppercase]='alias html/static/sample.txt;'
CURL[uppercase]="curl -i $BASE_URL/uppercase   # html/static/sample.txt, upper-cased"

# A tree that is already broken would make every guest look unsupported.
"${NGX[@]}" -t -q 2>/dev/null || { "${NGX[@]}" -t -q || true; die "nginx -t fails before installing anything: fix $TREE/conf.d/ first"; }

installed=()
for wasm in "$GUESTS_DIR"/*.wasm; do
  name="$(basename "$wasm" .wasm)"
  # Examples without an entry above are content handlers at /<name> by convention.
  args=(install "$wasm" --tree "$TREE" --location "${LOCATION[$name]:-/$name}"
        --phase "${PHASE[$name]:-content}" --export "${EXPORT[$name]:-on_content}")
  [ -n "${EXTRA1[$name]:-}" ] && args+=(--directive "${EXTRA1[$name]}")
  [ -n "${EXTRA2[$name]:-}" ] && args+=(--directive "${EXTRA2[$name]}")
  node "$ROOT/bin/ngxwasm.js" "${args[@]}" >/dev/null
  # Guests that need what this host lacks (shared dict, subrequests, …) fail
  # nginx -t: leave them out and say why.
  if ! out="$("${NGX[@]}" -t -q 2>&1)"; then
    echo "not serving $name: $(grep -m1 -o 'wasm: .*' <<<"$out" || echo "$out")"
    rm -f "$TREE/conf.d/$name.conf" "$TREE/wasm/$name.wasm"
    continue
  fi
  installed+=("$name")
done

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
