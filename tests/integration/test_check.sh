#!/usr/bin/env bash
# prgate check end to end: ranges, file kinds, filters, formats, exit codes.
. "$(dirname "$0")/lib.sh"

# --- the unwrap scenario from the issue ---
new_repo unwrap
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    let a = x.unwrap();\n}\n' > lib.rs
commit base
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    let a = x.unwrap();\n    let v = x.unwrap();\n}\n' > lib.rs
commit "add unwrap"

run check HEAD~1..
expect_code 0 "warning below default fail level"
expect_out_has "lib.rs:4:13: warning[rust/robustness/unwrap]:" "finding at line 4 col 13"
expect_out_lacks "lib.rs:3:" "unchanged line not reported by default"
run check --fail-level warning HEAD~1..
expect_code 1 "fail-level warning fails the gate"
run check --fail-level note HEAD~1..
expect_code 1 "fail-level note fails the gate"
run check --fail-level none HEAD~1..
expect_code 0 "fail-level none never fails"
run check --filter file HEAD~1..
expect_out_has "lib.rs:3:13: warning[rust/robustness/unwrap]" "--filter file reports the unchanged line"
expect_out_has "lib.rs:4:13: warning[rust/robustness/unwrap]" "--filter file keeps the changed line"
run check --filter context HEAD~1..
expect_out_has "lib.rs:3:13:" "--filter context includes a line within 3 of a change"
printf 'fn other() { let q: Option<u8> = None; q.unwrap(); }\n' > other.rs
git add other.rs && git commit -q --amend --no-edit
printf 'fn third() {}\n' > third.rs && commit third
run check --filter all -f json HEAD~1..
expect_json "sorted((f['path'],f['line']) for f in j['findings'] if f['rule']=='rust/robustness/unwrap')==[('lib.rs',3),('lib.rs',4),('other.rs',1)]" "--filter all scans the head tree"
expect_json "{f['path']:f['status'] for f in j['files']}=={'lib.rs':'unchanged','other.rs':'unchanged','third.rs':'added'}" "--filter all keeps the status of changed files"
git reset -q --hard HEAD~1 && git rm -q other.rs && git commit -q --amend --no-edit

# ranges: single commit, A..B, A...B, A.. and an explicit sha
run check HEAD
expect_out_has "lib.rs:4:13:" "single commit C means C^..C"
run check "$(git rev-parse HEAD~1)..$(git rev-parse HEAD)"
expect_out_has "lib.rs:4:13:" "A..B with shas"
run check HEAD~1...HEAD
expect_out_has "lib.rs:4:13:" "A...B from the merge base"

# JSON contract (the tests stage's own findings are checked in test_tests.sh)
run check -f json HEAD~1..
expect_json 'j["version"]==1 and j["range"]["base"]==j["range"]["base"] and len(j["range"]["head"])==40' "json version and range"
expect_json '[ (f["rule"],f["line"],f["column"],f["end_line"],f["end_column"]) for f in [f for f in j["findings"] if f["category"]!="tests"]]==[("rust/robustness/unwrap",4,13,4,23)]' "json findings exact"
expect_json '[f for f in j["findings"] if f["category"]!="tests"][0]["snippet"]=="    let v = x.unwrap();" and [f for f in j["findings"] if f["category"]!="tests"][0]["severity"]=="warning"' "json snippet and severity"
expect_json 'j["files"]==[{"path":"lib.rs","language":"rust","status":"modified","skipped_reason":None,"lines_added":1,"lines_deleted":0,"findings":1}]' "json files"
expect_json 'j["summary"]["files_changed"]==1 and j["summary"]["files_analyzed"]==1 and j["summary"]["findings_by_severity"]["error"]==0' "json summary"

# --output writes the file, stdout stays empty
run check -f json -o "$TMP_ROOT/out.json" HEAD~1..
expect_code 0 "--output exit code"
if [ -z "$OUT" ] && /usr/bin/python3 -c "import json;j=json.load(open('$TMP_ROOT/out.json'));assert j['findings'][0]['line']==4"; then ok; else bad "--output FILE"; fi

# --- file kinds: added, renamed with edits, deleted, binary, symlink, mode-only ---
new_repo kinds
printf 'function a(x) {\n  return x;\n}\n' > keep.js
printf 'fn old() {}\n' > gone.rs
printf 'fn moved() -> u32 {\n    1\n}\n// padding line one\n// padding line two\n// padding line three\n' > before.rs
printf 'echo hi\n' > run.sh
commit base
printf '\x00\x01\x02binary\x00' > blob.bin
printf 'const y = eval(input);\n' > added.js
git rm -q gone.rs
git mv before.rs after.rs
printf 'fn moved() -> u32 {\n    let z: Option<u32> = None;\n    z.unwrap()\n}\n// padding line one\n// padding line two\n// padding line three\n' > after.rs
ln -s /etc/passwd link.js
chmod +x run.sh
commit changes
run check -f json HEAD~1..
expect_json '{f["path"]:f["status"] for f in j["files"]}=={"added.js":"added","after.rs":"renamed","blob.bin":"added","gone.rs":"deleted","link.js":"added","run.sh":"modified"}' "statuses of each kind"
expect_json '{f["path"]:f["skipped_reason"] for f in j["files"]}=={"added.js":None,"after.rs":None,"blob.bin":"binary","gone.rs":"deleted","link.js":"symlink","run.sh":"mode-only"}' "skip reasons"
expect_json '[f for f in j["files"] if f["path"]=="after.rs"][0]["old_path"]=="before.rs"' "rename keeps old path"
expect_json 'sorted((f["path"],f["rule"],f["line"]) for f in [f for f in j["findings"] if f["category"]!="tests"])==[("added.js","javascript/security/eval",1),("after.rs","rust/robustness/unwrap",3)]' "findings in added and renamed files"
expect_json 'j["summary"]["files_analyzed"]==2 and j["summary"]["files_changed"]==6' "analysed count"

# the blob is read from the object database, not the work tree
printf 'const y = 1;\n' > added.js
run check -f json HEAD~1..
expect_json '[f["path"] for f in [f for f in j["findings"] if f["category"]!="tests"]]==["added.js","after.rs"]' "work tree edits are not read"
git checkout -q added.js

# --- HTML with inline scripts: positions are the HTML file's ---
new_repo html
printf '<html>\n<body>\n</body>\n</html>\n' > page.html
commit base
cat > page.html <<'HTML'
<html>
<body>
<script>
  const q = location.hash;
  eval(q);
</script>
<script type="application/json">{"eval": "eval(x)"}</script>
<button onclick="eval(this.value)">go</button>
</body>
</html>
HTML
commit inline
run check HEAD~1..
expect_out_has "page.html:5:3: error[javascript/security/eval]" "eval in <script> at HTML line/col"
expect_out_has "page.html:8:18: error[javascript/security/eval]" "eval in onclick handler"
expect_out_lacks "page.html:7:" "JSON script block is not JavaScript"
expect_code 1 "error finding fails the gate"

# --- errors: exit codes and messages ---
run check nosuchrev..HEAD
expect_code 3 "unknown revision is a runtime error"
expect_err_has "unknown revision 'nosuchrev'" "unknown revision message"
run check --fail-level bogus HEAD
expect_code 2 "bad fail level is a usage error"
run check --format nope HEAD
expect_code 2 "bad format is a usage error"
cd "$TMP_ROOT" && mkdir -p notrepo && cd notrepo
run check HEAD
expect_code 3 "not a repository"
expect_err_has "not a git repository" "not a repository message"

# --- no range: merge base with the upstream, said on stderr ---
new_repo upstream
printf 'fn a() {}\n' > a.rs
commit base
git clone -q "$REPO" "$TMP_ROOT/clone" && cd "$TMP_ROOT/clone"
git checkout -q -b feature
printf 'fn a() { let q: Option<u8> = None; q.unwrap(); }\n' > a.rs
commit feature
run check
expect_err_has "merge base with origin" "default range named on stderr"
expect_out_has "a.rs:1:36: warning[rust/robustness/unwrap]" "default range finds the change"

# libgit2's start-up loads no CA bundle: its two loading calls bind to
# prgate's own (src/git/tls_ca.c), which load nothing
binds=$(LD_DEBUG=bindings "$PRGATE" --version 2>&1 >/dev/null |
  grep -c "libgit2[^ ]* \[0\] to [^ ]*/prgate \[0\]: normal symbol \`mbedtls_x509_crt_parse_\(file\|path\)'")
if [ "$binds" = 2 ]; then ok; else bad "libgit2's CA loading is not bound to prgate's ($binds bindings)"; fi
finish
