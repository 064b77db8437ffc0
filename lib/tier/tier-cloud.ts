import type { TierSpec } from './tier-spec';

/**
 * Whether a tier has cloud resources (an ALB per region and Route 53): the tiers that run in more than one region
 * (department and enterprise; lib/cloud/README.md). The cloud app builds them; the Kubernetes side binds to them.
 */
export function hasCloudIngress(tier: Pick<TierSpec, 'regions'>): boolean {
  return tier.regions.length > 1;
}
