# shellcheck shell=sh
# rcli HOST:PORT COMMAND...: calls redis-cli. The password, when $PASSWORD_FILE names a non-empty file, reaches
# redis-cli on its stdin through --askpass (redis-cli reads one line there when stdin is not a terminal, and prints
# no prompt): it is never in argv (ps, /proc/<pid>/cmdline) nor in env (/proc/<pid>/environ). The reply comes
# without carriage returns, errors included, on stdout. Needs $CMD_BOUND (a `timeout N` prefix or empty) and
# $TLS_ARGS.

rcli() {
  hp=$1
  shift
  if [ -n "$PASSWORD_FILE" ] && [ -s "$PASSWORD_FILE" ]; then
    # shellcheck disable=SC2086 # TLS_ARGS is a list of flags
    $CMD_BOUND redis-cli $TLS_ARGS --askpass -h "${hp%:*}" -p "${hp##*:}" "$@" < "$PASSWORD_FILE" 2>&1 | tr -d '\r'
  else
    # shellcheck disable=SC2086
    $CMD_BOUND redis-cli $TLS_ARGS -h "${hp%:*}" -p "${hp##*:}" "$@" < /dev/null 2>&1 | tr -d '\r'
  fi
}
