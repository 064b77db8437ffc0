import { isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';

/** A rate limit WAF accepts, per 5-minute window scaled from per minute: 10 to 2,000,000,000 requests. */
function isLimit(v: unknown): v is number {
  return isIntegerIn(v, 10, 2_000_000_000);
}

/** Adds to `problems` what is wrong with the two per-minute limits (WAF accepts 10 to 2,000,000,000 per window). */
export function checkRateLimits(problems: Problems, field: string, perClient: number, global: number): void {
  if (!isLimit(perClient)) problems.add(`${field}.perClientPerMinute`, perClient, 'an integer between 10 and 2000000000');
  if (!isLimit(global)) problems.add(`${field}.globalPerMinute`, global, 'an integer between 10 and 2000000000');
  if (isLimit(perClient) && isLimit(global) && perClient > global) {
    problems.addMessage(`'${field}.perClientPerMinute' (${perClient}) must not exceed '${field}.globalPerMinute' (${global})`);
  }
}
