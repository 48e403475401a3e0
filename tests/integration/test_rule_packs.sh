#!/usr/bin/env bash
# The rule packs through the real binary: embedded templates in Rust,
# suppressions, explain, and the pack floors.
. "$(dirname "$0")/lib.sh"

# --- a Rust raw-string template with an inline handler and an unescaped value ---
new_repo template
printf 'fn main() {}\n' > report.rs
commit base
cat > report.rs <<'RS'
use tinytemplate::TinyTemplate;

static TEMPLATE: &str = r#"
<html>
<body>
<div onclick="run(this)">
  {value | format_unescaped}
</div>
</body>
</html>
"#;

fn main() {}
RS
commit template
run check -f json --fail-level none HEAD~1..
expect_code 0 "fail-level none"
expect_json "[(f['line'],f['column']) for f in j['findings'] if f['rule']=='html/security/inline-event-handler']==[(6,6)]" "onclick in a raw string: exact .rs line and column"
expect_json "[(f['line'],f['column']) for f in j['findings'] if f['rule']=='rust/security/tinytemplate-unescaped']==[(7,3)]" "format_unescaped: exact .rs line and column"
expect_json "all(f['rule'] and f['message'] and '\n' not in f['message'] for f in j['findings'])" "every finding has a rule id and a one-line message"
run check HEAD~1..
expect_out_has "report.rs:6:6: note[html/security/inline-event-handler]" "text carries the rule id (handler)"
expect_out_has "report.rs:7:3: error[rust/security/tinytemplate-unescaped]" "text carries the rule id (template)"

# --- a suppression with a reason silences exactly the named rule on that line ---
new_repo suppress
printf '// app\n' > app.js
commit base
cat > app.js <<'JS'
function show(el, html, code) {
  // prgate-ignore: javascript/security/inner-html -- html is escaped by render()
  el.innerHTML = html; eval(code);
  el.innerHTML = html;
}
JS
commit change
run check -f json HEAD~1..
expect_json "[(f['rule'],f['line'],f['suppressed']) for f in j['findings'] if f['category']=='security']==[('javascript/security/inner-html',3,True),('javascript/security/eval',3,False),('javascript/security/inner-html',4,False)]" "only the named rule on that line is silenced"
expect_json "[f['suppress_reason'] for f in j['findings'] if f['suppressed']]==['html is escaped by render()']" "the reason is kept"
expect_json "j['summary']['suppressed']==1" "suppressed count"
run check HEAD~1..
expect_out_lacks "app.js:3:3: error[javascript/security/inner-html]" "suppressed finding not in text"
expect_out_has "app.js:4:3: error[javascript/security/inner-html]" "the next line is not silenced"

# --- explain and list ---
run explain rust/robustness/unwrap
expect_code 0 "explain exit"
expect_out_has "rust/robustness/unwrap" "explain names the rule"
expect_out_has "References:" "explain lists references"
run explain rust/robustness/unwarp
expect_code 2 "explain unknown id"
expect_err_has "did you mean 'rust/robustness/unwrap'" "explain suggests"
run rules list
expect_code 0 "rules list"
n_rust=$(printf '%s\n' "$OUT" | grep -c '^rust/')
n_js=$(printf '%s\n' "$OUT" | grep -c '^javascript/')
n_html=$(printf '%s\n' "$OUT" | grep -c '^html/')
if [ "$n_rust" -ge 12 ] && [ "$n_js" -ge 12 ] && [ "$n_html" -ge 12 ] && [ $((n_rust + n_js + n_html)) -ge 45 ]; then ok; else bad "pack floors: rust $n_rust, javascript $n_js, html $n_html"; fi

# --- a bad rule in --rules DIR is named and skipped; the others still run ---
mkdir -p "$TMP_ROOT/myrules"
printf 'id: javascript/security/mine\nlanguage: javascript\nseverity: error\ncategory: security\nmessage: m\nexplain: e\nquery: |\n  (call_expression function: (nonsense)) @match\n' > "$TMP_ROOT/myrules/bad.yml"
printf 'id: javascript/maintainability/show\nlanguage: javascript\nseverity: note\ncategory: maintainability\nmessage: "show() defined"\nexplain: e\nquery: |\n  (function_declaration name: (identifier) @n (#eq? @n "show")) @match\n' > "$TMP_ROOT/myrules/good.yml"
printf 'id: javascript/security/impossible\nlanguage: javascript\nseverity: error\ncategory: security\nmessage: m\nexplain: e\nquery: |\n  (call_expression (function_declaration)) @match\n' > "$TMP_ROOT/myrules/impossible.yml"
run check --rules "$TMP_ROOT/myrules" -f json HEAD~1..
expect_code 2 "a bad rule file is a configuration error"
expect_err_has "myrules/bad.yml:8:" "the bad rule is named with its line"
expect_err_has "myrules/impossible.yml:8:20: rule javascript/security/impossible: impossible pattern structure" "a pattern the grammar cannot produce is named at its place"
expect_err_has "2 rule files could not be loaded" "both bad rules counted"
expect_json "any(f['rule']=='javascript/maintainability/show' for f in j['findings']) and any(f['rule']=='javascript/security/eval' for f in j['findings'])" "the other rules still ran"

finish
