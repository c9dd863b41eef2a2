#!/usr/bin/env bash
# Installs the Debian packages that tests use as real peers or tools, only when missing.
# Idempotent: runs apt-get only if some package is not installed yet.
set -euo pipefail

packages=(
  openssl # @torsion/endpoints tests generate throw-away certificates for ssl:/tls: descriptions
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
  echo "install-test-deps: all present (${packages[*]})"
fi
