#!/usr/bin/env bash
# Installs the Redis server, Sentinel and client used by test/integration/redis*.test.ts: Debian's redis-server,
# redis-sentinel and redis-tools (bookworm: 7.0.15, built with TLS). Idempotent: does nothing but stop the system
# services when all are present.
# The integration test starts its own redis-server processes on loopback with free ports, so the packaged
# service is stopped and disabled to keep port 6379 free and to avoid a stray server in CI.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

APT_OPTS=(-o DPkg::Lock::Timeout=600 -y -q)

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && command -v redis-sentinel >/dev/null 2>&1; then
  echo "redis-server, redis-sentinel and redis-cli already installed: $(redis-server --version)"
else
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get "${APT_OPTS[@]}" update
  $SUDO apt-get "${APT_OPTS[@]}" install --no-install-recommends redis-server redis-sentinel redis-tools
  echo "installed: $(redis-server --version)"
fi
# The TLS test mints its CA and certificates with openssl.
command -v openssl >/dev/null 2>&1 || $SUDO apt-get "${APT_OPTS[@]}" install --no-install-recommends openssl

# Stop and disable the packaged services if something started them; every step may legitimately fail
# (no systemd in a container, service not running), hence the `|| true`.
for service in redis-server redis-sentinel; do
  $SUDO service "$service" stop >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
  if command -v update-rc.d >/dev/null 2>&1; then
    $SUDO update-rc.d "$service" disable >/dev/null 2>&1 || true
  fi
done

redis-server --version
redis-sentinel --version
redis-cli --version
