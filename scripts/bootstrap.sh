#!/usr/bin/env bash
# Install what building and testing prgate needs on Debian 12 / Ubuntu:
# Debian's packages (only those missing) and the pinned grammars (npm ci).
# Safe to run again; does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config git ca-certificates
  libgit2-dev libtree-sitter-dev libjansson-dev libcurl4-openssl-dev libyaml-dev
  libpcre2-dev libcmocka-dev python3 python3-jsonschema valgrind clang)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bootstrap: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Grammars: pinned in grammars/package-lock.json. --ignore-scripts: their
# install scripts would build node bindings we do not use.
if ! cmp -s grammars/package-lock.json grammars/node_modules/.prgate-lock 2>/dev/null; then
  (cd grammars && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp grammars/package-lock.json grammars/node_modules/.prgate-lock
fi
