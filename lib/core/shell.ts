/**
 * Pieces of POSIX sh shared by the scripts the components generate (Redis bootstrap today, Postgres next), so that
 * a bounded wait is written, and tested by the real-server tests, once.
 */

/**
 * The sh function the bounded wait needs: `deadline <seconds>` prints the epoch second `seconds` from now.
 * A script that uses {@link shBoundedWait} defines it once, near its other helpers.
 */
export const SH_DEADLINE_FUNCTION = 'deadline() { echo $(( $(date +%s) + $1 )); }';

/** Options of {@link shBoundedWait}. */
export interface ShBoundedWaitOptions {
  /**
   * The sh lines of one poll, as they go inside the loop (indented by two spaces; inserted verbatim, so a quoted
   * string may span lines). They must leave in `$<pendingVar>` what is still not ready, empty when everything is.
   */
  readonly check: string;
  /** The variable the check fills with what is still pending (its name, without `$`). */
  readonly pendingVar: string;
  /** The variable holding the time budget in seconds (its name, without `$`). */
  readonly timeoutVar: string;
  /** The variable holding the pause between two polls in seconds (its name, without `$`). */
  readonly pollVar: string;
  /** The start of the message of `fail` when the budget is spent; `$<pendingVar>` is appended. */
  readonly timeoutMessage: string;
  /** The start of the message logged before each pause; `$<pendingVar>` is appended. */
  readonly waitingMessage: string;
}

/**
 * A bounded wait loop in POSIX sh: polls `check` until `$<pendingVar>` is empty, pausing `$<pollVar>` seconds
 * between polls, and calls `fail` once `$<timeoutVar>` seconds have passed. The script must define `fail` (prints
 * and exits non-zero), `log` and {@link SH_DEADLINE_FUNCTION}; the loop sets `until_time`.
 */
export function shBoundedWait(o: ShBoundedWaitOptions): string {
  const pending = `$${o.pendingVar}`;
  return `until_time=$(deadline "$${o.timeoutVar}")
while :; do
${o.check}
  [ -z "${pending}" ] && break
  [ "$(date +%s)" -lt "$until_time" ] || fail "${o.timeoutMessage}${pending}"
  log "${o.waitingMessage}${pending}"
  sleep "$${o.pollVar}"
done`;
}
