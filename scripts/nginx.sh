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
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "nginx: installing nginx-core (apt-get)" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-core >/dev/null
    bin="$(find_bin)"
  else
    echo "nginx: not installed; install it, e.g. apt-get install nginx-core" >&2
    exit 1
  fi
fi
echo "$bin"
