/**
 * AWS region names: validation, a short form for resource names, and default availability zones that need no
 * lookup.
 */

import { isObjectName } from '../core/names';
import { Problems } from '../core/problems';

/** An AWS region name such as `us-east-1` or `us-gov-west-1` (the same shape `tiers/` accepts). */
export const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/;

/** The allowed-values text for {@link REGION_NAME}. */
export const REGION_ALLOWED = 'an AWS region name such as "us-east-1"';

/**
 * Records a problem for a tier name that is not a DNS label of at most 20 characters (the tier names every AWS
 * resource name built from it) and for a region that is not a region name; true when both are good.
 */
export function checkTierAndRegion(problems: Problems, tier: unknown, region: unknown): boolean {
  let ok = true;
  if (!isObjectName(tier) || tier.length > 20) {
    problems.add('tier', tier, "a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 20 characters");
    ok = false;
  }
  if (!isRegionName(region)) {
    problems.add('region', region, REGION_ALLOWED);
    ok = false;
  }
  return ok;
}

/** True when `name` has the shape of an AWS region name. */
export function isRegionName(name: unknown): name is string {
  return typeof name === 'string' && REGION_NAME.test(name);
}

const DIRECTIONS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/**
 * The short form of a region name used in resource names: `us-east-1` -> `use1`, `ap-southeast-1` -> `apse1`,
 * `us-gov-west-1` -> `usgw1`. Unknown words contribute their first letter.
 */
export function shortRegion(region: string): string {
  const [country, ...rest] = region.split('-');
  return country + rest.map((w) => (/^[0-9]+$/.test(w) ? w : (DIRECTIONS[w] ?? w[0]))).join('');
}

/**
 * Regions whose `a` and `b` zones are not both open to new accounts. The suffixes are the ones open in every
 * account as far as AWS documents them; the mapping of zone names to physical zones still differs per account.
 */
const ZONE_SUFFIXES: Record<string, string[]> = {
  'ap-northeast-1': ['a', 'c'],
  'us-west-1': ['b', 'c'],
};

/**
 * Two availability zone names of `region`, derived from its name so that a stack with an explicit environment
 * needs no context lookup (and so no credentials) at synth time.
 */
export function defaultAvailabilityZones(region: string): string[] {
  return (ZONE_SUFFIXES[region] ?? ['a', 'b']).map((s) => `${region}${s}`);
}
