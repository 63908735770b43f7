#!/usr/bin/env bash
# Installs serverless-offline (test/clients/serverless-offline: its package.json and lockfile) for the layer tests
# and prints the path of the package. It is installed on its own, outside the checkout (~/.cache/strata, or
# $STRATA_CACHE_DIR or $XDG_CACHE_HOME/strata), keyed by a hash of those files, so later runs and fresh clones reuse
# it: its peer dependency, the Serverless Framework v4, is a launcher whose install script downloads the framework
# from its vendor, which the tests do not use (they drive serverless-offline's own classes), so peers and install
# scripts are left out (that folder's .npmrc).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE_ROOT="${STRATA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata}"
mkdir -p "$CACHE_ROOT"
CACHE_ROOT="$(cd "$CACHE_ROOT" && pwd)"
SRC=test/clients/serverless-offline
hash="$(cat "$SRC/package.json" "$SRC/package-lock.json" "$SRC/.npmrc" | sha256sum | cut -c1-16)"
DIR="$CACHE_ROOT/serverless-offline/$hash"
PKG="$DIR/node_modules/serverless-offline"
if [ ! -f "$DIR/.installed" ]; then
  echo "serverless-offline: installing $SRC (cached in $DIR)" >&2
  rm -rf "$DIR"
  mkdir -p "$DIR"
  cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/.npmrc" "$DIR/"
  (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error) >&2
  touch "$DIR/.installed"
fi
echo "$PKG"
