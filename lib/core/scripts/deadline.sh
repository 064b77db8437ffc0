# shellcheck shell=sh
# deadline SECONDS: prints the epoch second SECONDS from now (the end of a bounded wait: loop while
# `[ "$(date +%s)" -lt "$until_time" ]`, then fail).

deadline() { echo $(( $(date +%s) + $1 )); }
