#!/usr/bin/python3
"""Translate prgate's rule packs into equivalent ast-grep rules.

usage: convert.py RULES_DIR OUT_DIR
Writes OUT_DIR/rules/<id>.yml (JSON, which is YAML) for every rule that has
an ast-grep equivalent, OUT_DIR/sgconfig.yml, and OUT_DIR/unsupported.txt
listing the rules without one and why. A tree-sitter pattern maps to an
ast-grep rule object: (kind ...) -> kind, a child -> has (with field),
[...] -> any, #match?/#eq?/#any-of? on a capture -> regex on that node,
#not-... -> not: {regex}. Approximations (the matching work is the same,
the findings can differ slightly): anchors (.), optional children (? *)
and negated fields are dropped, captures compared with each other (#eq? @a
@b) are not checked, and test-code exemptions are not applied.
Rules need a real equivalent otherwise: sibling sequences at the top level,
and regexes with look-around or back-references (Rust's regex has neither)
are listed as unsupported.
"""
import json
import os
import re
import sys

import yaml

LANGS = {"rust": "Rust", "javascript": "JavaScript", "html": "Html"}


class Unsupported(Exception):
    pass


def tokenize(q):
    toks, i = [], 0
    while i < len(q):
        c = q[i]
        if c in " \t\r\n":
            i += 1
        elif c == ";":
            while i < len(q) and q[i] != "\n":
                i += 1
        elif c in "()[].*+?":
            toks.append(c)
            i += 1
        elif c == '"':
            j, s = i + 1, ""
            while q[j] != '"':
                if q[j] == "\\":
                    nxt = q[j + 1]
                    s += {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt)
                    j += 2
                else:
                    s += q[j]
                    j += 1
            toks.append(("str", s))
            i = j + 1
        else:
            m = re.match(r"[@#!]?[A-Za-z0-9_\-?!.:]+", q[i:])
            if not m:
                raise Unsupported("cannot read query near %r" % q[i:i + 20])
            w = m.group(0)
            # a field name "name:" is followed by its pattern
            toks.append(w)
            i += len(w)
    return toks


class Parser:
    def __init__(self, toks):
        self.t, self.i = toks, 0
        self.caps = {}   # capture -> list of rule objects
        self.preds = []  # (name, args)

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else None

    def next(self):
        tok = self.t[self.i]
        self.i += 1
        return tok

    def suffixes(self, obj):
        """quantifiers and captures after a pattern; returns optional?"""
        optional = False
        while self.peek() in ("*", "+", "?") or (isinstance(self.peek(), str) and self.peek().startswith("@")):
            tok = self.next()
            if tok in ("*", "?"):
                optional = True
            elif tok.startswith("@"):
                self.caps.setdefault(tok[1:], []).append(obj)
        return optional

    def pattern(self):
        """one pattern -> rule object (or None for an anonymous/anchor item)"""
        tok = self.next()
        if tok == "[":
            alts = []
            while self.peek() != "]":
                o = self.pattern()
                self.suffixes(o) if o is not None else None
                if o is not None:
                    alts.append(o)
            self.next()
            return {"any": alts}
        if isinstance(tok, tuple):  # "literal" anonymous node
            return {"regex": "^" + re.escape(tok[1]) + "$"}
        if tok == "_":
            return {"regex": "^"}  # any node
        if tok != "(":
            raise Unsupported("unexpected %r" % (tok,))
        head = self.peek()
        if isinstance(head, str) and head.startswith("#"):
            self.next()
            args = []
            while self.peek() != ")":
                args.append(self.next())
            self.next()
            self.preds.append((head[1:], args))
            return None
        if head in ("(", "[") or isinstance(head, tuple):
            # a grouping: one pattern and predicates, or a sibling sequence
            items = []
            while self.peek() != ")":
                o = self.pattern()
                if o is not None:
                    self.suffixes(o)
                    items.append(o)
            self.next()
            if len(items) != 1:
                raise Unsupported("a sequence of sibling patterns has no ast-grep equivalent")
            return items[0]
        kind = self.next()
        obj = {"regex": "^"} if kind == "_" else {"kind": kind}
        children = []
        while self.peek() != ")":
            tok = self.peek()
            if tok == ".":
                self.next()
                continue
            if isinstance(tok, str) and tok.startswith("!"):
                self.next()
                continue
            field = None
            if isinstance(tok, str) and tok.endswith(":"):
                field = self.next()[:-1]
            child = self.pattern()
            if child is None:
                continue
            optional = self.suffixes(child)
            if optional:
                continue
            if field:
                child["field"] = field
            children.append(child)
        self.next()
        if len(children) == 1:
            obj["has"] = children[0]
        elif children:
            obj["all"] = [{"has": c} for c in children]
        return obj


def rust_regex(pcre):
    if re.search(r"\(\?<?[=!]|\\[1-9]", pcre):
        raise Unsupported("regex with look-around or a back-reference: %s" % pcre)
    return pcre


def apply_preds(p):
    for name, args in p.preds:
        if not args or not isinstance(args[0], str) or not args[0].startswith("@"):
            continue
        cap = args[0][1:]
        vals = [a[1] for a in args[1:] if isinstance(a, tuple)]
        if any(isinstance(a, str) and a.startswith("@") for a in args[1:]):
            continue  # capture against capture: not checked
        if name in ("match?", "not-match?"):
            rx = rust_regex(vals[0])
        elif name in ("eq?", "not-eq?"):
            rx = "^" + re.escape(vals[0]) + "$"
        elif name in ("any-of?", "not-any-of?"):
            rx = "^(" + "|".join(re.escape(v) for v in vals) + ")$"
        else:
            continue
        for obj in p.caps.get(cap, []):
            if name.startswith("not-"):
                obj.setdefault("all", []).append({"not": {"regex": rx}})
            elif "regex" in obj:
                obj.setdefault("all", []).append({"regex": rx})
            else:
                obj["regex"] = rx


def convert(query):
    toks = tokenize(query)
    pats = []
    p = Parser(toks)
    while p.peek() is not None:
        o = p.pattern()
        if o is None:
            raise Unsupported("a predicate outside a pattern")
        p.suffixes(o)
        pats.append(o)
        # predicates of one pattern apply to its own captures
        apply_preds(p)
        p.caps, p.preds = {}, []
    if not pats:
        raise Unsupported("no pattern")
    def has_kind(o):
        return "kind" in o or ("any" in o and all(has_kind(x) for x in o["any"]))
    for o in pats:
        if not has_kind(o):
            raise Unsupported("a top-level wildcard (_ ...) pattern: ast-grep needs the node kind at the top")
        if not o or set(o) <= {"all", "field"} and all("not" in x for x in o.get("all", [])):
            raise Unsupported("a pattern with no positive condition")
    return pats[0] if len(pats) == 1 else {"any": pats}


def main():
    rules_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "rules"), exist_ok=True)
    for f in os.listdir(os.path.join(out, "rules")):
        os.remove(os.path.join(out, "rules", f))
    unsupported = []
    count = 0
    for root, _, files in sorted(os.walk(rules_dir)):
        for name in sorted(files):
            if not name.endswith(".yml"):
                continue
            with open(os.path.join(root, name)) as fh:
                r = yaml.safe_load(fh)
            if r.get("builtin") or "query" not in r:
                continue
            if r["language"] not in LANGS:
                unsupported.append("%s: language %s" % (r["id"], r["language"]))
                continue
            try:
                rule = convert(r["query"])
            except Unsupported as e:
                unsupported.append("%s: %s" % (r["id"], e))
                continue
            doc = {"id": r["id"], "language": LANGS[r["language"]],
                   "severity": "warning",  # error-level findings would make ast-grep exit 1
                   "message": r["id"], "rule": rule}
            with open(os.path.join(out, "rules", r["id"].replace("/", "--") + ".yml"), "w") as fh:
                json.dump(doc, fh, indent=1)
                fh.write("\n")
            count += 1
    with open(os.path.join(out, "sgconfig.yml"), "w") as fh:
        fh.write("ruleDirs:\n  - rules\n")
    with open(os.path.join(out, "unsupported.txt"), "w") as fh:
        fh.write("# prgate rules without an ast-grep equivalent (bench/astgrep/convert.py)\n")
        for u in unsupported:
            fh.write(u + "\n")
    print("astgrep: %d rules converted, %d without an equivalent" % (count, len(unsupported)))


main()
