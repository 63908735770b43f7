#!/usr/bin/env bash
# Runs before `npm test`: installs what the tests need beyond node_modules: the Python clients of the README
# examples and SAM CLI, the Java and Go SDK clients, serverless-offline, the MinIO server of the MinIO-backend tests,
# PostgreSQL and nginx for the team tests, and (in CI) Debian's chromium for the console's browser tests. Each
# built piece's path is recorded in .cache/ for the tests. Outside CI a missing piece is reported and the tests that need it say they did not run; in CI (CI=true)
# it fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
status=0
if ! bash scripts/python-clients.sh; then
  echo "test setup: WARNING: Python clients not installed; the boto3, AWS CLI, FC Python and SAM CLI tests will not run" >&2
  status=1
fi
# build RECORD SCRIPT WHAT TESTS: runs SCRIPT, which prints the path of what it built, and records it in RECORD.
build() {
  local out
  if out="$(bash "$2")"; then
    echo "$out" > "$1"
    echo "test setup: $3 $out"
  else
    rm -f "$1"
    echo "test setup: WARNING: no $3; $4 will not run" >&2
    status=1
  fi
}
build .cache/java-clients scripts/java-clients.sh "Java clients" "the AWS SDK for Java and FC Java SDK tests"
build .cache/go-clients scripts/go-clients.sh "Go client" "the AWS SDK for Go tests"
build .cache/serverless-offline scripts/serverless-offline.sh "serverless-offline" "the serverless-offline layer tests"
build .cache/minio-bin scripts/minio.sh "MinIO server" "the MinIO-backend tests"
build .cache/postgres-bin scripts/postgres.sh "PostgreSQL programs" "the PostgreSQL-metadata tests"
build .cache/nginx-bin scripts/nginx.sh "nginx" "the load-balancer test of the team set-up"
# The console tests drive Debian's chromium through playwright-core (which downloads no browser). CI installs it;
# elsewhere installing it is left to the developer (it needs root), and the browser tests say they did not run.
if [ ! -x /usr/bin/chromium ] && [ -n "${CI:-}" ]; then
  bash scripts/apt-install.sh chromium
fi
if [ -x /usr/bin/chromium ]; then
  echo "test setup: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) for the console's browser tests"
else
  echo "test setup: WARNING: no /usr/bin/chromium (apt-get install -y chromium); the console's browser tests will not run" >&2
  status=1
fi
if [ -n "${CI:-}" ] && [ "$status" -ne 0 ]; then
  echo "test setup: failed in CI" >&2
  exit 1
fi
exit 0
