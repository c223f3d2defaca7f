#!/usr/bin/env bash
# Build the libFuzzer target of the module's wasm reader.
#   bash nginx/module/fuzz/build.sh <outdir>      -> <outdir>/fuzz_reader
# Needs the configured nginx tree of nginx/module/build.sh (build/nginx-src,
# for objs/ngx_auto_config.h: run `make module` first) and clang with
# compiler-rt (Debian: clang, libclang-rt-14-dev). The reader is built with
# ASan + UBSan and libFuzzer's coverage, with ngx_string_stub.c for the one
# nginx function it calls (ngx_slprintf: nginx-dev ships headers only).
set -euo pipefail

out=${1:?usage: build.sh <outdir>}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
src=$root/build/nginx-src
cc=${CLANG:-clang}

if [ ! -f "$src/objs/ngx_auto_config.h" ]; then
  echo "fuzz/build.sh: $src is not configured: run \`make module\` first" >&2
  exit 1
fi

incs=(-I "$src/src/core" -I "$src/src/event" -I "$src/src/event/modules"
      -I "$src/src/os/unix" -I "$src/objs" -I "$src/src/http"
      -I "$src/src/http/modules" -I "$here/.." -I "$root/host-abi")

mkdir -p "$out"

"$cc" -g -O1 -Wall -Wextra -Wno-unused-parameter -Werror \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  "${incs[@]}" "$here/fuzz_reader.c" "$here/ngx_string_stub.c" \
  -o "$out/fuzz_reader.tmp"

mv "$out/fuzz_reader.tmp" "$out/fuzz_reader"
echo "built $out/fuzz_reader"
