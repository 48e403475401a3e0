#!/usr/bin/env bash
# Command-line ergonomics and the text report: help everywhere, -q/-v,
# -C, paths from a subdirectory, files grouped with headers, colors only
# when asked, the footer's verdict, the man page's option list.
. "$(dirname "$0")/lib.sh"

# --- help on every command, and `prgate help CMD` ---
for cmd in check rules explain hook config; do
  run "$cmd" --help
  expect_code 0 "$cmd --help"
  expect_out_has "usage: prgate $cmd" "$cmd --help prints its usage"
  run help "$cmd"
  expect_code 0 "help $cmd"
  expect_out_has "usage: prgate $cmd" "help $cmd prints its usage"
done
run --help
expect_code 0 "--help"
for cmd in check rules explain hook config; do expect_out_has "  $cmd " "--help lists $cmd"; done
run --version
expect_out_has "tree-sitter-javascript" "--version names the grammars"
run chekc
expect_code 2 "a misspelled command"
expect_err_has "did you mean 'check'" "command suggestion"
run hook frobnicate
expect_code 2 "unknown hook subcommand"
run config
expect_code 2 "config without a subcommand"

# --- the man page documents every long option of check and hook ---
MAN="$PRGATE_SOURCE_DIR/docs/prgate.1"
for opt in $("$PRGATE" check --help | grep -o -- '--[a-z][a-z-]*' | sort -u) \
           $("$PRGATE" hook --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  if grep -qF -- "${opt//-/\\-}" "$MAN"; then ok; else bad "docs/prgate.1 lacks $opt"; fi
done
for cmd in check rules explain hook config; do
  if grep -q "^\.SS .*$cmd" "$MAN"; then ok; else bad "docs/prgate.1 has no section for $cmd"; fi
done

# --- the text report ---
new_repo text
mkdir -p web
printf 'function f(x) {\n  return x;\n}\n' > web/a.js
printf 'const q = 1;\n' > b.js
commit base
printf 'function f(x) {\n  return eval(x);\n}\n' > web/a.js
printf 'const q = eval(s);\n' > b.js
printf 'test' > web/a.test.js
commit "two evals"
run check --no-config HEAD~1..
expect_code 1 "two errors fail the gate"
expect_out_has "b.js (modified, +1 -1, 1 finding)" "file header for b.js"
expect_out_has "web/a.js (modified, +1 -1, 1 finding)" "file header for web/a.js"
expect_out_has "web/a.js:2:10: error[javascript/security/eval]" "finding line"
expect_out_has " 2 +|   return eval(x);" "code frame marks the added line"
expect_out_has "    |          ^~~~~~~" "caret under the span"
expect_out_has "prgate: 2 findings (2 errors, 0 warnings, 0 notes) in 3 files analysed" "footer counts"
expect_out_has "gate: FAILED (fail level: error; 2 findings at or above it)" "footer verdict"
# findings come under their file's header, files in path order
if printf '%s\n' "$OUT" | awk '/^b.js \(/{h1=NR} /^b.js:1:/{f1=NR} /^web\/a.js \(/{h2=NR} /^web\/a.js:2:/{f2=NR}
     END{exit !(h1 && h1<f1 && f1<h2 && h2<f2)}'; then ok; else bad "findings grouped under file headers"; fi
expect_out_lacks $'\033[' "no colors when stdout is not a TTY"
OUT=$(NO_COLOR= "$PRGATE" check --no-config --color always HEAD~1.. 2>/dev/null)
expect_out_has $'\033[1;31merror' "--color always colors severities"
OUT=$(NO_COLOR=1 "$PRGATE" check --no-config --color always HEAD~1.. 2>/dev/null)
expect_out_lacks $'\033[' "NO_COLOR wins over --color always"

# --- -q and -v, before or after the command ---
run -q check --no-config HEAD~1..
expect_out_has "web/a.js:2:10: error[javascript/security/eval]" "-q keeps findings"
expect_out_lacks "gate:" "-q drops the footer"
expect_out_lacks "b.js (modified" "-q drops file headers"
run check --quiet --no-config HEAD~1..
expect_out_lacks "gate:" "check --quiet"
run check -v --no-config HEAD~1..
expect_err_has "prgate: configuration: none (--no-config)" "-v says which config"
expect_err_has "prgate: range HEAD~1.." "-v says which range"
expect_err_has "prgate: time: setup " "-v gives each stage's time"
expect_err_has ", report " "... up to the report"
run check --no-config HEAD~1..
expect_err_lacks "prgate: time:" "not without -v"

# --- paths are relative to the root, from a subdirectory and with -C ---
cd web
run check --no-config HEAD~1..
expect_out_has "web/a.js:2:10: error[javascript/security/eval]" "paths from the root in a subdirectory"
cd /
run -C "$REPO/web" check --no-config HEAD~1..
expect_out_has "web/a.js:2:10:" "-C DIR"
cd "$REPO"

# --- progress never reaches a pipe ---
for i in $(seq 1 60); do printf 'const v%d = %d;\n' "$i" "$i" > "m$i.js"; done
commit many
run check --no-config HEAD~1..
if printf '%s' "$ERR" | grep -q "analysing"; then bad "progress shown on a non-TTY stderr"; else ok; fi
if command -v script >/dev/null; then
  script -qc "$PRGATE check --no-config HEAD~1.." /dev/null > "$TMP_ROOT/tty.out" 2>&1
  if grep -q "analysing [0-9]*/60 files" "$TMP_ROOT/tty.out"; then ok; else bad "progress on a TTY"; fi
fi

finish
