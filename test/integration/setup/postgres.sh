#!/usr/bin/env bash
# Installs the real servers that test/integration/postgres.test.ts runs: Debian's PostgreSQL (bookworm: 15) and
# PgBouncer, and libnss-wrapper (the official postgres images have it too: the start script uses it to name the
# pods' uid 10001 `postgres`). Idempotent: safe to run again. Needs root (CI runs as root) or sudo.
#
#   bash test/integration/setup/postgres.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Other setup scripts may run apt at the same time: wait for the dpkg lock instead of failing.
APT_OPTS=(-o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)

need=""
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need="$need postgresql"
command -v psql >/dev/null 2>&1 || need="$need postgresql-client"
command -v pgbouncer >/dev/null 2>&1 || need="$need pgbouncer"
ls /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so >/dev/null 2>&1 || need="$need libnss-wrapper"

if [ -n "$need" ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" $need
fi

# The packages start services of their own (the "main" cluster on 5432, pgbouncer on 6432). The tests start
# their own servers on free loopback ports; stop the packaged ones so they hold no port and no memory.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r ver name _rest; do
    $SUDO pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true
  done
fi
if command -v service >/dev/null 2>&1; then
  $SUDO service pgbouncer stop >/dev/null 2>&1 || true
fi

echo "postgres: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
echo "pgbouncer: $(command -v pgbouncer || echo missing)"
echo "nss_wrapper: $(ls /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so 2>/dev/null | head -n 1 || true)"
