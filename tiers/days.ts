import { DayPoint, DayProfile, simulateDay } from '../lib/sim';
import type { TierSpec } from '../lib/tier';

/**
 * An illustrative working day per autoscaled tier, hour by hour in the tier's schedule timezone (UTC without one):
 * CPU demand in percent of one pod's request and tasks arriving per second. Not seed figures: shapes for the
 * planner's charts (quiet night, morning ramp, two peaks around lunch, evening tail), scaled to each tier's range.
 */
export const TIER_DAYS: Readonly<Record<'team' | 'department' | 'enterprise', DayProfile>> = {
  team: {
    cpuDemandPercent: [60, 50, 50, 50, 50, 60, 80, 150, 300, 400, 450, 450, 400, 450, 450, 400, 350, 250, 150, 100, 80, 70, 60, 60],
    tasksPerSecond: Array(24).fill(0),
    tasksPerPodPerSecond: 1,
    podStartupSeconds: 30,
  },
  department: {
    cpuDemandPercent: [100, 100, 80, 80, 80, 100, 200, 400, 800, 1000, 1100, 1100, 1000, 1100, 1100, 1000, 900, 700, 500, 400, 300, 200, 150, 100],
    tasksPerSecond: [0.5, 0.5, 0.2, 0.2, 0.2, 0.5, 2, 4, 8, 12, 14, 14, 12, 14, 14, 12, 8, 6, 4, 3, 2, 1, 1, 0.5],
    tasksPerPodPerSecond: 1,
    podStartupSeconds: 30,
  },
  // Three regions round the clock: a flatter day with a smaller night dip.
  enterprise: {
    cpuDemandPercent: [1200, 1000, 900, 900, 1000, 1200, 1600, 2000, 2400, 2600, 2800, 2800, 2600, 2800, 2800, 2600, 2400, 2200, 2000, 1800, 1600, 1500, 1400, 1300],
    tasksPerSecond: [10, 8, 6, 6, 8, 10, 14, 18, 24, 28, 30, 30, 28, 30, 30, 28, 24, 22, 20, 18, 16, 14, 12, 11],
    tasksPerPodPerSecond: 1,
    podStartupSeconds: 30,
  },
};

/**
 * One simulated day of a tier's app autoscaling under its {@link TIER_DAYS} profile: a point a minute (local time,
 * load, queue, replicas, schedule floor) for charts. Throws for a tier without autoscaling or without a profile.
 */
export function tierDay(tier: TierSpec): DayPoint[] {
  const profile = TIER_DAYS[tier.name as keyof typeof TIER_DAYS];
  if (!tier.app.autoscaling || !profile) throw new Error(`[tierDay] tier ${tier.name} has no autoscaling or no day profile; tiers with both: ${Object.keys(TIER_DAYS).join(', ')}`);
  return simulateDay(tier.app.autoscaling, profile);
}
