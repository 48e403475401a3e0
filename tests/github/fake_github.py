#!/usr/bin/env python3
"""Fake GitHub REST API server for prgate's tests.

Serves the subset of the GitHub REST API described by an OpenAPI 3.0 file
(passed with --spec), keeps an in-memory model of one repository (pull
requests, reviews, review comments, issue comments, check runs, commit
statuses), validates every request against the spec and against the
headers GitHub requires, and appends one JSON line per call to --log.

Invariants:
  - binds 127.0.0.1 only; prints exactly one line "PORT <n>" once listening;
  - every request, valid or not, GitHub or control API, is logged and the
    log is flushed after each line; Authorization values never reach it;
  - requests are handled one at a time (a global lock), so the log order is
    the order in which the server answered;
  - the process ends on SIGTERM, on POST /__shutdown, or after
    --idle-timeout seconds without a request.

Only the standard library and jsonschema (Debian: python3-jsonschema) are
used. See README.md beside this file for the state and scenario formats.
"""

import argparse
import copy
import datetime
import hashlib
import base64
import json
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import jsonschema

DEFAULT_TOKEN = "ghs_fake_token_for_tests_0123456789"
API_VERSION = "2022-11-28"
MEDIA_TYPE = "application/vnd.github+json"
DIFF_MEDIA_TYPES = ("application/vnd.github.diff", "application/vnd.github.v3.diff")
HTML_BASE = "https://github.com"
DOCS = "https://docs.github.com/rest"

# Canned fault responses a scenario rule may name with "preset".
PRESETS = {
    "secondary_rate_limit": {
        "status": 403,
        "headers": {"retry-after": "1"},
        "body": {
            "message": "You have exceeded a secondary rate limit. Please wait a few "
                       "minutes before you try again. If you reach out to GitHub "
                       "Support for help, please include the request ID "
                       "FAKE:0000:0000000:0000000:00000000.",
            "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/"
                                 "overview/rate-limits-for-the-rest-api"
                                 "#about-secondary-rate-limits",
            "status": "403"},
    },
    "primary_rate_limit": {
        "status": 403,
        "headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "{now+1}",
                    "x-ratelimit-used": "5000"},
        "body": {
            "message": "API rate limit exceeded for installation ID 1.",
            "documentation_url": "https://docs.github.com/rest/overview/"
                                 "rate-limits-for-the-rest-api",
            "status": "403"},
    },
    "rate_limit_429": {
        "status": 429,
        "headers": {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "{now+1}",
                    "x-ratelimit-used": "5000"},
        "body": {
            "message": "API rate limit exceeded for installation ID 1.",
            "documentation_url": "https://docs.github.com/rest/overview/"
                                 "rate-limits-for-the-rest-api",
            "status": "429"},
    },
    "bad_gateway": {"status": 502, "body": {"message": "Server Error"}},
    "unauthorized": {
        "status": 401,
        "body": {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}},
    "not_found": {
        "status": 404,
        "body": {"message": "Not Found", "documentation_url": DOCS, "status": "404"}},
    "integration_forbidden": {
        "status": 403,
        "body": {"message": "Resource not accessible by integration",
                 "documentation_url": DOCS, "status": "403"}},
    "server_error": {"status": 500, "body": {"message": "Server Error"}},
}


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind, ident):
    return base64.b64encode(("%02d:%s%d" % (len(kind), kind, ident)).encode()).decode()


def to_sentence(items):
    """Rails' Array#to_sentence, which GitHub uses to join review errors."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return "%s and %s" % (items[0], items[1])
    return "%s, and %s" % (", ".join(items[:-1]), items[-1])


# ---------------------------------------------------------------------------
# OpenAPI handling

def oas_to_jsonschema(node, root, stack=()):
    """Convert an OpenAPI 3.0 schema object into a JSON Schema draft 4 one.

    Resolves local $refs inline (a $ref already being expanded becomes {} so
    recursive schemas terminate) and turns `nullable: true` into a type list
    with "null" (and adds None to an enum).
    """
    if isinstance(node, list):
        return [oas_to_jsonschema(x, root, stack) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in stack:
            return {}
        target = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return oas_to_jsonschema(target, root, stack + (ref,))
    out = {}
    for key, value in node.items():
        if key in ("example", "examples", "description", "discriminator", "xml",
                   "externalDocs", "deprecated", "readOnly", "writeOnly") \
                or key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties"):
            out[key] = {k: oas_to_jsonschema(v, root, stack) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = oas_to_jsonschema(value, root, stack)
        else:
            out[key] = value
    if out.pop("nullable", False) is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = types + ["null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = list(out["enum"]) + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


DATE_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())


@FORMAT_CHECKER.checks("date-time")
def _is_date_time(value):
    return not isinstance(value, str) or bool(DATE_TIME_RE.match(value))


class Operation:
    """Operation - one (method, path template) of the spec.

    method, template, regex: how it is matched; params: path parameter name ->
    JSON type; op: the raw OpenAPI operation object.
    """

    def __init__(self, method, template, op, path_item):
        self.method = method
        self.template = template
        self.op = op
        self.operation_id = op.get("operationId", "%s %s" % (method, template))
        self.params = {}
        for p in list(path_item.get("parameters", [])) + list(op.get("parameters", [])):
            if p.get("in") == "path":
                self.params[p["name"]] = p.get("schema", {}).get("type", "string")
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.regex = re.compile("^" + pattern + "$")
        self.literal_segments = len([s for s in template.split("/") if s and "{" not in s])
        self.body_validator = None
        rb = op.get("requestBody")
        self.body_required = bool(rb and rb.get("required"))
        self.body_schema = None
        if rb:
            self.body_schema = rb.get("content", {}).get("application/json", {}).get("schema")

    def response(self, status):
        """Return (schema, example) for a response code, either may be None."""
        r = self.op.get("responses", {}).get(str(status))
        if not r:
            return None, None
        c = r.get("content", {}).get("application/json", {})
        example = None
        for ex in c.get("examples", {}).values():
            example = ex.get("value")
            break
        if example is None:
            example = c.get("example")
        return c.get("schema"), example


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.ops = []
        self.by_id = {}
        for template, item in self.doc.get("paths", {}).items():
            for method, op in item.items():
                if method.lower() not in ("get", "post", "put", "patch", "delete", "head"):
                    continue
                o = Operation(method.upper(), template, op, item)
                if o.body_schema is not None:
                    o.body_validator = jsonschema.Draft4Validator(
                        oas_to_jsonschema(o.body_schema, self.doc),
                        format_checker=FORMAT_CHECKER)
                self.ops.append(o)
                self.by_id[o.operation_id] = o
        self.ops.sort(key=lambda o: -o.literal_segments)
        self._response_validators = {}

    def match(self, method, path):
        """Return (operation, params) or (None, reason)."""
        path_matched = False
        for o in self.ops:
            m = o.regex.match(path)
            if not m:
                continue
            params = m.groupdict()
            if any(t == "integer" and not params[n].isdigit() for n, t in o.params.items()):
                continue
            path_matched = True
            if o.method != method:
                continue
            return o, {n: int(v) if o.params.get(n) == "integer" else v
                       for n, v in params.items()}
        if path_matched:
            return None, "method %s not allowed on %s" % (method, path)
        return None, "no operation in the spec matches %s %s" % (method, path)

    def response_validator(self, o, status):
        key = (o.operation_id, status)
        if key not in self._response_validators:
            schema, _ = o.response(status)
            self._response_validators[key] = None if schema is None else \
                jsonschema.Draft4Validator(oas_to_jsonschema(schema, self.doc))
        return self._response_validators[key]


def schema_errors(validator, instance):
    """Validate and return GitHub-style error objects plus log strings."""
    gh, text = [], []
    for e in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        field = ".".join(str(p) for p in e.absolute_path)
        code = "invalid"
        if e.validator == "required":
            code = "missing_field"
            m = re.match(r"'([^']+)' is a required property", e.message)
            if m:
                field = (field + "." if field else "") + m.group(1)
        gh.append({"resource": "Request", "field": field, "code": code, "message": e.message})
        text.append("body%s: %s" % ("." + field if field else "", e.message))
    return gh, text


# ---------------------------------------------------------------------------
# Diff model

class FilePatch:
    """FilePatch - the commentable lines of one file of a pull request.

    rows: (kind, old_no, new_no, hunk_index, position, text) per diff line;
    headers: the "@@" line of each hunk.
    """

    HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")

    def __init__(self, patch, commentable=None):
        self.rows = []
        self.headers = []
        self.explicit = None
        if commentable is not None:
            self.explicit = set(int(x) for x in commentable)
        if not patch:
            return
        pos, old, new, hunk = 0, 0, 0, -1
        for raw in patch.rstrip("\n").split("\n"):
            m = self.HUNK_RE.match(raw)
            if m:
                if hunk >= 0:
                    pos += 1
                hunk += 1
                old, new = int(m.group(1)), int(m.group(3))
                self.headers.append(raw)
                continue
            if hunk < 0 or raw.startswith("\\"):
                continue
            pos += 1
            kind = raw[:1] if raw[:1] in "+-" else " "
            if kind == "+":
                self.rows.append(("+", None, new, hunk, pos, raw))
                new += 1
            elif kind == "-":
                self.rows.append(("-", old, None, hunk, pos, raw))
                old += 1
            else:
                self.rows.append((" ", old, new, hunk, pos, raw))
                old += 1
                new += 1

    def find(self, line, side):
        """Return the row for a line on a side, or None if not in the diff."""
        if self.explicit is not None and side != "LEFT":
            if line in self.explicit:
                return ("+", None, line, 0, None, "")
            return None
        for r in self.rows:
            if side == "LEFT" and r[0] in "- " and r[1] == line:
                return r
            if side != "LEFT" and r[0] in "+ " and r[2] == line:
                return r
        return None

    def by_position(self, position):
        for r in self.rows:
            if r[4] == position:
                return r
        return None

    def diff_hunk(self, row):
        if row is None or not self.headers or row[4] is None:
            return "@@ -1 +1 @@"
        lines = [self.headers[row[3]]]
        lines += [r[5] for r in self.rows if r[3] == row[3] and r[4] <= row[4]]
        return "\n".join(lines)

    def stats(self):
        adds = sum(1 for r in self.rows if r[0] == "+")
        dels = sum(1 for r in self.rows if r[0] == "-")
        return adds, dels


# ---------------------------------------------------------------------------
# State

class State:
    """State - the one repository the server models, plus id allocation."""

    def __init__(self, seed, token):
        seed = seed or {}
        self.token = seed.get("token", token)
        self.repo = seed.get("repo")  # "owner/name" or None: accept any
        self.read_only = bool(seed.get("read_only", False))
        self.next_id = int(seed.get("first_id", 1000))
        self.users = {}
        self.me = self.user(seed.get("token_user", {"login": "prgate-bot", "type": "Bot"}))
        self.pulls = {}
        for p in seed.get("pulls", []):
            self.add_pull(p)
        self.reviews = [self.seed_obj(r, "review") for r in seed.get("reviews", [])]
        self.review_comments = [self.seed_obj(c, "review_comment")
                                for c in seed.get("review_comments", [])]
        self.issue_comments = [self.seed_obj(c, "issue_comment")
                               for c in seed.get("issue_comments", [])]
        self.check_runs = [self.seed_obj(c, "check_run") for c in seed.get("check_runs", [])]
        self.statuses = [self.seed_obj(s, "status") for s in seed.get("statuses", [])]
        ids = [o["id"] for lst in (self.reviews, self.review_comments, self.issue_comments,
                                   self.check_runs, self.statuses) for o in lst]
        self.next_id = max([self.next_id] + [i + 1 for i in ids])
        self.rate_limit = int(seed.get("rate_limit", 5000))
        self.rate_used = 0

    def new_id(self):
        self.next_id += 1
        return self.next_id - 1

    def user(self, u):
        if isinstance(u, str):
            u = {"login": u}
        login = u.get("login", "octocat")
        if login not in self.users:
            ident = u.get("id") or (int(hashlib.sha1(login.encode()).hexdigest()[:6], 16) + 100)
            self.users[login] = {"login": login, "id": ident,
                                 "type": u.get("type", "Bot" if login.endswith("[bot]")
                                               or login.endswith("-bot") else "User")}
        return self.users[login]

    def seed_obj(self, o, kind):
        o = copy.deepcopy(o)
        if "id" not in o:
            o["id"] = self.new_id()
        if "user" in o or kind in ("review", "review_comment", "issue_comment"):
            o["user"] = self.user(o.get("user", "octocat"))
        o.setdefault("created_at", now_iso())
        o.setdefault("updated_at", o["created_at"])
        if kind == "review":
            o.setdefault("state", "COMMENTED")
            o.setdefault("body", "")
            o.setdefault("submitted_at", o["created_at"])
        if kind == "review_comment":
            o.setdefault("side", "RIGHT")
            o.setdefault("in_reply_to_id", None)
            o.setdefault("start_line", None)
            o.setdefault("start_side", None)
            o.setdefault("pull_request_review_id", None)
            pr = self.pulls.get(o.get("pull_number"))
            if pr:
                o.setdefault("commit_id", pr["head_sha"])
        if kind == "check_run":
            o.setdefault("status", "completed" if o.get("conclusion") else "queued")
            o.setdefault("conclusion", None)
            o.setdefault("output", {})
            o.setdefault("annotations", [])
            o.setdefault("started_at", o["created_at"])
            o.setdefault("completed_at", None)
        if kind == "status":
            o.setdefault("context", "default")
            o.setdefault("description", None)
            o.setdefault("target_url", None)
            o["creator"] = self.user(o.get("creator", self.me["login"]))
        return o

    def add_pull(self, p):
        p = copy.deepcopy(p)
        n = int(p["number"])
        p.setdefault("title", "Pull request %d" % n)
        p.setdefault("body", "")
        p.setdefault("state", "open")
        p.setdefault("head_sha", hashlib.sha1(b"head%d" % n).hexdigest())
        p.setdefault("base_sha", hashlib.sha1(b"base%d" % n).hexdigest())
        p.setdefault("head_ref", "feature-%d" % n)
        p.setdefault("base_ref", "main")
        p.setdefault("draft", False)
        p["user"] = self.user(p.get("user", "octocat"))
        p.setdefault("files", [])
        p.setdefault("created_at", now_iso())
        commentable = p.get("commentable", {})
        p["_diff"] = {}
        for f in p["files"]:
            f.setdefault("status", "modified")
            p["_diff"][f["filename"]] = FilePatch(f.get("patch"), commentable.get(f["filename"]))
        for path, lines in commentable.items():
            if path not in p["_diff"]:
                p["_diff"][path] = FilePatch(None, lines)
        self.pulls[n] = p

    def dump(self):
        def clean(p):
            return {k: v for k, v in p.items() if not k.startswith("_")}
        return {
            "repo": self.repo, "token_user": self.me, "read_only": self.read_only,
            "pulls": [clean(p) for p in self.pulls.values()],
            "reviews": self.reviews, "review_comments": self.review_comments,
            "issue_comments": self.issue_comments, "check_runs": self.check_runs,
            "statuses": self.statuses,
            "rate_limit": {"limit": self.rate_limit, "used": self.rate_used},
        }


class HttpError(Exception):
    def __init__(self, status, body, log_error=None):
        super().__init__(body.get("message") if isinstance(body, dict) else str(body))
        self.status = status
        self.body = body
        self.log_error = log_error


def not_found():
    return HttpError(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})


def unprocessable(errors, message="Unprocessable Entity"):
    return HttpError(422, {"message": message, "errors": errors,
                           "documentation_url": DOCS, "status": "422"})


# ---------------------------------------------------------------------------
# The GitHub model: one handler per operationId

class GitHub:
    def __init__(self, spec, state):
        self.spec = spec
        self.st = state

    # -- JSON shapes ------------------------------------------------------

    def template(self, operation_id, status):
        """A deep copy of the spec's example response, retargeted at our repo."""
        o = self.spec.by_id.get(operation_id)
        example = o.response(status)[1] if o else None
        if isinstance(example, list):
            example = example[0] if example else {}
        if example is None:
            return {}
        text = json.dumps(example)
        text = text.replace("https://api.github.com", self.api)
        text = text.replace("octocat/Hello-World", self.full).replace(
            "github/hello-world", self.full)
        return json.loads(text)

    def user_json(self, u):
        login = u["login"]
        return {
            "login": login, "id": u["id"], "node_id": node_id("User", u["id"]),
            "avatar_url": "https://avatars.githubusercontent.com/u/%d?v=4" % u["id"],
            "gravatar_id": "", "url": "%s/users/%s" % (self.api, login),
            "html_url": "%s/%s" % (HTML_BASE, login),
            "followers_url": "%s/users/%s/followers" % (self.api, login),
            "following_url": "%s/users/%s/following{/other_user}" % (self.api, login),
            "gists_url": "%s/users/%s/gists{/gist_id}" % (self.api, login),
            "starred_url": "%s/users/%s/starred{/owner}{/repo}" % (self.api, login),
            "subscriptions_url": "%s/users/%s/subscriptions" % (self.api, login),
            "organizations_url": "%s/users/%s/orgs" % (self.api, login),
            "repos_url": "%s/users/%s/repos" % (self.api, login),
            "events_url": "%s/users/%s/events{/privacy}" % (self.api, login),
            "received_events_url": "%s/users/%s/received_events" % (self.api, login),
            "type": u.get("type", "User"), "site_admin": False,
        }

    def association(self, u):
        return u.get("author_association", "NONE" if u.get("type") == "Bot" else "CONTRIBUTOR")

    def pull_json(self, p):
        n = p["number"]
        j = self.template("pulls/get", 200)
        text = json.dumps(j).replace("/1347", "/%d" % n).replace(
            "6dcb09b5b57875f334f61aebed695e2e4193db5e", p["head_sha"])
        j = json.loads(text)
        adds = dels = 0
        for d in p["_diff"].values():
            a, b = d.stats()
            adds, dels = adds + a, dels + b
        j.update({
            "id": 500000 + n, "node_id": node_id("PullRequest", 500000 + n), "number": n,
            "state": p["state"], "title": p["title"], "body": p["body"], "locked": False,
            "draft": p["draft"], "user": self.user_json(p["user"]),
            "created_at": p["created_at"], "updated_at": p["created_at"],
            "closed_at": None, "merged_at": None, "merged": False, "merged_by": None,
            "merge_commit_sha": None, "assignee": None, "assignees": [], "labels": [],
            "milestone": None, "requested_reviewers": [], "requested_teams": [],
            "active_lock_reason": None, "author_association": self.association(p["user"]),
            "additions": adds, "deletions": dels, "changed_files": len(p["files"]),
            "review_comments": len([c for c in self.st.review_comments
                                    if c.get("pull_number") == n]),
            "comments": len([c for c in self.st.issue_comments
                             if c.get("issue_number") == n]),
        })
        for side, sha, ref in (("head", p["head_sha"], p["head_ref"]),
                               ("base", p["base_sha"], p["base_ref"])):
            j[side]["sha"], j[side]["ref"] = sha, ref
            j[side]["label"] = "%s:%s" % (self.owner, ref)
        return j

    def file_json(self, p, f):
        d = p["_diff"][f["filename"]]
        adds, dels = d.stats()
        sha = f.get("sha") or hashlib.sha1(f["filename"].encode()).hexdigest()
        j = {
            "sha": sha, "filename": f["filename"], "status": f["status"],
            "additions": f.get("additions", adds), "deletions": f.get("deletions", dels),
            "changes": f.get("changes", adds + dels),
            "blob_url": "%s/%s/blob/%s/%s" % (HTML_BASE, self.full, p["head_sha"], f["filename"]),
            "raw_url": "%s/%s/raw/%s/%s" % (HTML_BASE, self.full, p["head_sha"], f["filename"]),
            "contents_url": "%s/repos/%s/contents/%s?ref=%s" % (
                self.api, self.full, f["filename"], p["head_sha"]),
        }
        if f.get("patch") is not None:
            j["patch"] = f["patch"]
        if f.get("previous_filename"):
            j["previous_filename"] = f["previous_filename"]
        return j

    def review_json(self, r):
        n = r["pull_number"]
        html = "%s/%s/pull/%d#pullrequestreview-%d" % (HTML_BASE, self.full, n, r["id"])
        pr_url = "%s/repos/%s/pulls/%d" % (self.api, self.full, n)
        j = {
            "id": r["id"], "node_id": node_id("PullRequestReview", r["id"]),
            "user": self.user_json(r["user"]), "body": r["body"], "state": r["state"],
            "html_url": html, "pull_request_url": pr_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
            "commit_id": r.get("commit_id"),
            "author_association": self.association(r["user"]),
        }
        if r["state"] != "PENDING":
            j["submitted_at"] = r.get("submitted_at") or r["created_at"]
        return j

    def review_comment_json(self, c):
        n = c["pull_number"]
        p = self.st.pulls.get(n)
        d = p["_diff"].get(c.get("path")) if p else None
        row = d.find(c["line"], c.get("side") or "RIGHT") if d and c.get("line") else None
        url = "%s/repos/%s/pulls/comments/%d" % (self.api, self.full, c["id"])
        html = "%s/%s/pull/%d#discussion_r%d" % (HTML_BASE, self.full, n, c["id"])
        pr_url = "%s/repos/%s/pulls/%d" % (self.api, self.full, n)
        position = row[4] if row else None
        j = {
            "url": url, "pull_request_review_id": c.get("pull_request_review_id"),
            "id": c["id"], "node_id": node_id("PullRequestReviewComment", c["id"]),
            "diff_hunk": c.get("diff_hunk") or (d.diff_hunk(row) if d else "@@ -1 +1 @@"),
            "path": c.get("path"), "position": position, "original_position": position,
            "commit_id": c.get("commit_id"), "original_commit_id": c.get("commit_id"),
            "user": self.user_json(c["user"]), "body": c["body"],
            "created_at": c["created_at"], "updated_at": c["updated_at"],
            "html_url": html, "pull_request_url": pr_url,
            "author_association": self.association(c["user"]),
            "_links": {"self": {"href": url}, "html": {"href": html},
                       "pull_request": {"href": pr_url}},
            "start_line": c.get("start_line"), "original_start_line": c.get("start_line"),
            "start_side": c.get("start_side"), "line": c.get("line"),
            "original_line": c.get("line"), "side": c.get("side") or "RIGHT",
            "subject_type": c.get("subject_type", "line"),
            "reactions": {"url": url + "/reactions", "total_count": 0, "+1": 0, "-1": 0,
                          "laugh": 0, "confused": 0, "heart": 0, "hooray": 0,
                          "eyes": 0, "rocket": 0},
        }
        if c.get("in_reply_to_id"):
            j["in_reply_to_id"] = c["in_reply_to_id"]
        return j

    def issue_comment_json(self, c):
        n = c["issue_number"]
        url = "%s/repos/%s/issues/comments/%d" % (self.api, self.full, c["id"])
        return {
            "id": c["id"], "node_id": node_id("IssueComment", c["id"]), "url": url,
            "html_url": "%s/%s/pull/%d#issuecomment-%d" % (HTML_BASE, self.full, n, c["id"]),
            "body": c["body"], "user": self.user_json(c["user"]),
            "created_at": c["created_at"], "updated_at": c["updated_at"],
            "issue_url": "%s/repos/%s/issues/%d" % (self.api, self.full, n),
            "author_association": self.association(c["user"]),
            "reactions": {"url": url + "/reactions", "total_count": 0, "+1": 0, "-1": 0,
                          "laugh": 0, "confused": 0, "heart": 0, "hooray": 0,
                          "eyes": 0, "rocket": 0},
        }

    def check_run_json(self, c):
        j = self.template("checks/get", 200)
        url = "%s/repos/%s/check-runs/%d" % (self.api, self.full, c["id"])
        out = c.get("output") or {}
        j.update({
            "id": c["id"], "node_id": node_id("CheckRun", c["id"]), "head_sha": c["head_sha"],
            "external_id": c.get("external_id", ""), "url": url,
            "html_url": "%s/%s/runs/%d" % (HTML_BASE, self.full, c["id"]),
            "details_url": c.get("details_url", "%s/%s" % (HTML_BASE, self.full)),
            "status": c["status"], "conclusion": c.get("conclusion"),
            "started_at": c.get("started_at"), "completed_at": c.get("completed_at"),
            "name": c["name"],
            "output": {"title": out.get("title"), "summary": out.get("summary"),
                       "text": out.get("text"), "annotations_count": len(c["annotations"]),
                       "annotations_url": url + "/annotations"},
            "pull_requests": [{"url": "%s/repos/%s/pulls/%d" % (self.api, self.full, p["number"]),
                               "id": 500000 + p["number"], "number": p["number"],
                               "head": {"ref": p["head_ref"], "sha": p["head_sha"],
                                        "repo": {"id": 1296269, "url": "%s/repos/%s" % (
                                            self.api, self.full), "name": self.name}},
                               "base": {"ref": p["base_ref"], "sha": p["base_sha"],
                                        "repo": {"id": 1296269, "url": "%s/repos/%s" % (
                                            self.api, self.full), "name": self.name}}}
                              for p in self.st.pulls.values()
                              if p["head_sha"] == c["head_sha"]],
        })
        return j

    def annotation_json(self, c, a):
        return {
            "path": a["path"],
            "blob_href": "%s/%s/blob/%s/%s" % (HTML_BASE, self.full, c["head_sha"], a["path"]),
            "start_line": a["start_line"], "end_line": a["end_line"],
            "start_column": a.get("start_column"), "end_column": a.get("end_column"),
            "annotation_level": a.get("annotation_level"), "title": a.get("title"),
            "message": a.get("message"), "raw_details": a.get("raw_details"),
        }

    def status_json(self, s):
        url = "%s/repos/%s/statuses/%s" % (self.api, self.full, s["sha"])
        creator = self.user_json(s["creator"])
        return {
            "url": url, "avatar_url": creator["avatar_url"], "id": s["id"],
            "node_id": node_id("StatusContext", s["id"]), "state": s["state"],
            "description": s.get("description"), "target_url": s.get("target_url"),
            "context": s.get("context", "default"), "created_at": s["created_at"],
            "updated_at": s["updated_at"], "creator": creator,
        }

    # -- helpers ------------------------------------------------------------

    def pull(self, n):
        p = self.st.pulls.get(n)
        if p is None:
            raise not_found()
        return p

    def find(self, items, ident, **match):
        for o in items:
            if o["id"] == ident and all(o.get(k) == v for k, v in match.items()):
                return o
        raise not_found()

    def check_anchor(self, p, c):
        """Return GitHub's error sentence parts for a comment not on the diff."""
        errs = []
        d = p["_diff"].get(c.get("path"))
        if d is None:
            return ["Pull request review thread path is invalid",
                    "Pull request review thread diff hunk can't be blank"]
        if c.get("subject_type") == "file":
            return []
        if c.get("position") is not None and c.get("line") is None:
            if d.by_position(c["position"]) is None:
                errs.append("Pull request review thread position is invalid")
            return errs
        if c.get("line") is None:
            return ["Pull request review thread line must be part of the diff",
                    "Pull request review thread diff hunk can't be blank"]
        row = d.find(c["line"], c.get("side") or "RIGHT")
        if row is None:
            errs.append("Pull request review thread line must be part of the diff")
        if c.get("start_line") is not None:
            srow = d.find(c["start_line"], c.get("start_side") or c.get("side") or "RIGHT")
            if srow is None or (row is not None and srow[3] != row[3]):
                errs.append("Pull request review thread start line must be part of the "
                            "same hunk as the line.")
            elif c["start_line"] >= c["line"] and (c.get("start_side") or "RIGHT") == \
                    (c.get("side") or "RIGHT"):
                errs.append("Pull request review thread start line must precede the end line.")
        if row is None:
            errs.append("Pull request review thread diff hunk can't be blank")
        return errs

    def make_comment(self, p, review_id, c, commit_id):
        d = p["_diff"].get(c.get("path"))
        line, side = c.get("line"), c.get("side") or "RIGHT"
        if line is None and c.get("position") is not None and d is not None:
            row = d.by_position(c["position"])
            if row is not None:
                line, side = (row[1], "LEFT") if row[0] == "-" else (row[2], "RIGHT")
        ts = now_iso()
        return {
            "id": self.st.new_id(), "pull_number": p["number"],
            "pull_request_review_id": review_id, "body": c["body"], "path": c.get("path"),
            "line": line, "side": side, "start_line": c.get("start_line"),
            "start_side": c.get("start_side") or (side if c.get("start_line") else None),
            "commit_id": commit_id, "in_reply_to_id": None, "user": self.st.me,
            "subject_type": c.get("subject_type", "line"), "created_at": ts, "updated_at": ts,
        }

    def new_review(self, p, state, body, commit_id):
        ts = now_iso()
        r = {"id": self.st.new_id(), "pull_number": p["number"], "user": self.st.me,
             "body": body or "", "state": state, "commit_id": commit_id or p["head_sha"],
             "created_at": ts, "updated_at": ts,
             "submitted_at": None if state == "PENDING" else ts}
        self.st.reviews.append(r)
        return r

    # -- handlers: (ctx) -> (status, body[, headers]) ------------------------

    def h_pulls_get(self, ctx):
        p = self.pull(ctx.params["pull_number"])
        if ctx.diff_media:
            text = "".join("diff --git a/{0} b/{0}\n--- a/{0}\n+++ b/{0}\n{1}\n".format(
                f["filename"], f.get("patch", "").rstrip("\n")) for f in p["files"])
            return 200, text.encode(), {"Content-Type": "text/plain; charset=utf-8"}
        return 200, self.pull_json(p)

    def h_pulls_list_files(self, ctx):
        p = self.pull(ctx.params["pull_number"])
        return ctx.page([self.file_json(p, f) for f in p["files"]])

    def h_pulls_list_reviews(self, ctx):
        n = ctx.params["pull_number"]
        self.pull(n)
        return ctx.page([self.review_json(r) for r in self.st.reviews if r["pull_number"] == n])

    def h_pulls_create_review(self, ctx):
        p = self.pull(ctx.params["pull_number"])
        b = ctx.body or {}
        event = b.get("event")
        comments = b.get("comments") or []
        if not event and any(r["pull_number"] == p["number"] and r["state"] == "PENDING"
                             and r["user"]["login"] == self.st.me["login"]
                             for r in self.st.reviews):
            raise unprocessable(["User can only have one pending review per pull request"])
        if event in ("REQUEST_CHANGES", "COMMENT") and not b.get("body") and not comments:
            raise unprocessable(["Review body can't be blank"])
        errs = []
        for c in comments:
            for e in self.check_anchor(p, c):
                if e not in errs:
                    errs.append(e)
        # GitHub lists the thread errors in this order, "diff hunk" last.
        order = ("thread line", "start line", "position", "path", "diff hunk")
        errs.sort(key=lambda e: next((i for i, w in enumerate(order) if w in e), 0))
        if errs:
            raise HttpError(422, {
                "message": "Unprocessable Entity", "errors": [to_sentence(errs)],
                "documentation_url": "https://docs.github.com/rest/pulls/reviews"
                                     "#create-a-review-for-a-pull-request",
                "status": "422"}, log_error=to_sentence(errs))
        state = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED",
                 "COMMENT": "COMMENTED"}.get(event, "PENDING")
        r = self.new_review(p, state, b.get("body"), b.get("commit_id"))
        for c in comments:
            self.st.review_comments.append(self.make_comment(p, r["id"], c, r["commit_id"]))
        return 200, self.review_json(r)

    def h_pulls_get_review(self, ctx):
        r = self.find(self.st.reviews, ctx.params["review_id"],
                      pull_number=ctx.params["pull_number"])
        return 200, self.review_json(r)

    def h_pulls_update_review(self, ctx):
        r = self.find(self.st.reviews, ctx.params["review_id"],
                      pull_number=ctx.params["pull_number"])
        r["body"] = ctx.body.get("body", r["body"])
        r["updated_at"] = now_iso()
        return 200, self.review_json(r)

    def h_pulls_delete_pending_review(self, ctx):
        r = self.find(self.st.reviews, ctx.params["review_id"],
                      pull_number=ctx.params["pull_number"])
        if r["state"] != "PENDING":
            raise unprocessable(["Can not delete a non-pending pull request review"])
        self.st.reviews.remove(r)
        j = self.review_json(r)
        self.st.review_comments = [c for c in self.st.review_comments
                                   if c.get("pull_request_review_id") != r["id"]]
        return 200, j

    def h_pulls_list_comments_for_review(self, ctx):
        r = self.find(self.st.reviews, ctx.params["review_id"],
                      pull_number=ctx.params["pull_number"])
        return ctx.page([self.review_comment_json(c) for c in self.st.review_comments
                         if c.get("pull_request_review_id") == r["id"]])

    def h_pulls_submit_review(self, ctx):
        r = self.find(self.st.reviews, ctx.params["review_id"],
                      pull_number=ctx.params["pull_number"])
        if r["state"] != "PENDING":
            raise unprocessable(["Can not submit a non-pending review"])
        r["state"] = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED",
                      "COMMENT": "COMMENTED"}[ctx.body["event"]]
        if ctx.body.get("body"):
            r["body"] = ctx.body["body"]
        r["submitted_at"] = now_iso()
        return 200, self.review_json(r)

    def h_pulls_dismiss_review(self, ctx):
        r = self.find(self.st.reviews, ctx.params["review_id"],
                      pull_number=ctx.params["pull_number"])
        if r["state"] == "PENDING":
            raise unprocessable(["Can not dismiss a pending review"])
        r["state"] = "DISMISSED"
        return 200, self.review_json(r)

    def h_pulls_list_review_comments(self, ctx):
        n = ctx.params["pull_number"]
        self.pull(n)
        items = [c for c in self.st.review_comments if c.get("pull_number") == n]
        if ctx.query.get("direction") == "desc":
            items = list(reversed(items))
        return ctx.page([self.review_comment_json(c) for c in items])

    COMMENT_FIELDS = (
        ("start line", "pull_request_review_thread.start_line"),
        ("position", "pull_request_review_thread.position"),
        ("path", "pull_request_review_thread.path"),
        ("line", "pull_request_review_thread.line"),
    )

    def comment_validation(self, errs):
        """Single-comment endpoint: GitHub answers with field-level errors."""
        out = []
        for e in errs:
            if "diff hunk" in e:
                continue
            for words, field in self.COMMENT_FIELDS:
                prefix = "Pull request review thread " + words + " "
                if e.startswith(prefix):
                    out.append({"resource": "PullRequestReviewComment", "code": "custom",
                                "field": field, "message": field + " " + e[len(prefix):]})
                    break
        return out

    def h_pulls_create_review_comment(self, ctx):
        p = self.pull(ctx.params["pull_number"])
        b = ctx.body
        if b.get("in_reply_to") is not None:
            parent = self.find(self.st.review_comments, b["in_reply_to"],
                               pull_number=p["number"])
            return self.reply(p, parent, b["body"])
        errs = self.check_anchor(p, b)
        if errs:
            raise HttpError(422, {"message": "Validation Failed",
                                  "errors": self.comment_validation(errs) or errs,
                                  "documentation_url": DOCS, "status": "422"},
                            log_error=to_sentence(errs))
        commit = b.get("commit_id") or p["head_sha"]
        r = self.new_review(p, "COMMENTED", "", commit)
        c = self.make_comment(p, r["id"], b, commit)
        self.st.review_comments.append(c)
        return 201, self.review_comment_json(c), {"Location": self.review_comment_json(c)["url"]}

    def reply(self, p, parent, body):
        root = parent
        while root.get("in_reply_to_id"):
            root = next((c for c in self.st.review_comments
                         if c["id"] == root["in_reply_to_id"]), root)
            if root is parent:
                break
        r = self.new_review(p, "COMMENTED", "", root.get("commit_id") or p["head_sha"])
        ts = now_iso()
        c = {"id": self.st.new_id(), "pull_number": p["number"],
             "pull_request_review_id": r["id"], "body": body, "path": root.get("path"),
             "line": root.get("line"), "side": root.get("side"),
             "start_line": root.get("start_line"), "start_side": root.get("start_side"),
             "commit_id": root.get("commit_id"), "in_reply_to_id": root["id"],
             "user": self.st.me, "created_at": ts, "updated_at": ts}
        self.st.review_comments.append(c)
        j = self.review_comment_json(c)
        return 201, j, {"Location": j["url"]}

    def h_pulls_create_reply_for_review_comment(self, ctx):
        p = self.pull(ctx.params["pull_number"])
        parent = self.find(self.st.review_comments, ctx.params["comment_id"],
                           pull_number=p["number"])
        return self.reply(p, parent, ctx.body["body"])

    def h_pulls_get_review_comment(self, ctx):
        return 200, self.review_comment_json(
            self.find(self.st.review_comments, ctx.params["comment_id"]))

    def h_pulls_update_review_comment(self, ctx):
        c = self.find(self.st.review_comments, ctx.params["comment_id"])
        c["body"] = ctx.body["body"]
        c["updated_at"] = now_iso()
        return 200, self.review_comment_json(c)

    def h_pulls_delete_review_comment(self, ctx):
        c = self.find(self.st.review_comments, ctx.params["comment_id"])
        self.st.review_comments.remove(c)
        return 204, None

    def h_issues_list_comments(self, ctx):
        n = ctx.params["issue_number"]
        self.pull(n)
        return ctx.page([self.issue_comment_json(c) for c in self.st.issue_comments
                         if c.get("issue_number") == n])

    def h_issues_create_comment(self, ctx):
        n = ctx.params["issue_number"]
        self.pull(n)
        ts = now_iso()
        c = {"id": self.st.new_id(), "issue_number": n, "body": ctx.body["body"],
             "user": self.st.me, "created_at": ts, "updated_at": ts}
        self.st.issue_comments.append(c)
        j = self.issue_comment_json(c)
        return 201, j, {"Location": j["url"]}

    def h_issues_get_comment(self, ctx):
        return 200, self.issue_comment_json(
            self.find(self.st.issue_comments, ctx.params["comment_id"]))

    def h_issues_update_comment(self, ctx):
        c = self.find(self.st.issue_comments, ctx.params["comment_id"])
        c["body"] = ctx.body["body"]
        c["updated_at"] = now_iso()
        return 200, self.issue_comment_json(c)

    def h_issues_delete_comment(self, ctx):
        c = self.find(self.st.issue_comments, ctx.params["comment_id"])
        self.st.issue_comments.remove(c)
        return 204, None

    def apply_check_fields(self, c, b):
        for k in ("name", "details_url", "external_id", "started_at", "completed_at", "status"):
            if k in b:
                c[k] = b[k]
        if b.get("conclusion"):
            c["conclusion"] = b["conclusion"]
            c["status"] = "completed"
        if c["status"] == "completed" and not c.get("completed_at"):
            c["completed_at"] = now_iso()
        out = b.get("output")
        if out:
            for k in ("title", "summary", "text"):
                if k in out:
                    c["output"][k] = out[k]
            c["annotations"].extend(out.get("annotations", []))
        c["updated_at"] = now_iso()

    def h_checks_create(self, ctx):
        b = ctx.body
        ts = now_iso()
        c = {"id": self.st.new_id(), "head_sha": b["head_sha"], "name": b["name"],
             "status": "queued", "conclusion": None, "started_at": ts, "completed_at": None,
             "output": {}, "annotations": [], "created_at": ts, "updated_at": ts}
        if "output" in b and "title" not in b["output"]:
            raise unprocessable([{"resource": "CheckRun", "code": "missing_field",
                                  "field": "output.title"}], "Validation Failed")
        self.apply_check_fields(c, b)
        self.st.check_runs.append(c)
        return 201, self.check_run_json(c)

    def h_checks_get(self, ctx):
        return 200, self.check_run_json(self.find(self.st.check_runs, ctx.params["check_run_id"]))

    def h_checks_update(self, ctx):
        c = self.find(self.st.check_runs, ctx.params["check_run_id"])
        self.apply_check_fields(c, ctx.body)
        return 200, self.check_run_json(c)

    def h_checks_list_annotations(self, ctx):
        c = self.find(self.st.check_runs, ctx.params["check_run_id"])
        return ctx.page([self.annotation_json(c, a) for a in c["annotations"]])

    def h_repos_create_commit_status(self, ctx):
        b = ctx.body
        ts = now_iso()
        s = {"id": self.st.new_id(), "sha": ctx.params["sha"], "state": b["state"],
             "target_url": b.get("target_url"), "description": b.get("description"),
             "context": b.get("context") or "default", "creator": self.st.me,
             "created_at": ts, "updated_at": ts}
        self.st.statuses.append(s)
        j = self.status_json(s)
        return 201, j, {"Location": j["url"]}

    def resolve_ref(self, ref):
        for p in self.st.pulls.values():
            if ref in (p["head_ref"], "refs/heads/" + p["head_ref"]):
                return p["head_sha"]
        return ref

    def h_repos_list_commit_statuses_for_ref(self, ctx):
        sha = self.resolve_ref(ctx.params["ref"])
        items = [s for s in reversed(self.st.statuses) if s["sha"] == sha]
        return ctx.page([self.status_json(s) for s in items])

    def h_repos_get_combined_status_for_ref(self, ctx):
        sha = self.resolve_ref(ctx.params["ref"])
        latest = {}
        for s in self.st.statuses:
            if s["sha"] == sha:
                latest[s["context"].lower()] = s
        states = [s["state"] for s in latest.values()]
        if any(x in ("error", "failure") for x in states):
            combined = "failure"
        elif not states or "pending" in states:
            combined = "pending"
        else:
            combined = "success"
        j = self.template("repos/get-combined-status-for-ref", 200)
        j.update({"state": combined, "sha": sha, "total_count": len(latest),
                  "statuses": [self.status_json(s) for s in latest.values()],
                  "commit_url": "%s/repos/%s/commits/%s" % (self.api, self.full, sha),
                  "url": "%s/repos/%s/commits/%s/status" % (self.api, self.full, sha)})
        return 200, j

    def h_rate_limit_get(self, ctx):
        j = self.template("rate-limit/get", 200)
        core = self.rate_core()
        j["rate"] = dict(core)
        j.setdefault("resources", {})["core"] = dict(core)
        return 200, j

    def rate_core(self):
        return {"limit": self.st.rate_limit,
                "remaining": max(0, self.st.rate_limit - self.st.rate_used),
                "reset": int(time.time()) + 3600, "used": self.st.rate_used,
                "resource": "core"}

    def dispatch(self, ctx):
        if ctx.repo_parts is not None:
            self.owner, self.name = ctx.repo_parts
        else:
            self.owner, self.name = (self.st.repo or "octocat/Hello-World").split("/", 1)
        self.full = "%s/%s" % (self.owner, self.name)
        self.api = ctx.base_url
        if ctx.repo_parts is not None and self.st.repo and \
                self.full.lower() != self.st.repo.lower():
            raise not_found()
        if self.st.read_only and ctx.method != "GET":
            raise HttpError(403, PRESETS["integration_forbidden"]["body"])
        name = "h_" + re.sub(r"[^a-z0-9]+", "_", ctx.op.operation_id.lower())
        handler = getattr(self, name, None)
        if handler is None:
            raise not_found()
        return handler(ctx)


# ---------------------------------------------------------------------------
# HTTP plumbing

class Context:
    """Context - one request as the handlers see it."""

    def __init__(self, method, path, query, params, body, op, base_url, diff_media):
        self.method, self.path, self.query = method, path, query
        self.params, self.body, self.op = params, body, op
        self.base_url, self.diff_media = base_url, diff_media
        self.repo_parts = None
        if "owner" in params and "repo" in params:
            self.repo_parts = (params["owner"], params["repo"])

    def page(self, items):
        """Slice a list per per_page/page and build GitHub's Link header."""
        try:
            per_page = int(self.query.get("per_page", 30))
        except ValueError:
            per_page = 30
        try:
            page = int(self.query.get("page", 1))
        except ValueError:
            page = 1
        per_page = max(1, min(per_page, 100))
        page = max(1, page)
        last = max(1, (len(items) + per_page - 1) // per_page)
        chunk = items[(page - 1) * per_page: page * per_page]
        links = []

        def url(n):
            q = dict(self.query)
            q["per_page"] = str(per_page)
            q["page"] = str(n)
            return "<%s%s?%s>" % (self.base_url, self.path, urlencode(q))
        if page > 1:
            links.append('%s; rel="prev"' % url(min(page - 1, last)))
        if page < last:
            links.append('%s; rel="next"' % url(page + 1))
            links.append('%s; rel="last"' % url(last))
        if page > 1:
            links.append('%s; rel="first"' % url(1))
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, chunk, headers


class FaultRule:
    """FaultRule - one scripted fault: which requests it hits and the answer."""

    def __init__(self, index, rule):
        self.index = index
        m = rule.get("match", {})
        self.method = m.get("method")
        self.path_regex = re.compile(m.get("path_regex", ".*"))
        nth = m.get("nth")
        self.nth = None if nth is None else set(nth if isinstance(nth, list) else [nth])
        self.times = m.get("times")
        self.seen = 0
        self.fired = 0
        resp = dict(PRESETS.get(rule.get("response", {}).get("preset"), {}))
        resp.update({k: v for k, v in rule.get("response", {}).items() if k != "preset"})
        self.status = int(resp.get("status", 500))
        self.body = resp.get("body", {"message": "Server Error"})
        self.body_text = resp.get("body_text")
        self.headers = resp.get("headers", {})
        self.after_effect = bool(rule.get("after_effect", False))

    def hit(self, method, path):
        if self.method and self.method.upper() != method:
            return False
        if not self.path_regex.search(path):
            return False
        self.seen += 1
        if self.nth is not None and self.seen not in self.nth:
            return False
        return self.times is None or self.fired < self.times

    def answer(self):
        headers = {}
        for k, v in self.headers.items():
            m = re.match(r"^\{now\+(\d+)\}$", str(v))
            headers[k] = str(int(time.time()) + int(m.group(1))) if m else str(v)
        if self.body_text is not None:
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
            return self.status, self.body_text.encode(), headers
        return self.status, self.body, headers


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, args, spec, state, faults):
        super().__init__(("127.0.0.1", args.port), Handler)
        self.args = args
        self.spec = spec
        self.state = state
        self.github = GitHub(spec, state)
        self.faults = faults
        self.lock = threading.Lock()
        self.seq = 0
        self.last_activity = time.monotonic()
        self.log = open(args.log, "a", encoding="utf-8")
        self.stopping = False

    def stop(self):
        if not self.stopping:
            self.stopping = True
            threading.Thread(target=self.shutdown, daemon=True).start()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return "github.com"

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def handle_any(self):
        raw = self.read_body()
        srv = self.server
        with srv.lock:
            srv.last_activity = time.monotonic()
            srv.seq += 1
            try:
                entry, status, body, headers = self.process(raw)
            except Exception as e:  # a bug in the fake must still produce a logged answer
                entry = {"valid": False, "errors": ["fake server error: %r" % e]}
                status, body, headers = 500, {"message": "fake server error: %s" % e}, {}
            entry.setdefault("errors", [])
            entry.update({"status": status})
            if srv.args.check_responses and entry.get("op") and isinstance(body, (dict, list)) \
                    and 200 <= status < 300 and not entry.get("fault"):
                v = srv.spec.response_validator(srv.spec.by_id[entry["op"]], status)
                if v is not None:
                    problems = ["%s: %s" % ("/".join(str(x) for x in e.absolute_path), e.message)
                                for e in v.iter_errors(body)]
                    if problems:
                        entry["response_errors"] = problems[:20]
            srv.log.write(json.dumps(entry, sort_keys=False) + "\n")
            srv.log.flush()
        self.send(status, body, headers)
        if entry.get("shutdown"):
            srv.stop()

    def process(self, raw):
        srv = self.server
        url = urlsplit(self.path)
        path = url.path
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {k.lower(): ("<redacted>" if k.lower() == "authorization" else v)
                   for k, v in self.headers.items()}
        body, body_error = None, None
        if raw:
            try:
                body = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                body_error = "body is not valid JSON: %s" % e
        entry = {"seq": srv.seq, "time": time.time(), "method": self.command, "path": path,
                 "query": query, "headers": headers, "body": body}
        if body_error:
            entry["raw_body"] = raw.decode("utf-8", "replace")
        host = self.headers.get("Host") or "127.0.0.1:%d" % srv.server_address[1]
        base_url = "http://%s" % host

        if path.startswith("/__"):
            entry.update({"control": True, "valid": True})
            if path == "/__state" and self.command == "GET":
                return entry, 200, srv.state.dump(), {}
            if path == "/__shutdown" and self.command == "POST":
                entry["shutdown"] = True
                return entry, 200, {"message": "bye"}, {}
            entry["valid"] = False
            return entry, 404, {"message": "Not Found"}, {}

        errors = []
        op, params = srv.spec.match(self.command, path)
        if op is None:
            entry.update({"valid": False, "errors": [params]})
            fault = self.fault(path)
            if fault:
                entry["fault"] = fault.index
                return (entry,) + fault.answer()
            return entry, 404, {"message": "Not Found", "documentation_url": DOCS,
                                "status": "404"}, {}
        entry["op"] = op.operation_id

        # Headers GitHub (and prgate's contract) require.
        accept = self.headers.get("Accept")
        diff_media = op.operation_id == "pulls/get" and accept in DIFF_MEDIA_TYPES
        if accept != MEDIA_TYPE and not diff_media:
            errors.append("Accept header is %r, expected %r" % (accept, MEDIA_TYPE))
        version = self.headers.get("X-GitHub-Api-Version")
        if version != API_VERSION:
            errors.append("X-GitHub-Api-Version header is %r, expected %r" % (version, API_VERSION))
        ua = self.headers.get("User-Agent")
        if not ua or not ua.startswith("prgate/"):
            errors.append("User-Agent header is %r, expected it to start with 'prgate/'" % ua)
        auth = self.headers.get("Authorization")
        auth_ok = auth == "Bearer " + srv.state.token
        if not auth_ok:
            errors.append("Authorization header is missing" if auth is None
                          else "Authorization header does not carry the expected bearer token")
        if raw and self.command in ("POST", "PUT", "PATCH"):
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype != "application/json":
                errors.append("Content-Type is %r, expected 'application/json'" % ctype)
        if raw and op.body_schema is None:
            errors.append("operation %s takes no request body" % op.operation_id)

        # Request body against the spec.
        body_gh_errors = []
        if body_error:
            errors.append(body_error)
        elif op.body_validator is not None:
            instance = body if raw else ({} if op.body_required else None)
            if instance is not None:
                body_gh_errors, text = schema_errors(op.body_validator, instance)
                errors.extend(text)

        entry["valid"] = not errors
        entry["errors"] = errors

        fault = self.fault(path)
        if fault and not fault.after_effect:
            entry["fault"] = fault.index
            return (entry,) + fault.answer()

        if not auth_ok:
            result = (401, {"message": "Bad credentials", "documentation_url": DOCS,
                            "status": "401"}, {})
        elif body_error:
            result = (400, {"message": "Problems parsing JSON", "documentation_url": DOCS,
                            "status": "400"}, {})
        elif body_gh_errors:
            result = (422, {"message": "Validation Failed", "errors": body_gh_errors,
                            "documentation_url": DOCS, "status": "422"}, {})
        else:
            ctx = Context(self.command, path, query, params,
                          body if isinstance(body, dict) else {}, op, base_url, diff_media)
            try:
                r = srv.github.dispatch(ctx)
                result = r if len(r) == 3 else (r[0], r[1], {})
                srv.state.rate_used += 1
            except HttpError as e:
                result = (e.status, e.body, {})
                if e.log_error:
                    entry["rejected"] = e.log_error
                    entry["valid"] = False
                    entry["errors"].append(e.log_error)
        if fault:
            entry["fault"] = fault.index
            entry["effect_status"] = result[0]
            return (entry,) + fault.answer()
        return (entry,) + tuple(result)

    def fault(self, path):
        """Every rule counts every request; the first rule that fires answers."""
        fired = [rule for rule in self.server.faults if rule.hit(self.command, path)]
        if not fired:
            return None
        fired[0].fired += 1
        return fired[0]

    def send(self, status, body, headers):
        st = self.server.state
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        elif body is None:
            data = b""
        else:
            data = (json.dumps(body, indent=2) + "\n").encode("utf-8")
        out = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": API_VERSION,
            "X-RateLimit-Limit": str(st.rate_limit),
            "X-RateLimit-Remaining": str(max(0, st.rate_limit - st.rate_used)),
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Used": str(st.rate_used),
            "X-RateLimit-Resource": "core",
            "X-GitHub-Request-Id": "FAKE:%08X" % self.server.seq,
        }
        lower = {k.lower(): k for k in out}
        for k, v in headers.items():
            if k.lower() in lower:
                del out[lower[k.lower()]]
            out[k] = v
        try:
            self.send_response(status)
            for k, v in out.items():
                if status == 204 and k.lower() == "content-type":
                    continue
                self.send_header(k, v)
            if status != 204:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if status != 204 and self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("fake_github: cannot read %s %s: %s\n" % (what, path, e))
        sys.exit(2)


def main(argv=None):
    ap = argparse.ArgumentParser(description="fake GitHub REST API for prgate tests")
    ap.add_argument("--spec", required=True, help="OpenAPI 3.0 JSON (openapi-subset.json)")
    ap.add_argument("--log", required=True, help="JSON-lines call log (appended)")
    ap.add_argument("--scenario", help="scripted faults JSON")
    ap.add_argument("--state", help="seed state JSON")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: ephemeral)")
    ap.add_argument("--token", default=DEFAULT_TOKEN, help="the only accepted bearer token")
    ap.add_argument("--idle-timeout", type=float, default=120.0,
                    help="exit after this many seconds without a request")
    ap.add_argument("--check-responses", action="store_true",
                    help="validate our own 2xx answers against the spec (log response_errors)")
    args = ap.parse_args(argv)

    spec = Spec(args.spec)
    seed = load_json(args.state, "state") if args.state else {}
    state = State(seed, args.token)
    scenario = load_json(args.scenario, "scenario") if args.scenario else []
    rules = scenario.get("rules", []) if isinstance(scenario, dict) else scenario
    faults = [FaultRule(i, r) for i, r in enumerate(rules)]

    srv = Server(args, spec, state, faults)
    signal.signal(signal.SIGTERM, lambda *_: srv.stop())
    signal.signal(signal.SIGINT, lambda *_: srv.stop())

    def watchdog():
        while not srv.stopping:
            time.sleep(0.2)
            if time.monotonic() - srv.last_activity > args.idle_timeout:
                sys.stderr.write("fake_github: idle for %gs, exiting\n" % args.idle_timeout)
                srv.stop()
                return
    threading.Thread(target=watchdog, daemon=True).start()

    sys.stdout.write("PORT %d\n" % srv.server_address[1])
    sys.stdout.flush()
    try:
        srv.serve_forever(poll_interval=0.1)
    finally:
        srv.server_close()
        srv.log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
