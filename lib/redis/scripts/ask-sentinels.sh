# shellcheck shell=sh
# ask_sentinels: prints the primary ("host:port") that the first answering Sentinel of $SENTINELS names for
# $MASTER_NAME; returns 1 when none does. Needs rcli.

ask_sentinels() {
  for sentinel in $SENTINELS; do
    reply=$(rcli "$sentinel" SENTINEL get-master-addr-by-name "$MASTER_NAME" || true)
    answer=$(printf '%s\n' "$reply" | awk 'NR == 1 { h = $0 } NR == 2 { p = $0 } END { if (NR == 2 && h ~ /^[A-Za-z0-9.:-]+$/ && p ~ /^[0-9]+$/) print h ":" p }')
    if [ -n "$answer" ]; then echo "$answer"; return 0; fi
  done
  return 1
}
