import { HorizontalScaling } from '../../lib/app/horizontal-scaling';
import { checkPromises } from '../../lib/sim/scaling-promise';
import { TIERS, enterprise, team } from '../../tiers';
import { TIER_PROMISES } from '../../tiers/promises';

const autoscaled = TIERS.filter((t) => t.app.autoscaling !== undefined);

describe('tier promises', () => {
  test('every tier with an HPA has a promise, and only those', () => {
    expect(Object.keys(TIER_PROMISES).sort()).toEqual(autoscaled.map((t) => t.name).sort());
    expect(TIERS.find((t) => t.name === 'development')?.app.autoscaling).toBeUndefined();
  });

  test.each(autoscaled.map((t) => [t.name, t] as const))('%s meets its promises with its own app.autoscaling', (name, tier) => {
    const promise = TIER_PROMISES[name as keyof typeof TIER_PROMISES];
    const verdict = checkPromises(tier.app.autoscaling!, promise);
    expect(verdict.failures).toEqual([]);
    expect(verdict.ok).toBe(true);
    // 2x load from a steady state at the target: +100 % is allowed at once, so one sync (15 s) + start-up (30 s)
    expect(verdict.scaleUpSeconds).toBe(45);
    expect(verdict.scaleUpSeconds).toBeLessThan(promise.scaleUpSeconds);
    // the last high recommendation leaves the 300 s window exactly 300 s after the drop (worst sync phase)
    expect(verdict.scaleDownSeconds).toBe(300);
  });

  test('the scale-down settles by the tier rate: one -50 % step for team/department, -10 %/60 s for enterprise', () => {
    expect(checkPromises(team.app.autoscaling!, TIER_PROMISES.team).scaleDownSettledSeconds).toBe(300);
    // from 50 pods: 45 (300 s), 40 (360), 36 (420), 32 (480), 28 (540), 25 (600)
    expect(checkPromises(enterprise.app.autoscaling!, TIER_PROMISES.enterprise).scaleDownSettledSeconds).toBe(600);
  });

  test("seed 003's behaviour (60 s scale-up window, max(+100 %, +4 pods)/60 s) misses the 60 s promise", () => {
    const seed003: HorizontalScaling = {
      ...enterprise.app.autoscaling!,
      scaleUp: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 60 },
          { type: 'Pods', value: 4, periodSeconds: 60 },
        ],
      },
    };
    const verdict = checkPromises(seed003, TIER_PROMISES.enterprise);
    expect(verdict.ok).toBe(false);
    // the minimum over the 60 s window stays at the old count until the pre-step recommendation at 0 s leaves it
    // at 60 s; the new pods are ready at 60 + 30 = 90 s
    expect(verdict.scaleUpSeconds).toBe(90);
    expect(verdict.failures).toEqual(['scale-up to 2x load takes 90 s from 3 pods; promised under 60 s']);
  });

  test('the check can fail: a slow scale-up policy (1 pod per 60 s) breaks the team promise', () => {
    const slow: HorizontalScaling = {
      ...team.app.autoscaling!,
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    };
    const verdict = checkPromises(slow, TIER_PROMISES.team);
    expect(verdict.ok).toBe(false);
    // worst case from 5 pods to 10: +1 at 15, 75, 135, 195, 255 s; the 10th pod is ready at 255 + 30 = 285 s
    expect(verdict.scaleUpSeconds).toBe(285);
    expect(verdict.failures).toEqual(['scale-up to 2x load takes 285 s from 5 pods; promised under 60 s']);
  });

  test('the check can fail on scale-down: a 600 s window is too slow for the 300 s promise', () => {
    const lazy: HorizontalScaling = { ...team.app.autoscaling!, scaleDown: { ...team.app.autoscaling!.scaleDown, stabilizationWindowSeconds: 600 } };
    const verdict = checkPromises(lazy, TIER_PROMISES.team);
    expect(verdict.ok).toBe(false);
    expect(verdict.scaleDownSeconds).toBe(600);
  });

  test('an HPA whose maxReplicas cannot absorb the load factor fails with a reason', () => {
    const narrow: HorizontalScaling = { ...team.app.autoscaling!, minReplicas: 6, maxReplicas: 10 };
    const verdict = checkPromises(narrow, TIER_PROMISES.team);
    expect(verdict.ok).toBe(false);
    expect(verdict.failures[0]).toBe("'maxReplicas' (10) cannot absorb 2x the load of 'minReplicas' (6) pods at 70 %");
  });

  test('the promise also holds from a steady load below or above the target (inside the tolerance band)', () => {
    for (const base of [63, 76]) {
      expect(checkPromises(team.app.autoscaling!, TIER_PROMISES.team, { baseUtilizationPercent: base })).toMatchObject({ ok: true, scaleUpSeconds: 45 });
    }
  });

  test('throws on an invalid promise', () => {
    expect(() => checkPromises(team.app.autoscaling!, { ...TIER_PROMISES.team, loadFactor: 1 })).toThrow(
      "[checkPromises] 'promise.loadFactor' must be a factor above 1 and at most 100, got: 1",
    );
  });
});
