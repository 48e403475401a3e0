#!/usr/bin/env bash
# Output formats for code scanning and GitHub: SARIF 2.1.0 validated against
# the schema, the markdown summary, and workflow-command annotations.
. "$(dirname "$0")/lib.sh"
SHARED_DIR=${SHARED_DIR:-${PRGATE_SOURCE_DIR:-$(dirname "$0")/../..}/../shared}
SCHEMA="$SHARED_DIR/sarif/sarif-schema-2.1.0.json"

new_repo sarif
mkdir -p "src dir"
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n}\n' > "src dir/lib.rs"
printf '<html>\n</html>\n' > page.html
commit base
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    let v = x.unwrap();\n}\n' > "src dir/lib.rs"
printf 'const q = location.hash;\neval(q);\n' > app.js
printf 'let a = 1;\n// prgate-ignore: javascript/security/eval -- test fixture\neval(a);\n' > ok.js
printf 'test("app", () => {});\n' > app.test.js # a test changed: no any/tests/no-test-changes
commit change

run check -f sarif HEAD~1..
expect_code 1 "sarif: the gate still decides the exit code"
printf '%s' "$OUT" > "$TMP_ROOT/out.sarif"
if /usr/bin/python3 - "$SCHEMA" "$TMP_ROOT/out.sarif" <<'PY' 2>"$TMP_ROOT/pyerr"; then ok; else bad "sarif validates against the 2.1.0 schema: $(cat "$TMP_ROOT/pyerr")"; fi
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator(schema).validate(doc)
PY
expect_json 'j["version"]=="2.1.0" and j["runs"][0]["tool"]["driver"]["name"]=="prgate"' "sarif version and driver"
expect_json 'sorted((r["ruleId"],r["level"],r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in j["runs"][0]["results"] if "suppressions" not in r)==[("javascript/security/eval","error","app.js",2),("rust/robustness/unwrap","warning","src%20dir/lib.rs",3)]' "sarif results: rule, level, repository-relative URI, line"
expect_json 'all(len(r["partialFingerprints"]["prgateFingerprint/v1"])==16 for r in j["runs"][0]["results"])' "sarif partialFingerprints"
expect_json 'all(j["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]["id"]==r["ruleId"] for r in j["runs"][0]["results"])' "sarif ruleIndex points at the rule metadata"
expect_json '[r["ruleId"] for r in j["runs"][0]["results"] if r.get("suppressions")]==["javascript/security/eval"]' "sarif suppressed finding carries a suppression"
expect_json 'all("text" in r["fullDescription"] for r in j["runs"][0]["tool"]["driver"]["rules"])' "sarif rule explanations"
expect_json 'all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]=="SRCROOT" for r in j["runs"][0]["results"])' "sarif URIs are relative to SRCROOT"
expect_json 'j["runs"][0]["properties"]["stakes"]["tier"] in ("low","medium","high") and any(f["path"]=="app.js" for f in j["runs"][0]["properties"]["stakes"]["files"])' "sarif carries the stakes triage as run properties"

# the fingerprint does not move when lines shift
FP1=$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys;print(sorted(r["partialFingerprints"]["prgateFingerprint/v1"] for r in json.load(sys.stdin)["runs"][0]["results"]))')
printf '// a new first line\nconst q = location.hash;\neval(q);\n' > app.js
commit shift
run check -f sarif HEAD~2..
FP2=$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys;print(sorted(r["partialFingerprints"]["prgateFingerprint/v1"] for r in json.load(sys.stdin)["runs"][0]["results"]))')
if [ "$FP1" = "$FP2" ]; then ok; else bad "fingerprints survive a line shift: $FP1 vs $FP2"; fi

# --- markdown ---
run check -f markdown HEAD~1..HEAD~1
run check -f markdown HEAD~2..
expect_code 1 "markdown: gate exit code"
expect_out_has "## prgate: ❌ the gate failed" "markdown verdict"
expect_out_has '| 🔴 error | 1 |' "markdown error count"
expect_out_has '| 🟠 warning | 1 |' "markdown warning count"
expect_out_has "### Review focus:" "markdown starts with the review focus"
if printf '%s' "$OUT" | grep -n "### Review focus:\|| Severity | Findings |" | head -1 | grep -q "Review focus"; then ok; else bad "the focus table comes before the counts"; fi
expect_out_has '| security | 1 |' "markdown category count"
expect_out_has '- 🔴 **error** `javascript/security/eval` `app.js` line 3:' "markdown top finding, most severe first"
expect_out_has '#### `src dir/lib.rs`' "markdown findings grouped by file"
expect_out_has '| `ok.js` | added | yes | 0 |' "markdown ledger row"
expect_out_has "### Tests and coverage" "markdown coverage section"
FIRST=$(printf '%s' "$OUT" | grep -m1 -n '^- ' | cut -d: -f2-)
case "$FIRST" in *error*) ok ;; *) bad "markdown: first finding is the error: $FIRST" ;; esac

# --- workflow commands ---
run check -f github HEAD~2..
expect_code 1 "github format: gate exit code"
expect_out_has '::error file=app.js,line=3,endLine=3,col=1,endColumn=' "error annotation"
expect_out_has ',title=prgate javascript/security/eval::' "annotation title"
LINE1=$(printf '%s\n' "$OUT" | head -1)
case "$LINE1" in ::error*) ok ;; *) bad "errors first: $LINE1" ;; esac
expect_out_has '::warning file=src dir/lib.rs,line=3' "warning annotation"

# escaping and the 10-per-type cap: 12 errors, a message with % and a newline is impossible
# from rules, so check the path escaping with a ':' and ',' in the name
new_repo many
: > base.txt
commit base
for i in $(seq 1 12); do printf 'eval(x%d);\n' "$i"; done > 'a,b:c.js'
commit many
run check -f github HEAD~1..
N=$(printf '%s\n' "$OUT" | grep -c '^::error ')
if [ "$N" -eq 10 ]; then ok; else bad "at most 10 error annotations, got $N"; fi
N=$(printf '%s\n' "$OUT" | grep -c '^a,b:c.js:1[12]:1: error\[javascript/security/eval\]')
if [ "$N" -eq 2 ]; then ok; else bad "the rest are plain lines, got $N"; fi
expect_out_has '::error file=a%2Cb%3Ac.js,line=1,' "property escaping of , and :"

finish
