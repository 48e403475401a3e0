#!/usr/bin/env bash
# Diff coverage from coverage reports: lcov, Istanbul JSON, llvm-cov JSON,
# path normalisation, merging, the --min-diff-coverage gate, bad reports.
. "$(dirname "$0")/lib.sh"
FIX="${PRGATE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fixtures/coverage"

# --- 4 added executable lines, an lcov report covering 3 ---
new_repo lcov
mkdir -p src
printf 'pub fn one() -> u32 {\n    1\n}\n' > src/lib.rs
commit base
cat > src/lib.rs <<'RS'
pub fn one() -> u32 {
    1
}

// a comment
pub fn two(x: u32) -> u32 {
    let y = x + 1;
    if y > 10 {
        return 0;
    }
    y
}
RS
commit "add two"
# lines 6-12 are added; 6, 7, 8 and 9 executable by this report, 9 uncovered
cat > "$TMP_ROOT/lcov.info" <<LCOV
TN:
SF:$REPO/src/lib.rs
FN:1,one
FNDA:1,one
DA:1,1
DA:2,1
DA:6,4
DA:7,4
DA:8,4
DA:9,0
LF:6
LH:5
end_of_record
LCOV
run check -f json --coverage "$TMP_ROOT/lcov.info" HEAD
expect_code 0 "no threshold: warnings only"
expect_json 'j["coverage"]["covered"]==3 and j["coverage"]["executable"]==4 and j["coverage"]["percent"]==75.0' "75.0% diff coverage"
expect_json 'j["coverage"]["files"]==[{"path":"src/lib.rs","has_data":True,"covered":3,"executable":4,"percent":75.0,"uncovered":[{"start":9,"end":9}],"uncovered_functions":[]}]' "per-file coverage"
expect_json '[(f["line"],f["end_line"],f["context"]) for f in j["findings"] if f["rule"]=="any/tests/uncovered-lines"]==[(9,9,"two")]' "uncovered line as a finding in its function"
run check --coverage "$TMP_ROOT/lcov.info" --min-diff-coverage 80 HEAD
expect_code 1 "75.0% is below --min-diff-coverage 80"
expect_out_has "coverage: 75.0% of added executable lines covered (3 of 4), minimum 80.0%: below the minimum" "text section"
expect_out_has "  src/lib.rs: 75.0% (3 of 4), uncovered lines 9" "text per file"
expect_out_has "gate: FAILED" "gate failed"
run check --coverage "$TMP_ROOT/lcov.info" --min-diff-coverage 75 HEAD
expect_code 0 "75.0% meets --min-diff-coverage 75"

# relative, ./-prefixed and Windows-separated paths; a second report merges
printf 'SF:.\\src\\lib.rs\nDA:9,2\nend_of_record\n' > "$TMP_ROOT/win.info"
run check -f json --coverage "$TMP_ROOT/lcov.info" --coverage "$TMP_ROOT/win.info" --min-diff-coverage 100 HEAD
expect_code 0 "merged: line 9 covered by the second report"
expect_json 'j["coverage"]["percent"]==100.0 and j["coverage"]["files"][0]["uncovered"]==[]' "merged to 100%"
printf 'SF:/elsewhere/ci/checkout/src/lib.rs\nDA:6,0\nDA:7,0\nend_of_record\n' > "$TMP_ROOT/abs.info"
run check -f json --coverage "$TMP_ROOT/abs.info" HEAD
expect_json 'j["coverage"]["covered"]==0 and j["coverage"]["executable"]==2 and j["coverage"]["files"][0]["uncovered"]==[{"start":6,"end":7}]' "absolute path from another checkout matches by suffix"
expect_json 'j["coverage"]["files"][0]["uncovered_functions"]==["two"]' "changed function left uncovered"

# no data for the file: nothing counts
printf 'SF:other.rs\nDA:1,1\nend_of_record\n' > "$TMP_ROOT/other.info"
run check -f json --coverage "$TMP_ROOT/other.info" --min-diff-coverage 90 HEAD
expect_code 0 "no executable added line: the gate passes"
expect_json 'j["coverage"]["executable"]==0 and j["coverage"]["percent"] is None and j["coverage"]["files"][0]["has_data"]==False' "no data"

# --- malformed reports: exit 2 with file:line ---
printf 'SF:src/lib.rs\nDA:x,1\nend_of_record\n' > "$TMP_ROOT/bad.info"
run check --coverage "$TMP_ROOT/bad.info" HEAD
expect_code 2 "bad DA line"
expect_err_has "bad.info:2: DA: bad line number" "error names file and line"
printf 'SF:src/lib.rs\nDA:1,1\n' > "$TMP_ROOT/open.info"
run check --coverage "$TMP_ROOT/open.info" HEAD
expect_code 2 "unterminated record"
expect_err_has "open.info:2: the last record has no end_of_record" "unterminated"
printf '{"a": {"statementMap": {"0": {"start": {"line": 1}}}, "s": {"0": "x"}}}' > "$TMP_ROOT/bad.json"
run check --coverage "$TMP_ROOT/bad.json" HEAD
expect_code 2 "bad Istanbul count"
expect_err_has 'bad.json: at "a": a statement count must be a number' "istanbul error"
printf '{"data": [{"files": [{"filename": "x", "segments": [[1, 2]]}]}]}' > "$TMP_ROOT/badllvm.json"
run check --coverage "$TMP_ROOT/badllvm.json" HEAD
expect_code 2 "bad llvm segments"
expect_err_has "badllvm.json: at data[0].files[0].segments[0]" "llvm error"
printf '{"a": [1, 2,\n  }' > "$TMP_ROOT/syntax.json"
run check --coverage "$TMP_ROOT/syntax.json" HEAD
expect_code 2 "JSON syntax"
expect_err_has "syntax.json:2:" "JSON syntax error line"
head -c 3000 /dev/urandom > "$TMP_ROOT/garbage.bin"
run check --coverage "$TMP_ROOT/garbage.bin" HEAD
expect_code 2 "garbage"
run check --coverage "$TMP_ROOT/missing.info" HEAD
expect_code 2 "missing report"
expect_err_has "missing.info" "missing report named"
run check --min-diff-coverage 50 HEAD
expect_code 2 "--min-diff-coverage without a report"
expect_err_has "--min-diff-coverage needs a coverage report" "names the missing report"
# the threshold from .prgate.yml: applies with a report, ignored without
printf 'coverage:\n  min_diff_coverage: 80\n' > .prgate.yml
run check HEAD
expect_code 0 "config threshold without a report is ignored"
run check --coverage "$TMP_ROOT/lcov.info" HEAD
expect_code 1 "config threshold with a report: 75.0% < 80"
run check --coverage "$TMP_ROOT/lcov.info" --min-diff-coverage 70 HEAD
expect_code 0 "the flag wins over the config"
rm .prgate.yml

# --- real reports committed as fixtures (see tests/fixtures/coverage/README.md) ---
if [ -d "$FIX/js" ]; then
  new_repo jsreal
  mkdir -p src
  cp "$FIX/js/base/rank.js" src/rank.js
  commit base
  cp "$FIX/js/head/rank.js" src/rank.js
  commit change
  for report in lcov.info coverage-final.json; do
    # the reports were made in another directory: their absolute paths end in /src/rank.js
    run check -f json --coverage "$FIX/js/$report" HEAD
    expect_code 0 "real c8 $report"
    expect_json "j['coverage']['covered']==$(cat "$FIX/js/expected-covered") and j['coverage']['executable']==$(cat "$FIX/js/expected-executable")" "real c8 $report: diff coverage"
  done
fi
if [ -f "$FIX/rust/coverage.json" ]; then
  new_repo rustreal
  mkdir -p src
  cp "$FIX/rust/base/main.rs" src/main.rs
  commit base
  cp "$FIX/rust/head/main.rs" src/main.rs
  commit change
  for report in coverage.json lcov.info; do
    [ -f "$FIX/rust/$report" ] || continue
    run check -f json --coverage "$FIX/rust/$report" HEAD
    expect_code 0 "rust $report"
    expect_json "j['coverage']['covered']==$(cat "$FIX/rust/expected-covered") and j['coverage']['executable']==$(cat "$FIX/rust/expected-executable")" "rust $report: diff coverage"
  done
fi

finish
