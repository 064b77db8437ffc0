/**
 * The capacity promise of a tier: inside its concurrent-user range the planner recommends the tier as it is. At the
 * points checked (the bottom, the middle and the top of the range) `planCapacity` must pick the tier and list no
 * change: its autoscaler's `maxReplicas` covers the pods with the margin, its pooler and `max_connections` follow
 * Little's law, its Redis holds the cache and its compute envelope (`capacity.cores`, `capacity.memoryGiB`) holds
 * the app. Each tier is judged by its own load model (`capacity.model`, its pod, its CPU target).
 */
import { formatNumber, PlanTier, planCapacity, planFigure } from './capacity-plan';
import { tierBoundaries } from './plan-chart';

/** A point of a tier's concurrent-user range. */
export type RangePoint = 'bottom' | 'middle' | 'top';

/** What a tier promises about its capacity. */
export interface CapacityPromise {
  /** The points of its range where the planner must recommend it with no change. */
  readonly at: readonly RangePoint[];
}

/** The plan at one point of the range. */
export interface CapacityPromisePoint {
  /** The point. */
  readonly at: RangePoint;
  /** Users planned for (concurrent users over the tier's concurrency). */
  readonly users: number;
  /** Their concurrent users, by the recommended tier's concurrency. */
  readonly concurrentUsers: number;
  /** The tier the planner recommends. */
  readonly tier: string;
  /** The changes it lists (none when the promise holds). */
  readonly changes: readonly string[];
}

/** The outcome of {@link checkCapacityPromise}. */
export interface CapacityVerdict {
  /** Whether every point holds. */
  readonly ok: boolean;
  /** One line per broken point, naming the users, the tier picked and each change. */
  readonly failures: readonly string[];
  /** The plan at each point. */
  readonly points: readonly CapacityPromisePoint[];
}

/**
 * The users at the bottom, middle and top of `tier`'s range within `tiers` (smallest first): the top is the most
 * users whose concurrent users fit the range; the bottom is the first user count after the tier before it ends (1
 * for the first tier); the middle is halfway.
 */
export function tierRangeUsers(tier: PlanTier, tiers: readonly PlanTier[]): Readonly<Record<RangePoint, number>> {
  const index = tiers.indexOf(tier);
  if (index < 0) throw new Error(`tier '${tier.name}' is not in the catalogue`);
  const ends = tierBoundaries(tiers).map((b) => b.users);
  const bottom = index === 0 ? 1 : ends[index - 1] + 1;
  const top = ends[index];
  return { bottom, middle: Math.round((bottom + top) / 2), top };
}

/** Checks `tier`'s capacity promise against the planner over the catalogue `tiers` (which holds `tier`). */
export function checkCapacityPromise(tier: PlanTier, tiers: readonly PlanTier[], promise: CapacityPromise): CapacityVerdict {
  const users = tierRangeUsers(tier, tiers);
  const failures: string[] = [];
  const points = promise.at.map((at): CapacityPromisePoint => {
    const plan = planCapacity({ users: users[at] }, tiers);
    const concurrentUsers = planFigure(plan, 'concurrentUsers').value;
    const where = `${tier.name} at the ${at} of its range (${users[at]} users, ${formatNumber(concurrentUsers)} concurrent)`;
    if (plan.tier !== tier.name) failures.push(`${where}: the planner picks ${plan.tier} (${plan.reason})`);
    else for (const change of plan.changes) failures.push(`${where} needs: ${change}`);
    return { at, users: users[at], concurrentUsers, tier: plan.tier, changes: plan.changes };
  });
  return { ok: failures.length === 0, failures, points };
}
