#!/usr/bin/env python3
"""Self-test of fake_github.py: spawns the server on loopback and talks to it
with urllib / http.client. Prints "N passed, M failed" last; exits 1 on failure.

Usage: /usr/bin/python3 tests/github/test_fake_github.py [--spec PATH]
The spec defaults to $FAKE_GITHUB_SPEC, else ../shared/github/openapi-subset.json
relative to the repository root.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(HERE, "fake_github.py")
TOKEN = "ghs_fake_token_for_tests_0123456789"
REPO = "/repos/acme/widget"

PATCH_A = "\n".join([
    "@@ -1,4 +1,5 @@",
    " #include <stdio.h>",
    "+#include <stdlib.h>",
    " ",
    " int main(void)",
    " {",
    "@@ -20,3 +21,4 @@ int main(void)",
    "     int x = 0;",
    "-    return x;",
    "+    x++;",
    "+    return x;",
    " }",
])

SEED = {
    "repo": "acme/widget",
    "pulls": [{
        "number": 7, "title": "Add things", "head_sha": "a" * 40, "base_sha": "b" * 40,
        "head_ref": "feature", "base_ref": "main", "user": "alice",
        "files": [
            {"filename": "src/a.c", "status": "modified", "patch": PATCH_A},
            {"filename": "src/b.c", "status": "added", "patch": "@@ -0,0 +1,2 @@\n+int b;\n+int c;"},
        ],
        "commentable": {"docs/x.md": [3, 4]},
    }, {
        "number": 8, "files": [{"filename": "f.txt", "patch": "@@ -1 +1 @@\n-a\n+b"}],
    }],
    "review_comments": [
        {"id": 500, "pull_number": 7, "body": "old finding", "path": "src/a.c", "line": 2,
         "user": {"login": "prgate-bot", "type": "Bot"}, "pull_request_review_id": 400},
        {"id": 501, "pull_number": 7, "body": "I disagree", "path": "src/a.c", "line": 2,
         "in_reply_to_id": 500, "user": "alice"},
    ],
    "reviews": [{"id": 400, "pull_number": 7, "user": "prgate-bot", "body": "",
                 "state": "COMMENTED", "commit_id": "a" * 40}],
}

SCENARIO = {"rules": [
    {"match": {"method": "POST", "path_regex": r"/pulls/8/reviews$", "nth": 2},
     "response": {"preset": "bad_gateway"}, "after_effect": True},
    {"match": {"method": "GET", "path_regex": r"/pulls/8/files$", "nth": 2},
     "response": {"preset": "secondary_rate_limit"}},
    {"match": {"method": "GET", "path_regex": r"/pulls/8/files$", "nth": 3},
     "response": {"preset": "rate_limit_429"}},
    {"match": {"method": "POST", "path_regex": r"/issues/8/comments$", "nth": 1},
     "response": {"preset": "integration_forbidden"}},
]}


def default_spec():
    return os.environ.get("FAKE_GITHUB_SPEC") or os.path.join(
        ROOT, "..", "shared", "github", "openapi-subset.json")


class Fake:
    """A spawned fake_github.py with its temporary files."""

    def __init__(self, spec, state=None, scenario=None, extra=()):
        self.dir = tempfile.mkdtemp(prefix="fake_github_")
        self.log = os.path.join(self.dir, "calls.jsonl")
        cmd = [sys.executable, SERVER, "--spec", spec, "--log", self.log, "--port", "0",
               "--check-responses"] + list(extra)
        for name, obj in (("state", state), ("scenario", scenario)):
            if obj is not None:
                p = os.path.join(self.dir, name + ".json")
                with open(p, "w") as f:
                    json.dump(obj, f)
                cmd += ["--" + name, p]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("PORT "), "bad first line %r" % line
        self.port = int(line.split()[1])
        self.base = "http://127.0.0.1:%d" % self.port

    def call(self, method, path, body=None, headers=None, raw=None):
        h = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
             "Authorization": "Bearer " + TOKEN, "User-Agent": "prgate/0.1 test"}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                text = r.read().decode()
                return r.status, (json.loads(text) if text and text[0] in "[{" else text), r.headers
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                return e.code, json.loads(text), e.headers
            except ValueError:
                return e.code, text, e.headers

    def entries(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def last(self):
        return self.entries()[-1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


@test
def valid_review_creates_comments(f):
    body = {"commit_id": "a" * 40, "event": "COMMENT", "body": "prgate found 2 issues",
            "comments": [{"path": "src/a.c", "line": 2, "side": "RIGHT", "body": "leak"},
                         {"path": "src/a.c", "start_line": 22, "line": 24, "body": "range"}]}
    st, r, _ = f.call("POST", REPO + "/pulls/7/reviews", body)
    check(st == 200, "status %s %s" % (st, r))
    check(r["state"] == "COMMENTED" and r["user"]["login"] == "prgate-bot", r)
    check(r["user"]["type"] == "Bot", r["user"])
    e = f.last()
    check(e["valid"] is True and e["errors"] == [], e)
    check(e["headers"]["authorization"] == "<redacted>", e["headers"])
    check("response_errors" not in e, e.get("response_errors"))
    st, cs, _ = f.call("GET", REPO + "/pulls/7/comments?per_page=100")
    mine = [c for c in cs if c["pull_request_review_id"] == r["id"]]
    check(len(mine) == 2, cs)
    check(mine[0]["line"] == 2 and mine[0]["path"] == "src/a.c" and mine[0]["body"] == "leak", mine[0])
    check(mine[1]["start_line"] == 22 and mine[1]["line"] == 24, mine[1])
    check(mine[0]["diff_hunk"].startswith("@@ -1,4 +1,5 @@"), mine[0]["diff_hunk"])
    reply = [c for c in cs if c["id"] == 501][0]
    check(reply["in_reply_to_id"] == 500 and reply["user"]["login"] == "alice", reply)
    check("response_errors" not in f.last(), f.last().get("response_errors"))


@test
def invalid_body_is_422_and_logged(f):
    st, r, _ = f.call("POST", REPO + "/pulls/7/reviews",
                      {"event": "LGTM", "comments": [{"path": "src/a.c", "line": "two"}]})
    check(st == 422 and r["message"] == "Validation Failed", (st, r))
    check(len(r["errors"]) >= 2, r)
    e = f.last()
    check(e["valid"] is False and any("LGTM" in x for x in e["errors"]), e)
    check(any("'body' is a required property" in x for x in e["errors"]), e["errors"])
    st, r, _ = f.call("POST", REPO + "/pulls/7/reviews", raw=b"{not json",
                      headers={"Content-Type": "application/json"})
    check(st == 400 and r["message"] == "Problems parsing JSON", (st, r))
    check(f.last()["valid"] is False, f.last())


@test
def nullable_fields(f):
    sha = "a" * 40
    st, r, _ = f.call("POST", REPO + "/statuses/" + sha,
                      {"state": "success", "target_url": None, "description": None,
                       "context": "prgate"})
    check(st == 201 and r["target_url"] is None and r["context"] == "prgate", (st, r))
    check(f.last()["valid"] is True and "response_errors" not in f.last(), f.last())
    st, r, _ = f.call("POST", REPO + "/statuses/" + sha, {"state": "success", "description": 5})
    check(st == 422, (st, r))
    st, r, _ = f.call("POST", REPO + "/statuses/" + sha, {"state": "failure", "context": "other"})
    st, r, _ = f.call("GET", REPO + "/commits/feature/status")
    check(st == 200 and r["state"] == "failure" and r["total_count"] == 2, r)
    check("response_errors" not in f.last(), f.last().get("response_errors"))


@test
def pagination_link_headers(f):
    st, r, _ = f.call("POST", REPO + "/issues/8/comments", {"body": "fork"})
    check(st == 403 and r["message"] == "Resource not accessible by integration", (st, r))
    check(f.last()["fault"] == 3 and f.last()["valid"] is True, f.last())
    for i in range(4):
        st, r, _ = f.call("POST", REPO + "/issues/7/comments", {"body": "c%d" % i})
        check(st == 201, (st, r))
    st, r, h = f.call("GET", REPO + "/issues/7/comments?per_page=2")
    check(st == 200 and len(r) == 2 and r[0]["body"] == "c0", r)
    link = h["Link"]
    host = "http://127.0.0.1:%d" % f.port
    check('<%s%s/issues/7/comments?per_page=2&page=2>; rel="next"' % (host, REPO) in link, link)
    check('<%s%s/issues/7/comments?per_page=2&page=2>; rel="last"' % (host, REPO) in link, link)
    st, r, h = f.call("GET", REPO + "/issues/7/comments?per_page=2&page=2")
    check(len(r) == 2 and 'rel="next"' not in h["Link"] and 'rel="prev"' in h["Link"], h["Link"])
    check('rel="first"' in h["Link"], h["Link"])
    st, r, h = f.call("GET", REPO + "/issues/7/comments?per_page=500")
    check(len(r) == 4 and h.get("Link") is None, (len(r), h.get("Link")))
    check("response_errors" not in f.last(), f.last().get("response_errors"))


@test
def fault_502_after_effect(f):
    st, r, _ = f.call("POST", REPO + "/pulls/8/reviews", {"event": "APPROVE"})
    check(st == 200 and r["state"] == "APPROVED", (st, r))
    before = len(f.call("GET", "/__state")[1]["reviews"])
    st, r, _ = f.call("POST", REPO + "/pulls/8/reviews", {"event": "COMMENT", "body": "again"})
    check(st == 502 and r["message"] == "Server Error", (st, r))
    e = f.last()
    check(e["fault"] == 0 and e["effect_status"] == 200 and e["status"] == 502, e)
    after = f.call("GET", "/__state")[1]["reviews"]
    check(len(after) > before and after[-1]["body"] == "again", after[-1])
    check(f.last()["control"] is True, f.last())


@test
def rate_limit_faults(f):
    st, _, _ = f.call("GET", REPO + "/pulls/8/files")
    check(st == 200, st)
    st, r, h = f.call("GET", REPO + "/pulls/8/files")
    check(st == 403 and h["Retry-After"] == "1" and "secondary rate limit" in r["message"], (st, r))
    st, r, h = f.call("GET", REPO + "/pulls/8/files")
    check(st == 429 and h["X-RateLimit-Remaining"] == "0", (st, dict(h)))
    check(int(h["X-RateLimit-Reset"]) >= int(time.time()), h["X-RateLimit-Reset"])
    st, r, _ = f.call("GET", REPO + "/pulls/7/files")
    check(st == 200 and r[0]["filename"] == "src/a.c" and r[0]["additions"] == 3, r)


@test
def bad_token_is_401(f):
    st, r, _ = f.call("GET", REPO + "/pulls/7", headers={"Authorization": "Bearer nope"})
    check(st == 401 and r["message"] == "Bad credentials", (st, r))
    e = f.last()
    check(e["valid"] is False and e["headers"]["authorization"] == "<redacted>", e)
    st, r, _ = f.call("GET", REPO + "/pulls/7", headers={"Authorization": None})
    check(st == 401, st)
    st, r, _ = f.call("GET", REPO + "/pulls/7", headers={"User-Agent": "curl/8"})
    check(st == 200 and r["head"]["sha"] == "a" * 40 and r["number"] == 7, r)
    check(f.last()["valid"] is False and "User-Agent" in f.last()["errors"][0], f.last())
    check("response_errors" not in f.last(), f.last().get("response_errors"))
    st, r, _ = f.call("GET", REPO + "/pulls/7", headers={"X-GitHub-Api-Version": None})
    check(f.last()["valid"] is False, f.last())


@test
def line_outside_diff_is_422(f):
    n = len(f.call("GET", "/__state")[1]["review_comments"])
    st, r, _ = f.call("POST", REPO + "/pulls/7/reviews", {
        "event": "COMMENT", "body": "x",
        "comments": [{"path": "src/a.c", "line": 2, "body": "ok"},
                     {"path": "src/a.c", "line": 12, "body": "not in diff"}]})
    check(st == 422 and r["message"] == "Unprocessable Entity", (st, r))
    check(r["errors"][0].startswith("Pull request review thread line must be part of the diff"), r)
    check(f.last()["valid"] is False, f.last())
    check(len(f.call("GET", "/__state")[1]["review_comments"]) == n, "review was partly created")
    # start_line in another hunk, a LEFT line, the explicit commentable list
    st, r, _ = f.call("POST", REPO + "/pulls/7/reviews", {
        "event": "COMMENT", "comments": [{"path": "src/a.c", "start_line": 2, "line": 22,
                                          "body": "x"}]})
    check(st == 422 and "same hunk" in r["errors"][0], r)
    st, r, _ = f.call("POST", REPO + "/pulls/7/reviews", {
        "event": "COMMENT", "comments": [{"path": "src/a.c", "line": 21, "side": "LEFT",
                                          "body": "deleted line"},
                                         {"path": "docs/x.md", "line": 4, "body": "doc"}]})
    check(st == 200, (st, r))
    st, r, _ = f.call("POST", REPO + "/pulls/7/comments", {
        "body": "single", "commit_id": "a" * 40, "path": "src/b.c", "line": 9, "side": "RIGHT"})
    check(st == 422 and r["errors"][0]["field"] == "pull_request_review_thread.line", r)
    st, r, h = f.call("POST", REPO + "/pulls/7/comments", {
        "body": "single", "commit_id": "a" * 40, "path": "src/b.c", "line": 2, "side": "RIGHT"})
    check(st == 201 and h["Location"].endswith("/pulls/comments/%d" % r["id"]), (st, r))
    check("response_errors" not in f.last(), f.last().get("response_errors"))


@test
def check_run_annotations_accumulate(f):
    st, r, _ = f.call("POST", REPO + "/check-runs", {
        "name": "prgate", "head_sha": "a" * 40, "status": "in_progress",
        "output": {"title": "t", "summary": "s", "annotations": [
            {"path": "src/a.c", "start_line": 2, "end_line": 2,
             "annotation_level": "warning", "message": "m1"}]}})
    check(st == 201 and r["status"] == "in_progress", (st, r))
    check("response_errors" not in f.last(), f.last().get("response_errors"))
    cid = r["id"]
    st, r, _ = f.call("PATCH", REPO + "/check-runs/%d" % cid, {
        "conclusion": "failure", "output": {"title": "t", "summary": "s2", "annotations": [
            {"path": "src/b.c", "start_line": 1, "end_line": 1,
             "annotation_level": "failure", "message": "m2"}]}})
    check(st == 200 and r["status"] == "completed" and r["conclusion"] == "failure", r)
    check(r["output"]["annotations_count"] == 2 and r["output"]["summary"] == "s2", r["output"])
    st, r, _ = f.call("GET", REPO + "/check-runs/%d/annotations" % cid)
    check([a["message"] for a in r] == ["m1", "m2"], r)
    st, r, _ = f.call("POST", REPO + "/check-runs", {"name": "x", "head_sha": "a" * 40,
                                                     "status": "completed"})
    check(st == 422, (st, r))  # completed needs a conclusion (oneOf in the spec)


@test
def unknown_route_and_keepalive(f):
    conn = http.client.HTTPConnection("127.0.0.1", f.port, timeout=5)
    h = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
         "Authorization": "Bearer " + TOKEN, "User-Agent": "prgate/0.1"}
    conn.request("GET", REPO + "/pulls/7/commits", headers=h)
    r = conn.getresponse()
    r.read()
    check(r.status == 404, r.status)
    check(f.last()["valid"] is False, f.last())
    conn.request("DELETE", REPO + "/pulls/7/files", headers=h)  # same connection
    r = conn.getresponse()
    r.read()
    check(r.status == 404 and "not allowed" in f.last()["errors"][0], f.last())
    conn.request("DELETE", REPO + "/pulls/comments/500", headers=h)
    r = conn.getresponse()
    r.read()
    check(r.status == 204, r.status)
    conn.close()
    st, r, _ = f.call("GET", "/repos/other/repo/pulls/7")
    check(st == 404, st)


def run_server_checks(spec):
    """Checks that need their own server: read-only token, idle exit, /__shutdown."""
    out = []
    f = Fake(spec, state=dict(SEED, read_only=True))
    try:
        st, r, _ = f.call("POST", REPO + "/issues/7/comments", {"body": "hi"})
        out.append(("read_only_token_403", st == 403 and
                    r["message"] == "Resource not accessible by integration", (st, r)))
        st, _, _ = f.call("POST", "/__shutdown")
        try:
            f.proc.wait(3)
            ok = f.proc.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        out.append(("shutdown_endpoint", ok and st == 200, f.proc.returncode))
    finally:
        f.stop()
    f = Fake(spec, extra=["--idle-timeout", "0.5"])
    try:
        try:
            f.proc.wait(4)
            ok = True
        except subprocess.TimeoutExpired:
            ok = False
        out.append(("idle_timeout_exit", ok, "still running"))
    finally:
        f.stop()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=default_spec())
    args = ap.parse_args()
    passed = failed = 0
    t0 = time.time()
    f = Fake(args.spec, state=SEED, scenario=SCENARIO)
    try:
        for fn in TESTS:
            try:
                fn(f)
                passed += 1
                print("ok   %s" % fn.__name__)
            except Exception as e:
                failed += 1
                print("FAIL %s: %s" % (fn.__name__, e))
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
        # every log line is one JSON object with the documented keys, seq increasing
        try:
            es = f.entries()
            keys = {"seq", "method", "path", "query", "headers", "body", "status", "valid",
                    "errors"}
            check(all(keys <= set(e) for e in es), "log entry missing keys")
            check([e["seq"] for e in es] == list(range(1, len(es) + 1)), "seq not 1..n")
            check(not any("response_errors" in e for e in es),
                  [e["response_errors"] for e in es if "response_errors" in e])
            passed += 1
            print("ok   log_format")
        except Exception as e:
            failed += 1
            print("FAIL log_format: %s" % e)
    finally:
        f.stop()
    for name, ok, info in run_server_checks(args.spec):
        if ok:
            passed += 1
            print("ok   %s" % name)
        else:
            failed += 1
            print("FAIL %s: %s" % (name, info))
    print("(%.1fs)" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
