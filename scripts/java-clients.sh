#!/usr/bin/env bash
# Builds the Java clients the tests run (test/clients/java: the AWS SDK for Java v2 and the Alibaba Cloud FC 3.0
# SDK) with Maven, and prints the directory that holds their classes/ and classpath.txt. Both the build and the
# Maven repository live outside the checkout (~/.cache/strata, or $STRATA_CACHE_DIR or $XDG_CACHE_HOME/strata),
# keyed by a hash of the sources, so later runs and fresh clones reuse them; Maven goes online only when the
# repository lacks something.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in mvn javac; do
  command -v "$tool" >/dev/null || { echo "java clients: $tool is needed (Maven and a JDK 17 or later)" >&2; exit 1; }
done
CACHE_ROOT="${STRATA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/strata}"
mkdir -p "$CACHE_ROOT"
CACHE_ROOT="$(cd "$CACHE_ROOT" && pwd)"
SRC=test/clients/java
hash="$(find "$SRC" -type f \( -name pom.xml -o -name '*.java' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
OUT="$CACHE_ROOT/java-clients/$hash"
if [ ! -f "$OUT/classpath.txt" ] || ! tr ':' '\n' < "$OUT/classpath.txt" | while read -r jar; do [ -f "$jar" ] || exit 1; done; then
  echo "java clients: building $SRC (cached in $OUT)" >&2
  rm -rf "$OUT"
  args=(-B -q -Dstyle.color=never -f "$SRC/pom.xml" "-Dmaven.repo.local=$CACHE_ROOT/m2" "-Dclients.build.dir=$OUT" compile)
  # Offline first: it needs no registry once the repository holds everything.
  if ! mvn -o "${args[@]}" >/dev/null 2>&1; then
    rm -rf "$OUT"
    mvn "${args[@]}" >&2
  fi
fi
echo "$OUT"
