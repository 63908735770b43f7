#!/usr/bin/env bash
# Builds the MinIO server that the tests (and developers) run, from the Go module proxy at a pinned version,
# and caches it outside the checkout so later runs and fresh clones reuse it. Prints the binary's path.
# There is no MinIO binary in the package registries this project can reach, hence the build.
set -euo pipefail
MINIO_MODULE_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c" # the last commit of github.com/minio/minio (2026-02-12)
CACHE_ROOT="${STRATA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata}"
mkdir -p "$CACHE_ROOT"
CACHE="$(cd "$CACHE_ROOT" && pwd)/minio/$MINIO_MODULE_VERSION" # absolute: GOBIN must be
BIN="$CACHE/minio"
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "minio: Go is needed to build MinIO (go install)" >&2; exit 1; }
  echo "minio: building github.com/minio/minio@$MINIO_MODULE_VERSION (once; cached in $CACHE)" >&2
  rm -rf "$CACHE.tmp" # left by an interrupted build
  mkdir -p "$CACHE"
  GOBIN="$CACHE.tmp" GOFLAGS=-trimpath go install "github.com/minio/minio@$MINIO_MODULE_VERSION" >&2
  mv "$CACHE.tmp/minio" "$BIN"
  rm -rf "$CACHE.tmp"
fi
echo "$BIN"
