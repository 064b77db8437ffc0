import { HorizontalScaling } from '../../lib/app/horizontal-scaling';
import { checkPromises } from '../../lib/sim/scaling-promise';
import { DayPoint, checkBacklogPromise, checkSchedulePromise } from '../../lib/sim';
import { TIERS, TIER_DAYS, TierSpec, department, enterprise, team, tierDay } from '../../tiers';
import { TIER_BACKLOG_PROMISES, TIER_PROMISES, TIER_SCHEDULE_PROMISES } from '../../tiers/promises';

const autoscaled = TIERS.filter((t) => t.app.autoscaling !== undefined);

/** Each tier's simulated day, simulated once for the tests that read it. */
const days = new Map<TierSpec, DayPoint[]>();
const dayOf = (tier: TierSpec): DayPoint[] => days.get(tier) ?? days.set(tier, tierDay(tier)).get(tier)!;

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

  test('every tier with a schedule has a schedule promise, and every tier with a queue metric a backlog promise', () => {
    expect(Object.keys(TIER_SCHEDULE_PROMISES).sort()).toEqual(autoscaled.filter((t) => t.app.autoscaling!.schedule).map((t) => t.name).sort());
    expect(Object.keys(TIER_BACKLOG_PROMISES).sort()).toEqual(autoscaled.filter((t) => t.app.autoscaling!.podsMetric).map((t) => t.name).sort());
  });

  test.each(Object.entries(TIER_SCHEDULE_PROMISES))('%s: at each window opening the pods are ready in time (sync 15 s + start-up 30 s)', (name, promises) => {
    const tier = TIERS.find((t) => t.name === name)!;
    for (const promise of promises) {
      const verdict = checkSchedulePromise(tier.app.autoscaling!, promise);
      expect(verdict.failures).toEqual([]);
      expect(Math.ceil(verdict.seconds)).toBe(45);
    }
  });

  test("department's seed 001 promise: 4 pods ready by 06:01, in winter (EST) as in summer (EDT)", () => {
    const [promise] = TIER_SCHEDULE_PROMISES.department!;
    expect(promise).toMatchObject({ at: '06:00', readyReplicas: 4, readyBy: '06:01' });
    expect(checkSchedulePromise(department.app.autoscaling!, promise, '2026-01-05').ok).toBe(true);
  });

  test('the schedule check can fail: a 120 s start-up misses 06:01', () => {
    const verdict = checkSchedulePromise(department.app.autoscaling!, { ...TIER_SCHEDULE_PROMISES.department![0], podStartupSeconds: 120 });
    expect(verdict.failures).toEqual(['at 06:00 4 pods are ready 135 s later; promised by 06:01']);
  });

  test.each(Object.entries(TIER_BACKLOG_PROMISES))('%s: the burst backlog drains in time', (name, promise) => {
    const tier = TIERS.find((t) => t.name === name)!;
    const verdict = checkBacklogPromise(tier.app.autoscaling!, promise);
    expect(verdict.failures).toEqual([]);
    expect(verdict.seconds).toBeLessThanOrEqual(promise.drainWithinSeconds);
  });

  test('the backlog figures: department 160.21 s, enterprise 259.375 s', () => {
    // department: the hand-computed trace of test/sim/scaling-simulator.test.ts up to 75 s (12 ready, 1685 tasks), then
    // 24 pods (its maxReplicas) asked at 75 s and ready at 105 s: 1505, 1325 left; -24/s: 965, 605, 245 at 150 s,
    // empty at 150 + 245 / 24
    expect(checkBacklogPromise(department.app.autoscaling!, TIER_BACKLOG_PROMISES.department!).seconds).toBeCloseTo(150 + 245 / 24, 9);
    // enterprise: 259.375 s (263.5 s when it stopped at 50 pods)
    expect(checkBacklogPromise(enterprise.app.autoscaling!, TIER_BACKLOG_PROMISES.enterprise!).seconds).toBe(259.375);
    expect(checkBacklogPromise({ ...enterprise.app.autoscaling!, maxReplicas: 50 }, TIER_BACKLOG_PROMISES.enterprise!).seconds).toBe(263.5);
  });

  test('the backlog check can fail: a pod at 0.1 task/s cannot drain 2000 tasks in 5 minutes', () => {
    const verdict = checkBacklogPromise(department.app.autoscaling!, { ...TIER_BACKLOG_PROMISES.department!, tasksPerPodPerSecond: 0.1 });
    expect(verdict.ok).toBe(false);
    expect(verdict.failures[0]).toMatch(/^a backlog of 2000 tasks drains in \d+ s; promised within 300 s$/);
  });

  test.each(Object.keys(TIER_DAYS))("%s: a simulated day as data, a point a minute, within the tier's bounds", (name) => {
    const tier = TIERS.find((t) => t.name === name)!;
    const day = dayOf(tier);
    const a = tier.app.autoscaling!;
    expect(day).toHaveLength(1440);
    expect(day[0].time).toBe('00:00');
    expect(day[1439].time).toBe('23:59');
    expect(day.filter((p) => p.replicas < a.minReplicas || p.replicas > a.maxReplicas)).toEqual([]);
  });

  test("department's day follows seed 001's schedule: at least 4 ready from 06:01 to 02:00, the night at 3", () => {
    const day = dayOf(department);
    const at = (time: string) => day.find((p) => p.time === time)!;
    expect(at('05:59')).toMatchObject({ scheduleFloor: 0, replicas: 3 });
    expect(at('06:00').scheduleFloor).toBe(4);
    expect(at('06:01').readyReplicas).toBeGreaterThanOrEqual(4);
    expect(at('01:59').scheduleFloor).toBe(4);
    expect(at('02:00').scheduleFloor).toBe(0);
    expect(at('03:00').replicas).toBe(3);
    expect(day.filter((p) => p.scheduleFloor > 0 && p.time >= '06:01').every((p) => p.readyReplicas >= 4)).toBe(true);
  });
});
