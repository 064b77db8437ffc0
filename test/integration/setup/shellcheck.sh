#!/usr/bin/env bash
# Installs shellcheck (Debian's package), which test/shellcheck.test.ts runs on every lib/**/*.sh (the shell
# scripts the constructs ship); under CI=true that test fails without it. Idempotent.
#
#   bash test/integration/setup/shellcheck.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck already installed: $(shellcheck --version | sed -n 's/^version: //p')"
  exit 0
fi
# Other setup scripts may run apt at the same time: wait for the dpkg lock instead of failing.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends shellcheck
echo "installed: shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
