/**
 * The annotations through which an object tells the validation gate about deliberate choices. Constructs set them;
 * users can set them on objects they compose themselves.
 */

/** The annotation on a workload naming objects it uses that are applied outside this output: `secret/name, …`. */
export const USER_PROVIDED_ANNOTATION = 'validate.scaling-tiers.io/user-provided';

/** The prefix of the annotation that exempts one object from one rule: `validate.scaling-tiers.io/skip-<rule>: <reason>`. */
export const SKIP_ANNOTATION_PREFIX = 'validate.scaling-tiers.io/skip-';

/** Names that suggest a credential, for env vars and ConfigMap keys (constructs refuse them as literals too). */
export const CREDENTIAL_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API[_-]?KEY|PRIVATE[_-]?KEY|ACCESS[_-]?KEY|CREDENTIAL)/i;

/** An object used by a workload but applied outside this output. */
export interface UserProvidedRef {
  readonly kind: 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount' | 'StorageClass';
  readonly name: string;
}

/**
 * The gate's annotations for one workload: the objects it uses that the user provides, and the rules it is exempt
 * from with the reason for each. Empty when there is nothing to say.
 */
export function validationAnnotations(userProvided: readonly UserProvidedRef[], exemptions: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const refs = [...new Set(userProvided.map((r) => `${r.kind.toLowerCase()}/${r.name}`))].sort();
  if (refs.length > 0) out[USER_PROVIDED_ANNOTATION] = refs.join(', ');
  for (const [rule, reason] of Object.entries(exemptions)) out[`${SKIP_ANNOTATION_PREFIX}${rule}`] = reason;
  return out;
}
