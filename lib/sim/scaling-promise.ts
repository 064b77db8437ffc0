import { Problems } from '../core/problems';
import { HorizontalScaling } from '../app/horizontal-scaling';
import { DEFAULT_SYNC_PERIOD_SECONDS, DEFAULT_TOLERANCE, hpaTargetUtilization, timeToScaleDown, timeToScaleFor } from './hpa-simulator';

/**
 * What an autoscaled workload promises about how fast it follows its load (seed 000's `scalability`:
 * `max_scale_up_time: 60s`, `max_scale_down_time: 300s`), as data a check can hold an HPA to.
 *
 * Precisely, from a steady state at the target utilisation, in the simulator's worst-case sync phase and with
 * instantaneous metrics (see `hpa-simulator.ts`):
 * - scale-up: after the load jumps to `loadFactor` times, enough pods are READY to bring utilisation back to the
 *   target in strictly less than `scaleUpSeconds` (seed 000: "scale up in under 60 s");
 * - scale-down: after the load falls back by the same factor, the HPA removes its first pod no later than
 *   `scaleDownSeconds` after the drop. A scale-down stabilisation window of W seconds makes that exactly W in the
 *   worst case: the last high recommendation is recorded at the last sync before the drop and leaves the window
 *   W seconds later, on a sync (a luckier phase makes it up to one sync period earlier). So a 300 s window meets
 *   a 300 s promise and a 301 s window does not. Reaching the new steady count takes longer (the scale-down rate
 *   policies); the verdict reports that as `scaleDownSettledSeconds`, which is not part of the promise.
 */
export interface ScalingPromise {
  /** Scale-up must bring the ready pods up to the new load in strictly less than this many seconds. */
  readonly scaleUpSeconds: number;
  /** The load jump the scale-up promise covers, as a factor of the steady load (2 = the load doubles). Above 1. */
  readonly loadFactor: number;
  /** The first pod must be removed at most this many seconds after the load falls back. */
  readonly scaleDownSeconds: number;
  /** Seconds from a pod's creation until it is ready: an assumption about the application the promise rests on. */
  readonly podStartupSeconds: number;
}

/** Options of {@link checkPromises}. */
export interface CheckPromisesOptions {
  /**
   * The HPA sync period.
   *
   * @default 15 - the kube-controller-manager default
   */
  readonly syncPeriodSeconds?: number;
  /**
   * The HPA tolerance.
   *
   * @default 0.1 - the kube-controller-manager default
   */
  readonly tolerance?: number;
  /**
   * The utilisation that sets the steady load before the jump: for each starting count b the load is b x this
   * (percent of one pod's request), and the HPA starts at ceil(load / target) pods, within min and max.
   *
   * @default - the HPA's target (the steady state the HPA aims at)
   */
  readonly baseUtilizationPercent?: number;
}

/** The verdict of {@link checkPromises}: the worst case over every starting replica count. */
export interface PromiseVerdict {
  /** True when both promises hold for every starting replica count. */
  readonly ok: boolean;
  /** The slowest simulated scale-up, in seconds (`Infinity` if one never completes). */
  readonly scaleUpSeconds: number;
  /** The latest simulated first scale-down step after a load drop, in seconds. */
  readonly scaleDownSeconds: number;
  /** The slowest simulated time until the replica count stops falling after a load drop, in seconds (informational). */
  readonly scaleDownSettledSeconds: number;
  /** The starting replica counts that were checked (`minReplicas` up to the most that can absorb `loadFactor`). */
  readonly baseReplicas: readonly number[];
  /** Why the promise fails; empty when `ok`. */
  readonly failures: readonly string[];
}

/**
 * Checks an HPA against a {@link ScalingPromise} with the HPA simulator. For every starting count b from
 * `minReplicas` up to the largest whose jumped load fits in `maxReplicas`, it simulates a steady load of
 * b x base utilisation jumping by `loadFactor` (scale-up) and the reverse drop (scale-down), and keeps the worst
 * figures. Throws a `PropsError` for an invalid HPA or promise; returns `ok: false` for a promise not met.
 *
 * @example
 * const verdict = checkPromises(team.app.autoscaling!, TIER_PROMISES.team);
 * if (!verdict.ok) throw new Error(verdict.failures.join('\n'));
 */
export function checkPromises(hpa: HorizontalScaling, promise: ScalingPromise, options: CheckPromisesOptions = {}): PromiseVerdict {
  const p = new Problems('checkPromises');
  const target = hpaTargetUtilization(hpa);
  if (target === undefined) p.add('hpa', 'no resource metric', "an HPA with 'cpuUtilization' or 'memoryUtilization'");
  if (!(Number.isFinite(promise?.scaleUpSeconds) && promise.scaleUpSeconds > 0)) p.add('promise.scaleUpSeconds', promise?.scaleUpSeconds, 'a positive number of seconds');
  if (!(Number.isFinite(promise?.scaleDownSeconds) && promise.scaleDownSeconds > 0)) p.add('promise.scaleDownSeconds', promise?.scaleDownSeconds, 'a positive number of seconds');
  if (!(Number.isFinite(promise?.loadFactor) && promise.loadFactor > 1 && promise.loadFactor <= 100)) p.add('promise.loadFactor', promise?.loadFactor, 'a factor above 1 and at most 100');
  if (!(Number.isFinite(promise?.podStartupSeconds) && promise.podStartupSeconds >= 0)) p.add('promise.podStartupSeconds', promise?.podStartupSeconds, 'a number of seconds >= 0');
  const base = options.baseUtilizationPercent ?? target ?? NaN;
  if (!(Number.isFinite(base) && base > 0)) p.add('baseUtilizationPercent', options.baseUtilizationPercent, 'a positive percentage');
  p.throwIfAny();

  const t = target as number;
  const baseReplicas: number[] = [];
  for (let b = hpa.minReplicas; b <= hpa.maxReplicas; b++) {
    if (Math.ceil((promise.loadFactor * b * base) / t) <= hpa.maxReplicas) baseReplicas.push(b);
  }
  const failures: string[] = [];
  if (baseReplicas.length === 0) {
    failures.push(
      `'maxReplicas' (${hpa.maxReplicas}) cannot absorb ${promise.loadFactor}x the load of 'minReplicas' (${hpa.minReplicas}) pods at ${base} %`,
    );
  }
  const common = {
    podStartupSeconds: promise.podStartupSeconds,
    syncPeriodSeconds: options.syncPeriodSeconds ?? DEFAULT_SYNC_PERIOD_SECONDS,
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    horizonSeconds: Math.max(3600, 4 * (promise.scaleUpSeconds + promise.scaleDownSeconds)),
  };
  let up = baseReplicas.length === 0 ? Infinity : 0;
  let down = baseReplicas.length === 0 ? Infinity : 0;
  let settled = baseReplicas.length === 0 ? Infinity : 0;
  let worstUp = 0;
  let worstDown = 0;
  for (const b of baseReplicas) {
    const low = b * base;
    const high = promise.loadFactor * low;
    const u = timeToScaleFor(hpa, { ...common, fromLoad: low, toLoad: high });
    if (u > up) [up, worstUp] = [u, b];
    const d = timeToScaleDown(hpa, { ...common, fromLoad: high, toLoad: low });
    if (d.firstStepSeconds > down) [down, worstDown] = [d.firstStepSeconds, b];
    settled = Math.max(settled, d.settledSeconds);
  }
  if (!(up < promise.scaleUpSeconds)) {
    failures.push(`scale-up to ${promise.loadFactor}x load takes ${up} s from ${worstUp} pods; promised under ${promise.scaleUpSeconds} s`);
  }
  if (!(down <= promise.scaleDownSeconds)) {
    failures.push(`the first scale-down step comes ${down} s after the load drops (from ${Math.ceil((promise.loadFactor * worstDown * base) / t)} pods); promised within ${promise.scaleDownSeconds} s`);
  }
  return { ok: failures.length === 0, scaleUpSeconds: up, scaleDownSeconds: down, scaleDownSettledSeconds: settled, baseReplicas, failures };
}
