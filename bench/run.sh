#!/usr/bin/env bash
# `make bench`: requests per second of nginx answering `return 200 "hello"`
# against the hello guest (content_by_wasm), same nginx, same run.
# One worker on a free loopback port; after a 1 s warm-up, BENCH_ROUNDS (default
# 3) interleaved rounds of wrk -t1 -c32 for BENCH_SECONDS (default 5) per
# target (~35 s in all). Prints a table with the medians; asserts nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
MODULE_SO="$ROOT/build/module/ngx_http_wasm_module.so"
HELLO_WASM="$ROOT/build/guests/hello.wasm"
PREFIX="$ROOT/build/bench"
SECONDS_PER_RUN="${BENCH_SECONDS:-5}"
ROUNDS="${BENCH_ROUNDS:-3}"

die() { echo "bench: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed (make deps)"
[ -f "$MODULE_SO" ] || die "missing $MODULE_SO: run \`make module\`"
[ -f "$HELLO_WASM" ] || die "missing $HELLO_WASM: run \`make guests\`"

PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

rm -rf "$PREFIX" && mkdir -p "$PREFIX/tmp" "$PREFIX/wasm"
cp "$HELLO_WASM" "$PREFIX/wasm/hello.wasm"
cat > "$PREFIX/nginx.conf" <<CONF
load_module $MODULE_SO;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    wasm_cache_path wasm_cache;
    server {
        listen 127.0.0.1:$PORT;
        location = /return { default_type text/plain; return 200 "hello"; }
        location = /wasm   { content_by_wasm wasm/hello.wasm on_content; }
    }
}
CONF

NGX=("$NGINX" -p "$PREFIX/" -c nginx.conf)
out="$("${NGX[@]}" -t 2>&1)" || { echo "$out" >&2; die "nginx -t failed for $PREFIX/nginx.conf"; }
"${NGX[@]}" -e error.log   # start-up notices (guest compile/cache) go to the log
stop() { [ -f "$PREFIX/nginx.pid" ] && kill -QUIT "$(cat "$PREFIX/nginx.pid")" 2>/dev/null || true; }
trap stop EXIT

# GET with Node's fetch (curl is not among the project's dependencies)
get() { node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); }, () => process.exit(1))' "$1"; }

for _ in $(seq 50); do get "http://127.0.0.1:$PORT/return" >/dev/null && break; sleep 0.1; done
for path in /return /wasm; do
  body="$(get "http://127.0.0.1:$PORT$path")" || die "GET $path failed"
  echo "GET $path -> $body"
done

# Requests/sec of one wrk run (fails loudly on socket errors or non-2xx answers).
rps() {
  local out
  out="$(wrk -t1 -c32 -d"$2" "http://127.0.0.1:$PORT$1")"
  if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; die "non-2xx responses from $1"; fi
  awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

rps /return 1s >/dev/null; rps /wasm 1s >/dev/null   # warm-up

# Interleaved rounds, so a load change on the machine hits both targets alike;
# the table shows each round and the median.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
rets=(); wasms=()
for _ in $(seq "$ROUNDS"); do
  rets+=("$(rps /return "${SECONDS_PER_RUN}s")")
  wasms+=("$(rps /wasm "${SECONDS_PER_RUN}s")")
done
ret="$(median "${rets[@]}")"
wasm="$(median "${wasms[@]}")"

echo
echo "wrk -t1 -c32 -d${SECONDS_PER_RUN}s x $ROUNDS rounds, nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), 1 worker, $(nproc) cores"
printf '%-30s %12s   %s\n' "target" "req/s" "(rounds)"
printf '%-30s %12.0f   %s\n' 'return 200 "hello"' "$ret" "$(printf '%.0f ' "${rets[@]}")"
printf '%-30s %12.0f   %s\n' "content_by_wasm hello.wasm" "$wasm" "$(printf '%.0f ' "${wasms[@]}")"
printf '%-30s %12s\n' "wasm / return" "$(awk -v a="$wasm" -v b="$ret" 'BEGIN { printf "%.2f", a / b }')"
