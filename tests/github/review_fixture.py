#!/usr/bin/env python3
"""Helpers for tests/integration/test_review*.sh: seed state and event files
for fake_github.py from a throwaway repository, and assert on the call log.

  review_fixture.py state OUT PR BASE HEAD [--no-patch PATH] [--commentable PATH:N,N]
                          [--read-only] [--extra JSON]   (run inside the repository)
  review_fixture.py event OUT SRC PR BASE HEAD [--fork] [--name EVENT]
  review_fixture.py check LOG STATE_URL EXPR [DESC]      exit 1 when EXPR is false
"""
import json
import subprocess
import sys
import urllib.request


def patches(base, head):
    out = subprocess.run(["git", "diff", "--no-color", "--no-renames", base, head],
                         check=True, capture_output=True, text=True).stdout
    files, cur, lines = [], None, []
    for line in out.split("\n"):
        if line.startswith("diff --git "):
            if cur:
                files.append((cur, "\n".join(lines)))
            cur, lines = line.split(" b/", 1)[1], []
        elif cur and (line.startswith("@@") or (lines and line[:1] in (" ", "+", "-", "\\"))):
            if not line.startswith("+++") and not line.startswith("---"):
                lines.append(line)
    if cur:
        files.append((cur, "\n".join(lines)))
    return files


def cmd_state(argv):
    out, pr, base, head = argv[0], int(argv[1]), argv[2], argv[3]
    rest = argv[4:]
    no_patch, commentable, read_only, extra = set(), {}, False, {}
    while rest:
        a = rest.pop(0)
        if a == "--no-patch":
            no_patch.add(rest.pop(0))
        elif a == "--commentable":
            p, n = rest.pop(0).split(":")
            commentable[p] = [int(x) for x in n.split(",") if x]
        elif a == "--read-only":
            read_only = True
        elif a == "--extra":
            extra = json.loads(rest.pop(0))
    files = []
    for name, patch in patches(base, head):
        f = {"filename": name, "status": "modified"}
        if name not in no_patch:
            f["patch"] = patch
        files.append(f)
    state = {"repo": "acme/widget", "token_user": {"login": "prgate-bot", "type": "Bot"},
             "read_only": read_only,
             "pulls": [{"number": pr, "title": "A change", "head_sha": head, "base_sha": base,
                        "head_ref": "feature", "base_ref": "main", "user": "alice",
                        "files": files, "commentable": commentable}]}
    state.update(extra)
    json.dump(state, open(out, "w"), indent=1)


def cmd_event(argv):
    out, src, pr, base, head = argv[0], argv[1], int(argv[2]), argv[3], argv[4]
    fork = "--fork" in argv
    ev = json.load(open(src))
    ev["number"] = pr
    p = ev["pull_request"]
    p["number"] = pr
    p["base"]["sha"], p["head"]["sha"] = base, head
    p["base"]["repo"]["full_name"] = "acme/widget"
    p["head"]["repo"]["full_name"] = "mallory/widget" if fork else "acme/widget"
    json.dump(ev, open(out, "w"))


def cmd_check(argv):
    log, url, expr = argv[0], argv[1], argv[2]
    calls = [json.loads(l) for l in open(log) if l.strip()]
    calls = [c for c in calls if not c.get("control")]
    state = json.load(urllib.request.urlopen(url + "/__state"))
    writes = [c for c in calls if c["method"] != "GET"]
    posts = lambda op: [c for c in calls if c.get("op") == op and 200 <= c["status"] < 300]
    env = {"calls": calls, "state": state, "writes": writes, "posts": posts, "json": json}
    try:
        ok = eval(expr, env)
    except Exception as e:  # report the expression's failure, not a traceback
        sys.stderr.write("%s: %r\n" % (expr, e))
        return 1
    if not ok:
        sys.stderr.write("false: %s\n" % expr)
    return 0 if ok else 1


if __name__ == "__main__":
    cmd = sys.argv[1]
    sys.exit({"state": cmd_state, "event": cmd_event, "check": cmd_check}[cmd](sys.argv[2:]) or 0)
