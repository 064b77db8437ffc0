#!/usr/bin/env bash
# Installs Debian's barman-cli-cloud (barman-cloud-wal-archive, -wal-restore, -backup, -restore, -check-wal-archive:
# the tools the CloudNativePG Barman Cloud plugin runs), for test/integration/postgres-barman.test.ts. The S3-compatible
# server (s3rver) is an npm devDependency, installed by npm ci. Idempotent. Needs root (CI runs as root) or sudo.
#
#   bash test/integration/setup/barman.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! command -v barman-cloud-wal-archive >/dev/null 2>&1; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends barman-cli-cloud
fi

echo "barman-cloud: $(barman-cloud-wal-archive --version 2>&1)"
