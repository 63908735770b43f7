#!/usr/bin/env bash
# Runs before `npm test`: installs what the tests need beyond node_modules. Outside CI a missing piece is
# reported and the tests that need it say they did not run; in CI (CI=true) it fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/python-clients.sh; then
  if [ -n "${CI:-}" ]; then
    echo "test setup: could not install the Python clients" >&2
    exit 1
  fi
  echo "test setup: WARNING: Python clients not installed; the boto3 and AWS CLI examples will not run" >&2
fi
