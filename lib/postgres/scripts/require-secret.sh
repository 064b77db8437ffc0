# shellcheck shell=sh
# require_secret FILE: fails unless FILE (a mounted Secret key) is readable and holds a non-empty password alone on
# one line (at most one trailing newline: psql and the shell strip exactly that much). It never prints the content.

require_secret() {
  [ -r "$1" ] && [ -n "$(cat "$1")" ] || { echo "$1: missing, unreadable or empty: mount the Secret key there" >&2; exit 1; }
  [ "$(sed -n '$=' "$1")" = 1 ] || { echo "$1: must hold the password alone, on one line" >&2; exit 1; }
}
