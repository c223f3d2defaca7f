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
NGX_LOGGED=("${NGX[@]}" -e run/error.log)   # start/reload: notices go to the log, not the terminal

die() { echo "start.sh: $*" >&2; exit 1; }

[ -f "$MODULE_SO" ] || die "missing $MODULE_SO: run \`make module\` (or \`make start\`, which builds everything)"
compgen -G "$GUESTS_DIR/*.wasm" >/dev/null || die "no guests in $GUESTS_DIR: run \`make guests\`"

mkdir -p "$TREE/run/tmp" "$TREE/cache" "$TREE/wasm" "$TREE/conf.d" "$TREE/http.d"

# name -> how it is served (see each guest's header comment). A filter guest
# needs a content source; the rewrite guest runs for every URL no other
# location claims and falls through to a `return` that shows what it set.
# PHASES: `phase:export` handlers, space-separated (default content:on_content).
declare -A LOCATION PHASES EXTRA CURL   # EXTRA: directives, one per line
LOCATION[hello]=/hello
CURL[hello]="curl -i $BASE_URL/hello"
LOCATION[echo]=/echo
CURL[echo]="curl -s '$BASE_URL/echo/x?a=1&tag=x&tag=y' -H 'X-Request-Id: 42'"
LOCATION[rewrite]=/;            PHASES[rewrite]=rewrite:on_rewrite
EXTRA[rewrite]='default_type text/plain;
return 200 "fell through to nginx: $uri, X-Guest: $http_x_guest\n";'
CURL[rewrite]="curl -i '$BASE_URL/old/page?x=1'   # 301 to /new/page?x=1; then: curl -i $BASE_URL/new/page"
LOCATION[uppercase]=/uppercase; PHASES[uppercase]="header_filter:on_header body_filter:on_body"
EXTRA[uppercase]='default_type text/plain;
alias html/static/sample.txt;'
CURL[uppercase]="curl -i $BASE_URL/uppercase   # html/static/sample.txt, upper-cased"
LOCATION[auth]=/auth;           PHASES[auth]=access:on_access
EXTRA[auth]='default_type text/plain;
alias html/static/sample.txt;
add_header X-User $http_x_user always;'
CURL[auth]="curl -i $BASE_URL/auth   # 401; then register a token (POST, loopback only) and use it:
  curl -i -X POST '$BASE_URL/auth/register?token=s3cret&user=alice'; curl -i $BASE_URL/auth -H 'Authorization: Bearer s3cret'"
CURL[counter]="curl -s $BASE_URL/counter/a   # {\"path\":\"/counter/a\",\"hits\":1}, then 2, 3, …; DELETE resets it"
LOCATION[rate-limit]=/limited;  PHASES[rate-limit]=access:on_access
EXTRA[rate-limit]='default_type text/plain;
alias html/static/sample.txt;'
CURL[rate-limit]="for i in \$(seq 12); do curl -s -o /dev/null -w '%{http_code} ' $BASE_URL/limited; done   # 200 x10, then 429: 10 per minute per client, counted across workers"
LOCATION[status-metrics]=/status/; PHASES[status-metrics]="content:on_content log:on_log"
CURL[status-metrics]="curl -s $BASE_URL/status/404; curl -s $BASE_URL/metrics   # log_by_wasm counted it: responses_total{class=\"4xx\"} 1"
LOCATION[json-api]=/orders
CURL[json-api]="curl -s $BASE_URL/orders -d '{\"customer\":\"ann\",\"items\":[{\"sku\":\"A1\",\"qty\":2,\"price\":9.5}]}'   # totals as JSON; malformed JSON: 400 with the parser's error"
LOCATION[aggregate]=/aggregate
CURL[aggregate]="curl -s '$BASE_URL/aggregate?id=7'   # two subrequests (users and orders services on 18094, 18095) merged into one JSON document"
# Balancer guests go in an upstream {} block, which `ngxwasm install` does not
# write: install_balancer (below) writes it, with its origins, to http.d/.
declare -A BALANCER
BALANCER[pick-backend]=on_balancer
# TLS guests need a `listen … ssl` server: install_tls (below) writes one on
# 18443 to http.d/, with a default certificate made here (run/tls/).
declare -A TLS
TLS[sni-cert]="ssl_client_hello:on_client_hello ssl_certificate:on_certificate"
CURL[sni-cert]="curl -skv --resolve a.sni.test:18443:127.0.0.1 https://a.sni.test:18443/ 2>&1 | grep subject:   # CN=a.sni.test; b.sni.test: CN=b.sni.test; other names: alert 112"
CURL[pick-backend]="curl -s $BASE_URL/pick -H 'X-Backend: b'   # \"origin b\" (a, b, c: the upstream's servers 0..2 on 18091..18093; no header: round robin)"

# Snippets of the examples are regenerated below; drop the old ones first (an
# interrupted run may have left one behind), but only those this script or
# its install wrote: a snippet the user wrote or installed from another file
# stays, and install then leaves that example out, saying why. A tree that
# is still broken (a snippet installed by hand) would make every guest look
# unsupported.
ours() {
  head -n 1 "$1" 2>/dev/null | grep -q -e '^# written by start.sh' -e "^# $2: written by \`ngxwasm install\` from build/guests/$2.wasm;"
}
for wasm in "$GUESTS_DIR"/*.wasm; do
  name="$(basename "$wasm" .wasm)"
  for f in "$TREE/conf.d/$name.conf" "$TREE/http.d/$name.conf"; do
    if ours "$f" "$name"; then rm -f "$f"; fi
  done
done
# an example whose snippet name the user's own files hold: left out
taken() {
  local f
  for f in "$TREE/conf.d/$1.conf" "$TREE/http.d/$1.conf"; do
    if [ -e "$f" ]; then
      echo "not serving $1: ${f#"$ROOT/"} is not ours (written by hand or installed from another file); remove it to serve the example"
      return 0
    fi
  done
  return 1
}
rm -f "$TREE/conf.d/auth-register.conf"   # auth's second location (below)
# aggregate's subrequests go to /internal/user and /internal/orders, proxied
# to two JSON services (server blocks on 18094 and 18095)
rm -f "$TREE/http.d/aggregate-services.conf" "$TREE/conf.d/aggregate-internal.conf"
if [ -f "$GUESTS_DIR/aggregate.wasm" ]; then
  cat >"$TREE/http.d/aggregate-services.conf" <<'CONF'
# written by start.sh: the two services the aggregate example calls
server { listen 127.0.0.1:18094; default_type application/json; return 200 '{"service":"users","name":"Ann","args":"$args"}'; }
server { listen 127.0.0.1:18095; default_type application/json; return 200 '{"service":"orders","orders":[{"id":1,"total":12.5}],"args":"$args"}'; }
CONF
  cat >"$TREE/conf.d/aggregate-internal.conf" <<'CONF'
# written by start.sh: where the aggregate example's subrequests go
location /internal/user   { internal; proxy_pass http://127.0.0.1:18094; }
location /internal/orders { internal; proxy_pass http://127.0.0.1:18095; }
CONF
fi
"${NGX[@]}" -t -q 2>/dev/null || { "${NGX[@]}" -t -q || true; die "nginx -t fails before installing anything: fix $TREE/conf.d/ first"; }

# A balancer guest: checked for the phase and host like install does, then an
# upstream of three origins (server blocks answering "origin a|b|c") on
# 18091..18093, keepalive after balancer_by_wasm, and /pick proxying to it.
install_balancer() {
  local name="$1" wasm="$2" export="$3" msg
  taken "$name" && return 1
  if ! msg="$(node "$ROOT/bin/ngxwasm.js" validate "$wasm" --host nginx --phase balancer --export "$export" 2>&1 >/dev/null)"; then
    echo "not serving $name: ${msg//"$wasm: "/}"
    return 1
  fi
  cp "$wasm" "$TREE/wasm/$name.wasm"
  {
    echo "# written by start.sh: the $name example (balancer_by_wasm), served at /pick"
    echo "upstream ${name//-/_} {"
    echo "    balancer_by_wasm wasm/$name.wasm $export;   # before keepalive"
    echo "    server 127.0.0.1:18091;   # 0: a"
    echo "    server 127.0.0.1:18092;   # 1: b"
    echo "    server 127.0.0.1:18093;   # 2: c"
    echo "    keepalive 8;"
    echo "}"
    for origin in a:18091 b:18092 c:18093; do
      echo "server { listen 127.0.0.1:${origin#*:}; default_type text/plain; return 200 \"origin ${origin%%:*}\n\"; }"
    done
  } >"$TREE/http.d/$name.conf"
  {
    echo "# written by start.sh: the $name example"
    echo "location /pick {"
    echo "    proxy_pass http://${name//-/_};"
    echo "    proxy_http_version 1.1;"
    echo "    proxy_set_header Connection \"\";"
    echo "    add_header X-Tries \$wasm_balancer_try always;"
    echo "}"
  } >"$TREE/conf.d/$name.conf"
}

# A TLS guest: each handler checked for its phase like install does, then a
# TLS server on 18443 running them (default certificate: run/tls/, made once
# with openssl, self-signed, CN default.sni.test, for clients without SNI).
install_tls() {
  local name="$1" wasm="$2" handler msg
  taken "$name" && return 1
  for handler in ${TLS[$name]}; do
    if ! msg="$(node "$ROOT/bin/ngxwasm.js" validate "$wasm" --host nginx --phase "${handler%%:*}" --export "${handler#*:}" 2>&1 >/dev/null)"; then
      echo "not serving $name: ${msg//"$wasm: "/}"
      return 1
    fi
  done
  mkdir -p "$TREE/run/tls"
  if [ ! -f "$TREE/run/tls/default.crt" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj /CN=default.sni.test -keyout "$TREE/run/tls/default.key" -out "$TREE/run/tls/default.crt" 2>/dev/null \
      || { echo "not serving $name: openssl could not make run/tls/default.crt"; return 1; }
  fi
  cp "$wasm" "$TREE/wasm/$name.wasm"
  {
    echo "# written by start.sh: the $name example (TLS hooks) on 127.0.0.1:18443"
    echo "server {"
    echo "    listen 127.0.0.1:18443 ssl;"
    echo "    ssl_certificate run/tls/default.crt;       # clients without SNI"
    echo "    ssl_certificate_key run/tls/default.key;"
    for handler in ${TLS[$name]}; do
      echo "    ${handler%%:*}_by_wasm wasm/$name.wasm ${handler#*:};"
    done
    echo "    default_type text/plain;"
    echo "    location / { return 200 \"TLS with SNI \$ssl_server_name\n\"; }"
    echo "}"
  } >"$TREE/http.d/$name.conf"
}

installed=()
for wasm in "$GUESTS_DIR"/*.wasm; do
  name="$(basename "$wasm" .wasm)"
  if [ -n "${BALANCER[$name]:-}" ]; then
    install_balancer "$name" "$wasm" "${BALANCER[$name]}" || continue
    if ! out="$("${NGX[@]}" -t -q 2>&1)"; then
      reason="$(grep -m1 -o 'wasm: .*' <<<"$out" || echo "$out")"
      echo "not serving $name: ${reason//"$TREE/"/nginx/}"
      rm -f "$TREE/conf.d/$name.conf" "$TREE/http.d/$name.conf" "$TREE/wasm/$name.wasm"
      continue
    fi
    installed+=("$name")
    continue
  fi
  if [ -n "${TLS[$name]:-}" ]; then
    install_tls "$name" "$wasm" || continue
    if ! out="$("${NGX[@]}" -t -q 2>&1)"; then
      reason="$(grep -m1 -o 'wasm: .*' <<<"$out" || echo "$out")"
      echo "not serving $name: ${reason//"$TREE/"/nginx/}"
      rm -f "$TREE/http.d/$name.conf" "$TREE/wasm/$name.wasm"
      continue
    fi
    installed+=("$name")
    continue
  fi
  # Examples without an entry above are content handlers at /<name> by convention.
  args=(install "$wasm" --host nginx --tree "$TREE" --location "${LOCATION[$name]:-/$name}")
  for handler in ${PHASES[$name]:-content:on_content}; do args+=(--phase "$handler"); done
  while IFS= read -r directive; do
    [ -n "$directive" ] && args+=(--directive "$directive")
  done <<<"${EXTRA[$name]:-}"
  # Guests that need what this host lacks (shared dict, subrequests, …; the
  # "nginx" entry of host-abi/hosts.json) are refused by install, which then
  # writes nothing: leave them out and say why — each problem line without
  # its file name and the advice after " — ".
  if ! msg="$(node "$ROOT/bin/ngxwasm.js" "${args[@]}" 2>&1 >/dev/null)"; then
    reason=""
    while IFS= read -r line; do
      case "$line" in "not installed: "*|"") continue ;; esac
      line="${line#"$wasm: "}"
      reason="${reason:+$reason; }${line%% — *}"
    done <<<"$msg"
    echo "not serving $name: ${reason:-$msg}"
    continue
  fi
  # Anything else nginx refuses: leave the guest out too, with nginx's reason.
  if ! out="$("${NGX[@]}" -t -q 2>&1)"; then
    reason="$(grep -m1 -o 'wasm: .*' <<<"$out" || echo "$out")"
    reason="${reason% in /*}"                      # drop " in <conf file>:<line>"
    echo "not serving $name: ${reason//"$TREE/"/nginx/}"
    rm -f "$TREE/conf.d/$name.conf" "$TREE/wasm/$name.wasm"
    continue
  fi
  installed+=("$name")
done

# auth's tokens are registered through its on_register handler: a second
# location for the same module, an admin endpoint open to loopback only.
if [[ " ${installed[*]} " == *" auth "* ]]; then
  if ! node "$ROOT/bin/ngxwasm.js" install "$GUESTS_DIR/auth.wasm" --host nginx --tree "$TREE" \
         --name auth-register --location /auth/register --phase content:on_register \
         --directive "allow 127.0.0.1" --directive "deny all" >/dev/null \
     || ! "${NGX[@]}" -t -q 2>/dev/null; then
    echo "not serving auth's /auth/register: install or nginx -t refused it"
    rm -f "$TREE/conf.d/auth-register.conf" "$TREE/wasm/auth-register.wasm"
  fi
fi

running_pid() {
  local pid
  pid="$(cat "$TREE/run/nginx.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q nginx "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

if pid="$(running_pid)"; then
  if [ "$MODULE_SO" -nt "$TREE/run/nginx.pid" ]; then
    echo "host module rebuilt since nginx started: restarting"
    bash "$TREE/stop.sh"
    "${NGX_LOGGED[@]}"
  else
    echo "nginx already running (pid $pid): reloading"
    "${NGX_LOGGED[@]}" -s reload
  fi
else
  "${NGX_LOGGED[@]}"
fi

echo "nginx serves the ngxwasm examples on $BASE_URL (log: nginx/run/error.log; stop: make stop)"
for name in "${installed[@]}"; do
  echo "  ${CURL[$name]:-curl -i $BASE_URL/$name}"
done
