/**
 * The planner's inputs: every one has a unit (in its name or its doc) and a default taken from the seeds, with the
 * seed it comes from in brackets ([000] ... [004], see tiers/README.md). The defaults of the load and sizing inputs
 * are each tier's own first (`capacity.model`, the app pod's requests, its CPU target: {@link TierPlanDefaults}); the
 * figures below apply to a tier that states none.
 */
import { Bound, MODEL_BOUNDS, inBound } from '../tier/tier-capacity-model';
import type { TierCapacityModel } from '../tier/tier-spec';

/** Prices of the monthly cost estimate. */
export interface PlanPrices {
  /**
   * US dollars per core-hour.
   *
   * @default 0.05 - [001] cost_per_cpu_core_hour
   */
  readonly coreHour?: number;
  /**
   * US dollars per GiB-hour of memory.
   *
   * @default 0.01 - [001] cost_per_gb_memory_hour
   */
  readonly gibHour?: number;
  /**
   * US dollars per GiB-month of storage.
   *
   * @default 0.10 - [001] cost_per_gb_storage_month
   */
  readonly storageGibMonth?: number;
  /**
   * Hours in a month.
   *
   * @default 720 - [001] prices a month as 24 x 30 hours
   */
  readonly hoursPerMonth?: number;
}

/** What {@link planCapacity} sizes for. Only `users` is required. */
export interface PlanInputs {
  /** Users of the service (daily active users), a whole number from 1 to 10,000,000. */
  readonly users: number;
  /**
   * Percent of the users active at the same moment.
   *
   * @default 15 - [001] "15% concurrency"
   */
  readonly concurrencyPercent?: number;
  /**
   * Requests per second of one concurrent user. Set this or `thinkTimeSeconds`, not both.
   *
   * @default 20 - [001] baseline: 1000 requests/s for 50 concurrent users (used when `thinkTimeSeconds` is not set)
   */
  readonly requestsPerUserPerSecond?: number;
  /**
   * Seconds a user waits between a response and the next request. When set, the request rate follows Little's law
   * for a closed system: rate = concurrent users / (think time + response time), the response time being
   * `p95LatencyMs` or 200 ms. A p95 is longer than the mean response time, so the rate comes out slightly low when
   * the think time is short; set the think time you measure.
   *
   * @default - not set: the rate is `requestsPerUserPerSecond` per concurrent user
   */
  readonly thinkTimeSeconds?: number;
  /**
   * The p95 response time the service must meet, in milliseconds. A tier qualifies only if its SLA promises a p95 at
   * or below it; with `thinkTimeSeconds` it is also the response time in Little's law.
   *
   * @default - no latency requirement; Little's law uses 200 ms ([001] baseline response_time_p95 200ms)
   */
  readonly p95LatencyMs?: number;
  /**
   * CPU request of one app pod, in cores.
   *
   * @default 0.5 - [004] the app's requests: cpu 500m (the department and enterprise tiers' pod)
   */
  readonly podCpuCores?: number;
  /**
   * Memory request of one app pod, in GiB.
   *
   * @default 1 - [004] the app's requests: memory 1Gi
   */
  readonly podMemoryGiB?: number;
  /**
   * Requests per second one core serves at 100 % of its CPU.
   *
   * @default 357.142857... - [001] baseline instance: 4 cores serve 1000 requests/s at their 70 % CPU peak,
   * 1000 / (4 x 0.70); with it, 50 concurrent users at 20 requests/s fill one 4-core instance to 70 %, the
   * seed's "50 users per instance"
   */
  readonly requestsPerCoreSecond?: number;
  /**
   * The CPU utilisation pods are sized to, in percent: the HPA target.
   *
   * @default 70 - [000] HPA cpu averageUtilization 70
   */
  readonly targetUtilizationPercent?: number;
  /**
   * Pods at the least for a production tier (team and larger).
   *
   * @default 2 - [001] "min_instances: 2"
   */
  readonly minPods?: number;
  /**
   * Spare pods on top of the load's pods, in percent (at least one pod).
   *
   * @default 20 - [001] Buffer_Instances = max(1, Required_Instances x 0.2)
   */
  readonly sparePodsPercent?: number;
  /**
   * Availability zones the pods spread over (the tiers' topology spread). With 2 or more, the pods of the
   * remaining zones must carry the load when one zone is lost (N+1 zones).
   *
   * @default 3 - a region's usual three zones
   */
  readonly zones?: number;
  /**
   * Buffer on CPU and memory, in percent.
   *
   * @default 30 - [001] "30% buffer"
   */
  readonly cpuMemoryBufferPercent?: number;
  /**
   * Buffer on storage, in percent.
   *
   * @default 20 - [001] "20% buffer"
   */
  readonly storageBufferPercent?: number;
  /**
   * Database queries per request.
   *
   * @default 1 - an assumption (the seeds give no figure): one query per request
   */
  readonly queriesPerRequest?: number;
  /**
   * Milliseconds a query holds its database connection.
   *
   * @default 10 - [000] latency p50 10 ms
   */
  readonly queryMs?: number;
  /**
   * Connections each app pod's client pool may open.
   *
   * @default 30 - [000] "20 pool size + 10 overflow"
   */
  readonly clientPoolPerPod?: number;
  /**
   * Redis cache per concurrent user, in MiB.
   *
   * @default 8 - [003] 8 GB maxmemory for the enterprise tier's 1000 concurrent users [002]
   */
  readonly cacheMiBPerUser?: number;
  /**
   * Prices of the cost estimate.
   *
   * @default - [001] example prices
   */
  readonly prices?: PlanPrices;
}

/** Every input of {@link PlanInputs} with its default applied (`undefined` where the input has no default). */
export interface ResolvedPlanInputs {
  /** {@inheritDoc PlanInputs.users} */
  readonly users: number;
  /** {@inheritDoc PlanInputs.concurrencyPercent} */
  readonly concurrencyPercent: number;
  /** {@inheritDoc PlanInputs.requestsPerUserPerSecond} */
  readonly requestsPerUserPerSecond: number | undefined;
  /** {@inheritDoc PlanInputs.thinkTimeSeconds} */
  readonly thinkTimeSeconds: number | undefined;
  /** {@inheritDoc PlanInputs.p95LatencyMs} */
  readonly p95LatencyMs: number | undefined;
  /** {@inheritDoc PlanInputs.podCpuCores} */
  readonly podCpuCores: number;
  /** {@inheritDoc PlanInputs.podMemoryGiB} */
  readonly podMemoryGiB: number;
  /** {@inheritDoc PlanInputs.requestsPerCoreSecond} */
  readonly requestsPerCoreSecond: number;
  /** {@inheritDoc PlanInputs.targetUtilizationPercent} */
  readonly targetUtilizationPercent: number;
  /** {@inheritDoc PlanInputs.minPods} */
  readonly minPods: number;
  /** {@inheritDoc PlanInputs.sparePodsPercent} */
  readonly sparePodsPercent: number;
  /** {@inheritDoc PlanInputs.zones} */
  readonly zones: number;
  /** {@inheritDoc PlanInputs.cpuMemoryBufferPercent} */
  readonly cpuMemoryBufferPercent: number;
  /** {@inheritDoc PlanInputs.storageBufferPercent} */
  readonly storageBufferPercent: number;
  /** {@inheritDoc PlanInputs.queriesPerRequest} */
  readonly queriesPerRequest: number;
  /** {@inheritDoc PlanInputs.queryMs} */
  readonly queryMs: number;
  /** {@inheritDoc PlanInputs.clientPoolPerPod} */
  readonly clientPoolPerPod: number;
  /** {@inheritDoc PlanInputs.cacheMiBPerUser} */
  readonly cacheMiBPerUser: number;
  /** {@inheritDoc PlanInputs.prices} */
  readonly prices: Required<PlanPrices>;
}

/** [001] baseline instance: 1000 requests/s on 4 cores at 70 % CPU. */
export const SEED_REQUESTS_PER_CORE_SECOND = 1000 / (4 * 0.7);

/** The defaults of {@link PlanInputs}, each from the seed its doc names. */
export const PLAN_DEFAULTS = {
  concurrencyPercent: 15,
  requestsPerUserPerSecond: 20,
  latencyMs: 200,
  podCpuCores: 0.5,
  podMemoryGiB: 1,
  requestsPerCoreSecond: SEED_REQUESTS_PER_CORE_SECOND,
  targetUtilizationPercent: 70,
  minPods: 2,
  sparePodsPercent: 20,
  zones: 3,
  cpuMemoryBufferPercent: 30,
  storageBufferPercent: 20,
  queriesPerRequest: 1,
  queryMs: 10,
  clientPoolPerPod: 30,
  cacheMiBPerUser: 8,
  prices: { coreHour: 0.05, gibHour: 0.01, storageGibMonth: 0.1, hoursPerMonth: 720 },
} as const;

/** One invalid input: the field (as in {@link PlanInputs}, dotted for prices), the value and what is allowed. */
export interface PlanInputProblem {
  /** The input's name, e.g. `users` or `prices.coreHour`. */
  readonly field: string;
  /** The value received. */
  readonly value: unknown;
  /** What is allowed, e.g. `a whole number of users from 1 to 10000000`. */
  readonly allowed: string;
}

const MAX_USERS = 10_000_000;

function num(v: unknown, min: number, max: number): boolean {
  return inBound(v, { min, max, allowed: '' });
}

/** The bounds of every numeric input, in the order problems are listed. */
const M = MODEL_BOUNDS;
const INPUT_BOUNDS: Readonly<Partial<Record<keyof PlanInputs, Bound>>> = {
  concurrencyPercent: M.concurrencyPercent,
  requestsPerUserPerSecond: M.requestsPerUserPerSecond,
  thinkTimeSeconds: { min: 0, max: 86_400, allowed: 'a number of seconds from 0 to 86400' },
  p95LatencyMs: { min: 0, max: 600_000, allowed: 'a number of milliseconds above 0 and at most 600000', minExclusive: true },
  podCpuCores: { min: 0.01, max: 64, allowed: 'a number of cores from 0.01 to 64' },
  podMemoryGiB: { min: 0.0625, max: 512, allowed: 'a number of GiB from 0.0625 to 512' },
  requestsPerCoreSecond: M.requestsPerCoreSecond,
  targetUtilizationPercent: { min: 0, max: 100, allowed: 'a percentage above 0 and at most 100', minExclusive: true },
  minPods: { min: 1, max: 1000, allowed: 'a whole number of pods from 1 to 1000', integer: true },
  sparePodsPercent: M.sparePodsPercent,
  zones: M.zones,
  cpuMemoryBufferPercent: M.cpuMemoryBufferPercent,
  storageBufferPercent: { min: 0, max: 1000, allowed: 'a percentage from 0 to 1000' },
  queriesPerRequest: M.queriesPerRequest,
  queryMs: M.queryMs,
  clientPoolPerPod: M.clientPoolPerPod,
  cacheMiBPerUser: M.cacheMiBPerUser,
};

/** Every invalid input of `inputs`; empty when all are valid. */
export function planInputProblems(inputs: PlanInputs): PlanInputProblem[] {
  const out: PlanInputProblem[] = [];
  const check = (field: string, value: unknown, ok: boolean, allowed: string) => {
    if (!ok) out.push({ field, value, allowed });
  };
  const i = inputs ?? ({} as PlanInputs);
  check('users', i.users, Number.isInteger(i.users) && num(i.users, 1, MAX_USERS), `a whole number of users from 1 to ${MAX_USERS}`);
  for (const [field, bound] of Object.entries(INPUT_BOUNDS) as Array<[keyof PlanInputs, Bound]>) {
    const v = i[field];
    if (v !== undefined) check(field, v, inBound(v, bound), bound.allowed);
  }
  if (i.requestsPerUserPerSecond !== undefined && i.thinkTimeSeconds !== undefined) {
    out.push({ field: 'thinkTimeSeconds', value: i.thinkTimeSeconds, allowed: "left out when 'requestsPerUserPerSecond' is set (the rate comes from one or the other)" });
  }
  const prices = i.prices ?? {};
  for (const key of ['coreHour', 'gibHour', 'storageGibMonth'] as const) {
    const v = prices[key];
    if (v !== undefined) check(`prices.${key}`, v, num(v, 0, 1_000_000), 'a price in US dollars from 0 to 1000000');
  }
  if (prices.hoursPerMonth !== undefined) check('prices.hoursPerMonth', prices.hoursPerMonth, num(prices.hoursPerMonth, 1, 744), 'a number of hours from 1 to 744');
  return out;
}

/**
 * The defaults a tier gives the planner: its capacity model, its app pod's requests and its CPU target. Each field is
 * left out when the tier does not state it (the planner's own default then applies).
 */
export type TierPlanDefaults = Partial<TierCapacityModel> & {
  /** The tier's app pod CPU request, in cores. */
  readonly podCpuCores?: number;
  /** The tier's app pod memory request, in GiB. */
  readonly podMemoryGiB?: number;
  /** The tier's HPA CPU target, in percent. */
  readonly targetUtilizationPercent?: number;
};

/**
 * `inputs` with every default applied (call after {@link planInputProblems} found nothing): an input that is set wins,
 * then the tier's figure (`tier`, from {@link TierPlanDefaults}), then {@link PLAN_DEFAULTS}.
 */
export function resolvePlanInputs(inputs: PlanInputs, tier: TierPlanDefaults = {}): ResolvedPlanInputs {
  const d = { ...PLAN_DEFAULTS, ...stripUndefined(tier) };
  const littlesLaw = inputs.thinkTimeSeconds !== undefined;
  return {
    users: inputs.users,
    concurrencyPercent: inputs.concurrencyPercent ?? d.concurrencyPercent,
    requestsPerUserPerSecond: littlesLaw ? undefined : (inputs.requestsPerUserPerSecond ?? d.requestsPerUserPerSecond),
    thinkTimeSeconds: inputs.thinkTimeSeconds,
    p95LatencyMs: inputs.p95LatencyMs,
    podCpuCores: inputs.podCpuCores ?? d.podCpuCores,
    podMemoryGiB: inputs.podMemoryGiB ?? d.podMemoryGiB,
    requestsPerCoreSecond: inputs.requestsPerCoreSecond ?? d.requestsPerCoreSecond,
    targetUtilizationPercent: inputs.targetUtilizationPercent ?? d.targetUtilizationPercent,
    minPods: inputs.minPods ?? d.minPods,
    sparePodsPercent: inputs.sparePodsPercent ?? d.sparePodsPercent,
    zones: inputs.zones ?? d.zones,
    cpuMemoryBufferPercent: inputs.cpuMemoryBufferPercent ?? d.cpuMemoryBufferPercent,
    storageBufferPercent: inputs.storageBufferPercent ?? d.storageBufferPercent,
    queriesPerRequest: inputs.queriesPerRequest ?? d.queriesPerRequest,
    queryMs: inputs.queryMs ?? d.queryMs,
    clientPoolPerPod: inputs.clientPoolPerPod ?? d.clientPoolPerPod,
    cacheMiBPerUser: inputs.cacheMiBPerUser ?? d.cacheMiBPerUser,
    prices: { ...PLAN_DEFAULTS.prices, ...stripUndefined(inputs.prices ?? {}) },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
