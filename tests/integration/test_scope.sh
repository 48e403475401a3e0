#!/usr/bin/env bash
# Under --filter added/context the query runs only over the top-level items
# around the changed lines (engine.c widen_spans). These cases pin that the
# findings are exactly those of a full scan: a finding that starts before
# the added line, one at the end of a long file, duplicates reported once.
. "$(dirname "$0")/lib.sh"

new_repo scope
{
  echo 'fn first() { let _ = std::env::var("A").unwrap(); }'
  for i in $(seq 1 200); do echo "fn filler_$i() -> u32 { $i }"; done
  echo 'fn target(v: Option<u32>) -> u32 {'
  echo '    v'
  echo '        .map(|x| x + 1)'
  echo '        .unwrap_or(0)'
  echo '}'
  echo 'fn last() {}'
} >lib.rs
commit base
# change only the last line of a multi-line call chain: its receiver and the
# call start on earlier lines
sed -i 's/        .unwrap_or(0)/        .unwrap()/' lib.rs
echo 'fn tail(v: Option<u32>) -> u32 { v.unwrap() }' >>lib.rs
commit change

run check -f json --fail-level none HEAD~1..
expect_code 0 "check runs"
expect_json "sorted((f['rule'], f['line']) for f in j['findings'] if f['rule'] == 'rust/robustness/unwrap') == [('rust/robustness/unwrap', 203), ('rust/robustness/unwrap', 208)]" \
  "unwrap on the changed line of a multi-line chain and at the end are found, the old one is not"
run check -f json --fail-level none --filter context HEAD~1..
expect_json "sorted(f['line'] for f in j['findings'] if f['rule'] == 'rust/robustness/unwrap') == [203, 208]" \
  "context filter: same findings"
run check -f json --fail-level none --filter file HEAD~1..
expect_json "sorted(f['line'] for f in j['findings'] if f['rule'] == 'rust/robustness/unwrap') == [1, 203, 208]" \
  "file filter: the whole file is matched"

# A change inside a function preceded by an attribute: rules anchored to
# the attribute see it.
new_repo attr
printf '#[allow(dead_code)]\nfn a() -> u32 {\n    1\n}\n' >m.rs
commit base
printf '#[allow(dead_code)]\nfn a() -> u32 {\n    Some(1).unwrap()\n}\n' >m.rs
commit change
run check -f json --fail-level none HEAD~1..
expect_json "[f['line'] for f in j['findings'] if f['rule'] == 'rust/robustness/unwrap'] == [3]" "unwrap inside an attributed fn"
finish
