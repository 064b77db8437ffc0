import { Problems } from '../lib/core/problems';
import { DEFAULT_POSTGRES_MAX_CONNECTIONS } from '../lib/postgres/postgres-props';
import { MEMORY_ALLOWED, parseMemory } from '../lib/core/quantity';
import { ContainerResources, checkContainerResources } from '../lib/core/container-resources';
import { HorizontalScaling, checkHorizontalScaling } from '../lib/app/horizontal-scaling';
import { VerticalScaling, checkVerticalScaling } from '../lib/app/vertical-scaling';
import { TierNginxProps, TierPostgresProps, TierRedisProps } from '../lib/chart/tier-chart';
import { VPC_CIDR_ALLOWED, isVpcCidr } from '../lib/cloud/vpc-cidr';
import { isCidr } from '../lib/core/checks';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../lib/core/names';
import type { RuleId } from '../lib/validate/rules';
import { checkSloTargets } from '../lib/monitoring/slo-rules';
import { checkHealthThresholds } from '../lib/monitoring/health-rules';
import type { TierChartMonitoringProps } from '../lib/monitoring/tier-chart-monitoring';

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

/** The application service of a tier (a {@link ScalableService}). */
export interface TierApp {
  /** The container image, pinned by tag or digest. */
  readonly image: string;
  /** Requests and limits of the application container. */
  readonly resources: ContainerResources;
  /**
   * A fixed replica count, only without autoscaling.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The HPA.
   *
   * @default - no HPA
   */
  readonly autoscaling?: HorizontalScaling;
  /**
   * The VPA.
   *
   * @default - no VPA
   */
  readonly verticalScaling?: VerticalScaling;
  /**
   * Rules of the validation gate the app's Deployment is deliberately exempt from, each with the reason.
   *
   * @default - none
   */
  readonly validationExemptions?: Readonly<Partial<Record<RuleId, string>>>;
}

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
  if (!isInt(tier.replicationFactor, 1, 7)) p.add('replicationFactor', tier.replicationFactor, 'an integer between 1 and 7');
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
  checkApp(p, tier.app);
  if (tier.nginx !== undefined) checkNginx(p, tier.nginx);
  checkRedis(p, tier.redis);
  checkPostgres(p, tier.postgres);
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

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
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

function checkApp(p: Problems, app: TierApp | undefined): void {
  if (app === undefined) {
    p.add('app', app, 'the application service');
    return;
  }
  if (!isPinnedImage(app.image)) p.add('app.image', app.image, IMAGE_ALLOWED);
  checkContainerResources(p, 'app.resources', app.resources);
  if (app.autoscaling !== undefined) {
    checkHorizontalScaling(p, 'app.autoscaling', app.autoscaling);
    if (app.replicas !== undefined) p.addMessage(`'app.replicas' (${app.replicas}) must not be set together with 'app.autoscaling': the HPA owns the replica count`);
  } else if (app.replicas !== undefined && !isInt(app.replicas, 1, 1000)) {
    p.add('app.replicas', app.replicas, 'an integer between 1 and 1000');
  }
  if (app.verticalScaling !== undefined) checkVerticalScaling(p, 'app.verticalScaling', app.verticalScaling);
}

function checkNginx(p: Problems, n: TierNginx): void {
  if (!isInt(n.replicas, 1, 100)) p.add('nginx.replicas', n.replicas, 'an integer between 1 and 100');
  if (n.maxReplicas !== undefined && !isInt(n.maxReplicas, Math.max(1, n.replicas), 100)) {
    p.add('nginx.maxReplicas', n.maxReplicas, `an integer between 'nginx.replicas' (${n.replicas}) and 100`);
  }
  if (!['round_robin', 'least_conn', 'ip_hash', 'hash'].includes(n.method)) {
    p.add('nginx.method', n.method, "one of 'round_robin', 'least_conn', 'ip_hash', 'hash'");
  }
  if (!isInt(n.maxFails, 0, 100)) p.add('nginx.maxFails', n.maxFails, 'an integer between 0 and 100');
  if (!isInt(n.failTimeoutSeconds, 1, 3600)) p.add('nginx.failTimeoutSeconds', n.failTimeoutSeconds, 'an integer between 1 and 3600');
  if (!isInt(n.keepalive, 1, 10000)) p.add('nginx.keepalive', n.keepalive, 'an integer between 1 and 10000');
  (n.trustedProxyCidrs ?? []).forEach((c, i) => {
    if (!isCidr(c)) p.add(`nginx.trustedProxyCidrs[${i}]`, c, 'an IPv4 or IPv6 CIDR such as "10.0.0.0/16"');
  });
  if (n.serviceType !== undefined && n.serviceType !== 'ClusterIP' && n.serviceType !== 'LoadBalancer') {
    p.add('nginx.serviceType', n.serviceType, "'ClusterIP' or 'LoadBalancer'");
  }
  const r = n.rateLimits;
  if (r !== undefined) {
    if (!isInt(r.globalPerMinute, 1, 1e9)) p.add('nginx.rateLimits.globalPerMinute', r.globalPerMinute, 'a positive integer');
    if (!isInt(r.perClientPerMinute, 1, 1e9)) p.add('nginx.rateLimits.perClientPerMinute', r.perClientPerMinute, 'a positive integer');
    if (!isInt(r.burst, 0, 1e6)) p.add('nginx.rateLimits.burst', r.burst, 'an integer >= 0');
  }
}

function checkRedis(p: Problems, r: TierRedis | undefined): void {
  if (r === undefined) {
    p.add('redis', r, 'the Redis settings');
    return;
  }
  if (!['standalone', 'replicated', 'cluster'].includes(r.mode)) p.add('redis.mode', r.mode, "one of 'standalone', 'replicated', 'cluster'");
  if (r.mode === 'cluster' && !isInt(r.masters, 3, 100)) {
    p.add('redis.masters', r.masters, 'an integer between 3 and 100 (a Redis Cluster needs at least 3 masters to elect a failover)');
  }
  if (r.mode !== 'cluster' && r.masters !== 1) p.add('redis.masters', r.masters, `1 in '${r.mode}' mode`);
  if (!isInt(r.replicasPerMaster, 0, 10)) p.add('redis.replicasPerMaster', r.replicasPerMaster, 'an integer between 0 and 10');
  if (r.mode === 'standalone' && r.replicasPerMaster !== 0) p.add('redis.replicasPerMaster', r.replicasPerMaster, "0 in 'standalone' mode");
  if (r.mode === 'replicated' && r.replicasPerMaster < 1) p.add('redis.replicasPerMaster', r.replicasPerMaster, "at least 1 in 'replicated' mode");
  if (parseMemory(r.maxMemory) === undefined) p.add('redis.maxMemory', r.maxMemory, MEMORY_ALLOWED);
  if (r.use !== 'cache' && r.use !== 'data') p.add('redis.use', r.use, "'cache' or 'data'");
}

function checkPostgres(p: Problems, pg: TierPostgres | undefined): void {
  if (pg === undefined) {
    p.add('postgres', pg, 'the PostgreSQL settings');
    return;
  }
  if (!isInt(pg.readReplicas, 0, 15)) p.add('postgres.readReplicas', pg.readReplicas, 'an integer between 0 and 15');
  const sync = pg.synchronousReplicas ?? 0;
  if (!isInt(sync, 0, isInt(pg.readReplicas, 0, 15) ? pg.readReplicas : 15)) {
    p.add('postgres.synchronousReplicas', sync, `an integer between 0 and 'postgres.readReplicas' (${pg.readReplicas})`);
  }
  checkContainerResources(p, 'postgres.primaryResources', pg.primaryResources);
  checkContainerResources(p, 'postgres.replicaResources', pg.replicaResources);
  if (parseMemory(pg.storage) === undefined) p.add('postgres.storage', pg.storage, MEMORY_ALLOWED);
  const maxConnections = pg.maxConnections ?? DEFAULT_POSTGRES_MAX_CONNECTIONS;
  if (!isInt(maxConnections, 1, 10000)) p.add('postgres.maxConnections', maxConnections, 'an integer between 1 and 10000');
  if (pg.pooler !== undefined) {
    if (!isInt(pg.pooler.poolSize, 1, maxConnections)) {
      p.add('postgres.pooler.poolSize', pg.pooler.poolSize, `an integer between 1 and 'postgres.maxConnections' (${maxConnections})`);
    }
    if (!isInt(pg.pooler.maxClientConnections, 1, 100000)) {
      p.add('postgres.pooler.maxClientConnections', pg.pooler.maxClientConnections, 'an integer between 1 and 100000');
    }
  }
}
