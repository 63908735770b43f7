#!/usr/bin/env bash
# Builds the Go client the tests run (test/clients/go-aws: the AWS SDK for Go v2) and prints the binary's path.
# The binary is kept outside the checkout (~/.cache/strata, or $STRATA_CACHE_DIR or $XDG_CACHE_HOME/strata),
# keyed by a hash of the sources, so later runs and fresh clones reuse it; the modules come from the Go module
# proxy at the versions go.sum pins.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "go clients: Go is needed" >&2; exit 1; }
CACHE_ROOT="${STRATA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata}"
mkdir -p "$CACHE_ROOT"
CACHE_ROOT="$(cd "$CACHE_ROOT" && pwd)"
SRC=test/clients/go-aws
hash="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/*.go | sha256sum | cut -c1-16)"
BIN="$CACHE_ROOT/go-clients/$hash/go-aws"
if [ ! -x "$BIN" ]; then
  echo "go clients: building $SRC (cached in $(dirname "$BIN"))" >&2
  mkdir -p "$(dirname "$BIN")"
  (cd "$SRC" && GOFLAGS=-mod=readonly go build -trimpath -o "$BIN.tmp" .) >&2
  mv "$BIN.tmp" "$BIN"
fi
echo "$BIN"
