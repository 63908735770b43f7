#!/usr/bin/env bash
# Installs the Python clients that the README's examples use (boto3, the AWS CLI, the FC SDKs), and moto (a peer
# that `npm run bench` compares Strata with), into .cache/py, a virtualenv of the project's own; reused when there.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/py
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/python-requirements.txt -c scripts/python-constraints.txt
echo "python clients: $("$VENV/bin/python" -m pip freeze | grep -iE "^(boto3|awscli|alibabacloud.fc|oss2)" | tr "\n" " ")"
