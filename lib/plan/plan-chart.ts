import type { VegaLiteSpec } from '../plots/chart-spec';
import { PlanInputs, resolvePlanInputs } from './plan-inputs';
import { PlanTier, planCapacity, planFigure, tierPlanDefaults } from './capacity-plan';

/** One planned point of {@link planChartSpec}. */
export interface PlanChartPoint {
  /** Users. */
  readonly users: number;
  /** The recommended tier. */
  readonly tier: string;
  /** Pods with the margin. */
  readonly pods: number;
  /** Monthly cost, US dollars. */
  readonly costUsd: number;
}

/**
 * The users at which each tier ends: its upper bound of concurrent users over the concurrency (`concurrencyPercent`
 * when given, else the tier's own).
 */
export function tierBoundaries(tiers: readonly PlanTier[], concurrencyPercent?: number): Array<{ users: number; label: string }> {
  return tiers.map((t) => {
    const concurrency = concurrencyPercent ?? resolvePlanInputs({ users: 1 }, tierPlanDefaults(t)).concurrencyPercent;
    return { users: Math.floor((t.capacity.concurrentUsers.max * 100) / concurrency), label: `${t.name} ends` };
  });
}

/**
 * The plan at about 60 user counts spread evenly on a log scale from 1 user to the largest tier's upper bound,
 * plus each tier boundary and the next user after it.
 */
export function planChartPoints(inputs: Omit<PlanInputs, 'users'>, tiers: readonly PlanTier[]): PlanChartPoint[] {
  const bounds = tierBoundaries(tiers, inputs.concurrencyPercent).map((b) => b.users);
  const top = Math.max(...bounds);
  const users = new Set<number>();
  for (let k = 0; k <= 60; k++) users.add(Math.max(1, Math.round(top ** (k / 60))));
  for (const b of bounds) {
    users.add(b);
    if (b + 1 <= top) users.add(b + 1);
  }
  return [...users]
    .filter((u) => u >= 1 && u <= top)
    .sort((a, b) => a - b)
    .map((u) => {
      const plan = planCapacity({ ...inputs, users: u }, tiers);
      return { users: u, tier: plan.tier, pods: planFigure(plan, 'pods').value, costUsd: planFigure(plan, 'monthlyCostUsd').value };
    });
}

/**
 * `plan --chart`: pods and monthly cost against users (log scale) across the tiers' ranges, coloured by the
 * recommended tier, with a rule where each tier ends; `mark` users get a rule of their own.
 */
export function planChartSpec(points: readonly PlanChartPoint[], boundaries: ReadonlyArray<{ users: number; label: string }>, mark?: number): VegaLiteSpec {
  const top = Math.max(...points.map((p) => p.users));
  const x = { field: 'users', type: 'quantitative', title: 'users', scale: { type: 'log', domain: [1, top], nice: false } };
  const tiers = [...new Set(points.map((p) => p.tier))];
  const rules = [...boundaries.filter((b) => b.users <= top), ...(mark !== undefined && mark <= top ? [{ users: mark, label: `${mark} users` }] : [])];
  const panel = (field: string, title: string) => ({
    width: 640,
    height: 180,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', interpolate: 'step-after', point: { size: 12 } },
        encoding: { x, y: { field, type: 'quantitative', title, scale: { type: 'symlog' } }, color: { field: 'tier', type: 'nominal', scale: { domain: tiers }, legend: { orient: 'bottom', title: 'recommended tier' } } },
      },
      { data: { values: rules }, mark: { type: 'rule', color: '#888888', strokeDash: [4, 3] }, encoding: { x } },
      { data: { values: rules }, mark: { type: 'text', align: 'right', baseline: 'top', dx: -3, dy: 2, fontSize: 9, color: '#555555' }, encoding: { x, y: { value: 0 }, text: { field: 'label' } } },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Planned pods and monthly cost by users (the planner\'s defaults)', fontSize: 12, anchor: 'start' },
    background: 'white',
    config: { font: 'sans-serif' },
    vconcat: [panel('pods', 'pods (with the margin)'), panel('costUsd', 'US dollars a month')],
  };
}
