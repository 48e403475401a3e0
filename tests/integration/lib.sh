# Shared helpers for integration tests: throwaway repositories and
# assertions on the real binary's output and exit code. Source it.
set -u
: "${PRGATE:?set PRGATE to the prgate binary}"
PASS=0
FAIL=0
TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/prgate-it.XXXXXX")
trap 'rm -rf "$TMP_ROOT"' EXIT
# git and libgit2 both read $HOME/.gitconfig: a fresh HOME isolates them
export HOME="$TMP_ROOT/home" GIT_CONFIG_NOSYSTEM=1
unset GIT_CONFIG_GLOBAL XDG_CONFIG_HOME
mkdir -p "$HOME"
git config --global user.name "Test User"
git config --global user.email "test@example.com"
git config --global init.defaultBranch main
export NO_COLOR=1

# new_repo NAME: create and cd into an empty repository
new_repo() {
  REPO="$TMP_ROOT/$1"
  rm -rf "$REPO"
  git init -q "$REPO"
  cd "$REPO" || exit 1
}

# commit MSG: commit everything
commit() {
  git add -A && git commit -q -m "$1" --allow-empty
}

# PRGATE_VALGRIND=1 runs every prgate invocation under valgrind memcheck:
# any error or definitely lost byte makes it exit 99, which fails the test.
WRAP=()
if [ "${PRGATE_VALGRIND:-0}" = 1 ]; then
  export PRGATE_NO_JIT=1 # valgrind cannot follow PCRE2's JIT-generated code
  WRAP=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
        --show-leak-kinds=definite --suppressions="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/valgrind.supp")
fi

# run ARGS...: run prgate, capturing OUT, ERR and CODE
run() {
  OUT=$("${WRAP[@]}" "$PRGATE" "$@" 2>"$TMP_ROOT/stderr")
  CODE=$?
  ERR=$(cat "$TMP_ROOT/stderr")
}

ok() { PASS=$((PASS + 1)); }
bad() {
  FAIL=$((FAIL + 1))
  printf 'FAIL %s\n' "$1" >&2
  [ -n "${OUT:-}" ] && printf '  stdout: %s\n' "$OUT" | head -40 >&2
  [ -n "${ERR:-}" ] && printf '  stderr: %s\n' "$ERR" | head -20 >&2
  return 0
}

# expect_code N DESC
expect_code() {
  if [ "$CODE" -eq "$1" ]; then ok; else bad "$2: exit $CODE, expected $1"; fi
}
# expect_out_has TEXT DESC  (fixed string in stdout)
expect_out_has() {
  if printf '%s' "$OUT" | grep -qF -- "$1"; then ok; else bad "$2: stdout lacks '$1'"; fi
}
expect_out_lacks() {
  if printf '%s' "$OUT" | grep -qF -- "$1"; then bad "$2: stdout has '$1'"; else ok; fi
}
expect_err_has() {
  if printf '%s' "$ERR" | grep -qF -- "$1"; then ok; else bad "$2: stderr lacks '$1'"; fi
}
expect_err_lacks() {
  if printf '%s' "$ERR" | grep -qF -- "$1"; then bad "$2: stderr has '$1'"; else ok; fi
}
# expect_json PYTHON-EXPR DESC: evaluate with j = parsed stdout
expect_json() {
  if printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" 2>"$TMP_ROOT/pyerr"; then
    ok
  else
    bad "$2: JSON check failed: $1 $(cat "$TMP_ROOT/pyerr")"
  fi
}

finish() {
  printf '%d passed, %d failed\n' "$PASS" "$FAIL"
  [ "$FAIL" -eq 0 ]
}
