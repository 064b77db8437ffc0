import * as fc from 'fast-check';
import { CapacityPlan, PlanInputs, planCapacity, planFigure } from '../../lib/plan';
import { validateManifests } from '../../lib/validate';
import { TIERS, TierSpec, deriveTier, validateTierSpec } from '../../tiers';
import { tierManifests } from '../validate/_baseline';

/** Inputs other than users, within ranges where one HPA carries up to 15,000 users (at most 1000 pods). */
const options: fc.Arbitrary<Omit<PlanInputs, 'users'>> = fc.record(
  {
    concurrencyPercent: fc.integer({ min: 5, max: 20 }),
    requestsPerUserPerSecond: fc.integer({ min: 1, max: 20 }),
    p95LatencyMs: fc.constantFrom(50, 100, 300, 1000),
    zones: fc.integer({ min: 1, max: 4 }),
    minPods: fc.integer({ min: 1, max: 3 }),
    queryMs: fc.integer({ min: 1, max: 50 }),
    cacheMiBPerUser: fc.integer({ min: 0, max: 32 }),
  },
  { requiredKeys: [] },
);
const users = fc.integer({ min: 1, max: 15_000 });
const v = (plan: CapacityPlan, key: string) => planFigure(plan, key).value;
const base = (plan: CapacityPlan): TierSpec => TIERS.find((t) => t.name === plan.tier)!;

describe('planner properties', () => {
  test('more users never gives fewer pods, cores or cost', () => {
    fc.assert(
      fc.property(options, users, users, (o, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const p = planCapacity({ ...o, users: lo }, TIERS);
        const q = planCapacity({ ...o, users: hi }, TIERS);
        for (const key of ['pods', 'cores', 'memoryGiB', 'monthlyCostUsd']) expect(v(q, key)).toBeGreaterThanOrEqual(v(p, key));
        expect(TIERS.indexOf(base(q))).toBeGreaterThanOrEqual(TIERS.indexOf(base(p)));
      }),
      { numRuns: 300 },
    );
  });

  test('production tiers (team and larger) never get fewer than 2 pods', () => {
    fc.assert(
      fc.property(options, users, (o, u) => {
        const plan = planCapacity({ ...o, users: u }, TIERS);
        if (plan.tier !== 'development') expect(v(plan, 'pods')).toBeGreaterThanOrEqual(2);
        else expect(v(plan, 'pods')).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  test('a derived override always passes validateTierSpec', () => {
    fc.assert(
      fc.property(options, users, (o, u) => {
        const plan = planCapacity({ ...o, users: u }, TIERS);
        const derived = deriveTier(base(plan), plan.override);
        expect(validateTierSpec(derived)).toBe(derived);
        expect(derived.name).toBe(`${plan.tier}-plan`);
      }),
      { numRuns: 300 },
    );
  });

  test('a derived override synthesises with zero gate findings (30 runs: synthesis is slow)', () => {
    fc.assert(
      fc.property(options, users, (o, u) => {
        const plan = planCapacity({ ...o, users: u }, TIERS);
        const derived = deriveTier(base(plan), plan.override);
        expect(validateManifests(tierManifests(derived))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  }, 600_000);
});
