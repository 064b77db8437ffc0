#!/bin/sh
set -eu
out=$1
addr=$2
password_file=$3
fail() { echo "exporter-auth: ERROR: $*" >&2; exit 1; }
raw_pw=
IFS= read -r raw_pw < "$password_file" || true
[ -n "$raw_pw" ] || fail "the password file $password_file is missing or has an empty first line"
case "$raw_pw" in *[[:cntrl:]]*) case "$(printf '%s' "$raw_pw" | tr -d '\t')" in *[[:cntrl:]]*) fail "the password holds a control character other than tab" ;; esac ;; esac
umask 077
mkdir -p "$(dirname "$out")"
{
  printf '{"%s": "' "$addr"
  printf '%s' "$raw_pw" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' | tr -d '\n'
  printf '"}\n'
} > "$out.tmp"
mv -f "$out.tmp" "$out"
echo "exporter-auth: wrote the password map for $addr"
