#!/usr/bin/env bash
# prgate never executes anything from the repository under review: no
# clean/smudge or textconv filter, no fsmonitor, no hook, no alias. Each
# would create a marker file if it ran.
. "$(dirname "$0")/lib.sh"

MARK="$TMP_ROOT/executed"
new_repo noexec
printf 'ok\n' > README
commit base
printf '*.js filter=evil diff=evil\n' > .gitattributes
printf 'const x = eval(input);\n' > app.js
commit change
# now the repository's own config asks for commands on every read path
git config filter.evil.clean "touch $MARK.clean; cat"
git config filter.evil.smudge "touch $MARK.smudge; cat"
git config filter.evil.process "touch $MARK.process"
git config diff.evil.textconv "touch $MARK.textconv; cat"
git config core.fsmonitor "touch $MARK.fsmonitor; echo"
git config alias.check "!touch $MARK.alias"
for h in pre-commit post-checkout post-merge pre-push reference-transaction; do
  printf '#!/bin/sh\ntouch %s.hook-%s\n' "$MARK" "$h" > ".git/hooks/$h"
  chmod +x ".git/hooks/$h"
done
rm -f "$MARK".*
run check -f json HEAD~1..
expect_code 1 "the finding is reported"
expect_json "[f['line'] for f in j['findings'] if f['rule']=='javascript/security/eval']==[1]" "the blob was read as committed"
run check --staged -f json
run check --filter all -f json HEAD
leftover=$(ls "$MARK".* 2>/dev/null || true)
if [ -z "$leftover" ]; then ok; else bad "something from the repository ran: $leftover"; fi

finish
