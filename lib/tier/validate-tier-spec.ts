import { checkScalableServiceProps } from '../app/scalable-service';
import { checkEdgeDistributionProps, checkEdgeWebAclOptions } from '../cloud/edge-distribution-check';
import { VPC_CIDR_ALLOWED, isVpcCidr } from '../cloud/vpc-cidr';
import { isIntegerIn } from '../core/checks';
import { isObjectName, objectNameAllowed } from '../core/names';
import { Problems } from '../core/problems';
import { checkHealthThresholds } from '../monitoring/health-rules';
import { checkSloTargets } from '../monitoring/slo-rules';
import { checkNginxLoadBalancerProps } from '../nginx/nginx-load-balancer';
import { checkRedisDeploymentProps } from '../redis/redis-deployment';
import { tierScalableServiceProps } from './tier-app';
import { checkTierCapacityModel } from './tier-capacity-model';
import { tierNginxLoadBalancerProps } from './tier-nginx';
import { checkTierPostgresProps } from './tier-postgres';
import type { Range, TierRegion, TierSpec } from './tier-spec';

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/;

/**
 * Throws one error listing every impossible figure of `tier`, each naming the field, the value and what is
 * allowed. Returns the tier unchanged when it is valid.
 *
 * Each component is checked by its construct's own check (`checkScalableServiceProps`, `checkNginxLoadBalancerProps`,
 * `checkRedisDeploymentProps`, `checkTierPostgresProps`) on the props `TierChart` builds from the tier, so a bound is
 * stated once; only the tier-wide rules (capacity, regions, SLA, CDN) are here.
 */
export function validateTierSpec(tier: TierSpec): TierSpec {
  const p = new Problems(`tier ${typeof tier?.name === 'string' ? tier.name : '?'}`);
  if (!isObjectName(tier.name, 20)) p.add('name', tier.name, objectNameAllowed(20));
  if (typeof tier.description !== 'string' || tier.description.trim() === '') p.add('description', tier.description, 'a non-empty string');
  for (const key of ['concurrentUsers', 'cores', 'memoryGiB'] as const) checkRange(p, `capacity.${key}`, tier.capacity?.[key]);
  // The load model's bounds, shared with the planner's inputs of the same name (lib/tier/tier-capacity-model.ts).
  if (tier.capacity?.model !== undefined) checkTierCapacityModel(p, 'capacity.model', tier.capacity.model);
  if (!isIntegerIn(tier.replicationFactor, 1, 7)) p.add('replicationFactor', tier.replicationFactor, 'an integer between 1 and 7');
  checkRegions(p, tier.regions);
  if (tier.sla !== undefined) {
    if (!(tier.sla.availabilityPercent > 0 && tier.sla.availabilityPercent < 100)) {
      p.add('sla.availabilityPercent', tier.sla.availabilityPercent, 'a percentage above 0 and below 100');
    }
    if (!(tier.sla.p95LatencyMs > 0)) p.add('sla.p95LatencyMs', tier.sla.p95LatencyMs, 'a positive number of milliseconds');
    const e = tier.sla.maxErrorRatePercent;
    if (e !== undefined && !(e >= 0 && e <= 100)) p.add('sla.maxErrorRatePercent', e, 'a percentage between 0 and 100');
    // What the burn-rate alerts additionally need (a reachable page rate, a bucket at the latency bound), once the
    // figures themselves are sane.
    const sane = tier.sla.availabilityPercent > 0 && tier.sla.availabilityPercent < 100 && tier.sla.p95LatencyMs > 0 && (e === undefined || (e >= 0 && e <= 100));
    if (sane && tier.monitoring?.enabled !== false) checkSloTargets(p, 'sla', tier.sla);
  }
  if (tier.monitoring !== undefined) checkHealthThresholds(p, 'monitoring.thresholds', tier.monitoring.thresholds);
  if (tier.app === undefined) p.add('app', tier.app, 'the application service');
  else checkScalableServiceProps(p, 'app', tierScalableServiceProps(tier.name, tier.app, tier.nginx !== undefined, tier.postgres?.engine === 'cloudnative-pg'));
  if (tier.nginx !== undefined) checkNginxLoadBalancerProps(p, 'nginx', tierNginxLoadBalancerProps(tier.nginx));
  // Every Redis rule (shape bounds, memory, use) is the construct's: stated once, in checkRedisDeploymentProps.
  if (tier.redis === undefined) p.add('redis', tier.redis, 'the Redis settings');
  else checkRedisDeploymentProps(p, 'redis', tier.redis);
  if (tier.postgres === undefined) p.add('postgres', tier.postgres, 'the PostgreSQL settings');
  else checkTierPostgresProps(p, 'postgres', tier.postgres, (tier.regions ?? []).map((r) => r.name));
  if (tier.cdn !== undefined) {
    if (typeof tier.cdn.enabled !== 'boolean') p.add('cdn.enabled', tier.cdn.enabled, 'true or false');
    checkEdgeDistributionProps(p, 'cdn', { staticPathPatterns: tier.cdn.staticPathPatterns });
    if (tier.cdn.waf !== undefined) checkEdgeWebAclOptions(p, 'cdn.waf', tier.cdn.waf);
  }
  p.throwIfAny();
  return tier;
}

function checkRange(p: Problems, field: string, r: Range | undefined): void {
  if (r === undefined || !(r.min > 0) || !(r.max >= r.min)) p.add(field, r, 'a range with 0 < min <= max');
}

function checkRegions(p: Problems, regions: TierRegion[] | undefined): void {
  if (!Array.isArray(regions) || regions.length === 0) {
    p.add('regions', regions, 'at least one region');
    return;
  }
  const names = new Set<string>();
  regions.forEach((r, i) => {
    if (!REGION.test(r.name ?? '')) p.add(`regions[${i}].name`, r.name, 'an AWS region name such as "us-east-1"');
    else if (names.has(r.name)) p.add(`regions[${i}].name`, r.name, 'a region not listed twice');
    names.add(r.name);
    if (!isVpcCidr(r.vpcCidr)) {
      p.add(`regions[${i}].vpcCidr`, r.vpcCidr, VPC_CIDR_ALLOWED);
    } else if (regions.slice(0, i).some((o) => o.vpcCidr === r.vpcCidr)) {
      p.add(`regions[${i}].vpcCidr`, r.vpcCidr, 'a CIDR not used by another region of the tier');
    }
    if (!['primary', 'secondary', 'standby', 'read-only'].includes(r.role)) {
      p.add(`regions[${i}].role`, r.role, "one of 'primary', 'secondary', 'standby', 'read-only'");
    }
  });
  const primaries = regions.filter((r) => r.role === 'primary').length;
  if (primaries !== 1) p.add('regions', regions.map((r) => `${r.name}:${r.role}`), "exactly one region with role 'primary'");
}
