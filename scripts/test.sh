#!/usr/bin/env bash
# Build prgate and run the whole test suite:
#   1. the normal build: unit tests, rule self-tests, integration tests (ctest);
#   2. the AddressSanitizer + UndefinedBehaviorSanitizer build: the same suite;
#   3. the integration tests under valgrind memcheck (0 errors, 0 bytes
#      definitely lost);
#   4. each libFuzzer target for FUZZ_SECONDS (default 30).
# QUICK=1 runs step 1 only. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
jobs=$(nproc)
step() { printf '\n=== %s\n' "$*"; }

step "build and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
ctest --test-dir build --output-on-failure -j"$jobs"
[ "${QUICK:-0}" = 1 ] && exit 0

step "sanitizers (ASan + UBSan): the whole suite"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPRGATE_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

step "valgrind memcheck: the integration tests"
PRGATE_VALGRIND=1 ctest --test-dir build --output-on-failure -j"$jobs" -R '^integration/'

step "fuzz smoke: each target for ${FUZZ_SECONDS:-30}s"
tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"
