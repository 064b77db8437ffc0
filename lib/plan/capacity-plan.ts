/**
 * The capacity planner: from a number of users to a tier and its numbers, by a chain of formulas from the seeds.
 *
 * users U
 *  -> concurrent users    C = U x concurrency (15 %) [001]
 *  -> request rate        λ = C x rate per user (20 req/s) [001], or by Little's law λ = C / (Z + R)
 *  -> pod capacity        μ = pod cores x requests per core-second (357 = 1000 / (4 x 0.7)) [001]
 *
 * Every load and sizing input defaults to the tier's own figure (its `capacity.model`, its app pod's requests, its
 * CPU target), so each tier is judged by the load it states, and a plan inside a tier's range needs no change to it
 * when the tier keeps its capacity promise (`checkCapacityPromise`).
 *  -> pods at the target  P = ceil(λ / (μ x 70 %)) [000], at least 2 on a production tier [001]
 *  -> margin              N = max(P + max(1, ceil(20 % x P)) [001], ceil(P / (zones - 1)) x zones)  (N+1 zones)
 *  -> cores and memory    ceil(N x pod size x 130 %) [001]
 *  -> connections         busy = λ x queries x query time (Little's law); pool = ceil(busy / 70 %)
 *  -> Redis memory        ceil(C x 8 MiB x 130 %) [003], split over the cluster's masters
 *  -> monthly cost        regions x (cores x $/core-h + GiB x $/GiB-h) x 720 h + storage x $/GiB-month [001]
 *
 * Pure functions of their arguments: the tiers are passed in (lib/ never reads tiers/), so the planner also works
 * for a platform team's own tier catalogue.
 */
import { PropsError, formatValue } from '../core/problems';
import { parseCpu, parseMemory } from '../core/quantity';
import type { ContainerResources } from '../core/container-resources';
import { SCALABLE_SERVICE_DEFAULT_REPLICAS } from '../app/scalable-service-props';
import { DEFAULT_POSTGRES_MAX_CONNECTIONS } from '../postgres/postgres-props';
import type { Range, TierApp, TierCapacity, TierPostgres, TierRedis, TierSpec } from '../tier/tier-spec';
import { PlanInputProblem, PlanInputs, ResolvedPlanInputs, TierPlanDefaults, planInputProblems, resolvePlanInputs } from './plan-inputs';

/**
 * What the planner reads of a tier: a view of the one tier model, `TierSpec` (a tier from `scaling-tiers/tiers` is
 * one, and so is a platform team's own).
 */
export type PlanTier = Pick<TierSpec, 'name' | 'capacity' | 'regions' | 'sla' | 'app' | 'redis' | 'postgres'>;

/** One computed figure, with the formula that gives it. */
export interface PlanFigure {
  /** A stable key (the JSON output's field). */
  readonly key: string;
  /** What the figure is. */
  readonly label: string;
  /** The value, in `unit`. */
  readonly value: number;
  /** The unit. */
  readonly unit: string;
  /** The formula, in symbols. */
  readonly formula: string;
  /** The formula with this plan's numbers. */
  readonly computation: string;
}

/**
 * The overrides for `deriveTier(base, override)`: only the numbers the base tier does not cover. A part of
 * `DeepPartial<TierSpec>`, each field typed by the tier model.
 */
export type PlanOverride = Pick<TierSpec, 'name' | 'description'> & {
  /** The capacity the tier documents, raised when the plan goes beyond it. */
  readonly capacity?: Partial<TierCapacity>;
  /** The app's pod size and its HPA's ceiling. */
  readonly app?: Partial<Pick<TierApp, 'resources' | 'replicas'>> & { readonly autoscaling?: Pick<NonNullable<TierApp['autoscaling']>, 'maxReplicas'> };
  /** Redis' dataset limit per server. */
  readonly redis?: Pick<TierRedis, 'maxMemory'>;
  /** Postgres connections and the pooler's size. */
  readonly postgres?: Pick<TierPostgres, 'maxConnections'> & { readonly pooler?: Partial<Pick<NonNullable<TierPostgres['pooler']>, 'poolSize' | 'maxClientConnections'>> };
};

/** The result of {@link planCapacity}. */
export interface CapacityPlan {
  /** The inputs, defaults applied. */
  readonly inputs: ResolvedPlanInputs;
  /** The recommended built-in tier's name. */
  readonly tier: string;
  /** Why that tier: the first (smallest) tier that fits, and why each smaller one does not. */
  readonly reason: string;
  /** What the override changes and why, one line each; empty when the tier covers every figure. */
  readonly changes: readonly string[];
  /** The overrides to derive the sized tier: `deriveTier(<tier>, override)`. */
  readonly override: PlanOverride;
  /** The figures, in the order of the chain. */
  readonly figures: readonly PlanFigure[];
}

/** Options of {@link planCapacity}. */
export interface PlanCapacityOptions {
  /**
   * The derived tier's name (a DNS label of at most 20 characters).
   *
   * @default - `<tier>-plan`
   */
  readonly name?: string;
}

/** PostgreSQL's default `superuser_reserved_connections`. */
const SUPERUSER_RESERVED = 3;
/** Pooler pods when the tier does not say (PostgresReplicated's default). */
const DEFAULT_POOLER_REPLICAS = 2;
/** The response time of Little's law without a p95 input: [001] baseline response_time_p95 200ms. */
const DEFAULT_RESPONSE_MS = 200;
/** One HPA's (and the tiers' replica check's) ceiling. */
const MAX_PODS = 1000;

const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
/** A number as the figures print it: at most 2 decimals, no trailing zeros. */
export function formatNumber(v: number): string {
  return String(round(v));
}
const f = formatNumber;

/** A single-replica tier (no HPA, one pod): the development tier. */
function isSingleReplica(t: PlanTier): boolean {
  return t.app.autoscaling === undefined && (t.app.replicas ?? SCALABLE_SERVICE_DEFAULT_REPLICAS) <= 1;
}

/**
 * What `t` gives the planner as defaults: its capacity model, its app pod's requests and its CPU target (the load a
 * tier is checked against is the tier's own, so a plan inside its range needs no change to it).
 */
export function tierPlanDefaults(t: PlanTier): TierPlanDefaults {
  const req = t.app.resources?.requests;
  const cpu = req?.cpu !== undefined ? parseCpu(req.cpu) : undefined;
  const memory = req?.memory !== undefined ? parseMemory(req.memory) : undefined;
  return {
    ...t.capacity.model,
    podCpuCores: cpu,
    podMemoryGiB: memory !== undefined ? memory / 2 ** 30 : undefined,
    targetUtilizationPercent: t.app.autoscaling?.cpuUtilization,
  };
}

/** The load on `t` for `inputs`, with `t`'s defaults: what picking a tier needs. */
function loadOn(inputs: PlanInputs, t: PlanTier): { i: ResolvedPlanInputs; C: number; rate: number; mu: number; atTarget: number } {
  const i = resolvePlanInputs(inputs, tierPlanDefaults(t));
  const C = (i.users * i.concurrencyPercent) / 100;
  const rate = i.thinkTimeSeconds !== undefined ? C / (i.thinkTimeSeconds + (i.p95LatencyMs ?? DEFAULT_RESPONSE_MS) / 1000) : C * (i.requestsPerUserPerSecond as number);
  const mu = i.podCpuCores * i.requestsPerCoreSecond;
  const atTarget = Math.max(1, Math.ceil(rate / ((mu * i.targetUtilizationPercent) / 100) - 1e-9));
  return { i, C, rate, mu, atTarget };
}

/** CPU cores as a Kubernetes quantity: whole cores as `2`, else millicores `500m`. */
export function cpuQuantity(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** GiB as a Kubernetes quantity: `2Gi` when whole, else `Mi`. */
export function memoryQuantity(gib: number): string {
  const mi = Math.ceil(gib * 1024);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/**
 * Plans capacity for `inputs` over `tiers` (smallest first, e.g. `TIERS` from `scaling-tiers/tiers`). Throws a
 * `PropsError` listing every invalid input, each with its field, value and what is allowed.
 *
 * @example
 * const plan = planCapacity({ users: 600 }, TIERS);
 * const sized = deriveTier(TIERS.find((t) => t.name === plan.tier)!, plan.override);
 */
export function planCapacity(inputs: PlanInputs, tiers: readonly PlanTier[], options: PlanCapacityOptions = {}): CapacityPlan {
  const problems = planInputProblems(inputs);
  if (tiers.length === 0) problems.push({ field: 'tiers', value: [], allowed: 'at least one tier' });
  if (problems.length > 0) throw planError(problems);
  const tier = pickTier(inputs, tiers);
  // The chain's first steps on the picked tier's load model (the figures record them with their formulas).
  const load = loadOn(inputs, tier.tier);
  const i = load.i;
  const figures: PlanFigure[] = [];
  const fig = (key: string, label: string, value: number, unit: string, formula: string, computation: string): number => {
    figures.push({ key, label, value, unit, formula, computation });
    return value;
  };

  // 1. concurrent users
  const C = fig('concurrentUsers', 'concurrent users', load.C, 'users', 'C = U x concurrency', `${i.users} x ${f(i.concurrencyPercent)} %`);
  // 2. request rate
  const rate =
    i.thinkTimeSeconds !== undefined
      ? fig('requestRate', 'request rate', load.rate, 'req/s', "λ = C / (Z + R)  (Little's law, closed system)", `${f(C)} / (${f(i.thinkTimeSeconds)} s + ${f((i.p95LatencyMs ?? DEFAULT_RESPONSE_MS) / 1000)} s)`)
      : fig('requestRate', 'request rate', load.rate, 'req/s', 'λ = C x rate per user', `${f(C)} x ${f(i.requestsPerUserPerSecond as number)} req/s`);
  // 3. pod capacity and pods at the target
  const mu = fig('podCapacity', 'requests one pod serves at 100 % CPU', load.mu, 'req/s', 'μ = pod cores x requests per core-second', `${f(i.podCpuCores)} x ${f(i.requestsPerCoreSecond)}`);
  const u = i.targetUtilizationPercent / 100;
  const atTarget = fig('podsAtTarget', `pods at ${f(i.targetUtilizationPercent)} % CPU`, load.atTarget, 'pods', 'P = ceil(λ / (μ x target))', `ceil(${f(rate)} / (${f(mu)} x ${f(u)}))`);

  const single = isSingleReplica(tier.tier);
  // 4. the production floor and the margin
  let pods: number;
  if (single) {
    pods = fig('pods', 'pods (single-replica tier: no floor, no margin)', 1, 'pods', 'N = 1', `${tier.tier.name} runs one pod by design`);
  } else {
    const floor = fig('podsFloor', 'pods at the production floor', Math.max(i.minPods, atTarget), 'pods', 'P2 = max(min pods, P)', `max(${i.minPods}, ${atTarget})`);
    const spare = floor + Math.max(1, Math.ceil((floor * i.sparePodsPercent) / 100 - 1e-9));
    const zoned = i.zones >= 2 ? Math.ceil(floor / (i.zones - 1) - 1e-9) * i.zones : spare;
    pods = fig(
      'pods',
      `pods with the margin (spare ${f(i.sparePodsPercent)} %, N+1 of ${i.zones} zones)`,
      Math.max(spare, zoned),
      'pods',
      'N = max(P2 + max(1, ceil(P2 x spare)), ceil(P2 / (zones - 1)) x zones)',
      `max(${floor} + ${spare - floor}, ${i.zones >= 2 ? `ceil(${floor} / ${i.zones - 1}) x ${i.zones}` : `${spare}`})`,
    );
  }
  if (pods > MAX_PODS) {
    throw planError([{ field: 'users', value: i.users, allowed: `a load one HPA can carry: it needs ${pods} pods, above ${MAX_PODS} (raise 'podCpuCores' or split the service)` }]);
  }
  // 5. cores and memory
  const buffer = 1 + i.cpuMemoryBufferPercent / 100;
  const cores = fig('cores', `app cores with a ${f(i.cpuMemoryBufferPercent)} % buffer`, Math.ceil(pods * i.podCpuCores * buffer - 1e-9), 'cores', 'ceil(N x pod cores x (1 + buffer))', `ceil(${pods} x ${f(i.podCpuCores)} x ${f(buffer)})`);
  const memory = fig('memoryGiB', `app memory with a ${f(i.cpuMemoryBufferPercent)} % buffer`, Math.ceil(pods * i.podMemoryGiB * buffer - 1e-9), 'GiB', 'ceil(N x pod GiB x (1 + buffer))', `ceil(${pods} x ${f(i.podMemoryGiB)} x ${f(buffer)})`);
  // 6. database connections
  const pg = tier.tier.postgres;
  const busy = fig('dbBusyConnections', 'database connections busy at once', (rate * i.queriesPerRequest * i.queryMs) / 1000, 'connections', "L = λ x queries per request x query time  (Little's law)", `${f(rate)} x ${f(i.queriesPerRequest)} x ${f(i.queryMs / 1000)} s`);
  const poolSize = fig('poolSize', `server connections in the pool (busy at ${f(i.targetUtilizationPercent)} %)`, Math.max(1, Math.ceil(busy / u - 1e-9)), 'connections', 'pool = max(1, ceil(L / target))', `ceil(${f(busy)} / ${f(u)})`);
  const clients = fig('clientConnections', 'client connections the app pods may open', pods * i.clientPoolPerPod, 'connections', 'N x client pool per pod', `${pods} x ${i.clientPoolPerPod}`);
  const poolerReplicas = pg.pooler?.replicas ?? DEFAULT_POOLER_REPLICAS;
  const reserved = pg.readReplicas + SUPERUSER_RESERVED;
  const maxConnections = pg.pooler
    ? fig('maxConnections', 'Postgres max_connections needed (each pooler pod may hold a full pool)', poolerReplicas * poolSize + reserved, 'connections', 'pooler pods x pool + read replicas + 3 superuser', `${poolerReplicas} x ${poolSize} + ${pg.readReplicas} + ${SUPERUSER_RESERVED}`)
    : fig('maxConnections', 'Postgres max_connections needed (no pooler: every client connection reaches the server)', clients + reserved, 'connections', 'client connections + read replicas + 3 superuser', `${clients} + ${pg.readReplicas} + ${SUPERUSER_RESERVED}`);
  // 7. Redis
  const cacheMiB = fig('redisMiB', `Redis cache with a ${f(i.cpuMemoryBufferPercent)} % buffer`, Math.ceil(C * i.cacheMiBPerUser * buffer - 1e-9), 'MiB', 'ceil(C x MiB per user x (1 + buffer))', `ceil(${f(C)} x ${f(i.cacheMiBPerUser)} x ${f(buffer)})`);
  const masters = tier.tier.redis.mode === 'cluster' ? tier.tier.redis.masters : 1;
  const perServerMiB = fig('redisMiBPerServer', 'Redis maxmemory per server (a cluster shards the cache over its masters)', Math.max(1, Math.ceil(cacheMiB / masters)), 'MiB', 'max(1, ceil(cache / masters))', `ceil(${cacheMiB} / ${masters})`);
  // 8. storage and cost
  const regions = tier.tier.regions.length;
  const pgStorageGiB = (parseMemory(pg.storage) ?? 0) / 2 ** 30;
  const storageBuffer = 1 + i.storageBufferPercent / 100;
  const storage = fig('storageGiB', `Postgres volumes in every region with a ${f(i.storageBufferPercent)} % buffer`, Math.ceil(regions * (1 + pg.readReplicas) * pgStorageGiB * storageBuffer - 1e-9), 'GiB', 'ceil(regions x servers x volume x (1 + buffer))', `ceil(${regions} x ${1 + pg.readReplicas} x ${f(pgStorageGiB)} x ${f(storageBuffer)})`);
  const p = i.prices;
  fig(
    'monthlyCostUsd',
    'monthly cost (app compute in every region at peak, and storage)',
    round(regions * (cores * p.coreHour + memory * p.gibHour) * p.hoursPerMonth + storage * p.storageGibMonth),
    'USD/month',
    'regions x (cores x $/core-h + GiB x $/GiB-h) x hours + storage x $/GiB-month',
    `${regions} x (${cores} x ${f(p.coreHour)} + ${memory} x ${f(p.gibHour)}) x ${f(p.hoursPerMonth)} + ${storage} x ${f(p.storageGibMonth)}`,
  );

  const { override, changes } = buildOverride(tier.tier, i, options.name, { C, pods, cores, memory, poolSize, clients, maxConnections, perServerMiB, single });
  return { inputs: i, tier: tier.tier.name, reason: tier.reason, changes, override, figures };
}

/** The error {@link planCapacity} throws: a `PropsError` that also carries its problems as data (for the CLI's flags). */
export class PlanInputError extends PropsError {
  /** Every invalid input: one line of the message each. */
  public readonly problems: readonly PlanInputProblem[];

  constructor(problems: readonly PlanInputProblem[]) {
    super(problems.map((x) => `[plan] '${x.field}' must be ${x.allowed}, got: ${formatValue(x.value)}`).join('\n'));
    this.problems = problems;
  }
}

function planError(problems: readonly PlanInputProblem[]): PlanInputError {
  return new PlanInputError(problems);
}

function pickTier(inputs: PlanInputs, tiers: readonly PlanTier[]): { tier: PlanTier; reason: string } {
  const why: string[] = [];
  const p95 = inputs.p95LatencyMs;
  const latencyOk = (t: PlanTier) => p95 === undefined || (t.sla !== undefined && t.sla.p95LatencyMs <= p95);
  for (const t of tiers) {
    // Each tier is judged by its own load model: its concurrency, its pod and its throughput.
    const { i, C, atTarget } = loadOn(inputs, t);
    const range = t.capacity.concurrentUsers;
    if (C > range.max) {
      why.push(`${t.name} covers at most ${range.max}`);
      continue;
    }
    if (!latencyOk(t)) {
      why.push(t.sla ? `${t.name} promises p95 < ${t.sla.p95LatencyMs} ms, not ${f(p95 as number)} ms` : `${t.name} promises no latency`);
      continue;
    }
    if (isSingleReplica(t) && atTarget > 1) {
      why.push(`${t.name} runs one pod and the load needs ${atTarget}`);
      continue;
    }
    const sla = p95 !== undefined && t.sla ? `; its SLA p95 < ${t.sla.p95LatencyMs} ms meets the required ${f(p95)} ms` : '';
    const within = C >= range.min ? `fit ${t.name} (${range.min}-${range.max} concurrent users)` : `are below ${t.name}'s range (${range.min}-${range.max} concurrent users), the smallest tier that qualifies`;
    return { tier: t, reason: `${f(C)} concurrent users (${f(i.concurrencyPercent)} % of ${i.users}) ${within}${sla}${why.length ? `; ${why.join('; ')}` : ''}` };
  }
  const fitting = tiers.filter(latencyOk);
  if (fitting.length === 0) {
    const best = Math.min(...tiers.map((t) => t.sla?.p95LatencyMs ?? Infinity));
    throw planError([{ field: 'p95LatencyMs', value: p95, allowed: Number.isFinite(best) ? `at least the lowest p95 a tier promises (${best} ms)` : 'left out: no tier promises a latency' }]);
  }
  const t = fitting[fitting.length - 1];
  const { i, C } = loadOn(inputs, t);
  return { tier: t, reason: `${f(C)} concurrent users (${f(i.concurrencyPercent)} % of ${i.users}) are beyond every tier; ${t.name}, the largest${p95 !== undefined ? ' that meets the latency' : ''}, is sized up by the override (${why.join('; ')})` };
}

interface Needs {
  readonly C: number;
  readonly pods: number;
  readonly cores: number;
  readonly memory: number;
  readonly poolSize: number;
  readonly clients: number;
  readonly maxConnections: number;
  readonly perServerMiB: number;
  readonly single: boolean;
}

function buildOverride(t: PlanTier, i: ResolvedPlanInputs, name: string | undefined, n: Needs): { override: PlanOverride; changes: string[] } {
  const changes: string[] = [];
  const app: { resources?: ContainerResources; replicas?: number; autoscaling?: { maxReplicas: number } } = {};
  const req = t.app.resources?.requests;
  const tierCpu = req?.cpu !== undefined ? parseCpu(req.cpu) : undefined;
  const tierMem = req?.memory !== undefined ? parseMemory(req.memory) : undefined;
  const wantCpu = cpuQuantity(i.podCpuCores);
  const wantMem = memoryQuantity(i.podMemoryGiB);
  if (tierCpu !== parseCpu(wantCpu) || tierMem !== parseMemory(wantMem)) {
    // [004] limits are twice the requests (1 cpu / 2Gi for 500m / 1Gi); a tier's higher limit stays.
    const lim = t.app.resources?.limits;
    const limCpu = Math.max(parseCpu(lim?.cpu ?? 0) ?? 0, 2 * (parseCpu(wantCpu) ?? 0));
    const limMem = Math.max((parseMemory(lim?.memory ?? 0) ?? 0) / 2 ** 30, 2 * i.podMemoryGiB);
    app.resources = { requests: { cpu: wantCpu, memory: wantMem }, limits: { cpu: cpuQuantity(limCpu), memory: memoryQuantity(limMem) } };
    changes.push(`app pod: requests ${wantCpu} CPU / ${wantMem} (the planned pod; ${t.name} requests ${req?.cpu ?? '-'} / ${req?.memory ?? '-'})`);
  }
  const hpa = t.app.autoscaling;
  if (hpa && n.pods > hpa.maxReplicas) {
    app.autoscaling = { maxReplicas: n.pods };
    changes.push(`app HPA maxReplicas ${hpa.maxReplicas} -> ${n.pods}: the peak needs ${n.pods} pods with the margin`);
  } else if (!hpa && !n.single && n.pods > (t.app.replicas ?? SCALABLE_SERVICE_DEFAULT_REPLICAS)) {
    app.replicas = n.pods;
    changes.push(`app replicas ${t.app.replicas ?? SCALABLE_SERVICE_DEFAULT_REPLICAS} -> ${n.pods}`);
  }
  const pg = t.postgres;
  const postgres: { maxConnections?: number; pooler?: { poolSize?: number; maxClientConnections?: number } } = {};
  const tierMax = pg.maxConnections ?? DEFAULT_POSTGRES_MAX_CONNECTIONS;
  if (pg.pooler) {
    const pooler: { poolSize?: number; maxClientConnections?: number } = {};
    if (n.poolSize > pg.pooler.poolSize) {
      pooler.poolSize = n.poolSize;
      changes.push(`pooler poolSize ${pg.pooler.poolSize} -> ${n.poolSize}: Little's law on the database connections`);
    }
    if (n.clients > pg.pooler.maxClientConnections) {
      pooler.maxClientConnections = n.clients;
      changes.push(`pooler maxClientConnections ${pg.pooler.maxClientConnections} -> ${n.clients}: every app pod's client pool, on one pooler pod when the other is down`);
    }
    if (Object.keys(pooler).length > 0) postgres.pooler = pooler;
  }
  if (n.maxConnections > tierMax) {
    postgres.maxConnections = n.maxConnections;
    changes.push(`Postgres maxConnections ${tierMax} -> ${n.maxConnections}`);
  }
  const tierRedisMiB = (parseMemory(t.redis.maxMemory) ?? 0) / 2 ** 20;
  const redis = n.perServerMiB > tierRedisMiB ? { maxMemory: `${n.perServerMiB}Mi` } : undefined;
  if (redis) changes.push(`Redis maxMemory ${t.redis.maxMemory} -> ${redis.maxMemory} per server`);
  const capacity: { concurrentUsers?: Range; cores?: Range; memoryGiB?: Range } = {};
  const cap = t.capacity;
  if (n.C > cap.concurrentUsers.max) capacity.concurrentUsers = { min: cap.concurrentUsers.min, max: Math.ceil(n.C) };
  if (n.cores > cap.cores.max) capacity.cores = { min: cap.cores.min, max: n.cores };
  if (n.memory > cap.memoryGiB.max) capacity.memoryGiB = { min: cap.memoryGiB.min, max: n.memory };
  if (Object.keys(capacity).length > 0) changes.push(`capacity (documentation) raised to ${JSON.stringify(capacity)}`);
  const override: PlanOverride = {
    name: name ?? `${t.name}-plan`,
    description: `${t.name} sized by the capacity planner for ${i.users} users (${formatNumber(n.C)} concurrent).`,
    ...(Object.keys(capacity).length > 0 ? { capacity } : {}),
    ...(Object.keys(app).length > 0 ? { app } : {}),
    ...(redis ? { redis } : {}),
    ...(Object.keys(postgres).length > 0 ? { postgres } : {}),
  };
  return { override, changes };
}

/** The figure with `key` (throws when the plan has none). */
export function planFigure(plan: CapacityPlan, key: string): PlanFigure {
  const found = plan.figures.find((x) => x.key === key);
  if (!found) throw new Error(`the plan has no figure '${key}'`);
  return found;
}
