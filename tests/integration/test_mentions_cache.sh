#!/usr/bin/env bash
# The tests stage's mentions cache (<git dir>/prgate/test-mentions-v1): a warm
# run gives the same report as a cold one without reading the blobs again; a
# corrupt, truncated, foreign or unwritable cache changes nothing.
. "$(dirname "$0")/lib.sh"

CACHE=.git/prgate/test-mentions-v1

# --- a repository whose tests mention one of two new functions ---
new_repo cache
mkdir -p src tests
printf 'pub fn old() -> u32 {\n    1\n}\n' > src/lib.rs
printf '#[test]\nfn t_found() {\n    assert_eq!(mylib::found_a(), 1);\n}\n' > tests/a.rs
# a Rust file whose test module (after the marker) mentions helper_c
printf 'pub fn g() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { super::helper_c(); }\n}\n' > src/other.rs
# a test file larger than the --max-file-size used below
{ printf '#[test]\nfn t_big() {\n    big_d();\n}\n'; for i in $(seq 1 80); do printf '// padding line %d of a large test file\n' "$i"; done; } > tests/big.rs
printf 'describe("x", () => { it("y", () => { found_a(); }); });\n' > tests/x.test.js
commit base
cat >> src/lib.rs <<'RS'

pub fn found_a() -> u32 {
    1
}

pub fn missing_b() -> u32 {
    2
}

pub fn helper_c() {}

pub fn big_d() {}
RS
commit "add functions"

untested='sorted(f["context"] for f in j["findings"] if f["rule"]=="any/tests/untested-function")'

run -v check -f json --fail-level none HEAD~1..
COLD=$OUT
expect_code 0 "cold run"
expect_json "$untested == [\"missing_b\"]" "cold run: only missing_b is untested"
expect_err_has "search for tests: 4 files, 0 from the cache, 4 read" "cold run reads every file"
if [ -s "$CACHE" ]; then ok; else bad "cold run writes $CACHE"; fi

run -v check -f json --fail-level none HEAD~1..
expect_code 0 "warm run"
if [ "$OUT" = "$COLD" ]; then ok; else bad "warm run: same JSON as the cold run"; fi
expect_err_has "search for tests: 4 files, 4 from the cache, 0 read" "warm run reads no blob"

# the proof that a warm run does not read the blobs: remove the objects of
# the two tests that mention found_a; the cache still answers, a run without
# it cannot
cp -p "$CACHE" "$TMP_ROOT/cache.copy"
for f in tests/a.rs tests/x.test.js; do
  blob=$(git rev-parse "HEAD:$f")
  mv ".git/objects/${blob:0:2}/${blob:2}" "$TMP_ROOT/${blob}.obj"
done
run check -f json --fail-level none HEAD~1..
if [ "$OUT" = "$COLD" ]; then ok; else bad "test blobs missing: the cache still answers"; fi
run check -f json --fail-level none --no-cache HEAD~1..
expect_json "$untested == [\"found_a\", \"missing_b\"]" "--no-cache reads the blobs: found_a's tests are gone"
if cmp -s "$CACHE" "$TMP_ROOT/cache.copy"; then ok; else bad "--no-cache does not write the cache"; fi
for f in tests/a.rs tests/x.test.js; do
  blob=$(git rev-parse "HEAD:$f")
  mv "$TMP_ROOT/${blob}.obj" ".git/objects/${blob:0:2}/${blob:2}"
done

# --- the size limit applies to cached blobs as it does to read ones ---
run -v check -f json --fail-level none --max-file-size 1000 HEAD~1..
expect_json "$untested == [\"big_d\", \"missing_b\"]" "warm, over the size limit: big.rs is skipped"
expect_err_has "0 read" "warm, over the size limit: from the cache"
rm -rf .git/prgate
run -v check -f json --fail-level none --max-file-size 1000 HEAD~1..
expect_json "$untested == [\"big_d\", \"missing_b\"]" "cold, over the size limit: big.rs is skipped"
run -v check -f json --fail-level none HEAD~1..
if [ "$OUT" = "$COLD" ]; then ok; else bad "limit lifted: the blob skipped before is read"; fi
expect_err_has "4 files, 3 from the cache, 1 read" "limit lifted: only the skipped blob is read"

# --- corrupt caches: same report, no crash, one warning, rewritten ---
corrupt_case() { # NAME WARNING: $CACHE was just damaged; WARNING "" = none expected
  run -v check -f json --fail-level none HEAD~1..
  expect_code 0 "$1: exit code"
  if [ "$OUT" = "$COLD" ]; then ok; else bad "$1: same JSON as the cold run"; fi
  expect_err_has "4 files, 0 from the cache, 4 read" "$1: nothing taken from it"
  if [ -n "$2" ]; then
    expect_err_has "prgate: ignoring the cache $REPO/$CACHE ($2); it will be rewritten" "$1: one warning naming the file"
  elif printf '%s' "$ERR" | grep -q "ignoring"; then
    bad "$1: no warning"
  else
    ok
  fi
  run -v check -f json --fail-level none HEAD~1..
  expect_err_has "4 files, 4 from the cache, 0 read" "$1: rewritten"
}
# damage WHAT: a python statement on b (the cache's bytes) writes it back
damage() {
  cp "$TMP_ROOT/good" "$CACHE"
  /usr/bin/python3 - "$CACHE" "$1" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
exec(sys.argv[2])
open(p, "wb").write(b)
PY
}
cp -p "$CACHE" "$TMP_ROOT/good"
damage 'b = b[:60]'
corrupt_case truncated-header "truncated"
damage 'b = b[:-8]'
corrupt_case truncated "truncated or wrong size"
damage 'b = b + b"\0" * 48'
corrupt_case extended "truncated or wrong size"
damage 'b = b""'
corrupt_case empty "truncated"
head -c 4096 /dev/urandom > "$CACHE"
corrupt_case garbage "not a prgate mentions cache"
# a flipped bit in the hashes (the file ends with them): the checksum
damage 'b[-3] ^= 0x10'
corrupt_case flipped-bit "checksum mismatch"
# another format version or another prgate in the key (offset 16): ignored
# without a warning, as after an upgrade
damage 'b[8:12] = struct.pack("=I", 99)'
corrupt_case other-format ""
damage 'assert b[16:23] == b"prgate "; b[23] = ord("~")'
corrupt_case other-prgate ""
# a directory where the file should be: ignored, and left alone
rm -f "$CACHE" && mkdir "$CACHE"
run -v check -f json --fail-level none HEAD~1..
if [ "$CODE" = 0 ] && [ "$OUT" = "$COLD" ]; then ok; else bad "a directory in the cache's place: same report"; fi
expect_err_has "(not a regular file)" "a directory in the cache's place: warned"
rmdir "$CACHE"
# -q silences the warning, not the fix
: > "$CACHE"
run -q check -f json --fail-level none HEAD~1..
if [ -z "$ERR" ] && [ "$OUT" = "$COLD" ]; then ok; else bad "-q: no warning, same report"; fi

# --- the cache is per repository, shared by its worktrees ---
git worktree add -q "$TMP_ROOT/wt" HEAD
(cd "$TMP_ROOT/wt" && run -v check -f json --fail-level none HEAD~1.. &&
  { [ "$OUT" = "$COLD" ] || echo "worktree: different JSON"; } &&
  { printf '%s' "$ERR" | grep -qF "4 files, 4 from the cache, 0 read" || echo "worktree: cache not shared"; }) > "$TMP_ROOT/wt.out"
if [ ! -s "$TMP_ROOT/wt.out" ]; then ok; else bad "$(cat "$TMP_ROOT/wt.out")"; fi
if [ ! -e "$TMP_ROOT/wt/.git/prgate" ] && [ ! -e ".git/worktrees/wt/prgate" ]; then ok; else bad "worktree: one cache in the common git dir"; fi

# --- a walk that stops early (every name found) still saves what it read ---
new_repo early
mkdir -p src tests
printf 'pub fn old() {}\n' > src/lib.rs
printf '#[test]\nfn t() { found_a(); }\n' > tests/a.rs
printf '#[test]\nfn t() { other_e(); }\n' > tests/b.rs
printf '#[test]\nfn t() { other_f(); }\n' > tests/c.rs
commit base
printf 'pub fn old() {}\npub fn found_a() {}\n' > src/lib.rs
commit one
printf 'pub fn old() {}\npub fn found_a() {}\npub fn missing_b() {}\n' > src/lib.rs
commit two
run -v check -f json --fail-level none HEAD~2..HEAD~1
expect_err_has "search for tests: 1 file, 0 from the cache, 1 read" "early stop: the walk ends at tests/a.rs"
if [ -s "$CACHE" ]; then ok; else bad "early stop: the cache is written"; fi
run -v check -f json --fail-level none HEAD~2..
expect_json "$untested == [\"missing_b\"]" "after an early stop: same answers"
expect_err_has "search for tests: 3 files, 1 from the cache, 2 read" "after an early stop: what it read is cached"

# --- a read-only git dir: same report, nothing written ---
new_repo readonly
mkdir -p src tests
printf 'pub fn old() {}\n' > src/lib.rs
printf '#[test]\nfn t() { mylib::found_a(); }\n' > tests/a.rs
commit base
printf 'pub fn old() {}\npub fn found_a() {}\npub fn missing_b() {}\n' > src/lib.rs
commit change
run check -f json --fail-level none --no-cache HEAD~1..
RO_EXPECTED=$OUT
if [ "$(id -u)" = 0 ]; then
  # root writes anywhere: run as nobody, owner of a repository whose git
  # dir it may not write
  chmod o+x "$TMP_ROOT"
  chown -R 65534:65534 "$REPO"
  chmod -R a-w "$REPO/.git"
  AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
  chmod -R a-w "$REPO/.git"
  AS=()
fi
OUT=$("${AS[@]}" "${WRAP[@]}" "$PRGATE" check -f json --fail-level none HEAD~1.. 2>"$TMP_ROOT/stderr")
CODE=$?
ERR=$(cat "$TMP_ROOT/stderr")
expect_code 0 "read-only git dir: exit code"
if [ "$OUT" = "$RO_EXPECTED" ]; then ok; else bad "read-only git dir: same report"; fi
if [ -z "$ERR" ]; then ok; else bad "read-only git dir: no warning"; fi
if [ ! -e .git/prgate ]; then ok; else bad "read-only git dir: nothing written"; fi
chmod -R u+w "$REPO/.git"

# --- the other commands take --no-cache too ---
cd "$TMP_ROOT/cache" || exit 1
OUT=$(printf 'refs/heads/main %s refs/heads/main %s\n' "$(git rev-parse HEAD)" "$(git rev-parse HEAD~1)" |
  "${WRAP[@]}" "$PRGATE" hook run --no-cache pre-push origin url 2>&1)
CODE=$?
expect_code 0 "hook run --no-cache"
run review --no-cache --help
expect_code 0 "review --no-cache"

finish
