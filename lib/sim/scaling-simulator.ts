/**
 * A simulator of a workload's horizontal autoscaler with every metric it scales on — CPU, the queue depth and the
 * schedule windows — for either engine: the plain HPA (`engine: 'hpa'`, queue depth through prometheus-adapter) or
 * KEDA (`engine: 'keda'`, whose ScaledObject creates an HPA with one metric per trigger). The HPA stage (bounds,
 * stabilisation, rate-limit policies) is the one of `hpa-simulator.ts`; this file adds:
 *
 * - **Several metrics, maximum wins.** Each metric proposes a replica count and the HPA takes the largest
 *   (computeReplicasForMetrics); the behaviour then applies to that one.
 * - **Queue depth as an `AverageValue` metric.** The whole backlog Q against a per-pod target v over the current
 *   replica count n: ratio = Q / (v x n); within the tolerance the count stays, else ceil(Q / v)
 *   (replica_calculator.go GetExternalPerPodMetricReplicas, which KEDA's prometheus trigger is). The plain HPA's Pods
 *   metric is modelled the same way: it averages per-pod values, which equals Q / n when every pod reports its share.
 * - **The schedule floor by wall-clock time.** A window is open from its start (inclusive) to its end (exclusive) in
 *   its IANA timezone, and a window whose end is before its start crosses midnight — KEDA's cron scaler is active when
 *   the next end comes before the next start. An open window proposes its `replicas` (within the tolerance of the
 *   current count), a closed one 1 (KEDA's inactive cron value). `t = 0` is the instant `startAt`.
 * - **Scale-to-zero (KEDA, `minReplicas: 0`).** KEDA's HPA keeps at least 1; every `pollingInterval` the operator
 *   wakes the workload from 0 to 1 when the queue is above `activationThreshold` or a window is open, and returns it
 *   to 0 once nothing was active for `cooldownPeriod`.
 * - **The queue.** Tasks arrive at `arrivals` tasks/s; every ready pod finishes `tasksPerPodPerSecond`; the backlog is
 *   integrated second by second and never negative. The queue depth a sync sees is the backlog at that instant
 *   (no scrape interval or query lag).
 *
 * Not modelled: KEDA's `fallback` (metrics never fail here), a cpu trigger waking a workload from zero (it cannot:
 * no pods, no CPU), metric lag, node provisioning. Pods as in `hpa-simulator.ts`: the initial ones ready at 0, new
 * ones ready `podStartupSeconds` after creation, unready pods serve nothing, scale-down removes unready then newest.
 */
import { isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';
import { parseQuantity } from '../core/quantity';
import { HorizontalScaling, checkHorizontalScaling } from '../app/horizontal-scaling';
import { ScalingSchedule, minuteOfDay } from '../app/keda-scaling';
import { BehaviorState } from './_behavior';
import { DEFAULT_SYNC_PERIOD_SECONDS, DEFAULT_TOLERANCE, LoadStep, hpaTargetUtilization, metricRecommendation } from './hpa-simulator';

/** From `atSeconds` on, tasks arrive at `tasksPerSecond`. */
export interface ArrivalStep {
  /** When the rate changes, in seconds from the start. */
  readonly atSeconds: number;
  /** Tasks arriving per second. */
  readonly tasksPerSecond: number;
}

/** The work queue behind the queue-depth metric. */
export interface QueueModel {
  /**
   * Tasks waiting at t = 0.
   *
   * @default 0
   */
  readonly initialBacklog?: number;
  /**
   * The arrival rate, as steps with increasing `atSeconds`.
   *
   * @default - none: nothing arrives
   */
  readonly arrivals?: readonly ArrivalStep[];
  /** Tasks one ready pod finishes per second. */
  readonly tasksPerPodPerSecond: number;
}

/** Options of {@link simulateScaling}. */
export interface SimulateScalingOptions {
  /** The autoscaling to simulate (either engine). */
  readonly scaling: HorizontalScaling;
  /** Ready pods at t = 0. Integer 0-1000 (0 only for a workload that scales to zero). */
  readonly initialReplicas: number;
  /** Seconds from a pod's creation until it is ready and takes load. */
  readonly podStartupSeconds: number;
  /** How long to simulate, in seconds (at most two days). */
  readonly durationSeconds: number;
  /**
   * The CPU demand, in percent of one pod's request, as steps (the first at 0).
   *
   * @default - no CPU demand
   */
  readonly cpuLoad?: readonly LoadStep[];
  /**
   * The queue.
   *
   * @default - no queue: the queue-depth metric stays at 0
   */
  readonly queue?: QueueModel;
  /**
   * The instant of t = 0, as an ISO 8601 date-time; the schedule windows are read at `startAt + t` in their timezone.
   *
   * @default '2026-06-01T00:00:00Z'
   */
  readonly startAt?: string;
  /**
   * The HPA controller's sync period.
   *
   * @default 15
   */
  readonly syncPeriodSeconds?: number;
  /**
   * The HPA tolerance.
   *
   * @default 0.1
   */
  readonly tolerance?: number;
  /**
   * KEDA's polling interval (the activation check for scale-to-zero).
   *
   * @default 30 - what ScalableService writes
   */
  readonly pollingIntervalSeconds?: number;
  /**
   * KEDA's cooldown before returning to zero.
   *
   * @default 300 - what ScalableService writes
   */
  readonly cooldownSeconds?: number;
}

/** The state after one sync, or at the instant a pod became ready. */
export interface ScalingSample {
  /** Seconds from the start. */
  readonly t: number;
  /** Local wall-clock time `HH:MM:SS` in the schedule's timezone (UTC without a schedule). */
  readonly localTime: string;
  /** The replica count set (ready or not). */
  readonly replicas: number;
  /** Pods ready and taking load. */
  readonly readyReplicas: number;
  /** The largest metric proposal at the latest sync, before stabilisation, rate limits and bounds. */
  readonly desired: number;
  /** The CPU metric's proposal at the latest sync, when there is one. */
  readonly cpuReplicas?: number;
  /** The queue-depth metric's proposal at the latest sync, when there is one. */
  readonly queueReplicas?: number;
  /** The highest open window's replicas at this instant; 0 when no window is open. */
  readonly scheduleFloor: number;
  /** The CPU demand at this instant, in percent of one pod's request. */
  readonly demandPercent: number;
  /** The backlog at this instant, in tasks. */
  readonly queueDepth: number;
}

/** The result of {@link simulateScaling}. */
export interface ScalingSimulation {
  /** One sample at t = 0, per sync and per instant a pod became ready, in time order. */
  readonly timeline: readonly ScalingSample[];
  /** The first time at or after `fromSeconds` with at least `readyReplicas` ready pods; `Infinity` if never. */
  timeToReady(readyReplicas: number, fromSeconds?: number): number;
  /** The first instant at or after `fromSeconds` when the queue is empty (exact, between samples too); `Infinity` if never. */
  timeToDrain(fromSeconds?: number): number;
}

/** KEDA's defaults as ScalableService writes them. */
const POLLING_INTERVAL_SECONDS = 30;
const COOLDOWN_SECONDS = 300;
const DEFAULT_START = '2026-06-01T00:00:00Z';
const MAX_DURATION_SECONDS = 2 * 86400;

function isNum(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time `HH:MM:SS` of `instant` in `timezone`. */
export function localTimeOf(instant: Date, timezone: string): string {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  return f.format(instant);
}

/**
 * The replica floor of a schedule at `instant`: the highest `replicas` of the windows open then (start inclusive, end
 * exclusive, by the wall clock of the schedule's timezone; a window whose end is before its start crosses
 * midnight), or 0 when none is open.
 */
export function scheduleFloorAt(schedule: ScalingSchedule | undefined, instant: Date): number {
  if (!schedule) return 0;
  const [h, m] = localTimeOf(instant, schedule.timezone).split(':').map(Number);
  const now = h * 60 + m;
  let floor = 0;
  for (const w of schedule.windows) {
    const start = minuteOfDay(w.start) as number;
    const end = minuteOfDay(w.end) as number;
    const open = start < end ? now >= start && now < end : now >= start || now < end;
    if (open) floor = Math.max(floor, w.replicas);
  }
  return floor;
}

/** The per-pod target of the queue-depth metric, as a number. */
export function queueTarget(scaling: HorizontalScaling): number | undefined {
  const v = scaling.podsMetric?.averageValue;
  return v === undefined ? undefined : parseQuantity(v);
}

/**
 * An `AverageValue` metric's proposal (GetExternalPerPodMetricReplicas): `usage` against `targetPerPod` over
 * `currentReplicas` pods; within the tolerance the count stays, else ceil(usage / target).
 */
export function averageValueRecommendation(usage: number, targetPerPod: number, currentReplicas: number, tolerance: number): number {
  const ratio = usage / (targetPerPod * currentReplicas);
  return Math.abs(1 - ratio) <= tolerance ? currentReplicas : Math.ceil(usage / targetPerPod);
}

function stepValue<T extends { atSeconds: number }>(steps: readonly T[] | undefined, t: number, read: (s: T) => number, fallback: number): number {
  let v = fallback;
  for (const s of steps ?? []) if (s.atSeconds <= t) v = read(s);
  return v;
}

function checkOptions(o: SimulateScalingOptions): Problems {
  const p = new Problems('simulateScaling');
  if (o.scaling === undefined || o.scaling === null) {
    p.add('scaling', o.scaling, 'a HorizontalScaling');
    p.throwIfAny();
  }
  checkHorizontalScaling(p, 'scaling', o.scaling);
  const zero = o.scaling.minReplicas === 0;
  if (!isIntegerIn(o.initialReplicas, zero ? 0 : 1, 1000)) p.add('initialReplicas', o.initialReplicas, `an integer between ${zero ? 0 : 1} and 1000`);
  if (!isNum(o.podStartupSeconds, 0, 86400)) p.add('podStartupSeconds', o.podStartupSeconds, 'a number of seconds between 0 and 86400');
  if (!isNum(o.durationSeconds, Number.MIN_VALUE, MAX_DURATION_SECONDS)) p.add('durationSeconds', o.durationSeconds, `a positive number of seconds up to ${MAX_DURATION_SECONDS} (two days)`);
  if (o.startAt !== undefined && Number.isNaN(Date.parse(o.startAt))) p.add('startAt', o.startAt, 'an ISO 8601 date-time such as "2026-06-01T05:00:00-04:00"');
  const sync = o.syncPeriodSeconds ?? DEFAULT_SYNC_PERIOD_SECONDS;
  if (!isNum(sync, 1, 3600)) p.add('syncPeriodSeconds', sync, 'a number of seconds between 1 and 3600');
  const tolerance = o.tolerance ?? DEFAULT_TOLERANCE;
  if (!isNum(tolerance, 0, 0.999)) p.add('tolerance', tolerance, 'a number between 0 and 1 (exclusive)');
  for (const key of ['pollingIntervalSeconds', 'cooldownSeconds'] as const) {
    const v = o[key];
    if (v !== undefined && !isNum(v, 1, 86400)) p.add(key, v, 'a number of seconds between 1 and 86400');
  }
  (o.cpuLoad ?? []).forEach((s, i) => {
    if (!isNum(s.demandPercent, 0, Number.MAX_SAFE_INTEGER)) p.add(`cpuLoad[${i}].demandPercent`, s.demandPercent, 'a number >= 0');
    if (!isNum(s.atSeconds, 0, Number.MAX_SAFE_INTEGER)) p.add(`cpuLoad[${i}].atSeconds`, s.atSeconds, 'a number of seconds >= 0');
  });
  if (o.queue !== undefined) {
    if (!isNum(o.queue.tasksPerPodPerSecond, Number.MIN_VALUE, 1e9)) p.add('queue.tasksPerPodPerSecond', o.queue.tasksPerPodPerSecond, 'a positive number of tasks per second');
    if (o.queue.initialBacklog !== undefined && !isNum(o.queue.initialBacklog, 0, 1e12)) p.add('queue.initialBacklog', o.queue.initialBacklog, 'a number of tasks >= 0');
    (o.queue.arrivals ?? []).forEach((s, i) => {
      if (!isNum(s.tasksPerSecond, 0, 1e9)) p.add(`queue.arrivals[${i}].tasksPerSecond`, s.tasksPerSecond, 'a number >= 0');
      if (!isNum(s.atSeconds, 0, Number.MAX_SAFE_INTEGER)) p.add(`queue.arrivals[${i}].atSeconds`, s.atSeconds, 'a number of seconds >= 0');
    });
  }
  return p;
}

/**
 * Simulates a workload's autoscaler (either engine, every metric) and returns the timeline. Throws a `PropsError`
 * listing every invalid option.
 *
 * @example
 * const sim = simulateScaling({ scaling: department.app.autoscaling!, initialReplicas: 3, podStartupSeconds: 30,
 *   startAt: '2026-06-01T05:00:00-04:00', durationSeconds: 7200 });
 * sim.timeToReady(4, 3600); // the 06:00 window's fourth pod
 */
export function simulateScaling(options: SimulateScalingOptions): ScalingSimulation {
  checkOptions(options).throwIfAny();
  const { scaling, podStartupSeconds, durationSeconds, queue } = options;
  const sync = options.syncPeriodSeconds ?? DEFAULT_SYNC_PERIOD_SECONDS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const polling = options.pollingIntervalSeconds ?? POLLING_INTERVAL_SECONDS;
  const cooldown = options.cooldownSeconds ?? COOLDOWN_SECONDS;
  const start = Date.parse(options.startAt ?? DEFAULT_START);
  const keda = scaling.engine === 'keda';
  const schedule = keda ? scaling.schedule : undefined;
  const timezone = schedule?.timezone ?? 'UTC';
  const cpuTarget = hpaTargetUtilization(scaling);
  const qTarget = queueTarget(scaling);
  const activation = Number(scaling.podsMetric?.activationThreshold ?? 0);
  // KEDA's HPA never goes below 1; KEDA itself takes the workload to and from 0.
  const behavior = new BehaviorState({ ...scaling, minReplicas: Math.max(1, scaling.minReplicas) });

  let pods = Array.from({ length: options.initialReplicas }, () => ({ readyAt: 0 }));
  let backlog = queue?.initialBacklog ?? 0;
  let integratedTo = 0;
  let lastActive = 0;
  const drained: number[] = [];
  const readyAt = (t: number): number => pods.filter((p) => p.readyAt <= t).length;
  const demandAt = (t: number): number => stepValue(options.cpuLoad, t, (s) => s.demandPercent, 0);
  const floorAt = (t: number): number => scheduleFloorAt(schedule, new Date(start + t * 1000));
  /** Integrates the queue up to `t`, a second at a time (a last partial second at the end). */
  const advanceQueue = (t: number): void => {
    if (!queue) return;
    while (integratedTo < t) {
      const dt = Math.min(1, t - integratedTo);
      const arrivals = stepValue(queue.arrivals, integratedTo, (s) => s.tasksPerSecond, 0);
      const net = arrivals - readyAt(integratedTo) * queue.tasksPerPodPerSecond;
      if (backlog > 0 && backlog + net * dt <= 0) drained.push(integratedTo + backlog / -net);
      backlog = Math.max(0, backlog + net * dt);
      integratedTo += dt;
    }
  };

  const timeline: ScalingSample[] = [];
  let last: Pick<ScalingSample, 'desired' | 'cpuReplicas' | 'queueReplicas'> = { desired: options.initialReplicas };
  const record = (t: number): void => {
    advanceQueue(t);
    timeline.push({
      t,
      localTime: localTimeOf(new Date(start + t * 1000), timezone),
      replicas: pods.length,
      readyReplicas: readyAt(t),
      ...last,
      scheduleFloor: floorAt(t),
      demandPercent: demandAt(t),
      queueDepth: backlog,
    });
  };
  const setReplicas = (now: number, next: number): void => {
    const current = pods.length;
    if (next > current) pods = pods.concat(Array.from({ length: next - current }, () => ({ readyAt: now + podStartupSeconds })));
    else if (next < current) pods = [...pods].sort((a, b) => a.readyAt - b.readyAt).slice(0, next);
  };
  record(0);

  // Events: HPA syncs every `sync`, KEDA polls every `polling` (only for scale-to-zero), in time order.
  const zero = keda && scaling.minReplicas === 0;
  const times = new Set<number>();
  for (let k = 1; k * sync <= durationSeconds; k++) times.add(k * sync);
  if (zero) for (let k = 1; k * polling <= durationSeconds; k++) times.add(k * polling);
  let prev = 0;
  for (const now of [...times].sort((a, b) => a - b)) {
    for (const r of [...new Set(pods.map((p) => p.readyAt).filter((r) => r > prev && r < now))].sort((a, b) => a - b)) record(r);
    prev = now;
    advanceQueue(now);
    if (now % sync === 0 && pods.length > 0) {
      const current = pods.length;
      const ready = readyAt(now);
      let cpuReplicas: number | undefined;
      let queueReplicas: number | undefined;
      const { next, desired } = behavior.next(now, current, () => {
        const proposals: number[] = [];
        if (cpuTarget !== undefined && options.cpuLoad !== undefined) {
          cpuReplicas = metricRecommendation({ currentReplicas: current, readyPods: ready, unreadyPods: current - ready, demandPercent: demandAt(now), target: cpuTarget, tolerance });
          proposals.push(cpuReplicas);
        }
        if (qTarget !== undefined) {
          queueReplicas = averageValueRecommendation(backlog, qTarget, current, tolerance);
          proposals.push(queueReplicas);
        }
        for (const w of schedule?.windows ?? []) {
          // One cron trigger per window: its replicas while open, 1 while closed (KEDA's inactive value).
          const open = scheduleFloorAt({ timezone, windows: [w] }, new Date(start + now * 1000)) > 0;
          proposals.push(averageValueRecommendation(open ? w.replicas : 1, 1, current, tolerance));
        }
        return proposals.length > 0 ? Math.max(...proposals) : current;
      });
      setReplicas(now, next);
      last = { desired, cpuReplicas, queueReplicas };
    }
    // KEDA's poll after the HPA's sync of the same instant: a woken workload is first scaled by the next sync.
    if (zero && now % polling === 0) {
      const active = backlog > activation || floorAt(now) > 0;
      if (active) lastActive = now;
      if (pods.length === 0 && active) {
        behavior.recordExternal(now, 0, 1);
        setReplicas(now, 1);
      } else if (pods.length > 0 && !active && now - lastActive >= cooldown) {
        behavior.recordExternal(now, pods.length, 0);
        setReplicas(now, 0);
      }
    }
    record(now);
  }
  const lastEvent = prev;
  for (const r of [...new Set(pods.map((p) => p.readyAt).filter((r) => r > lastEvent && r <= durationSeconds))].sort((a, b) => a - b)) record(r);

  return {
    timeline,
    timeToReady: (n: number, fromSeconds = 0) => timeline.find((s) => s.t >= fromSeconds && s.readyReplicas >= n)?.t ?? Infinity,
    timeToDrain: (fromSeconds = 0) => {
      const atSample = timeline.find((s) => s.t >= fromSeconds && s.queueDepth === 0)?.t ?? Infinity;
      return Math.min(atSample, drained.find((t) => t >= fromSeconds) ?? Infinity);
    },
  };
}
