#!/usr/bin/env bash
# prgate hook: install into a throwaway repository with a bare remote, then
# push: a commit adding eval(x) is rejected with the finding shown, a clean
# one goes through, a hook that was there before still runs.
. "$(dirname "$0")/lib.sh"

# push ARGS...: git push, capturing OUT (stdout and stderr) and CODE
push() {
  OUT=$(git push "$@" 2>&1)
  CODE=$?
  ERR=""
}
remote_sha() { git --git-dir="$TMP_ROOT/remote.git" rev-parse --verify -q "$1"; }
expect_eq() {
  if [ "$1" = "$2" ]; then ok; else bad "$3: '$1' != '$2'"; fi
}

git init -q --bare "$TMP_ROOT/remote.git"
new_repo work
git remote add origin "$TMP_ROOT/remote.git"
printf 'function f(x) {\n  return x;\n}\n' > a.js
commit base

# an existing hook that records that it ran and what it read
cat > .git/hooks/pre-push <<'EOF'
#!/bin/sh
echo "old hook ran for $1"
cat > "$(git rev-parse --git-dir)/old-hook-input"
EOF
chmod +x .git/hooks/pre-push

run hook install
expect_code 0 "install"
expect_out_has "the existing hook was kept as pre-push.prgate-chained" "install says it chained the old hook"
if grep -q "old hook ran" .git/hooks/pre-push.prgate-chained && grep -q "prgate-hook: pre-push" .git/hooks/pre-push \
   && [ -x .git/hooks/pre-push ]; then ok; else bad "old hook kept, shim written and executable"; fi
if grep -qF "$(readlink -f "$PRGATE")" .git/hooks/pre-push; then ok; else bad "the shim records prgate's absolute path"; fi
cp .git/hooks/pre-push "$TMP_ROOT/shim1"
run hook install
expect_code 0 "install again"
expect_out_has "updated the prgate pre-push hook" "second install updates"
if cmp -s .git/hooks/pre-push "$TMP_ROOT/shim1" && grep -q "old hook ran" .git/hooks/pre-push.prgate-chained; then ok
else bad "install is idempotent: same shim, the chained hook is still the old one"; fi

# --- a clean first push goes through (new branch, empty remote) ---
push origin main
expect_code 0 "clean first push"
expect_out_has "old hook ran for origin" "the existing hook still runs"
expect_out_has "gate: passed" "the gate ran on the first push"
expect_eq "$(remote_sha main)" "$(git rev-parse HEAD)" "the remote got the clean commit"
if grep -q "refs/heads/main $(git rev-parse HEAD) refs/heads/main 0000000000000000000000000000000000000000" .git/old-hook-input
then ok; else bad "the chained hook read git's pre-push input"; fi

# --- a push adding eval(x) is rejected, with the finding ---
printf 'function f(x) {\n  return eval(x);\n}\n' > a.js
commit "add eval"
push origin main
expect_code 1 "push with eval is rejected"
expect_out_has "a.js:2:10: error[javascript/security/eval]" "the finding is shown"
expect_out_has "gate: FAILED" "the verdict is shown"
expect_out_has "git push --no-verify" "says how to bypass"
expect_out_has "old hook ran for origin" "the existing hook ran before prgate"
expect_eq "$(remote_sha main)" "$(git rev-parse HEAD~1)" "the remote did not get the eval commit"

# --- a clean commit goes through ---
git reset -q --hard HEAD~1
printf 'function f(x) {\n  return x + 1;\n}\n' > a.js
commit "clean change"
push origin main
expect_code 0 "clean push goes through"
expect_out_lacks "javascript/security/eval" "no finding on the clean push"
expect_eq "$(remote_sha main)" "$(git rev-parse HEAD)" "the remote got the clean commit"

# --- a new branch is checked from its merge base with the remote's default branch ---
git checkout -q -b feature
printf 'const y = eval(input);\n' > b.js
commit "feature with eval"
push -u origin feature
expect_code 1 "new branch with eval is rejected"
expect_out_has "b.js:1:11: error[javascript/security/eval]" "new branch finding"
expect_out_has "merge base with origin/main" "new branch range from the merge base"
expect_out_lacks "a.js" "commits already on the remote are not checked again"
push --no-verify -u origin feature
expect_code 0 "--no-verify bypasses the gate"

# --- deleting a branch is not checked ---
push origin :feature
expect_code 0 "deletion is skipped"

# --- a .prgate.yml that disables the rule lets the push through ---
git checkout -q main
printf 'function g(s) {\n  return eval(s);\n}\n' > c.js
printf 'rules:\n  disable: [javascript/security/eval]\n' > .prgate.yml
commit "eval, with the rule disabled"
push origin main
expect_code 0 "disabled rule lets the push through"
expect_out_lacks "error[javascript/security/eval]" "no eval finding with the rule disabled"
expect_out_has ".prgate.yml:1:1: warning[any/maintainability/config-changed]" "the config change itself is reported"
expect_eq "$(remote_sha main)" "$(git rev-parse HEAD)" "the remote got the commit"
git rm -q .prgate.yml c.js
commit "the rule back on"
push origin main
expect_code 0 "removing the config and the eval"

# --- a failing chained hook blocks the push before prgate runs ---
printf '#!/bin/sh\necho "old hook says no"\nexit 7\n' > .git/hooks/pre-push.prgate-chained
printf '// more\n' >> a.js
commit "more"
push origin main
expect_code 1 "a failing chained hook blocks the push"
expect_out_has "old hook says no" "the chained hook's output"
expect_out_lacks "gate:" "prgate does not run after a failing chained hook"

# --- uninstall restores the old hook; a foreign hook is left alone ---
run hook uninstall
expect_code 0 "uninstall"
expect_out_has "restored the previous one" "uninstall restores the chained hook"
if grep -q "old hook says no" .git/hooks/pre-push && [ ! -e .git/hooks/pre-push.prgate-chained ]; then ok
else bad "the old hook is back in place"; fi
run hook uninstall
expect_out_has "was not written by prgate; left alone" "uninstall leaves a foreign hook"
if grep -q "old hook says no" .git/hooks/pre-push; then ok; else bad "foreign hook untouched"; fi
rm .git/hooks/pre-push
run hook uninstall
expect_code 0 "uninstall with nothing installed"

# --- --force: a kept hook and a new foreign one ---
printf '#!/bin/sh\necho first\n' > .git/hooks/pre-push.prgate-chained
printf '#!/bin/sh\necho second\n' > .git/hooks/pre-push
run hook install
expect_code 2 "install refuses to drop a kept hook"
expect_err_has "hook install --force" "says to use --force"
run hook install --force
expect_code 0 "install --force"
if grep -q "echo second" .git/hooks/pre-push.prgate-chained; then ok; else bad "--force keeps the current hook"; fi
rm -f .git/hooks/pre-push .git/hooks/pre-push.prgate-chained

# --- core.hooksPath is respected (relative to the work tree root) ---
git config core.hooksPath .githooks
mkdir -p sub && cd sub
run hook install
expect_code 0 "install with core.hooksPath"
cd ..
if [ -x .githooks/pre-push ] && [ ! -e .git/hooks/pre-push ]; then ok; else bad "hook written to core.hooksPath"; fi
printf 'eval(q);\n' > d.js
commit "eval again"
push origin main
expect_code 1 "the hook in core.hooksPath gates the push"
expect_out_has "d.js:1:1: error[javascript/security/eval]" "finding through core.hooksPath"
git reset -q --hard HEAD~1
run hook uninstall
if [ ! -e .githooks/pre-push ]; then ok; else bad "uninstall from core.hooksPath"; fi
git config --unset core.hooksPath

# --- a linked worktree installs into the common hooks directory ---
git worktree add -q "$TMP_ROOT/wt" -b wt-branch
cd "$TMP_ROOT/wt"
run hook install
expect_code 0 "install from a worktree"
if [ -x "$REPO/.git/hooks/pre-push" ]; then ok; else bad "worktree hook in the common hooks dir"; fi
printf 'eval(z);\n' > e.js
commit "eval in worktree"
push origin wt-branch
expect_code 1 "the hook gates pushes from the worktree"
expect_out_has "e.js:1:1: error[javascript/security/eval]" "finding from the worktree"
cd "$REPO"

# --- hook run directly: input lines, bad input, the pre-commit framework ---
BASE=$(git rev-parse HEAD)
printf 'eval(w);\n' > f.js
commit "eval f"
HEAD_SHA=$(git rev-parse HEAD)
OUT=$(printf 'refs/heads/main %s refs/heads/main %s\n' "$HEAD_SHA" "$BASE" | "$PRGATE" hook run pre-push origin url 2>&1)
CODE=$?
expect_code 1 "hook run reads pre-push lines"
expect_out_has "f.js:1:1: error[javascript/security/eval]" "hook run finding"
OUT=$(printf 'refs/heads/main %s refs/heads/main %s\n' "$BASE" "$BASE" | "$PRGATE" hook run pre-push origin url 2>&1)
CODE=$?
expect_code 0 "nothing new to push"
OUT=$(printf 'garbage\n' | "$PRGATE" hook run pre-push origin url 2>&1)
CODE=$?
expect_code 2 "a malformed input line"
OUT=$(PRE_COMMIT_FROM_REF=$BASE PRE_COMMIT_TO_REF=$HEAD_SHA "$PRGATE" hook run pre-push </dev/null 2>&1)
CODE=$?
expect_code 1 "pre-commit framework range"
expect_out_has "f.js:1:1: error[javascript/security/eval]" "pre-commit framework finding"
run hook run
expect_code 2 "hook run without a hook name"

# --- check --staged: the index against HEAD ---
printf 'eval(staged);\n' > g.js
git add g.js
printf 'eval(unstaged);\n' > h.js
run check --staged
expect_code 1 "check --staged fails on a staged eval"
expect_out_has "g.js:1:1: error[javascript/security/eval]" "staged finding"
expect_out_lacks "h.js" "unstaged files are not checked"
git reset -q
run check --staged
expect_code 0 "nothing staged"

finish
