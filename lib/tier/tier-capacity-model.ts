/**
 * The bounds of a tier's capacity model (`TierCapacityModel`): stated once, here, for the tier data
 * (`validateTierSpec`) and for the capacity planner's inputs of the same name (lib/plan/plan-inputs.ts).
 */
import { fieldAt } from '../core/checks';
import type { Problems } from '../core/problems';
import type { TierCapacityModel } from './tier-spec';

/** The bounds of a numeric figure: above (or from) `min`, at most `max`, whole when `integer`, and how to say it. */
export interface Bound {
  /** The lowest value (excluded when `minExclusive`). */
  readonly min: number;
  /** The highest value. */
  readonly max: number;
  /** What is allowed, in words. */
  readonly allowed: string;
  /**
   * `min` itself is not allowed.
   *
   * @default false
   */
  readonly minExclusive?: boolean;
  /**
   * Only whole numbers.
   *
   * @default false
   */
  readonly integer?: boolean;
}

/** Whether `v` is a finite number within `b`. */
export function inBound(v: unknown, b: Bound): boolean {
  return typeof v === 'number' && Number.isFinite(v) && (b.minExclusive ? v > b.min : v >= b.min) && v <= b.max && (!b.integer || Number.isInteger(v));
}

/** The bounds of each figure of a capacity model. */
export const MODEL_BOUNDS: Readonly<Record<keyof TierCapacityModel, Bound>> = {
  concurrencyPercent: { min: 0, max: 100, allowed: 'a percentage above 0 and at most 100', minExclusive: true },
  requestsPerUserPerSecond: { min: 0, max: 10_000, allowed: 'a number of requests per second above 0 and at most 10000', minExclusive: true },
  requestsPerCoreSecond: { min: 0, max: 1_000_000, allowed: 'a number of requests per second above 0 and at most 1000000', minExclusive: true },
  sparePodsPercent: { min: 0, max: 1000, allowed: 'a percentage from 0 to 1000' },
  zones: { min: 1, max: 10, allowed: 'a whole number of zones from 1 to 10', integer: true },
  cpuMemoryBufferPercent: { min: 0, max: 1000, allowed: 'a percentage from 0 to 1000' },
  queriesPerRequest: { min: 0, max: 1000, allowed: 'a number of queries from 0 to 1000' },
  queryMs: { min: 0, max: 600_000, allowed: 'a number of milliseconds from 0 to 600000' },
  clientPoolPerPod: { min: 1, max: 10_000, allowed: 'a whole number of connections from 1 to 10000', integer: true },
  cacheMiBPerUser: { min: 0, max: 1_048_576, allowed: 'a number of MiB from 0 to 1048576' },
};

/** Records every figure of `model` (at `path`, e.g. `capacity.model`) outside its bound. */
export function checkTierCapacityModel(problems: Problems, path: string, model: TierCapacityModel): void {
  const m = (model ?? {}) as unknown as Record<string, unknown>;
  for (const key of Object.keys(MODEL_BOUNDS) as Array<keyof TierCapacityModel>) {
    if (!inBound(m[key], MODEL_BOUNDS[key])) problems.add(fieldAt(path, key), m[key], MODEL_BOUNDS[key].allowed);
  }
}
