#!/usr/bin/env bash
# Installs what test/integration/monitoring.test.ts runs: Debian's Prometheus (bookworm: 2.42, with promtool) and
# the three exporters the tiers' monitors scrape — prometheus-nginx-exporter (0.11), prometheus-redis-exporter
# (1.45) and prometheus-postgres-exporter (0.11). The test also needs nginx, redis-server and PostgreSQL
# (setup/nginx.sh, redis.sh, postgres.sh). Idempotent. Needs root (CI runs as root) or sudo.
#
# The packages start system services of their own (Prometheus on :9090, the exporters on :9113, :9121, :9187).
# The test starts its own processes on free loopback ports, so the packaged services are stopped and disabled.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
APT_OPTS=(-o DPkg::Lock::Timeout=600 -y -q --no-install-recommends)

need=""
command -v prometheus >/dev/null 2>&1 || need="$need prometheus"
command -v promtool >/dev/null 2>&1 || need="$need prometheus"
command -v prometheus-nginx-exporter >/dev/null 2>&1 || need="$need prometheus-nginx-exporter"
command -v prometheus-redis-exporter >/dev/null 2>&1 || need="$need prometheus-redis-exporter"
command -v prometheus-postgres-exporter >/dev/null 2>&1 || need="$need prometheus-postgres-exporter"

if [ -n "$need" ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q update
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install "${APT_OPTS[@]}" $need
fi

# Each step may legitimately fail (no systemd in a container, service not running), hence `|| true`.
for svc in prometheus prometheus-nginx-exporter prometheus-redis-exporter prometheus-postgres-exporter prometheus-node-exporter; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
  if command -v update-rc.d >/dev/null 2>&1; then $SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true; fi
done

prometheus --version 2>&1 | head -n1
promtool --version 2>&1 | head -n1
prometheus-nginx-exporter --version 2>&1 | head -n1 || true
prometheus-redis-exporter --version 2>&1 | head -n1 || true
prometheus-postgres-exporter --version 2>&1 | head -n1 || true
