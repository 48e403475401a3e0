#!/usr/bin/env bash
# prgate review against the fake GitHub API on 127.0.0.1: one review, one
# summary comment, one check run; idempotent re-runs and pushes; the 422,
# 502, rate-limit, 401, read-only and fork paths; the token never shows.
. "$(dirname "$0")/lib.sh"
SRC=${PRGATE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED_DIR=${SHARED_DIR:-$SRC/../shared}
SPEC="$SHARED_DIR/github/openapi-subset.json"
FAKE="$SRC/tests/github/fake_github.py"
FIX="$SRC/tests/github/review_fixture.py"
EVENT_SRC="$SHARED_DIR/github/events/pull_request-opened.json"
TOKEN=ghs_fake_token_for_tests_0123456789
SEEN="$TMP_ROOT/seen" # every output and log, scanned for the token at the end
mkdir -p "$SEEN"
FAKE_PID=
cleanup_fake() { [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; wait 2>/dev/null; FAKE_PID=; }
trap 'cleanup_fake; rm -rf "$TMP_ROOT"' EXIT
[ -n "${KEEP:-}" ] && trap cleanup_fake EXIT

# start_fake NAME STATE [SCENARIO]: serve, set URL and LOG
start_fake() {
  cleanup_fake
  LOG="$SEEN/$1.log"
  local args=(--spec "$SPEC" --log "$LOG" --state "$2" --idle-timeout 120 --check-responses)
  [ $# -ge 3 ] && args+=(--scenario "$3")
  /usr/bin/python3 "$FAKE" "${args[@]}" >"$TMP_ROOT/$1.port" 2>"$SEEN/$1.server-stderr" &
  FAKE_PID=$!
  for _ in $(seq 1 600); do grep -q "^PORT " "$TMP_ROOT/$1.port" 2>/dev/null && break; sleep 0.1; done
  URL="http://127.0.0.1:$(sed -n 's/^PORT //p' "$TMP_ROOT/$1.port")"
  if [ "$URL" = "http://127.0.0.1:" ]; then
    bad "the fake server $1 did not start: $(tail -5 "$SEEN/$1.server-stderr")"
  fi
}

# review NAME [ARGS...]: run prgate review in the fake Actions environment
review() {
  local name=$1; shift
  : >"$SEEN/$name.summary.md"
  OUT=$(GITHUB_EVENT_PATH="$EVENT" GITHUB_EVENT_NAME=${EVENT_NAME:-pull_request} \
    GITHUB_REPOSITORY=acme/widget GITHUB_API_URL="$URL" GITHUB_STEP_SUMMARY="$SEEN/$name.summary.md" \
    GITHUB_TOKEN="${GH_TOKEN-$TOKEN}" PRGATE_WRITE_PAUSE_MS=${PAUSE:-0} \
    "$PRGATE" -v review "$@" 2>"$SEEN/$name.stderr")
  CODE=$?
  ERR=$(cat "$SEEN/$name.stderr")
  printf '%s' "$OUT" >"$SEEN/$name.stdout"
}

# check EXPR DESC: a Python expression over calls, writes, state, posts(op)
check() {
  if /usr/bin/python3 "$FIX" check "$LOG" "$URL" "$1" 2>"$TMP_ROOT/pyerr"; then ok; else bad "$2: $(cat "$TMP_ROOT/pyerr")"; fi
}

# --- the fixture: a pull request with an error and a warning ---
new_repo pr
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    println!("{}", 1);\n}\n' > lib.rs
printf 'function show(q) {\n  return q;\n}\n' > app.js
commit base
BASE=$(git rev-parse HEAD)
git checkout -q -b feature
printf 'fn main() {\n    let x: Option<u32> = Some(1);\n    let v = x.unwrap();\n    println!("{}", v);\n}\n' > lib.rs
printf 'function show(q) {\n  eval(q);\n  return q;\n}\n' > app.js
# a test changes too, so the tests stage has nothing to say
printf 'test("show", () => {});\n' > app.test.js
commit head
HEAD1=$(git rev-parse HEAD)
/usr/bin/python3 "$FIX" state "$TMP_ROOT/state1.json" 7 "$BASE" "$HEAD1"
/usr/bin/python3 "$FIX" event "$TMP_ROOT/event1.json" "$EVENT_SRC" 7 "$BASE" "$HEAD1"
EVENT="$TMP_ROOT/event1.json"

# 1. one run: one review, one summary comment, one check run (with the default 1 s pause)
start_fake main "$TMP_ROOT/state1.json"
T0=$(date +%s%N)
PAUSE=1000 review run1 -o "$SEEN/run1.json"
T1=$(date +%s%N)
expect_code 1 "review: the gate (an error) decides the exit code"
expect_out_has "app.js:2:3: error[javascript/security/eval]" "full findings on stdout"
expect_out_has "lib.rs:3:13: warning[rust/robustness/unwrap]" "warning on stdout"
check 'len(posts("pulls/create-review"))==1 and len(posts("issues/create-comment"))==1 and len(posts("checks/create"))==1' "exactly one review, one summary, one check run"
check 'all(c["valid"] for c in calls) and not any(c.get("response_errors") for c in calls)' "every request validates against the spec"
check 'sorted((c["path"],c["line"],c["side"]) for c in posts("pulls/create-review")[0]["body"]["comments"])==[("app.js",2,"RIGHT"),("lib.rs",3,"RIGHT")]' "inline comments on the exact new-side lines"
check 'posts("pulls/create-review")[0]["body"]["event"]=="COMMENT" and posts("pulls/create-review")[0]["body"]["commit_id"]=="'"$HEAD1"'"' "COMMENT by default, on the head commit"
check 'all("<details><summary>" in c["body"] and "<!-- prgate:fp=" in c["body"] and "`rust/robustness/unwrap`" in c["body"] or "`javascript/security/eval`" in c["body"] for c in posts("pulls/create-review")[0]["body"]["comments"])' "comment: rule id, explanation folded, hidden fingerprint"
check 'not any("```suggestion" in c["body"] for c in posts("pulls/create-review")[0]["body"]["comments"])' "no suggestion without a verified fix"
check 'posts("checks/create")[0]["body"]["name"]=="prgate" and posts("checks/create")[0]["body"]["conclusion"]=="failure" and len(state["check_runs"][0]["annotations"])==2' "check run prgate: conclusion from the gate, annotations"
check '"<!-- prgate:summary -->" in posts("issues/create-comment")[0]["body"]["body"] and "the gate failed" in posts("issues/create-comment")[0]["body"]["body"]' "sticky summary with its marker and verdict"
check 'all(b["time"]-a["time"]>=0.95 for a,b in zip(writes,writes[1:]))' "at least 1 s between content-creating calls"
check 'all(c["headers"].get("x-github-api-version")=="2022-11-28" and c["headers"].get("user-agent","").startswith("prgate/") and c["headers"].get("accept")=="application/vnd.github+json" for c in calls)' "headers on every call"
if grep -q '^## prgate: ❌ the gate failed' "$SEEN/run1.summary.md"; then ok; else bad "job summary written"; fi
if /usr/bin/python3 -c "import json;j=json.load(open('$SEEN/run1.json'));assert len(j['findings'])==2"; then ok; else bad "--output JSON has every finding"; fi
if [ $(( (T1 - T0) / 1000000 )) -ge 2000 ]; then ok; else bad "three writes take at least 2 s with the default pause"; fi

# 2. a second run on the same head creates nothing
N_BEFORE=$(grep -c . "$LOG")
review run2
expect_code 1 "re-run: same gate"
check 'len(posts("pulls/create-review"))==1 and len(posts("issues/create-comment"))==1 and len(posts("checks/create"))==1 and len(writes)==3' "a re-run on the same head writes nothing"

# 3. a push that only shifts lines does not repost; the summary is updated in place
curl -s "$URL/__state" >"$TMP_ROOT/dump.json"
printf '// shifted\n// shifted again\nfunction show(q) {\n  eval(q);\n  return q;\n}\n' > app.js
commit shift
HEAD2=$(git rev-parse HEAD)
/usr/bin/python3 "$FIX" state "$TMP_ROOT/state2.json" 7 "$BASE" "$HEAD2" --extra "$(/usr/bin/python3 -c "import json;d=json.load(open('$TMP_ROOT/dump.json'));print(json.dumps({k:d[k] for k in ('reviews','review_comments','issue_comments','check_runs')}))")"
/usr/bin/python3 "$FIX" event "$TMP_ROOT/event2.json" "$EVENT_SRC" 7 "$BASE" "$HEAD2"
EVENT="$TMP_ROOT/event2.json"
start_fake shift "$TMP_ROOT/state2.json"
review shift
check 'len(posts("pulls/create-review"))==0 and len(posts("issues/create-comment"))==0' "shifted lines: no new review, no second summary"
check 'len(posts("issues/update-comment"))==1 and "'"$HEAD2"'" in posts("issues/update-comment")[0]["body"]["body"]' "summary updated in place for the new head"
check 'len(posts("checks/create"))==1 and posts("checks/create")[0]["body"]["head_sha"]=="'"$HEAD2"'"' "a check run for the new head"

# 4. a fix: the eval comment says fixed, nothing is deleted (a reply exists)
curl -s "$URL/__state" >"$TMP_ROOT/dump.json"
printf '// shifted\n// shifted again\nfunction show(q) {\n  return q;\n}\n' > app.js
commit fix
HEAD3=$(git rev-parse HEAD)
/usr/bin/python3 - "$TMP_ROOT/dump.json" <<'PY' >"$TMP_ROOT/extra.json"
import json, sys
d = json.load(open(sys.argv[1]))
rc = d["review_comments"]
evalc = [c for c in rc if c["path"] == "app.js"][0]
rc.append({"id": 9999, "pull_number": 7, "in_reply_to_id": evalc["id"], "path": "app.js",
           "line": evalc.get("line"), "body": "Why is this bad?", "user": "alice"})
print(json.dumps({k: d[k] for k in ("reviews", "review_comments", "issue_comments", "check_runs")}))
PY
/usr/bin/python3 "$FIX" state "$TMP_ROOT/state3.json" 7 "$BASE" "$HEAD3" --extra "$(cat "$TMP_ROOT/extra.json")"
/usr/bin/python3 "$FIX" event "$TMP_ROOT/event3.json" "$EVENT_SRC" 7 "$BASE" "$HEAD3"
EVENT="$TMP_ROOT/event3.json"
start_fake fix "$TMP_ROOT/state3.json"
review fix
expect_code 0 "the error is gone: the gate passes"
check 'len(posts("pulls/update-review-comment"))==1 and "Fixed" in posts("pulls/update-review-comment")[0]["body"]["body"] and "'"$HEAD3"'" in posts("pulls/update-review-comment")[0]["body"]["body"]' "the disappeared finding's comment says fixed in the head sha"
check 'not any(c["method"]=="DELETE" for c in calls) and len(posts("pulls/create-review"))==0' "nothing deleted, nothing reposted"
review fix2
check 'len(posts("pulls/update-review-comment"))==1' "a comment marked fixed is not edited again"

# 5. 422: GitHub will not anchor a line: the finding moves to the review body
EVENT="$TMP_ROOT/event1.json"
/usr/bin/python3 "$FIX" state "$TMP_ROOT/state422.json" 7 "$BASE" "$HEAD1" --no-patch app.js --commentable app.js:1
start_fake s422 "$TMP_ROOT/state422.json"
review s422
check '[c["status"] for c in calls if c.get("op")=="pulls/create-review"]==[422,200]' "422 then one successful review"
check '[c["path"] for c in posts("pulls/create-review")[0]["body"]["comments"]]==["lib.rs"] and "`javascript/security/eval` line 2" in posts("pulls/create-review")[0]["body"]["body"]' "the unanchored finding is in the review body, grouped by file"
check 'sorted(k for r in state["reviews"] for k in __import__("re").findall(r"prgate:fp=([0-9a-f-]+)", r["body"] or ""))+sorted(k for c in state["review_comments"] for k in __import__("re").findall(r"prgate:fp=([0-9a-f-]+)", c["body"]))==sorted(set(__import__("re").findall(r"prgate:fp=([0-9a-f-]+)", json.dumps(state["reviews"])+json.dumps(state["review_comments"]))))' "422: every finding posted exactly once"

# 6. 502 after the review was created: list again, post nothing twice
cat >"$TMP_ROOT/s502.json" <<'JSON'
{"rules": [{"match": {"method": "POST", "path_regex": "/pulls/7/reviews$", "nth": 1},
            "response": {"preset": "bad_gateway"}, "after_effect": true},
           {"match": {"method": "POST", "path_regex": "/issues/7/comments$", "nth": 1},
            "response": {"preset": "bad_gateway"}, "after_effect": true}]}
JSON
start_fake s502 "$TMP_ROOT/state1.json" "$TMP_ROOT/s502.json"
review s502
expect_code 1 "502: the exit code is still the gate's"
check 'len(state["reviews"])==1 and len(state["review_comments"])==2 and len(state["issue_comments"])==1' "502: one review with both findings, one summary"
check '[c["status"] for c in calls if c.get("op")=="pulls/create-review"]==[502]' "502: the review was not posted again"
review s502b
check 'len(state["reviews"])==1 and len(state["issue_comments"])==1 and len(state["check_runs"])==1' "502: a re-run still adds nothing"

# 7. 403 secondary rate limit with retry-after: 1 is waited out and retried
cat >"$TMP_ROOT/s403.json" <<'JSON'
{"rules": [{"match": {"method": "GET", "path_regex": "/pulls/7/files$", "nth": 1},
            "response": {"preset": "secondary_rate_limit"}},
           {"match": {"method": "POST", "path_regex": "/check-runs$", "nth": 1},
            "response": {"preset": "secondary_rate_limit"}}]}
JSON
start_fake s403 "$TMP_ROOT/state1.json" "$TMP_ROOT/s403.json"
review s403
check '[c["status"] for c in calls if c.get("op")=="pulls/list-files"]==[403,200]' "rate-limited GET retried"
check '[c["status"] for c in calls if c.get("op")=="checks/create"]==[403,201] and len(state["check_runs"])==1' "rate-limited POST retried once"
check '[b["time"]-a["time"]>=0.95 for a,b in zip(calls,calls[1:]) if a["status"]==403]==[True,True]' "retry-after honoured"

# 8. 401: a clear message; the gate decides the exit code unless --require-post
start_fake s401 "$TMP_ROOT/state1.json"
GH_TOKEN=ghs_wrong_token_abcdefghijklmnop review s401
expect_code 1 "401 without --require-post: the gate's exit code"
expect_err_has "GitHub rejected the token (HTTP 401" "401 message"
expect_err_has "GITHUB_TOKEN" "401 names where the token comes from"
GH_TOKEN=ghs_wrong_token_abcdefghijklmnop review s401b --require-post
expect_code 3 "401 with --require-post exits 3"
if grep -rq ghs_wrong_token_abcdefghijklmnop "$SEEN"; then bad "the wrong token leaked"; else ok; fi
# libcurl is opened when a review is posted (not at every start): when it
# cannot be, the message says so and names the package, and `check` still runs
mkdir -p "$TMP_ROOT/nocurl"
printf 'not a library\n' >"$TMP_ROOT/nocurl/libcurl.so.4"
LD_LIBRARY_PATH="$TMP_ROOT/nocurl" review nocurl --require-post
expect_code 3 "libcurl unloadable, --require-post: exit 3"
expect_err_has "cannot load libcurl (libcurl.so.4)" "libcurl unloadable: the message"
expect_err_has "libcurl4 package" "libcurl unloadable: the package to install"
OUT=$(LD_LIBRARY_PATH="$TMP_ROOT/nocurl" "$PRGATE" check -f json "$BASE..$HEAD1" 2>"$SEEN/nocurl-check.stderr"); CODE=$?
expect_code 1 "libcurl unloadable: check runs (its gate fails on the error finding)"
cat >"$TMP_ROOT/s404.json" <<'JSON'
{"rules": [{"match": {"method": "GET", "path_regex": "/pulls/7/comments$"}, "response": {"preset": "not_found"}}]}
JSON
start_fake s404 "$TMP_ROOT/state1.json" "$TMP_ROOT/s404.json"
review s404
expect_err_has "pull-requests: write, checks: write" "404 names the permissions to grant"

# 9. a read-only token: a 403 on the first write falls back to annotations
/usr/bin/python3 "$FIX" state "$TMP_ROOT/stateRO.json" 7 "$BASE" "$HEAD1" --read-only
start_fake ro "$TMP_ROOT/stateRO.json"
review ro
expect_code 1 "read-only: gate exit code"
check 'len(writes)==1 and writes[0]["status"]==403' "read-only: one refused write, then none"
expect_out_has "::error file=app.js,line=2,endLine=2" "read-only: annotations"

# 10. a fork: annotations and job summary, no write calls at all
/usr/bin/python3 "$FIX" event "$TMP_ROOT/eventfork.json" "$EVENT_SRC" 7 "$BASE" "$HEAD1" --fork
EVENT="$TMP_ROOT/eventfork.json"
start_fake fork "$TMP_ROOT/state1.json"
review fork -o "$SEEN/fork.json"
expect_code 1 "fork: gate exit code"
check 'len(writes)==0' "fork: no write calls"
expect_out_has "::error file=app.js,line=2,endLine=2,col=3,endColumn=10,title=prgate javascript/security/eval::" "fork: error annotation"
expect_out_has "::warning file=lib.rs,line=3,endLine=3" "fork: warning annotation"
if grep -q 'javascript/security/eval' "$SEEN/fork.summary.md"; then ok; else bad "fork: job summary has the findings"; fi
if /usr/bin/python3 -c "import json;j=json.load(open('$SEEN/fork.json'));assert len(j['findings'])==2"; then ok; else bad "fork: --output JSON"; fi

# 11. the two-workflow pattern: the privileged job posts a JSON report
cp "$SEEN/fork.json" "$TMP_ROOT/artifact.json"
EVENT_NAME=workflow_run
printf '{"workflow_run": {"head_sha": "%s", "pull_requests": [], "head_repository": {"full_name": "mallory/widget"}}, "repository": {"full_name": "acme/widget"}}' "$HEAD1" >"$TMP_ROOT/wr.json"
EVENT="$TMP_ROOT/wr.json"
start_fake fromjson "$TMP_ROOT/state1.json"
(cd "$TMP_ROOT" && review fromjson --from-json "$TMP_ROOT/artifact.json" --pr 7) # outside any clone
printf '7\n' >"$TMP_ROOT/pr-number.txt"
review fromjson2 --from-json "$TMP_ROOT/artifact.json" --pr-file "$TMP_ROOT/pr-number.txt" # a re-run adds nothing
check 'len(posts("pulls/create-review"))==1 and len(posts("pulls/create-review")[0]["body"]["comments"])==2 and len(posts("checks/create"))==1' "--from-json posts the report"
printf '7; rm -rf /\n' >"$TMP_ROOT/pr-bad.txt"
review frombad --from-json "$TMP_ROOT/artifact.json" --pr-file "$TMP_ROOT/pr-bad.txt"
expect_code 2 "--pr-file takes digits only"
EVENT_NAME=pull_request

# 12. missing commits: the error names fetch-depth: 0
/usr/bin/python3 "$FIX" event "$TMP_ROOT/eventgone.json" "$EVENT_SRC" 7 "$BASE" "0123456789abcdef0123456789abcdef01234567"
EVENT="$TMP_ROOT/eventgone.json"
review gone
expect_code 3 "missing head commit: runtime error"
expect_err_has "fetch-depth: 0" "the fix is named"

# 13. a rule with a fix: a verified ```suggestion block; multi-line findings get start_line
new_repo prfix
printf 'fn main() {\n}\n' > fix.rs
commit base
BASEF=$(git rev-parse HEAD)
git checkout -q -b feature
printf 'fn main() {\n    let x = dbg!(1 + 2);\n    unsafe {\n        do_it(x);\n    }\n}\n' > fix.rs
printf 'test("x", () => {});\n' > fix.test.js
commit head
HEADF=$(git rev-parse HEAD)
/usr/bin/python3 "$FIX" state "$TMP_ROOT/stateF.json" 8 "$BASEF" "$HEADF"
/usr/bin/python3 "$FIX" event "$TMP_ROOT/eventF.json" "$EVENT_SRC" 8 "$BASEF" "$HEADF"
EVENT="$TMP_ROOT/eventF.json"
start_fake fix "$TMP_ROOT/stateF.json"
review fix
check '[c["body"].split("```suggestion\n")[1].split("\n```")[0] for c in posts("pulls/create-review")[0]["body"]["comments"] if "rust/robustness/dbg" in c["body"]]==["    let x = (1 + 2);"]' "the fix becomes a verified suggestion"
check '[(c.get("start_line"),c["line"],c.get("start_side")) for c in posts("pulls/create-review")[0]["body"]["comments"] if "rust/security/unsafe" in c["body"]]==[(3,5,"RIGHT")]' "a multi-line finding has start_line and line"
check 'all(c["valid"] for c in calls)' "fix scenario: every request validates"

# 14. the token never appears anywhere
if grep -rqF "$TOKEN" "$SEEN"; then bad "the token appears in: $(grep -rlF "$TOKEN" "$SEEN" | tr '\n' ' ')"; else ok; fi
if grep -q 'http: GET /repos/acme/widget/pulls/7/files' "$SEEN/run1.stderr"; then ok; else bad "-v traces requests (so the scan above covers traces)"; fi

finish
