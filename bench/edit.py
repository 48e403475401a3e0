#!/usr/bin/python3
"""Make the benchmark's small range: edit N files of the repository in place.

Deterministic: the files are chosen by path order among sources of 2-30 KB
(half Rust, half JavaScript), each gets a new function appended (about 15
lines, with the kind of calls the rule packs look for) and up to three
existing declarations touched. Prints the edited paths.
usage: edit.py REPO N
"""
import os
import re
import subprocess
import sys

RUST_FN = """
/// Added by the benchmark's small change {i}.
pub fn bench_change_{i}(input: &str) -> Result<Vec<u32>, String> {{
    let mut out = Vec::new();
    for part in input.split(',') {{
        let value: u32 = part.trim().parse().unwrap();
        if value > {i} {{
            out.push(value);
        }}
    }}
    let first = out.first().copied().expect("at least one value");
    if first == 0 {{
        panic!("zero is not allowed");
    }}
    Ok(out)
}}
"""

JS_FN = """
// Added by the benchmark's small change {i}.
function benchChange{i}(element, html, input) {{
  const values = String(input).split(',').map((part) => Number(part.trim()));
  const kept = [];
  for (const value of values) {{
    if (value > {i}) {{
      kept.push(value);
    }}
  }}
  element.innerHTML = html + kept.join(', ');
  if (kept.length === 0) {{
    return eval(input);
  }}
  return kept;
}}
"""

DECL = {".rs": re.compile(r"^\s+let [a-z_]+ = .*;$"),
        ".js": re.compile(r"^\s+(const|let|var) [A-Za-z_$]+ = .*;$")}


def main():
    repo, n = sys.argv[1], int(sys.argv[2])
    files = subprocess.run(["git", "-C", repo, "ls-files", "--", "*.rs", "*.js"],
                           check=True, capture_output=True, text=True).stdout.split()
    chosen = []
    for ext in (".rs", ".js"):
        cands = [f for f in files if f.endswith(ext)
                 and 2000 <= os.path.getsize(os.path.join(repo, f)) <= 30000]
        if len(cands) < n // 2:
            cands = [f for f in files if f.endswith(ext)]
        step = max(1, len(cands) // max(1, n // 2))
        chosen += cands[::step][: n // 2]
    for i, path in enumerate(sorted(chosen)):
        full = os.path.join(repo, path)
        with open(full, encoding="utf-8", errors="surrogateescape") as fh:
            lines = fh.read().split("\n")
        ext = os.path.splitext(path)[1]
        touched = 0
        for k, line in enumerate(lines):
            if touched < 3 and DECL[ext].match(line):
                lines[k] = line + " // reviewed"
                touched += 1
        text = "\n".join(lines)
        if not text.endswith("\n"):
            text += "\n"
        text += (RUST_FN if ext == ".rs" else JS_FN).format(i=i)
        with open(full, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text)
        print(path)


main()
