import { isDnsSubdomain, redacted } from './checks';
import { Problems } from './problems';

/**
 * A reference to one key of a Secret the platform team manages. Passwords and keys are only ever given this way:
 * a literal value would end up in a ConfigMap, in Git and in every rendered manifest.
 */
export interface SecretKeyRef {
  /** The Secret's name, in the workload's namespace. */
  readonly secretName: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/**
 * A Secret mounted read-only into a container as files, one per key (certificates, keys, passwords): the way
 * credentials reach a container, never through env.
 */
export interface SecretFilesMount {
  /** The Secret's name, in the workload's namespace. */
  readonly secretName: string;
  /** The absolute folder its files appear in. */
  readonly mountPath: string;
  /**
   * Only these keys, each as the file named by its value (e.g. `{ password: 'password' }`).
   *
   * @default - every key of the Secret, each as a file of its own name
   */
  readonly items?: Readonly<Record<string, string>>;
}

/** What a Secret reference must look like, for error messages. */
export const SECRET_REF_ALLOWED = 'a Secret reference { secretName, key } (secrets are never given literally)';

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Records a problem when `value` is not a {@link SecretKeyRef}. A string (a literal password passed through a
 * cast) or an object with other keys is rejected, and its value is never echoed in the message.
 */
export function checkSecretKeyRef(problems: Problems, field: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required) problems.add(field, value, SECRET_REF_ALLOWED);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.addMessage(`'${field}' must be ${SECRET_REF_ALLOWED}, got: ${redacted(value)}`);
    return;
  }
  const ref = value as Record<string, unknown>;
  const extra = Object.keys(ref).filter((k) => k !== 'secretName' && k !== 'key');
  if (extra.length > 0) {
    problems.addMessage(`'${field}' must be ${SECRET_REF_ALLOWED}, got: an object with the unexpected `
      + `key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} (values not shown)`);
    return;
  }
  if (!isDnsSubdomain(ref.secretName)) problems.add(`${field}.secretName`, ref.secretName, 'a Kubernetes Secret name (a DNS subdomain)');
  if (typeof ref.key !== 'string' || ref.key.length > 253 || !SECRET_KEY.test(ref.key)) {
    problems.add(`${field}.key`, ref.key, 'a Secret key (letters, digits, "-", "_" and ".")');
  }
}

/**
 * Records a problem for each of `fields` that is set on `props`: the literal-password fields a caller might pass
 * through a cast. The value is never shown.
 */
export function checkNoLiteralSecrets(problems: Problems, props: object, fields: readonly string[], refField: string): void {
  const raw = props as Record<string, unknown>;
  for (const field of fields) {
    if (raw[field] !== undefined) {
      problems.addMessage(`'${field}' must not be set: pass the secret as a Secret reference in '${refField}' `
        + `({ secretName, key }), never literally, got: ${redacted(raw[field])}`);
    }
  }
}
