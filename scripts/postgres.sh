#!/usr/bin/env bash
# Finds the PostgreSQL server programs (initdb, pg_ctl, postgres) the PostgreSQL-metadata tests start a private
# server with, and prints their directory. In CI, as root, installs Debian's postgresql when they are missing;
# elsewhere it says how and fails (those tests then say they did not run).
set -euo pipefail
find_bin() {
  for dir in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin /usr/pgsql-*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  done
  for tool in initdb pg_ctl postgres; do command -v "$tool" >/dev/null || return 1; done
  dirname "$(readlink -f "$(command -v initdb)")"
}
if ! dir="$(find_bin)"; then
  if [ -n "${CI:-}" ] && command -v apt-get >/dev/null; then
    bash "$(dirname "$0")/apt-install.sh" postgresql
    dir="$(find_bin)"
  else
    echo "postgres: no PostgreSQL server programs (initdb, pg_ctl); install them, e.g. apt-get install postgresql" >&2
    exit 1
  fi
fi
echo "$dir"
