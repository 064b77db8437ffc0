# shellcheck shell=sh
# Puts the first line of $PASSWORD_FILE in $pw, every byte as \xHH: redis.conf's own escape syntax inside double
# quotes, so no character can break the line. printf is a shell builtin: the password is never in a process's argv.
# Needs fail(); the includer writes $pw where it belongs, then empties it.
# shellcheck disable=SC2034 # pw is for the includer

raw_pw=
IFS= read -r raw_pw < "$PASSWORD_FILE" || true
[ -n "$raw_pw" ] || fail "the password file $PASSWORD_FILE has an empty first line"
pw=$(printf '%s' "$raw_pw" | od -An -v -tx1 | tr -d ' \n' | sed 's/../\\x&/g')
raw_pw=
