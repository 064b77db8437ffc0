/**
 * Small checks shared by the Redis prop checks (internal: not exported from the index).
 */
import { fieldAt } from '../core/checks';
import { Problems } from '../core/problems';
import { checkNoLiteralSecrets } from '../core/secret-ref';

/** A DNS name or an IP address (v4 or v6) that is safe to write into redis.conf or a script. */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;

/** True when `value` is a host name or IP address (see {@link HOST}). */
export function isRedisHost(value: unknown): value is string {
  return typeof value === 'string' && HOST.test(value);
}

/** Fields that would carry a literal password; rejected wherever they appear (e.g. passed through a cast). */
const LITERAL_PASSWORD_FIELDS = ['password', 'requirepass', 'masterauth'] as const;

/**
 * Records a problem for each literal-password field (`password`, `requirepass`, `masterauth`) set on `props`, e.g.
 * through a cast, without showing its value: the password is only ever given as the Secret reference `auth`.
 */
export function checkLiteralPasswords(problems: Problems, path: string, props: object): void {
  const raw = props as Record<string, unknown>;
  const named = Object.fromEntries(LITERAL_PASSWORD_FIELDS.map((f) => [fieldAt(path, f), raw[f]]));
  checkNoLiteralSecrets(problems, named, Object.keys(named), fieldAt(path, 'auth'));
}
