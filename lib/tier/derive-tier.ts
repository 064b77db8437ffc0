import type { TierSpec } from './tier-spec';
import { validateTierSpec } from './validate-tier-spec';

/** Every field optional, recursively; arrays are replaced whole. */
export type DeepPartial<T> = T extends Array<infer _U> ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * A custom tier: `base` with `overrides` merged in depth (objects merged key by key, arrays and scalars replaced),
 * validated like the built-in tiers.
 *
 * @example
 * const staging = deriveTier(team, { name: 'staging', app: { autoscaling: { maxReplicas: 4 } } });
 */
export function deriveTier(base: TierSpec, overrides: DeepPartial<TierSpec>): TierSpec {
  return validateTierSpec(deepMerge(base, overrides) as TierSpec);
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
