#!/usr/bin/env bash
# Runs before `npm test`: installs what the tests need beyond node_modules: the Python clients of the README
# examples, and the MinIO server of the MinIO-backend tests. Outside CI a missing piece is reported and the
# tests that need it say they did not run; in CI (CI=true) it fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
status=0
if ! bash scripts/python-clients.sh; then
  echo "test setup: WARNING: Python clients not installed; the boto3, AWS CLI and FC Python examples will not run" >&2
  status=1
fi
if bin="$(bash scripts/minio.sh)"; then
  echo "$bin" > .cache/minio-bin
  echo "test setup: MinIO server $bin"
else
  rm -f .cache/minio-bin
  echo "test setup: WARNING: no MinIO server; the MinIO-backend tests will not run" >&2
  status=1
fi
if [ -n "${CI:-}" ] && [ "$status" -ne 0 ]; then
  echo "test setup: failed in CI" >&2
  exit 1
fi
exit 0
