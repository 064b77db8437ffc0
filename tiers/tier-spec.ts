import { Problems, isIntegerIn, isObjectName, objectNameAllowed } from '../lib/core';
import { checkScalableServiceProps } from '../lib/app';
import { checkNginxLoadBalancerProps } from '../lib/nginx';
import { TierAppProps, TierNginxProps, TierPostgresProps, TierRedisProps, checkTierPostgresProps, tierNginxLoadBalancerProps, tierScalableServiceProps } from '../lib/chart';
import { checkEdgeDistributionProps } from '../lib/cloud/edge-distribution-check';
import { VPC_CIDR_ALLOWED, isVpcCidr } from '../lib/cloud/vpc-cidr';
import { checkRedisDeploymentProps } from '../lib/redis';
import { TierChartMonitoringProps, checkHealthThresholds, checkSloTargets } from '../lib/monitoring';

/** An inclusive range of figures. */
export interface Range {
  /** The low end. */
  readonly min: number;
  /** The high end, at least `min`. */
  readonly max: number;
}

/** What a tier is sized for (seed 002's stages). Informational: it documents the tier, it does not size objects. */
export interface TierCapacity {
  /** Concurrent users the tier is sized for. */
  readonly concurrentUsers: Range;
  /** CPU cores of the whole deployment. */
  readonly cores: Range;
  /** Memory of the whole deployment, in GiB. */
  readonly memoryGiB: Range;
}

/** One AWS region the tier runs in, and its part in routing. */
export interface TierRegion {
  /** The AWS region name, e.g. `us-east-1`. */
  readonly name: string;
  /**
   * `primary` takes writes and traffic; `secondary` takes traffic and is promoted on failure; `standby` takes
   * traffic only when the primary fails (Route 53 failover); `read-only` serves reads under its own record name.
   */
  readonly role: 'primary' | 'secondary' | 'standby' | 'read-only';
  /**
   * The CIDR of the region's VPC. Both sides read it: the cloud app builds the VPC with it, and nginx trusts
   * X-Forwarded-For only from it (the ALB's addresses).
   */
  readonly vpcCidr: string;
}

/** Service-level targets the tier is built to meet. */
export interface TierSla {
  /** Availability over 30 days, in percent. */
  readonly availabilityPercent: number;
  /** 95th percentile latency target, in milliseconds. */
  readonly p95LatencyMs: number;
  /**
   * The highest acceptable error rate, in percent.
   *
   * @default - no error-rate target
   */
  readonly maxErrorRatePercent?: number;
  /**
   * The bound, in seconds, of the app's latency histogram bucket the latency SLO counts against: the app must have
   * a bucket at exactly this `le` (see README, "Monitoring"). At most `p95LatencyMs` / 1000.
   *
   * @default - `p95LatencyMs` / 1000
   */
  readonly latencyBucketSeconds?: number;
}

/** How the tier is watched (the props `TierChart` takes): Prometheus selection, exporters, alert thresholds. */
export type TierMonitoringSpec = TierChartMonitoringProps;

/** The CDN in front of a tier's regional load balancers (an `EdgeDistribution`). */
export interface TierCdn {
  /**
   * Serve the tier through CloudFront: the main name and `www.` point at the distribution, the regions' records
   * move to `origin.<name>`, and the load balancers admit only CloudFront.
   */
  readonly enabled: boolean;
  /** Path patterns of static content, cached at the edge; everything else is the API and is not cached. */
  readonly staticPathPatterns: string[];
}

/**
 * The application service of a tier: the sizing props of a {@link ScalableService} (`replicas` defaults to 2, the
 * construct's default; a tier of one pod says `replicas: 1` and why in `validationExemptions['min-replicas']`).
 */
export type TierApp = TierAppProps;

/** The nginx load balancer in front of the app (the props `TierChart` takes). */
export type TierNginx = TierNginxProps;

/** Redis for the tier (the props `TierChart` takes). */
export type TierRedis = TierRedisProps;

/** PostgreSQL for the tier (the props `TierChart` takes). */
export type TierPostgres = TierPostgresProps;

/**
 * One deployment tier: plain data that the apps turn into construct props. Every figure is the default of the
 * tier; derive a custom tier with {@link deriveTier}.
 */
export interface TierSpec {
  /** The tier's name: a DNS label, used for the namespace and the output folder. */
  readonly name: string;
  /** One line on what the tier is for. */
  readonly description: string;
  /** What the tier is sized for. */
  readonly capacity: TierCapacity;
  /** How many copies of each piece of state the tier keeps (seed 002). */
  readonly replicationFactor: number;
  /** The regions, the first with role `primary`. */
  readonly regions: TierRegion[];
  /**
   * Service-level targets.
   *
   * @default - none stated
   */
  readonly sla?: TierSla;
  /** The application service. */
  readonly app: TierApp;
  /**
   * The nginx load balancer.
   *
   * @default - none: clients reach the app's Service directly
   */
  readonly nginx?: TierNginx;
  /** Redis. */
  readonly redis: TierRedis;
  /** PostgreSQL. */
  readonly postgres: TierPostgres;
  /**
   * The CDN in front of the tier's cloud load balancers. It applies only to a tier with cloud resources (more than
   * one region, see `hasCloudIngress`); a single-region tier keeps the field for when it grows.
   *
   * @default - none: clients reach the regional load balancers directly
   */
  readonly cdn?: TierCdn;
  /**
   * Monitoring: PodMonitors, the PrometheusRule (SLO burn-rate alerts from `sla`, health alerts) and a dashboard.
   *
   * @default - on, with the documented defaults
   */
  readonly monitoring?: TierMonitoringSpec;
}

/** Every field optional, recursively; arrays are replaced whole. */
export type DeepPartial<T> = T extends Array<infer _U> ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/;

/**
 * Throws one error listing every impossible figure of `tier`, each naming the field, the value and what is
 * allowed. Returns the tier unchanged when it is valid.
 */
export function validateTierSpec(tier: TierSpec): TierSpec {
  const p = new Problems(`tier ${typeof tier?.name === 'string' ? tier.name : '?'}`);
  if (!isObjectName(tier.name, 20)) p.add('name', tier.name, objectNameAllowed(20));
  if (typeof tier.description !== 'string' || tier.description.trim() === '') p.add('description', tier.description, 'a non-empty string');
  for (const key of ['concurrentUsers', 'cores', 'memoryGiB'] as const) checkRange(p, `capacity.${key}`, tier.capacity?.[key]);
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
  checkApp(p, tier.app, tier.nginx !== undefined);
  if (tier.nginx !== undefined) checkNginx(p, tier.nginx);
  checkRedis(p, tier.redis);
  checkPostgres(p, tier.postgres);
  if (tier.cdn !== undefined) {
    if (typeof tier.cdn.enabled !== 'boolean') p.add('cdn.enabled', tier.cdn.enabled, 'true or false');
    checkEdgeDistributionProps(p, 'cdn', { staticPathPatterns: tier.cdn.staticPathPatterns });
  }
  p.throwIfAny();
  return tier;
}

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

function checkApp(p: Problems, app: TierApp | undefined, nginx: boolean): void {
  if (app === undefined) {
    p.add('app', app, 'the application service');
    return;
  }
  // The props TierChart builds (with its callers), so every rule of the construct holds for the tier's data.
  checkScalableServiceProps(p, 'app', tierScalableServiceProps('tier', app, nginx));
}

function checkNginx(p: Problems, n: TierNginx): void {
  checkNginxLoadBalancerProps(p, 'nginx', tierNginxLoadBalancerProps(n));
}

function checkRedis(p: Problems, r: TierRedis | undefined): void {
  if (r === undefined) {
    p.add('redis', r, 'the Redis settings');
    return;
  }
  // Every Redis rule (shape bounds, memory, use) is the construct's: stated once, in checkRedisDeploymentProps.
  checkRedisDeploymentProps(p, 'redis', r);
}

function checkPostgres(p: Problems, pg: TierPostgres | undefined): void {
  if (pg === undefined) p.add('postgres', pg, 'the PostgreSQL settings');
  else checkTierPostgresProps(p, 'postgres', pg);
}
