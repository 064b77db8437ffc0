#!/usr/bin/env bash
# Installs the real servers the integration tests run the generated configs on (Debian packages, plus nginx from
# Debian sid unpacked into a cache folder without touching the system), and shellcheck, which the tests run on the
# shipped shell scripts. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for server in nginx redis postgres barman prometheus shellcheck; do
  echo "== setup: $server"
  bash "$here/$server.sh"
done
