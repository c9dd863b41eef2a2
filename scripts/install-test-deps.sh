#!/usr/bin/env bash
# Installs every Debian package that a test needs (real peers). Idempotent: apt-get runs
# only when a package is missing. Run by .ci/run before `npm ci`; safe to run by hand.
set -euo pipefail

packages=(
  python3-twisted   # Python Twisted 22.4: AMP, TLS and echo peers
  python3-openssl   # pyOpenSSL, Twisted's TLS
  openssl           # openssl s_client/s_server peers and test certificates
  memcached         # real memcached for @torsion/memcache tests
  redis-server      # real Redis 7 for @torsion/redis tests
  rabbitmq-server   # real RabbitMQ broker for @torsion/amqp tests
  amqp-specs        # AMQP 0-9-1 XML (regenerating @torsion/amqp's tables; tests check them)
  python3-uvloop    # uvloop reference server for npm run bench
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-test-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
