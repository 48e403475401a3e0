#!/usr/bin/env bash
# The range's diff gives libgit2 the paths where the two trees differ
# (git.c changed_paths), so that it reads only the subtrees on them. These
# cases pin that the files found are exactly those of libgit2's walk of
# every tree (PRGATE_FULL_TREE_DIFF=1) and of git: nested changes, names
# that sort around a directory's ('a-b', 'a.txt', 'a/'), a file that
# becomes a directory and the reverse, a mode change, a symlink, a rename
# across directories, a deleted directory, and a commit that changes nothing.
. "$(dirname "$0")/lib.sh"

new_repo treediff
mkdir -p a/z a-b d/e/f u gone dd r
echo 'fn y() {}' >a/y.rs
echo 'fn deep() {}' >a/z/deep.rs
echo 'fn x() {}' >a-b/x.rs
echo 'text' >a.txt
echo 'fn keep() {}' >d/keep.rs
echo 'fn g() {}' >d/e/f/g.rs
echo 'fn u() {}' >u/u.rs
echo 'fn gone() {}' >gone/g.rs
echo 'fn inner() {}' >dd/inner.rs
printf 'fn moved() {\n    let a = 1;\n    let b = 2;\n    let c = a + b;\n}\n' >r/old_name.rs
echo 'echo hi' >exe.sh
echo 'fn t() {}' >t
ln -s a.txt l
commit base

echo 'fn deep() { let v: Option<u32> = None; v.unwrap(); }' >a/z/deep.rs
echo 'fn n() {}' >a-b/new.rs
chmod +x exe.sh
rm t && mkdir t && echo 'fn other_inner() {}' >t/inner.rs
rm -r dd && echo 'fn dd() {}' >dd
mkdir -p r2 && git mv r/old_name.rs r2/new_name.rs
rm -r gone
mkdir -p newdir/n && echo 'fn m() {}' >newdir/n/m.rs
ln -sfn a/y.rs l
commit change
commit nothing # --allow-empty: the same tree

FILES="sorted((f['path'], f['status'], f.get('old_path'), f['lines_added'], f['lines_deleted']) for f in j['files'])"
for range in HEAD~2..HEAD~1 HEAD~1..HEAD HEAD~2..HEAD; do
  run check -f json --fail-level none --filter file "$range"
  expect_code 0 "check $range"
  fast=$(printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print($FILES)")
  PRGATE_FULL_TREE_DIFF=1 run check -f json --fail-level none --filter file "$range"
  full=$(printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print($FILES)")
  if [ "$fast" = "$full" ]; then ok; else bad "$range: the files differ from libgit2's full walk: $fast != $full"; fi
  # git's own list of changed paths (renames as the two paths)
  want=$(git diff --no-renames --name-only "${range%%..*}" "${range##*..}" | sort | tr '\n' ' ')
  got=$(printf '%s' "$OUT" | /usr/bin/python3 -c "
import json,sys
j=json.load(sys.stdin); p=set()
for f in j['files']:
    p.add(f['path'])
    if f.get('old_path'): p.add(f['old_path'])
print(' '.join(sorted(p)) + (' ' if p else ''))")
  if [ "$want" = "$got" ]; then ok; else bad "$range: paths '$got', git says '$want'"; fi
done

run check -f json --fail-level none --filter file HEAD~2..HEAD~1
expect_json "len(j['files']) == 11" "eleven changed paths"
expect_json "[(f['status'], f.get('old_path')) for f in j['files'] if f['path'] == 'r2/new_name.rs'] == [('renamed', 'r/old_name.rs')]" \
  "a rename across directories"
expect_json "[f['status'] for f in j['files'] if f['path'] == 'exe.sh'] == ['modified']" "a mode change alone is a change"
expect_json "[(f['path'], f['status']) for f in j['files'] if f['path'] in ('gone/g.rs', 't', 't/inner.rs', 'dd', 'dd/inner.rs')] == [('dd', 'added'), ('dd/inner.rs', 'deleted'), ('gone/g.rs', 'deleted'), ('t', 'deleted'), ('t/inner.rs', 'added')]" \
  "a deleted directory, and the two sides of file <-> directory"
expect_json "[f['line'] for f in j['findings'] if f['rule'] == 'rust/robustness/unwrap' and f['path'] == 'a/z/deep.rs'] == [1]" \
  "the nested change is analysed"
run check -f json --fail-level none HEAD~1..HEAD
expect_json "j['files'] == []" "a commit that changes nothing: no file"
finish
