#!/usr/bin/env bash
# .prgate.yml: validation with positions, and every key changing a check.
. "$(dirname "$0")/lib.sh"

new_repo cfg
printf 'function f(x) {\n  return x;\n}\n' > a.js
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n}\n' > lib.rs
commit base
printf 'function f(x) {\n  return eval(x);\n}\n' > a.js
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    let v = x.unwrap();\n}\n' > lib.rs
mkdir -p vendor/lib web/dist
printf 'eval(v);\n' > vendor/lib/v.js
printf 'eval(d);\nexport function render(d) {\n  return d;\n}\n' > web/dist/app.js
printf "it.only('renders', () => {});\n" > web/dist/app.test.js
printf 'eval(m);\n' > jquery.min.js
commit "eval and unwrap"

# --- config check ---
run config check
expect_code 0 "no config file is fine"
expect_out_has "no .prgate.yml" "says the defaults apply"

printf 'fail_level: error\nrules:\n  disabel: [javascript/security/eval]\n' > .prgate.yml
run config check
expect_code 2 "misspelled key"
expect_err_has ".prgate.yml:3:3: unknown key 'disabel' in rules (did you mean 'disable'?)" "points at the misspelled key"
mkdir -p deep/er && cd deep/er
run config check
expect_err_has ".prgate.yml:3:3: unknown key 'disabel'" "found from a subdirectory, named from the root"
cd "$REPO"
run check HEAD~1..
expect_code 2 "check with a malformed config exits 2"
expect_err_has ".prgate.yml:3:3: unknown key 'disabel' in rules (did you mean 'disable'?)" "check names the place"

printf 'rules:\n  disable: [javascript/security/evl]\n' > .prgate.yml
run config check
expect_code 2 "a selector that matches no rule"
expect_err_has ".prgate.yml:2:13: rule selector 'javascript/security/evl' matches no rule (did you mean 'javascript/security/eval'?)" "did you mean a rule"

printf 'filter: [added\n' > .prgate.yml
run config check
expect_code 2 "YAML syntax error"
expect_err_has ".prgate.yml:2:1:" "syntax error position"

printf 'rules:\n  disable: [javascript/security/eval]\n' > "$TMP_ROOT/other.yml"
run config check "$TMP_ROOT/other.yml"
expect_code 0 "config check FILE"
expect_out_has "other.yml is valid" "names the file"
run config check "$TMP_ROOT/missing.yml"
expect_code 2 "a missing FILE"
expect_err_has "does not exist" "missing file message"
run config --help
expect_code 0 "config --help"
expect_out_has "usage: prgate config check" "config help"

# --- the default excludes: vendored, built and minified code ---
rm -f .prgate.yml
run check -f json HEAD~1..
expect_json '{f["path"]:f["skipped_reason"] for f in j["files"]}=={"a.js":None,"lib.rs":None,"vendor/lib/v.js":"excluded","web/dist/app.js":"excluded","web/dist/app.test.js":"excluded","jquery.min.js":"excluded"}' "default excludes"
# (the any/ rules of later stages, such as "no test changed", are not this test's subject)
expect_json 'sorted(f["rule"] for f in j["findings"] if not f["rule"].startswith("any/"))==["javascript/security/eval","rust/robustness/unwrap"]' "findings without config"
# an excluded file is not analysed, but its added lines are counted
expect_json '{f["path"]:f["lines_added"] for f in j["files"] if f["skipped_reason"]=="excluded"}=={"vendor/lib/v.js":1,"web/dist/app.js":4,"web/dist/app.test.js":1,"jquery.min.js":1}' "excluded files: their added lines"
# nor the later stages' findings: an excluded file's new function is not "untested"
expect_json '[f["rule"] for f in j["findings"] if f["path"] in ("vendor/lib/v.js","web/dist/app.js","web/dist/app.test.js","jquery.min.js")]==[]' "no finding in an excluded file"

printf 'paths:\n  default_excludes: false\n  exclude: [lib.rs]\n' > .prgate.yml
run check -f json HEAD~1..
expect_json '{f["path"]:f["skipped_reason"] for f in j["files"]}=={"a.js":None,"lib.rs":"excluded","vendor/lib/v.js":None,"web/dist/app.js":None,"web/dist/app.test.js":None,"jquery.min.js":None}' "default_excludes false and a user exclude"
expect_json '"any/tests/untested-function" in [f["rule"] for f in j["findings"] if f["path"]=="web/dist/app.js"]' "the same file, not excluded: its function is untested"
expect_json '"any/tests/focused-test" in [f["rule"] for f in j["findings"] if f["path"]=="web/dist/app.test.js"]' "and the test file, not excluded: its .only is found"
printf 'paths:\n  include: ["*.rs"]\n' > .prgate.yml
run check -f json HEAD~1..
expect_json '[f["path"] for f in j["files"] if f["skipped_reason"] is None]==["lib.rs"]' "include"

# --- rules: disable a pack, enable one rule back, severities ---
printf 'rules:\n  disable: [javascript]\n' > .prgate.yml
run check HEAD~1..
expect_code 0 "a disabled pack"
expect_out_lacks "javascript/security/eval" "pack disabled"
expect_out_has "lib.rs:3:13: warning[rust/robustness/unwrap]" "other packs still run"
printf 'rules:\n  disable: [javascript]\n  enable: [javascript/security/eval]\n' > .prgate.yml
run check HEAD~1..
expect_code 1 "the more specific selector wins"
expect_out_has "a.js:2:10: error[javascript/security/eval]" "rule enabled again"
printf 'rules:\n  severity:\n    javascript/security/eval: warning\n    rust/robustness/unwrap: error\n' > .prgate.yml
run check -f json HEAD~1..
expect_json '{f["rule"]:f["severity"] for f in j["findings"] if not f["rule"].startswith("any/")}=={"javascript/security/eval":"warning","rust/robustness/unwrap":"error"}' "severity overrides"

# --- fail_level, filter, max_file_size; flags win ---
printf 'rules:\n  disable: [javascript]\nfail_level: warning\n' > .prgate.yml
run check HEAD~1..
expect_code 1 "fail_level from the config"
expect_out_has "fail level: warning" "the footer shows the configured fail level"
run check --fail-level error HEAD~1..
expect_code 0 "--fail-level wins over the config"
printf 'filter: file\nrules:\n  disable: [javascript]\n' > .prgate.yml
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    let v = x.unwrap();\n    let w = x.unwrap();\n}\n' > lib.rs
commit "second unwrap"
run check HEAD~1..
expect_out_has "lib.rs:3:13:" "filter from the config"
expect_out_has "lib.rs:4:13:" "filter from the config keeps the added line"
run check --filter added HEAD~1..
expect_out_lacks "lib.rs:3:13:" "--filter wins over the config"
printf 'max_file_size: 10\n' > .prgate.yml
run check -f json HEAD~1..
expect_json '[f["skipped_reason"] for f in j["files"] if f["path"]=="lib.rs"]==["too-large"]' "max_file_size from the config"
run check --max-file-size 100000 -f json HEAD~1..
expect_json '[f["skipped_reason"] for f in j["files"] if f["path"]=="lib.rs"]==[None]' "--max-file-size wins"

# --- test paths per language ---
printf 'tests:\n  rust: [checks/]\n' > .prgate.yml
mkdir -p checks
printf 'fn t() {\n    let x: Option<u32> = None;\n    x.unwrap();\n}\n' > checks/t.rs
commit "unwrap in a configured test directory"
run check HEAD~1..
expect_out_lacks "checks/t.rs" "unwrap in configured test code is not flagged"
run check --no-config HEAD~1..
expect_out_has "checks/t.rs:3:5: warning[rust/robustness/unwrap]" "--no-config ignores the file"

# --- --config FILE; a change to .prgate.yml is reported ---
printf 'rules:\n  disable: [rust]\n' > "$TMP_ROOT/norust.yml"
run check --config "$TMP_ROOT/norust.yml" HEAD~1..
expect_out_lacks "rust/robustness/unwrap" "--config FILE"
run check --config "$TMP_ROOT/nope.yml" HEAD~1..
expect_code 2 "--config with a missing file"
printf 'rules:\n  disable: [javascript/security/eval]\n' > .prgate.yml
git add .prgate.yml && git commit -q -m "switch off eval"
run check -f json HEAD~1..
expect_json '[(f["rule"],f["path"],f["line"],f["severity"]) for f in j["findings"]]==[("any/maintainability/config-changed",".prgate.yml",1,"warning")]' "config change reported"
run explain any/maintainability/config-changed
expect_code 0 "the config-changed rule is explained"

# --- the agents section parses ---
printf 'agents:\n  fail_level: warning\n  require_tests: true\n  authors: ["*[bot]*"]\n' > .prgate.yml
run config check
expect_code 0 "agents section"
printf 'agents:\n  require_test: true\n' > .prgate.yml
run config check
expect_err_has ".prgate.yml:2:3: unknown key 'require_test' in agents (did you mean 'require_tests'?)" "agents keys checked"

# --- review reads the config from the base commit (offline: --dry-run) ---
# review_dry BASE HEAD: review base..head without posting; the report in $TMP_ROOT/review.txt
review_dry() {
  printf '{"action":"opened","number":1,"pull_request":{"number":1,"base":{"sha":"%s","ref":"main","repo":{"full_name":"a/b"}},"head":{"sha":"%s","ref":"f","repo":{"full_name":"a/b"}}},"repository":{"full_name":"a/b"}}' \
    "$1" "$2" > "$TMP_ROOT/event.json"
  OUT=$(GITHUB_EVENT_NAME=pull_request GITHUB_STEP_SUMMARY= "$PRGATE" review --dry-run --event "$TMP_ROOT/event.json" \
    --repo a/b -f text -o "$TMP_ROOT/review.txt" 2>"$TMP_ROOT/stderr")
  CODE=$?
  ERR=$(cat "$TMP_ROOT/stderr")
  OUT=$(cat "$TMP_ROOT/review.txt")
}
new_repo review
printf 'function f(x) {\n  return x;\n}\n' > a.js
commit base
BASE=$(git rev-parse HEAD)
printf 'function f(x) {\n  return eval(x);\n}\n' > a.js
printf 'rules:\n  disable: [javascript]\n' > .prgate.yml
commit "eval, and a config that switches the pack off"
review_dry "$BASE" "$(git rev-parse HEAD)"
expect_code 1 "a pull request cannot switch off its own gate"
expect_out_has "a.js:2:10: error[javascript/security/eval]" "the base commit's (absent) config was used"
expect_out_has ".prgate.yml:1:1: warning[any/maintainability/config-changed]" "the config change is reported in review"
expect_out_has "the new one applies after merge" "review says which config ran"
run check HEAD~1..
expect_out_lacks "javascript/security/eval" "check uses the work tree's config"
# a config in the base commit applies to the pull request
git checkout -q "$BASE"
printf 'rules:\n  disable: [javascript/security/eval]\n' > .prgate.yml
commit "base config"
BASE2=$(git rev-parse HEAD)
printf 'function f(x) {\n  return eval(x);\n}\n' > a.js
commit "eval"
review_dry "$BASE2" "$(git rev-parse HEAD)"
expect_out_lacks "javascript/security/eval" "the base commit's config disables the rule"
expect_out_lacks "config-changed" "no config change in this pull request"
printf 'rules:\n  disabel: [x]\n' > .prgate.yml
commit "broken config in the head"
review_dry "$BASE2" "$(git rev-parse HEAD)"
expect_out_lacks "unknown key" "a broken head config does not stop the review"
expect_out_has "config-changed" "but its change is reported"

# --- the example in docs/config.md is a valid configuration ---
/usr/bin/python3 - "$PRGATE_SOURCE_DIR/docs/config.md" "$TMP_ROOT/example.yml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.search(r"## Example\n\n```yaml\n(.*?)```", text, re.S).group(1))
PY
run config check "$TMP_ROOT/example.yml"
expect_code 0 "the docs/config.md example is valid"

finish
