#!/usr/bin/env bash
# bench/smoke: run bench/run.sh --smoke once (tiny corpus from files on this
# machine, no download) and check the format of what it prints.
set -u
: "${PRGATE_SOURCE_DIR:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/prgate-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
check() { if printf '%s\n' "$out" | grep -qE -- "$1"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: no line matching '$1'" >&2; fi; }
out=$(bash "$PRGATE_SOURCE_DIR/bench/run.sh" --smoke --work "$work" 2>&1)
code=$?
printf '%s\n' "$out"
if [ $code -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: run.sh exited $code" >&2; fi
check '^machine: .*[0-9]+ cores'
check '^corpus \(smoke\): large [0-9]+ files, [0-9]+ bytes, largest file [0-9]+ bytes; small [0-9]+ files'
check '^left out for every tool \(prgate.s default excludes\): [0-9]+ files, [0-9]+ bytes; measured: [0-9]+ files, [0-9]+ bytes$'
check '^large  prgate +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+$'
check '^large  parse-only +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+$'
check '^small  prgate +[0-9.]+'
check '^ratio large prgate/ast-grep: ([0-9.]+ \(target <= 0.50\) (ok|MISSED)|n/a)'
check '^ratio large prgate/parse-only: [0-9.]+ \(target <= 1.30\) (ok|MISSED)$'
check '^small prgate: [0-9.]+ ms \(target < 50\) (ok|MISSED)$'
check '^small prgate without the cache \(first run in a clone\): [0-9.]+ ms$'
check '^small +prgate-cold +[0-9.]+ +[0-9.]+'
# the corpus is deterministic: the same files give the same commits
. "$work/ranges.env"
first=$COMMIT_SMALL
bash "$PRGATE_SOURCE_DIR/bench/corpus.sh" smoke "$work/again" >/dev/null
. "$work/again/ranges.env"
if [ "$first" = "$COMMIT_SMALL" ] && [ "$SMALL_FILES" -ge 2 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: corpus not deterministic ($first vs $COMMIT_SMALL)" >&2; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
