#!/usr/bin/env bash
# usage: apt-install.sh PACKAGE...: installs Debian packages for the test set-up (with sudo when not root).
# Only CI calls it on its own; elsewhere the scripts that need a package say how to install it.
set -euo pipefail
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "test setup: installing $* (apt-get)" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
