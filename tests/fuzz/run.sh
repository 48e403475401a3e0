#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for SECONDS (default 30).
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
# Crashes are written to tests/fuzz/artifacts/ and make the script fail.
# The seed is fixed (FUZZ_SEED, default 1) so a CI run explores the same
# inputs every time; FUZZ_SEED=0 lets libFuzzer pick one (the long runs).
# FUZZ_TS_SOURCE_DIR=/path/to/tree-sitter-0.20.7 (apt-get source tree-sitter)
# builds libtree-sitter from that source with the sanitizers, instead of
# linking Debian's uninstrumented library (use another FUZZ_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
shift || true
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang cmake -S . -B "$build" -DPRGATE_FUZZ=ON -DPRGATE_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPRGATE_TS_SOURCE_DIR="${FUZZ_TS_SOURCE_DIR:-}" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
mkdir -p tests/fuzz/artifacts
status=0
for t in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/${t#fuzz_}
  work=$(mktemp -d)
  mkdir -p "$corpus"
  echo "fuzz: $t for ${secs}s" >&2
  if ! LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp "$build/tests/fuzz/$t" -max_total_time="$secs" -seed="${FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix=tests/fuzz/artifacts/"$t"- -print_final_stats=1 "$work" "$corpus" \
       >"$work.log" 2>&1; then
    echo "fuzz: $t FAILED" >&2
    tail -40 "$work.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work.log" | tail -2 >&2 || true
  fi
  rm -rf "$work" "$work.log"
done
exit $status
