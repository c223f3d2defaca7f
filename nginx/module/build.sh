#!/usr/bin/env bash
# Build ngx_http_wasm_module.so for Debian's nginx (nginx-dev's source tree).
#   bash nginx/module/build.sh <outdir>
# Incremental: the source tree is copied once to build/nginx-src, configure
# runs again only when `config` (or this script's flags) changed, and make
# rebuilds only what changed.
set -euo pipefail

out=${1:?usage: build.sh <outdir>}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src=$root/build/nginx-src

# warnings are errors (nginx adds -Werror); -Wextra on top of nginx's -W -Wall
configure_flags=(--with-compat --with-cc-opt=-Wextra "--add-dynamic-module=$here")

if [ ! -x "$src/configure" ]; then
  rm -rf "$src.tmp"
  mkdir -p "$root/build"
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
