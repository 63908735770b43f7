#!/usr/bin/env bash
# Installs ministack (a peer of the benchmark, not needed by the tests) into .cache/py-ministack, a virtualenv of
# its own because it pins an older botocore than the Python clients' environment; reused when already there.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/py-ministack
if [ ! -x "$VENV/bin/ministack" ]; then
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r scripts/ministack-requirements.txt
fi
