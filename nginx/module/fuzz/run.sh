#!/usr/bin/env bash
# Fuzz the module's wasm reader for a bounded time; exit status 0 when
# libFuzzer found nothing, non-zero (and the input in build/fuzz/) otherwise.
#   bash nginx/module/fuzz/run.sh SECONDS [WORK_CORPUS [MORE_SEED_DIRS...]]
# WORK_CORPUS (default build/fuzz/corpus) receives the inputs libFuzzer finds
# interesting and is kept between runs; the committed seeds
# (nginx/module/fuzz/corpus) are only read. Builds the target first
# (fuzz/build.sh; needs `make module` to have configured build/nginx-src).
# One process: the machine has two cores and other work to do.
#
# Reproduce a finding: build/fuzz/fuzz_reader build/fuzz/crash-<sha1>
# (NGX_HTTP_WASM_FUZZ_PRINT=1 also prints the reader's messages).
set -euo pipefail

seconds=${1:?usage: run.sh SECONDS [WORK_CORPUS [SEED_DIR...]]}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$root/build/fuzz
work=${2:-$out/corpus}
shift $(( $# < 2 ? $# : 2 ))

bash "$here/build.sh" "$out"
mkdir -p "$work"

# -malloc_limit_mb: an allocation the input's counts drive past 64 MiB is a
# finding too (inputs are at most -max_len bytes: the largest seed)
exec "$out/fuzz_reader" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -malloc_limit_mb=64 -print_final_stats=1 \
  -dict="$here/wasm.dict" -artifact_prefix="$out/" \
  "$work" "$here/corpus" "$@"
