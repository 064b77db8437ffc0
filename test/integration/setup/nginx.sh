#!/usr/bin/env bash
# Makes available the tools used by test/integration/nginx.test.ts, without changing the system's nginx:
#
# 1. An nginx that supports `server ... resolve` in an upstream (open-source nginx >= 1.27.3). Debian bookworm
#    ships 1.22, which lacks it, so this script downloads Debian sid's nginx and the sid libraries it links
#    against with `apt-get download` (a private apt state, cache and sources list: the system's apt lists and
#    installed packages are not touched), unpacks them with `dpkg -x` into
#    test/integration/.cache/nginx-sid/ (gitignored via `.cache/`), and writes the wrapper
#    test/integration/.cache/nginx-sid/nginx that starts the binary through the folder's own dynamic loader
#    with the folder's own libraries.
# 2. dnsmasq (Debian package), which the test runs as its own instance on loopback to play kube-dns. The
#    packaged system service is kept from starting (policy-rc.d) and stopped/disabled if it started anyway.
#
# Idempotent: each part is skipped when already present. Prints the nginx version (`nginx -V`) at the end.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="$HERE/../.cache/nginx-sid"
WRAPPER="$DEST/nginx"
MIN_VERSION="1.27.3"

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
APT_LOCK=(-o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive

# Everything this script must undo on exit, whatever happens: its temp dir and a policy-rc.d it created.
TMP_DIR=""
CREATED_POLICY=0
POLICY=/usr/sbin/policy-rc.d
cleanup() {
  if [ -n "$TMP_DIR" ]; then rm -rf "$TMP_DIR"; fi
  if [ "$CREATED_POLICY" -eq 1 ]; then $SUDO rm -f "$POLICY"; fi
}
trap cleanup EXIT

version_ge() { # version_ge A B: true when A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

wrapper_version() { # prints the wrapper's nginx version (e.g. 1.30.6), or nothing
  [ -x "$WRAPPER" ] || return 0
  "$WRAPPER" -v 2>&1 | sed -n 's|^nginx version: nginx/\([0-9.]*\).*|\1|p' || true
}

# The Debian mirror the machine already uses (the URI of its main, non-security suite).
find_mirror() {
  local uri=""
  shopt -s nullglob
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    uri="$(awk '
      /^URIs:/ { u = $2 }
      /^Suites:/ { if ($0 !~ /security/) s = 1 }
      /^[[:space:]]*$/ { if (u != "" && s) { print u; exit } u = ""; s = 0 }
      END { if (u != "" && s) print u }
    ' "$f" | grep -v security | head -n1 || true)"
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      uri="$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; exit } }' "$f" \
        | grep -E 'debian/?$' | head -n1 || true)"
      [ -n "$uri" ] && break
    done
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

install_nginx_sid() {
  local mirror tmp
  mirror="$(find_mirror)"
  TMP_DIR="$(mktemp -d)"
  tmp="$TMP_DIR"
  mkdir -p "$tmp/state/lists/partial" "$tmp/cache/archives/partial" "$tmp/etc/sources.list.d" \
    "$tmp/etc/preferences.d" "$tmp/debs"
  : >"$tmp/state/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$tmp/etc/sources.list"
  local apt_private=(
    "${APT_LOCK[@]}"
    -o "Dir::State=$tmp/state"
    -o "Dir::State::status=$tmp/state/status"
    -o "Dir::Cache=$tmp/cache"
    -o "Dir::Etc::SourceList=$tmp/etc/sources.list"
    -o "Dir::Etc::SourceParts=$tmp/etc/sources.list.d"
    -o "Dir::Etc::Preferences=$tmp/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$tmp/etc/preferences.d"
    -o "APT::Default-Release="
    -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=root"
  )
  echo "downloading nginx and its libraries from $mirror sid (private apt state in $tmp)"
  apt-get "${apt_private[@]}" -q update

  # In sid the `nginx` package holds the binary; older layouts put it in nginx-core / nginx-light.
  local pkgs=(nginx libc6 libssl3t64 libpcre2-8-0 libcrypt1 zlib1g)
  local p
  for p in nginx-core nginx-common; do
    if apt-cache "${apt_private[@]}" show "$p" 2>/dev/null | grep -q '^Filename:'; then
      pkgs+=("$p")
    fi
  done
  (cd "$tmp/debs" && apt-get "${apt_private[@]}" -q download "${pkgs[@]}")

  rm -rf "$DEST.partial"
  mkdir -p "$DEST.partial"
  local deb
  for deb in "$tmp"/debs/*.deb; do
    dpkg -x "$deb" "$DEST.partial"
  done
  # sid's packages use the merged-/usr layout (everything under usr/); give the folder the classic top-level
  # links so that lib64/ld-linux-x86-64.so.2 is the loader, as on a merged-/usr system.
  local d
  for d in lib lib64; do
    if [ ! -e "$DEST.partial/$d" ] && [ -d "$DEST.partial/usr/$d" ]; then ln -s "usr/$d" "$DEST.partial/$d"; fi
  done
  [ -x "$DEST.partial/usr/sbin/nginx" ] || { echo "no usr/sbin/nginx in: ${pkgs[*]}" >&2; exit 1; }
  [ -e "$DEST.partial/lib64/ld-linux-x86-64.so.2" ] || { echo "no dynamic loader in sid's libc6" >&2; exit 1; }

  # The wrapper resolves its own folder at run time, so the cache can move with the work tree.
  cat >"$DEST.partial/nginx" <<'EOF'
#!/bin/sh
# Starts Debian sid's nginx through this folder's own dynamic loader and libraries (written by
# test/integration/setup/nginx.sh; the system's libraries are older than the ones sid's nginx needs).
D="$(cd "$(dirname "$0")" && pwd)"
exec "$D/lib64/ld-linux-x86-64.so.2" --library-path "$D/usr/lib/x86_64-linux-gnu" "$D/usr/sbin/nginx" "$@"
EOF
  chmod +x "$DEST.partial/nginx"
  rm -rf "$DEST"
  mv "$DEST.partial" "$DEST"
}

current="$(wrapper_version)"
if [ -n "$current" ] && version_ge "$current" "$MIN_VERSION"; then
  echo "nginx $current already unpacked in test/integration/.cache/nginx-sid"
else
  install_nginx_sid
  current="$(wrapper_version)"
  if [ -z "$current" ] || ! version_ge "$current" "$MIN_VERSION"; then
    echo "the unpacked nginx (${current:-not runnable}) is older than $MIN_VERSION" >&2
    exit 1
  fi
fi

if command -v dnsmasq >/dev/null 2>&1; then
  echo "dnsmasq already installed"
else
  # Keep the package's postinst from starting the system service where the init system honours policy-rc.d
  # (exit 101 = "do not start services"); the policy is removed on exit only if this script created it.
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod +x "$POLICY"
    CREATED_POLICY=1
  fi
  $SUDO apt-get "${APT_LOCK[@]}" -q update
  $SUDO apt-get "${APT_LOCK[@]}" -y -q install --no-install-recommends dnsmasq
fi
# The test runs its own dnsmasq on a loopback port; the packaged service must not hold port 53 or answer.
# Each step may legitimately fail (no systemd in a container, service not running), hence `|| true`.
$SUDO service dnsmasq stop >/dev/null 2>&1 || true
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now dnsmasq >/dev/null 2>&1 || true
fi
if command -v update-rc.d >/dev/null 2>&1; then
  $SUDO update-rc.d dnsmasq disable >/dev/null 2>&1 || true
fi

dnsmasq --version | head -n1
"$WRAPPER" -V
