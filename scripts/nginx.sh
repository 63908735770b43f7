#!/usr/bin/env bash
# Finds nginx, which the load-balancer test puts in front of Strata replicas with deploy/team-nginx.conf, and
# prints its path. In CI installs Debian's nginx-core when it is missing; elsewhere it says how and fails (that
# test then says it did not run).
set -euo pipefail
find_bin() {
  for bin in /usr/sbin/nginx /usr/local/sbin/nginx /usr/local/nginx/sbin/nginx; do
    if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  done
  command -v nginx
}
if ! bin="$(find_bin)"; then
  if [ -n "${CI:-}" ] && command -v apt-get >/dev/null; then
    bash "$(dirname "$0")/apt-install.sh" nginx-core
    bin="$(find_bin)"
  else
    echo "nginx: not installed; install it, e.g. apt-get install nginx-core" >&2
    exit 1
  fi
fi
echo "$bin"
