#!/usr/bin/env bash
# The benchmark: prgate against ast-grep and the parse-only lower bound.
#
#   bench/run.sh [--smoke] [--reps N] [--work DIR]
#
# Builds the corpus (bench/corpus.sh; --smoke: a tiny one from files on this
# machine, nothing downloaded), then, interleaving the tools in every
# repetition, times on the large range (every file added) and the small one
# (a realistic pre-push change):
#   prgate      prgate check -f json -o /dev/null --filter added (full default packs)
#   ast-grep    ast-grep scan with the packs translated (bench/astgrep/convert.py),
#               over the same files checked out, same number of threads
#   parse-only  bench/parse_only.c: read the same blobs through libgit2, parse them
# and prints medians of wall time, peak RSS (/usr/bin/time -f %M) and the ratios.
# The files prgate excludes by default (vendored, built, minified: one
# prgate run lists them) are left out for ast-grep and parse-only too, so
# that the three parse the same files.
# Environment: BUILD_DIR (default build), PRGATE (default $BUILD_DIR/prgate).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
mode=full reps=5 work=
while [ $# -gt 0 ]; do
  case $1 in
  --smoke) mode=smoke ;;
  --reps) reps=$2; shift ;;
  --work) work=$2; shift ;;
  *) echo "usage: bench/run.sh [--smoke] [--reps N] [--work DIR]" >&2; exit 2 ;;
  esac
  shift
done
[ "$mode" = smoke ] && [ "$reps" = 5 ] && reps=1
work=${work:-$src/bench/work/$mode}
build=${BUILD_DIR:-$src/build}
prgate=${PRGATE:-$build/prgate}
py=/usr/bin/python3
jobs=$(nproc)
mkdir -p "$work"
work=$(cd "$work" && pwd)

# --- tools ---
[ -x "$prgate" ] || { echo "bench: no prgate at $prgate (build first, or set PRGATE)" >&2; exit 2; }
cmake --build "$build" --target parse_only >/dev/null
parse_only=$build/parse_only
if [ ! -x /usr/bin/time ]; then
  if [ "$mode" = full ]; then
    apt-get install -y -qq time >/dev/null 2>&1 || sudo apt-get install -y -qq time >/dev/null
  fi
fi
have_time=false
[ -x /usr/bin/time ] && have_time=true
sg=$here/node_modules/@ast-grep/cli-linux-x64-gnu/ast-grep
if [ ! -x "$sg" ] && [ "$mode" = full ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
have_sg=false
[ -x "$sg" ] && have_sg=true

# --- corpus ---
if [ ! -f "$work/ranges.env" ] || [ "$mode" = smoke ]; then
  "$here/corpus.sh" "$mode" "$work" >/dev/null
fi
# shellcheck disable=SC1091
. "$work/ranges.env"
repo=$work/repo
for c in large small; do
  rm -rf "$work/tree-$c"
  mkdir -p "$work/tree-$c"
  git -C "$repo" archive "$c" | tar -x -C "$work/tree-$c"
done
# the files prgate skips as excluded: out of the other tools' way too
(cd "$repo" && "$prgate" check -f json --fail-level none "$LARGE_RANGE") |
  "$py" -c 'import json,sys; [print(f["path"]) for f in json.load(sys.stdin)["files"] if f["skipped_reason"] == "excluded"]' \
    >"$work/excluded.list"
excluded_bytes=$(cd "$work/tree-large" && xargs -r -a "$work/excluded.list" stat -c %s -- | awk '{s += $1} END {print s + 0}')
(cd "$work/tree-large" && xargs -r -a "$work/excluded.list" rm -f --)
grep -vxF -f "$work/excluded.list" "$work/small.list" >"$work/small.list.kept" || true
mv "$work/small.list.kept" "$work/small.list"
if $have_sg; then
  "$here/astgrep/convert.py" "$src/rules" "$work/astgrep" >"$work/astgrep.log"
fi

# --- measuring ---
# measure NAME RANGE CMD...: one timed run, appended to results.tsv
results=$work/results.tsv
: >"$results"
measure() {
  local name=$1 range=$2 t0 t1 rss=0 rc=0
  shift 2
  t0=$(date +%s%N)
  if $have_time; then
    /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err" || rc=$?
    rss=$(tail -1 "$work/rss")
  else
    "$@" >/dev/null 2>"$work/err" || rc=$?
  fi
  t1=$(date +%s%N)
  # prgate: 0 or 1 (findings); ast-grep: 0 or 1 (error-level findings)
  if [ "$rc" -gt 1 ]; then
    echo "bench: $name failed ($rc): $(head -3 "$work/err")" >&2
    exit 1
  fi
  printf '%s\t%s\t%s\t%s\n' "$range" "$name" $(((t1 - t0) / 1000)) "$rss" >>"$results"
}

run_range() { # RANGE-NAME SPEC
  local r=$1 spec=$2
  (cd "$repo" && measure prgate "$r" "$prgate" check -f json -o /dev/null --filter added --fail-level none "$spec")
  # the small range again without the test-mentions cache (a first run in
  # a fresh clone; the row above is a repeated run, as a pre-push hook is)
  if [ "$r" = small ]; then
    (cd "$repo" && measure prgate-cold "$r" "$prgate" check --no-cache -f json -o /dev/null --filter added --fail-level none "$spec")
  fi
  if $have_sg; then
    if [ "$r" = large ]; then
      (cd "$work/tree-large" && measure ast-grep "$r" "$sg" scan -c "$work/astgrep/sgconfig.yml" -j "$jobs" --json=stream .)
    else
      (cd "$work/tree-small" && measure ast-grep "$r" xargs -a "$work/small.list" "$sg" scan -c "$work/astgrep/sgconfig.yml" -j "$jobs" --json=stream)
    fi
  fi
  (cd "$repo" && measure parse-only "$r" "$parse_only" -j "$jobs" -X "$work/excluded.list" "$spec")
}

# a warm-up run of each, not counted (page cache, lazy loading)
run_range large "$LARGE_RANGE"
run_range small "$SMALL_RANGE"
: >"$results"
for ((i = 0; i < reps; i++)); do
  run_range large "$LARGE_RANGE"
  run_range small "$SMALL_RANGE"
done

"$py" - "$results" "$reps" "$mode" "$work" "$excluded_bytes" <<'PY'
import collections, os, platform, statistics, sys
path, reps, mode, work, excluded_bytes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
excluded = sum(1 for l in open(os.path.join(work, "excluded.list")) if l.strip())
env = dict(l.strip().split("=", 1) for l in open(os.path.join(work, "ranges.env")) if "=" in l)
t, m = collections.defaultdict(list), collections.defaultdict(list)
for line in open(path):
    r, name, us, rss = line.split("\t")
    t[(r, name)].append(int(us) / 1000)
    m[(r, name)].append(int(rss))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print("machine: %s, %d cores, %s, load %.1f" % (cpu, os.cpu_count(), platform.platform(), os.getloadavg()[0]))
print("corpus (%s): large %s files, %s bytes, largest file %s bytes; small %s files, %s lines"
      % (mode, env["LARGE_FILES"], env["LARGE_BYTES"], env["LARGE_MAX_FILE"], env["SMALL_FILES"], env["SMALL_LINES"]))
print("left out for every tool (prgate's default excludes): %d files, %d bytes; measured: %d files, %d bytes"
      % (excluded, excluded_bytes, int(env["LARGE_FILES"]) - excluded, int(env["LARGE_BYTES"]) - excluded_bytes))
print("repetitions: %d, interleaved; times are medians" % reps)
print("%-6s %-10s %10s %10s %10s %12s" % ("range", "tool", "median_ms", "min_ms", "max_ms", "peak_rss_kb"))
for (r, name), v in sorted(t.items(), key=lambda kv: (kv[0][0], ["prgate", "prgate-cold", "ast-grep", "parse-only"].index(kv[0][1]))):
    print("%-6s %-10s %10.1f %10.1f %10.1f %12d" % (r, name, statistics.median(v), min(v), max(v), max(m[(r, name)])))
def med(r, name):
    v = t.get((r, name))
    return statistics.median(v) if v else None
def verdict(ok):
    return "ok" if ok else "MISSED"
pg, sg, po = med("large", "prgate"), med("large", "ast-grep"), med("large", "parse-only")
if sg:
    x = pg / sg
    print("ratio large prgate/ast-grep: %.2f (target <= 0.50) %s" % (x, verdict(x <= 0.5)))
    a, b = max(m[("large", "prgate")]), max(m[("large", "ast-grep")])
    print("rss large prgate/ast-grep: %d KB / %d KB (target below) %s" % (a, b, verdict(a < b)))
else:
    print("ratio large prgate/ast-grep: n/a (ast-grep not installed)")
x = pg / po
print("ratio large prgate/parse-only: %.2f (target <= 1.30) %s" % (x, verdict(x <= 1.3)))
s = med("small", "prgate")
print("small prgate: %.1f ms (target < 50) %s" % (s, verdict(s < 50)))
print("small prgate without the cache (first run in a clone): %.1f ms" % med("small", "prgate-cold"))
PY
