/**
 * A simulator of the Kubernetes HorizontalPodAutoscaler (autoscaling/v2 with `behavior`), for checking what an
 * {@link HorizontalScaling} does to a load step before it is deployed.
 *
 * It follows the controller in kubernetes/kubernetes `pkg/controller/podautoscaler`:
 * `replica_calculator.go` (GetResourceReplicas) for the metric recommendation and `horizontal.go`
 * (reconcileAutoscaler, normalizeDesiredReplicasWithBehaviors, stabilizeRecommendationWithBehaviors,
 * convertDesiredReplicasWithBehaviorRate, calculateScaleUpLimitWithScalingRules,
 * calculateScaleDownLimitWithBehaviors, getReplicasChangePerPeriod) for the behaviour. Every sync:
 *
 * 1. Bounds first: spec.replicas above `maxReplicas` -> `maxReplicas`, below `minReplicas` -> `minReplicas`
 *    (no behaviour applied), as reconcileAutoscaler does.
 * 2. Metric: utilisation = floor(100 x usage / requests) over the ready pods (upstream truncates to a whole
 *    percent); ratio = utilisation / target. With no unready pods: |1 - ratio| <= tolerance -> keep the current
 *    count, else ceil(ratio x readyPods). With unready pods and ratio > 1 the unready pods count as 0 % usage,
 *    the ratio is recomputed over all pods, and the result is the current count if the new ratio is within
 *    tolerance or changed direction, else ceil(newRatio x pods).
 * 3. Stabilisation: up = min(recommendations newer than now - scaleUp window, this one), down = max(recommendations
 *    newer than now - scaleDown window, this one); the stabilised value is the current count raised to `up` and
 *    then lowered to `down`. The raw recommendation is recorded (samples older than both windows are recycled).
 * 4. Rate limits: for each policy the replica count at the start of its period is
 *    current - (pods added within periodSeconds) + (pods removed within periodSeconds); scale-up proposals are
 *    start + value (`Pods`) or ceil(start x (1 + value/100)) (`Percent`), scale-down proposals start - value or
 *    trunc(start x (1 - value/100)). `Max` takes the largest change, `Min` the smallest, `Disabled` none. The
 *    limit is never allowed to go past the current count the wrong way, and min/max replicas bound it.
 * 5. A change is recorded as a scale event (its size and time) for the rate limits of later syncs.
 *
 * Assumptions and simplifications (each one is a place where a real cluster can be slower or different):
 * - One utilisation metric: the target is `cpuUtilization`, else `memoryUtilization` (or `targetUtilization`).
 *   Other metrics (a `podsMetric` such as queue depth) are assumed to stay at or below their targets, so the
 *   resource metric drives scaling (upstream takes the maximum over metrics).
 * - Load model: `demandPercent` is the total demand in percent of ONE pod's request; it is shared evenly by the
 *   ready pods, so each ready pod's utilisation is demand / readyPods. All pods have the same request.
 * - Metrics are instantaneous: no metrics-server scrape interval or averaging window, no metric lag. Real
 *   clusters add the metrics-server resolution (15-60 s) on top of the figures here.
 * - Sync phase: syncs run at t = syncPeriod, 2 x syncPeriod, ... A load step at `atSeconds` is first seen by the
 *   first sync strictly after it — the worst case, as if the load changed just after a sync. No jitter.
 * - Pods: the initial pods are ready at t = 0. A pod created by a scale-up is unready (Pending/not Ready) for
 *   `podStartupSeconds` and ready from then on; unready pods serve no load. Once ready a pod's metric counts at
 *   once (upstream may ignore it for one metric window within the 5 min CPU initialisation period). No pod is
 *   ever "missing" metrics. Scale-up never waits for node capacity (no cluster autoscaler delay).
 * - Scale-down removes unready pods first, then the newest ready pods (the ReplicaSet controller's preference,
 *   simplified); removed pods stop serving at once (no drain).
 * - The controller starts with no recommendation history (a fresh controller; upstream keeps it in memory only).
 *   The helpers ({@link timeToScaleFor}, {@link timeToScaleDown}) warm up at the starting load for longer than
 *   every window and policy period before the step, so history does not distort their figures.
 * - The default-behaviour path (an HPA without `behavior`) is not modelled: {@link HorizontalScaling} always has
 *   explicit `scaleUp` and `scaleDown` rules.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
import { isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';
import { HorizontalScaling, checkHorizontalScaling } from '../app/horizontal-scaling';
import { BehaviorState } from './_behavior';

/** From `atSeconds` on, the total demand is `demandPercent` (percent of one pod's request). */
export interface LoadStep {
  /** When the demand changes, in seconds from the start. The first step is at 0. */
  readonly atSeconds: number;
  /** The total demand, in percent of one pod's request (e.g. 280 = the work of 2.8 pods at 100 %). */
  readonly demandPercent: number;
}

/** Options of {@link simulateHpa}. */
export interface SimulateHpaOptions {
  /** The HPA to simulate. */
  readonly hpa: HorizontalScaling;
  /** Ready pods at t = 0 (the Deployment's spec.replicas). Integer 1-1000. */
  readonly initialReplicas: number;
  /** The load, as steps with increasing `atSeconds`, the first at 0. */
  readonly loadSteps: readonly LoadStep[];
  /** Seconds from a pod's creation until it is ready and takes load. */
  readonly podStartupSeconds: number;
  /** How long to simulate, in seconds. */
  readonly durationSeconds: number;
  /**
   * The HPA controller's sync period (`--horizontal-pod-autoscaler-sync-period`).
   *
   * @default 15 - the kube-controller-manager default
   */
  readonly syncPeriodSeconds?: number;
  /**
   * The ratio band around 1 within which the HPA does not act (`--horizontal-pod-autoscaler-tolerance`).
   *
   * @default 0.1 - the kube-controller-manager default
   */
  readonly tolerance?: number;
  /**
   * The target utilisation in percent.
   *
   * @default - `hpa.cpuUtilization`, else `hpa.memoryUtilization`
   */
  readonly targetUtilization?: number;
}

/** The state after one sync, or at the instant a pod became ready. */
export interface HpaSample {
  /** Seconds from the start. */
  readonly t: number;
  /** The replica count the HPA has set (spec.replicas), ready or not. */
  readonly replicas: number;
  /** Pods ready and taking load. */
  readonly readyReplicas: number;
  /** The metric's recommendation at the latest sync, before stabilisation, rate limits and bounds. */
  readonly desired: number;
  /** The demand the latest sync observed, in percent of one pod's request. */
  readonly demandPercent: number;
  /** Utilisation per ready pod at the latest sync, in percent (demand / ready pods, unrounded). */
  readonly utilizationPercent: number;
}

/** The result of {@link simulateHpa}. */
export interface HpaSimulation {
  /** One sample per sync (at t = 0 and every sync period) and one per instant a pod became ready, in time order. */
  readonly timeline: readonly HpaSample[];
  /** The target utilisation the simulation used, in percent. */
  readonly targetUtilization: number;
  /** The first time at or after `fromSeconds` with at least `readyReplicas` ready pods; `Infinity` if never. */
  timeToReach(readyReplicas: number, fromSeconds?: number): number;
  /** The first sample at or after `fromSeconds` that satisfies `predicate`; `undefined` if none. */
  find(predicate: (s: HpaSample) => boolean, fromSeconds?: number): HpaSample | undefined;
}

interface Pod {
  readonly readyAt: number;
}

/** The kube-controller-manager's default sync period, in seconds. */
export const DEFAULT_SYNC_PERIOD_SECONDS = 15;
/** The kube-controller-manager's default tolerance. */
export const DEFAULT_TOLERANCE = 0.1;

const MAX_SYNCS = 1_000_000;

function isNum(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
}

/** The utilisation target the simulator uses for `hpa`: `cpuUtilization`, else `memoryUtilization`. */
export function hpaTargetUtilization(hpa: HorizontalScaling): number | undefined {
  return hpa?.cpuUtilization ?? hpa?.memoryUtilization;
}

function simulatedTarget(problems: Problems, hpa: HorizontalScaling, override?: number): number {
  if (override !== undefined) {
    if (!isNum(override, Number.MIN_VALUE, 1000)) problems.add('targetUtilization', override, 'a percentage above 0 and at most 1000');
    return override;
  }
  const t = hpaTargetUtilization(hpa);
  if (t === undefined) {
    problems.add('hpa', 'no resource metric', "an HPA with 'cpuUtilization' or 'memoryUtilization' (or pass 'targetUtilization'): the simulator models a utilisation metric");
    return NaN;
  }
  return t;
}

function checkOptions(o: SimulateHpaOptions): { sync: number; tolerance: number; target: number } {
  const p = new Problems('simulateHpa');
  if (o.hpa === undefined || o.hpa === null) {
    p.add('hpa', o.hpa, 'a HorizontalScaling');
    p.throwIfAny();
  }
  checkHorizontalScaling(p, 'hpa', o.hpa);
  const target = simulatedTarget(p, o.hpa, o.targetUtilization);
  if (!isIntegerIn(o.initialReplicas, 1, 1000)) p.add('initialReplicas', o.initialReplicas, 'an integer between 1 and 1000');
  if (!isNum(o.podStartupSeconds, 0, 86400)) p.add('podStartupSeconds', o.podStartupSeconds, 'a number of seconds between 0 and 86400');
  const sync = o.syncPeriodSeconds ?? DEFAULT_SYNC_PERIOD_SECONDS;
  if (!isNum(sync, 0.001, 3600)) p.add('syncPeriodSeconds', sync, 'a number of seconds above 0 and at most 3600');
  const tolerance = o.tolerance ?? DEFAULT_TOLERANCE;
  if (!isNum(tolerance, 0, 0.999)) p.add('tolerance', tolerance, 'a number between 0 and 1 (exclusive)');
  if (!isNum(o.durationSeconds, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER)) {
    p.add('durationSeconds', o.durationSeconds, 'a positive number of seconds');
  } else if (isNum(sync, 0.001, 3600) && o.durationSeconds / sync > MAX_SYNCS) {
    p.add('durationSeconds', o.durationSeconds, `at most ${MAX_SYNCS} sync periods (${MAX_SYNCS * sync} s)`);
  }
  const steps = o.loadSteps;
  // The check reads o.loadSteps: Array.isArray would narrow `steps` itself from readonly LoadStep[] to any[].
  if (!Array.isArray(o.loadSteps) || steps.length === 0) {
    p.add('loadSteps', steps, 'at least one step');
  } else {
    if (steps[0].atSeconds !== 0) p.add('loadSteps[0].atSeconds', steps[0].atSeconds, '0 (the load at the start)');
    steps.forEach((s, i) => {
      if (i > 0 && !(isNum(s.atSeconds, 0, Number.MAX_SAFE_INTEGER) && s.atSeconds > steps[i - 1].atSeconds)) {
        p.add(`loadSteps[${i}].atSeconds`, s.atSeconds, `a time after 'loadSteps[${i - 1}].atSeconds' (${steps[i - 1].atSeconds})`);
      }
      if (!isNum(s.demandPercent, 0, Number.MAX_SAFE_INTEGER)) p.add(`loadSteps[${i}].demandPercent`, s.demandPercent, 'a number >= 0');
    });
  }
  p.throwIfAny();
  return { sync, tolerance, target };
}

/** The metric's recommendation (replica_calculator.go GetResourceReplicas, equal requests, no missing pods). */
export function metricRecommendation(args: {
  readonly currentReplicas: number;
  readonly readyPods: number;
  readonly unreadyPods: number;
  readonly demandPercent: number;
  readonly target: number;
  readonly tolerance: number;
}): number {
  const { currentReplicas, readyPods, unreadyPods, demandPercent, target, tolerance } = args;
  if (readyPods === 0) return currentReplicas; // upstream: "did not receive metrics for any ready pods" -> no change
  const usageRatio = Math.floor(demandPercent / readyPods) / target;
  if (!(unreadyPods > 0 && usageRatio > 1)) {
    if (Math.abs(1 - usageRatio) <= tolerance) return currentReplicas;
    return Math.ceil(usageRatio * readyPods);
  }
  // Scale-up with unready pods: they count as 0 % usage.
  const all = readyPods + unreadyPods;
  const newUsageRatio = Math.floor(demandPercent / all) / target;
  if (Math.abs(1 - newUsageRatio) <= tolerance || newUsageRatio < 1) return currentReplicas;
  const newReplicas = Math.ceil(newUsageRatio * all);
  return newReplicas < currentReplicas ? currentReplicas : newReplicas;
}

/**
 * Simulates an HPA against a load step model and returns the replica timeline. Throws a `PropsError` listing every
 * invalid option.
 *
 * @example
 * const sim = simulateHpa({ hpa: team.app.autoscaling!, initialReplicas: 2, podStartupSeconds: 30,
 *   loadSteps: [{ atSeconds: 0, demandPercent: 280 }], durationSeconds: 120 });
 * sim.timeToReach(4); // 45: scaled at the 15 s sync, ready 30 s later
 */
export function simulateHpa(options: SimulateHpaOptions): HpaSimulation {
  const { sync, tolerance, target } = checkOptions(options);
  const { hpa, loadSteps, podStartupSeconds, durationSeconds } = options;
  const behavior = new BehaviorState(hpa);

  let pods: Pod[] = Array.from({ length: options.initialReplicas }, () => ({ readyAt: 0 }));
  const timeline: HpaSample[] = [];
  const readyAt = (t: number): number => pods.filter((p) => p.readyAt <= t).length;
  const demandSeenAt = (t: number): number => {
    let d = loadSteps[0].demandPercent;
    for (const s of loadSteps) if (s.atSeconds < t) d = s.demandPercent;
    return d;
  };

  let last: Omit<HpaSample, 't' | 'replicas' | 'readyReplicas'> = {
    desired: options.initialReplicas,
    demandPercent: loadSteps[0].demandPercent,
    utilizationPercent: loadSteps[0].demandPercent / options.initialReplicas,
  };
  const record = (t: number): void => {
    timeline.push({ t, replicas: pods.length, readyReplicas: readyAt(t), ...last });
  };
  record(0);

  for (let k = 1; k * sync <= durationSeconds; k++) {
    const now = k * sync;
    // Pods that became ready since the previous sync, at their own instants.
    const prev = (k - 1) * sync;
    const readyTimes = [...new Set(pods.map((p) => p.readyAt).filter((r) => r > prev && r < now))].sort((a, b) => a - b);
    for (const r of readyTimes) record(r);

    const current = pods.length;
    const ready = readyAt(now);
    const demand = demandSeenAt(now);
    const { next, desired } = behavior.next(now, current, () =>
      metricRecommendation({ currentReplicas: current, readyPods: ready, unreadyPods: current - ready, demandPercent: demand, target, tolerance }),
    );
    if (next > current) {
      pods = pods.concat(Array.from({ length: next - current }, () => ({ readyAt: now + podStartupSeconds })));
    } else if (next < current) {
      // Unready pods go first, then the newest: sort by readiness time, keep the earliest-ready.
      pods = [...pods].sort((a, b) => a.readyAt - b.readyAt).slice(0, next);
    }
    last = { desired, demandPercent: demand, utilizationPercent: ready > 0 ? demand / ready : Infinity };
    record(now);
  }
  // Readiness after the last sync, within the horizon.
  const lastSync = Math.floor(durationSeconds / sync) * sync;
  const tail = [...new Set(pods.map((p) => p.readyAt).filter((r) => r > lastSync && r <= durationSeconds))].sort((a, b) => a - b);
  for (const r of tail) record(r);

  const find = (predicate: (s: HpaSample) => boolean, fromSeconds = 0): HpaSample | undefined =>
    timeline.find((s) => s.t >= fromSeconds && predicate(s));
  return {
    timeline,
    targetUtilization: target,
    find,
    timeToReach: (n: number, fromSeconds = 0) => find((s) => s.readyReplicas >= n, fromSeconds)?.t ?? Infinity,
  };
}

/** Options of {@link timeToScaleFor} and {@link timeToScaleDown}. */
export interface LoadChange {
  /** The steady load before the change, in percent of one pod's request. */
  readonly fromLoad: number;
  /** The load after the change, in percent of one pod's request. */
  readonly toLoad: number;
  /** Seconds from a pod's creation until it is ready. */
  readonly podStartupSeconds: number;
  /**
   * The HPA sync period.
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
   * How long after the change to look, in seconds.
   *
   * @default 3600
   */
  readonly horizonSeconds?: number;
}

/** The replica count the HPA settles at for a steady `load` (ceil(load / target) within min and max). */
export function steadyReplicas(hpa: HorizontalScaling, load: number, target: number): number {
  return Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, Math.ceil(load / target)));
}

function runChange(hpa: HorizontalScaling, change: LoadChange): { sim: HpaSimulation; stepAt: number; horizon: number } {
  const p = new Problems('timeToScale');
  const target = simulatedTarget(p, hpa);
  if (!isNum(change.fromLoad, 0, Number.MAX_SAFE_INTEGER)) p.add('fromLoad', change.fromLoad, 'a number >= 0');
  if (!isNum(change.toLoad, 0, Number.MAX_SAFE_INTEGER)) p.add('toLoad', change.toLoad, 'a number >= 0');
  const horizon = change.horizonSeconds ?? 3600;
  if (!isNum(horizon, Number.MIN_VALUE, 86400 * 7)) p.add('horizonSeconds', horizon, 'a positive number of seconds up to a week');
  p.throwIfAny();
  const sync = change.syncPeriodSeconds ?? DEFAULT_SYNC_PERIOD_SECONDS;
  // Warm up at the starting load for longer than every window and policy period, ending on a sync.
  const longest = Math.max(
    hpa.scaleUp?.stabilizationWindowSeconds ?? 0,
    hpa.scaleDown?.stabilizationWindowSeconds ?? 0,
    ...(hpa.scaleUp?.policies ?? []).map((x) => x.periodSeconds),
    ...(hpa.scaleDown?.policies ?? []).map((x) => x.periodSeconds),
  );
  const stepAt = Number.isFinite(sync) && sync > 0 ? (Math.ceil(longest / sync) + 1) * sync : 0;
  const sim = simulateHpa({
    hpa,
    initialReplicas: Number.isFinite(target) ? steadyReplicas(hpa, change.fromLoad, target) : 1,
    loadSteps: [
      { atSeconds: 0, demandPercent: change.fromLoad },
      { atSeconds: stepAt, demandPercent: change.toLoad },
    ],
    podStartupSeconds: change.podStartupSeconds,
    syncPeriodSeconds: change.syncPeriodSeconds,
    tolerance: change.tolerance,
    durationSeconds: stepAt + horizon,
  });
  return { sim, stepAt, horizon };
}

/**
 * Seconds from a load change (worst-case sync phase) until enough pods are ready to bring utilisation back to the
 * target or below, as the HPA measures it (floor(toLoad / ready) <= target, whole percent as upstream); `Infinity`
 * if that does not happen within the horizon — when `maxReplicas` pods cannot carry `toLoad`, or when the HPA
 * settles inside its tolerance band above the target (e.g. 74 % against 70 %: the HPA considers that done). The
 * HPA starts warm and steady at `fromLoad`.
 */
export function timeToScaleFor(hpa: HorizontalScaling, change: LoadChange): number {
  const { sim, stepAt } = runChange(hpa, change);
  const target = sim.targetUtilization;
  const hit = sim.find((s) => s.readyReplicas > 0 && Math.floor(change.toLoad / s.readyReplicas) <= target, stepAt);
  return hit === undefined ? Infinity : hit.t - stepAt;
}

/** The result of {@link timeToScaleDown}. */
export interface ScaleDownTiming {
  /** Seconds from the load drop to the first removal of pods; `Infinity` if none within the horizon. */
  readonly firstStepSeconds: number;
  /** Seconds from the load drop to the last change of the replica count within the horizon (0 if none). */
  readonly settledSeconds: number;
  /** The replica count at the end of the horizon. */
  readonly settledReplicas: number;
}

/** How long after a load drop (worst-case sync phase) the HPA starts removing pods, and when it stops. */
export function timeToScaleDown(hpa: HorizontalScaling, change: LoadChange): ScaleDownTiming {
  const { sim, stepAt } = runChange(hpa, change);
  const before = sim.find((s) => s.t >= stepAt)!.replicas;
  const first = sim.find((s) => s.replicas < before, stepAt);
  let settled = stepAt;
  let prev = before;
  for (const s of sim.timeline) {
    if (s.t < stepAt) continue;
    if (s.replicas !== prev) settled = s.t;
    prev = s.replicas;
  }
  return {
    firstStepSeconds: first === undefined ? Infinity : first.t - stepAt,
    settledSeconds: settled - stepAt,
    settledReplicas: prev,
  };
}
