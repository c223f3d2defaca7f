#!/usr/bin/env bash
# Build ngx_http_wasm_module.so for Debian's nginx (nginx-dev's source tree).
#   bash nginx/module/build.sh <outdir>           the module (build/nginx-src,
#       or $NGXWASM_NGINX_SRC: `ngxwasm module build` builds outside the package)
#   bash nginx/module/build.sh <outdir> --asan    the same module built with
#       AddressSanitizer, in its own tree (build/nginx-src-asan), for nginx
#       started with LD_PRELOAD=libasan.so (see nginx/module/README.md)
# Incremental: the source tree is copied once, configure runs again only when
# `config` (or this script's flags) changed, and make rebuilds only what
# changed.
set -euo pipefail

out=${1:?usage: build.sh <outdir> [--asan]}
asan=0
case "${2:-}" in
  "") ;;
  --asan) asan=1 ;;
  *) echo "usage: build.sh <outdir> [--asan]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# warnings are errors (nginx adds -Werror); -Wextra on top of nginx's -W -Wall
# --with-http_ssl_module, as Debian's nginx is built: ssl_*_by_wasm reach the
# server's SSL_CTX through ngx_http_ssl_module's configuration (OpenSSL headers
# from libssl-dev, which nginx-dev depends on)
if [ "$asan" = 1 ]; then
  # A separate tree: configuring build/nginx-src with other flags would
  # rebuild the module everyone else's tests load. Only the module's objects
  # are instrumented (`make modules`); the packaged nginx is not, so nginx
  # must run with LD_PRELOAD of libasan, which then intercepts malloc/free
  # and longjmp for everything. --with-compat keeps the module's signature
  # that of Debian's nginx: the sanitizer flags do not enter it.
  src=$root/build/nginx-src-asan
  configure_flags=(--with-compat --with-http_ssl_module "--with-cc-opt=-Wextra -fsanitize=address -fno-omit-frame-pointer"
                   --with-ld-opt=-fsanitize=address "--add-dynamic-module=$here")
else
  src=${NGXWASM_NGINX_SRC:-$root/build/nginx-src}
  configure_flags=(--with-compat --with-http_ssl_module --with-cc-opt=-Wextra "--add-dynamic-module=$here")
fi

if [ ! -x "$src/configure" ]; then
  rm -rf "$src.tmp"
  mkdir -p "$(dirname "$src")"
  cp -a /usr/share/nginx/src "$src.tmp"
  mv "$src.tmp" "$src"
fi

stamp="$src/objs/.ngx_http_wasm_configured"
want="$(sha1sum "$here/config" | cut -d' ' -f1) ${configure_flags[*]}"

if [ ! -f "$src/objs/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if ! (cd "$src" && ./configure "${configure_flags[@]}" >"$src/configure.log" 2>&1); then
    tail -n 30 "$src/configure.log" >&2
    echo "build.sh: nginx configure failed (log: $src/configure.log)" >&2
    exit 1
  fi
  echo "$want" >"$stamp"
fi

make -s -C "$src" -f objs/Makefile modules

mkdir -p "$out"
cp "$src/objs/ngx_http_wasm_module.so" "$out/ngx_http_wasm_module.so.tmp"
mv "$out/ngx_http_wasm_module.so.tmp" "$out/ngx_http_wasm_module.so"
echo "built $out/ngx_http_wasm_module.so"
