#!/usr/bin/env bash
# Installs the Python clients that the README's examples use (boto3, the AWS CLI, the FC SDKs), and moto (a peer
# that `npm run bench` compares Strata with), into .cache/py, a virtualenv of the project's own, and SAM CLI into
# .cache/py-sam (its pins of boto3 and click conflict with those clients': scripts/sam-requirements.txt); each is
# reused when already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# install VENV REQUIREMENTS CONSTRAINTS
install() {
  if [ ! -x "$1/bin/python" ]; then
    python3 -m venv "$1"
  fi
  "$1/bin/python" -m pip install --quiet --disable-pip-version-check -r "$2" -c "$3"
}
install .cache/py scripts/python-requirements.txt scripts/python-constraints.txt
echo "python clients: $(.cache/py/bin/python -m pip freeze | grep -iE "^(boto3|awscli|alibabacloud.fc|oss2)" | tr "\n" " ")"
install .cache/py-sam scripts/sam-requirements.txt scripts/sam-constraints.txt
echo "python clients: $(.cache/py-sam/bin/python -m pip freeze | grep -iE "^aws-sam-cli=" | tr "\n" " ")(in .cache/py-sam)"
