#!/bin/bash
# Stakes and review focus: tiers, reasons, review order, provenance, the
# agent command and the agent format, on throwaway repositories.
. "$(dirname "$0")/lib.sh"

# --- 500 lines of JavaScript without tests plus remove_dir_all on input ---
new_repo big
echo "# tool" > README.md
mkdir -p src web
printf 'fn main() {\n    println!("hi");\n}\n' > src/main.rs
commit "init"
cat > src/main.rs <<'RS'
use std::fs;
use std::io::Read;

fn main() {
    let mut dir = String::new();
    std::io::stdin().read_to_string(&mut dir).expect("read stdin");
    fs::remove_dir_all(dir.trim()).expect("remove");
}
RS
for i in $(seq 1 500); do echo "function f$i(a) { return a + $i; }"; done > web/app.js
commit "add cleanup and web app"
run check -f json HEAD~1..
expect_code 0 "big range passes the gate (stakes never decide it)"
expect_json 'j["stakes"]["tier"] == "high"' "big range is high"
expect_json 'j["stakes"]["reasons"][0] == "deletes files or directories (`remove_dir_all`) (src/main.rs:7)"' "destructive reason first"
expect_json 'j["stakes"]["reasons"][1] == "500 lines of code added with no test changed (web/app.js)"' "untested reason second"
expect_json 'all(r.startswith("security finding: ") for r in j["stakes"]["reasons"][2:])' "other reasons only from security findings (medium)"
expect_json '[f["tier"] for f in j["stakes"]["files"]] == ["high", "high"]' "both files high"
expect_json 'j["stakes"]["files"][0]["signals"][0] == {"kind": "destructive", "line": 7, "reason": "deletes files or directories (`remove_dir_all`)", "tier": "high", "lowers": False}' "exact destructive signal"
expect_json '[s["kind"] for s in j["stakes"]["files"][0]["signals"]] in (["destructive"], ["destructive", "security"])' "no other kinds of signal"
expect_json '[(o["path"], o["start_line"], o["end_line"]) for o in j["stakes"]["review_order"]] == [("src/main.rs", 5, 7), ("web/app.js", 1, 500)]' "review order"
run check HEAD~1..
expect_out_has "Review focus: high" "text shows the focus"
if [ "$(printf '%s\n' "$OUT" | head -1)" = "Review focus: high" ]; then ok; else bad "Review focus is the first line"; fi
expect_out_has "    1. src/main.rs:5-7  high  deletes files or directories (\`remove_dir_all\`)" "text review order"

# a test file in the range removes the untested signal
mkdir -p tests && echo 'test("f1", () => {});' > tests/app.test.js
git add -A && git commit -q --amend --no-edit
run check -f json HEAD~1..
expect_json 'j["stakes"]["reasons"][0] == "deletes files or directories (`remove_dir_all`) (src/main.rs:7)" and not any("no test changed" in r for r in j["stakes"]["reasons"])' "with a test changed, no untested reason"
expect_json '[f for f in j["stakes"]["files"] if f["path"] == "tests/app.test.js"][0]["signals"][0]["reason"] == "test-only change"' "test file lowered"

# --- documentation only ---
new_repo docs
echo "# tool" > README.md
mkdir docs && echo "guide" > docs/guide.md
commit "init"
echo "more words" >> README.md
echo "more guide" >> docs/guide.md
commit "docs"
run check -f json HEAD~1..
expect_json 'j["stakes"]["tier"] == "low"' "documentation-only range is low"
expect_json 'j["stakes"]["reasons"] == ["documentation (README.md)", "documentation (docs/guide.md)"]' "documentation reasons"
expect_json 'j["stakes"]["files"][0]["hint"] == "read the rendered README.md"' "documentation hint"
expect_json 'j["stakes"]["review_order"] == []' "nothing to read first"

# --- whitespace-only reformat of a Rust file ---
new_repo fmt
mkdir src
printf 'pub fn add(a: i32, b: i32) -> i32 {\n  if a > 0 { std::fs::remove_file("x").ok(); }\n  a + b\n}\n' > src/lib.rs
commit "init"
printf 'pub fn add(a: i32, b: i32) -> i32 {\n    if a > 0 {  std::fs::remove_file("x").ok();  }\n    a  +  b\n}\n' > src/lib.rs
commit "reformat"
run check -f json HEAD~1..
expect_json 'j["stakes"]["tier"] == "low"' "whitespace-only reformat is low"
expect_json 'j["stakes"]["files"][0]["signals"] == [{"kind": "formatting", "line": None, "reason": "formatting only", "tier": "low", "lowers": True}]' "formatting only signal"
expect_json 'j["stakes"]["reasons"] == ["formatting only (src/lib.rs)"]' "formatting only reason"
expect_json 'j["stakes"]["files"][0]["hunks"][0]["formatting_only"] == True' "hunk marked formatting only"
expect_json 'j["stakes"]["files"][0]["hint"] == "nothing to exercise: only whitespace changed"' "formatting hint"

# --- a real change next to it is not formatting ---
printf 'pub fn add(a: i32, b: i64) -> i32 {\n    if a > 0 {  std::fs::remove_file("x").ok();  }\n    a  +  b as i32\n}\n' > src/lib.rs
commit "change signature"
run check -f json HEAD~1..
expect_json 'j["stakes"]["tier"] == "medium"' "public signature change is medium"
expect_json 'sorted(s["kind"] for s in j["stakes"]["files"][0]["signals"]) == ["surface", "untested"]' "no destructive signal: the reformatted remove_file line is not new"
expect_json '"changes the signature of the public function `add`" in [s["reason"] for s in j["stakes"]["files"][0]["signals"]]' "surface reason"
expect_json '[s["reason"] for s in j["stakes"]["files"][0]["signals"] if s["kind"] == "untested"] == ["changed public function `add` has no test that mentions it (any/tests/untested-function)"]' "the tests stage finding is consumed"

# --- provenance ---
new_repo prov
echo "start" > README.md
commit "base"
printf 'a\nb\nc\n' > notes.txt
commit "human start"
echo "d" >> notes.txt
git add -A && git commit -q -m "agent tweak

Co-authored-by: Claude <noreply@anthropic.com>"
run check -f json HEAD~2..
expect_json 'j["stakes"]["provenance"]["agent_written"] == True' "range is agent-written"
expect_json '[c["agent"] for c in j["stakes"]["provenance"]["list"]] == [None, "Claude"]' "second commit is Claude's"
expect_json 'j["stakes"]["provenance"]["list"][1]["marker"] == "Co-authored-by: Claude <noreply@anthropic.com>"' "marker recorded"
expect_json 'j["stakes"]["provenance"]["agent_lines"] == 1 and j["stakes"]["provenance"]["total_lines"] == 4' "line counts"
expect_json 'j["stakes"]["provenance"]["agent_share"] == 0.25' "agent share"
run check HEAD~2..
expect_out_has "provenance: 1 of 2 commits agent-written (Claude), 25% of added lines" "text provenance"
echo "e" >> notes.txt
git add -A && git commit -q -m "human only

Co-authored-by: Jane Doe <jane@example.com>"
run check -f json HEAD~1..
expect_json 'j["stakes"]["provenance"]["agent_written"] == False' "a human co-author is not an agent"
# one commit on top of base: its lines are the range's, counted once by the
# analysis; with a file whose lines it did not count, the commit is diffed
expect_json 'j["stakes"]["provenance"]["total_lines"] == 1 and j["stakes"]["provenance"]["list"][0]["lines_added"] == 1' "one-commit range: lines from the analysis"
mkdir -p lib && seq 1 300 > lib/big.txt && seq 1 7 > lib/small.txt && printf 'x\0y\n' > lib/blob.bin
git add -A && git commit -q -m "data

Co-authored-by: Claude <noreply@anthropic.com>"
want=$(git diff --numstat HEAD~1 HEAD | awk '$1 != "-" { n += $1 } END { print n }')
run check -f json HEAD~1..
expect_json "j['stakes']['provenance']['total_lines'] == $want == 307 and j['stakes']['provenance']['agent_lines'] == 307" "one-commit range with a binary file: as git counts"
run check -f json --max-file-size 500 HEAD~1..
expect_json "j['stakes']['provenance']['list'][0]['lines_added'] == $want" "one-commit range with a too-large file: as git counts"
expect_json '[f["skipped_reason"] for f in j["files"] if f["path"] == "lib/big.txt"] == ["too-large"]' "the big file was too large"
run check -f json HEAD~2..
expect_json "[c['lines_added'] for c in j['stakes']['provenance']['list']] == [1, $want]" "two commits: each diffed"

# --- the config's stricter fail level for agent-written ranges ---
new_repo policy
printf 'agents:\n  fail_level: warning\n' > .prgate.yml
mkdir src && printf 'fn main() {}\n' > src/main.rs
commit "init"
printf 'fn main() {\n    let v: Option<i32> = None;\n    v.unwrap();\n}\n' > src/main.rs
commit "human unwrap"
run check HEAD~1..
expect_code 0 "a human's warning passes the default gate"
git commit -q --amend -m "agent unwrap

Co-authored-by: Codex <codex@openai.com>"
run check HEAD~1..
expect_code 1 "the same warning fails the gate when an agent wrote it"
run check --fail-level error HEAD~1..
expect_code 0 "--fail-level wins over the agents policy"

# --- automation and dependencies ---
new_repo auto
printf '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\nlibc = "0.2"\n' > Cargo.toml
commit "init"
printf '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\nlibc = "0.2"\nserde = "1"\n\n[features]\nfoo = []\n' > Cargo.toml
mkdir -p .github/workflows && printf 'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: rm -rf build\n' > .github/workflows/ci.yml
commit "deps and ci"
run check -f json HEAD~1..
expect_json 'j["stakes"]["tier"] == "high"' "CI change is high"
expect_json '[s["reason"] for s in j["stakes"]["files"][0]["signals"]] == ["changes a CI workflow (runs with the repository'"'"'s secrets)", "a script deletes files recursively (`rm -rf`)"]' "workflow signals"
expect_json '[(s["kind"], s["line"], s["reason"]) for s in j["stakes"]["files"][1]["signals"]] == [("dependency", 7, "adds or bumps the crate `serde`")]' "cargo dependency signal (not the feature)"

# --- --agent-cmd: advisory only, never fatal ---
new_repo agent
echo "x" > a.txt
commit "init"
echo "y" >> a.txt
commit 'change $(touch pwned) `touch pwned2`'
run check -f json --agent-cmd "sh -c 'wc -c >/dev/null; echo advice from agent'" HEAD~1..
expect_code 0 "agent command does not change the exit code"
expect_json 'j["stakes"]["advisory"] == {"advisory_only": True, "status": "exit 0", "output": "advice from agent\n", "truncated": False}' "advisory recorded"
if [ ! -e pwned ] && [ ! -e pwned2 ]; then ok; else bad "commit text was executed"; fi
run check --agent-cmd /nonexistent/agent HEAD~1..
expect_code 0 "a missing agent command is not fatal"
expect_out_has "advisory from --agent-cmd (never decides the gate; cannot run '/nonexistent/agent': No such file or directory)" "failure reported"
run check -f json --agent-cmd "sh -c 'exit 3'" HEAD~1..
expect_json 'j["stakes"]["advisory"]["status"] == "exit 3"' "non-zero exit reported"
run check -f json --agent-cmd "sh -c 'yes | head -c 200000'" HEAD~1..
expect_json 'j["stakes"]["advisory"]["truncated"] == True and len(j["stakes"]["advisory"]["output"]) == 65536' "output capped"
run check --agent-cmd "sh -c 'unbalanced" HEAD~1..
expect_code 2 "unbalanced quote is a usage error"

# --- --format agent ---
new_repo fmtagent
mkdir src && printf 'fn main() {}\n' > src/main.rs
commit "init"
printf 'fn main() {\n    let v: Option<i32> = None;\n    v.unwrap();\n}\n' > src/main.rs
commit "unwrap"
run check -f agent HEAD~1..
expect_out_has "- [ ] src/main.rs:3:5 [rust/robustness/unwrap, warning] \`.unwrap()\` panics when the value is None or Err" "checklist item"
expect_out_has "  - Where: in \`main\`, line 3: \`    v.unwrap();\`" "where"
expect_out_has "  - How: can this value really never be None/Err here?" "how from the explanation"
echo "notes" > notes.txt
commit "notes"
run check -f agent HEAD~1..
expect_out_has "- [x] Nothing to fix" "empty checklist"

# --- line signals: one search of the whole text stands for every line ---
new_repo linesig
printf 'const a = 1;\n' > lib.js
commit "init"
# CRLF lines; the export on the last line, without a final newline
printf 'const a = 1;\r\nconst t = "ghp_%s";\r\nmodule.exports = a;' "$(printf 'A%.0s' $(seq 1 36))" > lib.js
commit "export and a token"
run check -f json HEAD~1..
expect_json 'sorted((s["kind"], s["line"]) for s in j["stakes"]["files"][0]["signals"] if s["kind"] in ("secrets", "surface")) == [("secrets", 2), ("surface", 3)]' "CRLF lines and a last line without newline: each line signal found at its line"
printf 'const a = 1;\nconst b = 2;\n' > lib.js
commit "plain"
run check -f json HEAD~1..
expect_json '[s for s in j["stakes"]["files"][0]["signals"] if s["kind"] in ("secrets", "surface")] == []' "no line signal where no line matches"

# --- a predicate after an alternation is the pattern's: `async fn` is not
# unsafe, `pub(crate)` is not public surface (libtree-sitter 0.20.7's
# query engine dropped those predicates) ---
new_repo modifiers
mkdir src && printf 'pub fn keep() {}\n' > src/lib.rs
commit "init"
cat > src/lib.rs <<'RS'
pub fn keep() {}
pub async fn fetch() -> u32 { 1 }
pub(crate) fn helper() -> u32 { 2 }
pub unsafe fn raw(p: *const u8) -> u8 { *p }
const fn k() -> u32 { 3 }
RS
commit "modifiers"
run check -f json HEAD~1..
expect_json 'sorted((s["kind"], s["line"]) for s in j["stakes"]["files"][0]["signals"] if s["kind"] == "unsafe") == [("unsafe", 4)]' "only the unsafe fn is unsafe (not async or const)"
expect_json 'sorted(s["line"] for s in j["stakes"]["files"][0]["signals"] if s["kind"] == "surface") == [2, 4]' "pub functions are surface, pub(crate) is not"

finish
