#!/usr/bin/env bash
# Build the benchmark repository, deterministically.
#
#   bench/corpus.sh full  OUTDIR   Rust sources of pinned Debian packages
#                                  (apt-get download + dpkg -x) and JavaScript
#                                  of pinned npm tarballs (npm pack)
#   bench/corpus.sh smoke OUTDIR   files already on this machine (the rule
#                                  examples, the grammars' own sources):
#                                  downloads nothing, for the CI smoke test
#
# OUTDIR/repo gets three commits with fixed authors and dates:
#   base   a README only
#   large  + every source file (the "large" range base..large, all added)
#   small  + about 20 edited files, a few hundred changed lines
#          (the "small" range large..small, the pre-push case)
# OUTDIR/ranges.env names them (LARGE_RANGE, SMALL_RANGE, ...), and
# OUTDIR/large.list and OUTDIR/small.list list the changed files.
# The same inputs give the same commit ids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=${1:?usage: corpus.sh full|smoke OUTDIR}
out=${2:?usage: corpus.sh full|smoke OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
py=/usr/bin/python3

# Pinned inputs. Debian 12 (bookworm) versions; npm versions.
RUST_CRATES=(tokio=1.24.2-1 syn=1.0.107-1 serde=1.0.152-2 serde-json=1.0.87-1 regex=1.7.1-1
  regex-syntax=0.6.27-1 hyper=0.14.19-1 futures-util=0.3.21-1 nom=7.1.1-1 rayon-core=1.10.1-1
  aho-corasick=0.7.19-1 chrono=0.4.23-2)
NPM_PACKAGES=(lodash@4.17.21 rxjs@7.8.1 webpack@5.91.0 eslint@8.57.0 typescript@5.4.5)
# Files prgate would skip by default (--max-file-size 2 MiB) are left out, so
# every tool parses the same files.
MAX_SIZE=$((2 * 1024 * 1024))

tree=$out/tree
rm -rf "$tree"
mkdir -p "$tree"

# copy_sources SRC DEST: the .rs/.js/.mjs/.cjs files of SRC under DEST
copy_sources() {
  (cd "$1" && find . -type f \( -name '*.rs' -o -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) \
     -size -$((MAX_SIZE / 1024))k -print0 | sort -z |
   while IFS= read -r -d '' f; do mkdir -p "$2/$(dirname "$f")"; cp "$f" "$2/$f"; done)
}

case $mode in
full)
  dl=$out/downloads
  mkdir -p "$dl/deb" "$dl/npm"
  for c in "${RUST_CRATES[@]}"; do
    name=${c%%=*} ver=${c#*=}
    ls "$dl/deb/librust-${name}-dev_"*.deb >/dev/null 2>&1 ||
      (cd "$dl/deb" && apt-get download -q -o APT::Sandbox::User=root "librust-${name}-dev=${ver}" >/dev/null) || {
        echo "corpus: cannot download librust-${name}-dev=${ver} (run apt-get update?)" >&2; exit 1; }
  done
  for p in "${NPM_PACKAGES[@]}"; do
    tgz="$dl/npm/$(echo "${p#@}" | tr '/@' '--').tgz"
    [ -s "$tgz" ] || (cd "$dl/npm" && npm pack --silent "$p" >/dev/null)
    [ -s "$tgz" ] || { echo "corpus: npm pack $p did not give $tgz" >&2; exit 1; }
  done
  x=$out/extract
  rm -rf "$x"
  mkdir -p "$x/deb" "$x/npm"
  for d in "$dl"/deb/*.deb; do dpkg -x "$d" "$x/deb"; done
  for d in "$x"/deb/usr/share/cargo/registry/*/; do
    copy_sources "$d" "$tree/rust/$(basename "$d")"
  done
  for t in "$dl"/npm/*.tgz; do
    n=$(basename "$t" .tgz)
    mkdir -p "$x/npm/$n"
    tar -xzf "$t" -C "$x/npm/$n"
    copy_sources "$x/npm/$n" "$tree/js/$n"
  done
  rm -rf "$x"
  EDITS=20
  ;;
smoke)
  src=$(cd "$here/.." && pwd)
  copy_sources "$src/rules" "$tree/rules"
  for g in "$src"/grammars/node_modules/tree-sitter-*/; do
    # the grammar definitions and bindings, not the generated parser
    (cd "$g" && find . -path ./src -prune -o -type f \( -name '*.rs' -o -name '*.js' \) -print0 | sort -z |
     while IFS= read -r -d '' f; do mkdir -p "$tree/grammars/$(basename "$g")/$(dirname "$f")"; cp "$f" "$tree/grammars/$(basename "$g")/$f"; done)
  done
  EDITS=4
  ;;
*) echo "corpus: unknown mode '$mode'" >&2; exit 2 ;;
esac

repo=$out/repo
rm -rf "$repo"
git init -q "$repo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
commit() {
  export GIT_AUTHOR_DATE="2024-01-0$1T12:00:00Z" GIT_COMMITTER_DATE="2024-01-0$1T12:00:00Z"
  git -C "$repo" add -A
  git -C "$repo" -c core.autocrlf=false commit -q -m "$2"
  git -C "$repo" branch -f "$3" HEAD
}
git -C "$repo" checkout -q -b main
printf 'prgate benchmark corpus (%s)\n' "$mode" >"$repo/README"
commit 1 "base" base
cp -r "$tree"/. "$repo"/
commit 2 "large: every source file added" large
(cd "$repo" && git ls-files -- '*.rs' '*.js' '*.mjs' '*.cjs') >"$out/large.list"
"$py" "$here/edit.py" "$repo" "$EDITS" >"$out/small.list"
commit 3 "small: a realistic change" small
git -C "$repo" repack -adq
git -C "$repo" gc -q --prune=now

{
  echo "LARGE_RANGE=base..large"
  echo "SMALL_RANGE=large..small"
  echo "LARGE_FILES=$(wc -l <"$out/large.list")"
  echo "LARGE_BYTES=$(cd "$repo" && git ls-files -z -- '*.rs' '*.js' '*.mjs' '*.cjs' | du -cb --files0-from=- | tail -1 | cut -f1)"
  echo "LARGE_MAX_FILE=$(cd "$repo" && git ls-files -z -- '*.rs' '*.js' '*.mjs' '*.cjs' | xargs -0 stat -c %s | sort -n | tail -1)"
  echo "SMALL_FILES=$(wc -l <"$out/small.list")"
  echo "SMALL_LINES=$(git -C "$repo" diff --numstat large small | awk '{a+=$1; d+=$2} END {print a "+" d "-"}')"
  echo "COMMIT_LARGE=$(git -C "$repo" rev-parse large)"
  echo "COMMIT_SMALL=$(git -C "$repo" rev-parse small)"
} >"$out/ranges.env"
rm -rf "$tree"
cat "$out/ranges.env"
