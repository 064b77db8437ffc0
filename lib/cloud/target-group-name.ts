import { Problems } from '../core/problems';
import { checkTierAndRegion, shortRegion } from './_region';

/** The longest name an Elastic Load Balancing target group may have. */
export const TARGET_GROUP_NAME_MAX_LENGTH = 32;


/**
 * The deterministic name of a tier's target group in one region: `st-<tier>-<short region>`, e.g.
 * `st-enterprise-use1`. {@link RegionalIngress} names its target group with it and the Kubernetes side's
 * `TargetGroupBinding` refers to the same name, so both can be computed offline from the same tier spec.
 *
 * A target group name must be unique per account and region only, so the region part is for readability.
 *
 * @param tier the tier's name: a DNS label of at most 20 characters
 * @param region the AWS region name, e.g. `us-east-1`
 * @throws PropsError when the tier or region name is invalid or the result would exceed 32 characters
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
 */
export function targetGroupNameFor(tier: string, region: string): string {
  const problems = new Problems('targetGroupNameFor');
  const name = checkTargetGroupName(problems, tier, region);
  problems.throwIfAny();
  return name as string;
}

/**
 * Adds to `problems` what is wrong with `tier` and `region` as parts of a target group name; returns the name
 * when nothing is.
 */
export function checkTargetGroupName(problems: Problems, tier: string, region: string): string | undefined {
  const ok = checkTierAndRegion(problems, tier, region);
  if (!ok) return undefined;
  const name = `st-${tier}-${shortRegion(region)}`;
  if (name.length > TARGET_GROUP_NAME_MAX_LENGTH) {
    problems.add('tier', tier, `short enough for a target group name of at most ${TARGET_GROUP_NAME_MAX_LENGTH} characters (got "${name}")`);
    return undefined;
  }
  return name;
}
