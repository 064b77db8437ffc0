import { checkCapacityPromise, planCapacity, planFigure, tierRangeUsers } from '../../lib/plan';
import { parseCpu, parseMemory } from '../../lib/core/quantity';
import { TIERS, department, deriveTier, development, enterprise, team } from '../../tiers';
import { TIER_CAPACITY_PROMISES } from '../../tiers/promises';

const value = (users: number, key: string) => planFigure(planCapacity({ users }, TIERS), key).value;

describe('the capacity promise: inside its range the planner recommends each tier as it is', () => {
  test('every built-in tier makes it, at the bottom, middle and top of its range', () => {
    expect(Object.keys(TIER_CAPACITY_PROMISES)).toEqual(TIERS.map((t) => t.name));
    for (const promise of Object.values(TIER_CAPACITY_PROMISES)) expect(promise.at).toEqual(['bottom', 'middle', 'top']);
  });

  test.each(TIERS.map((t) => [t.name, t] as const))('%s keeps it', (name, tier) => {
    const verdict = checkCapacityPromise(tier, TIERS, TIER_CAPACITY_PROMISES[name as keyof typeof TIER_CAPACITY_PROMISES]);
    expect(verdict.failures).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.points.map((p) => [p.tier, p.changes.length])).toEqual([[name, 0], [name, 0], [name, 0]]);
    // the top is the tier's upper bound of concurrent users, to within one user of 15 %
    const top = verdict.points[2];
    expect(top.concurrentUsers).toBeLessThanOrEqual(tier.capacity.concurrentUsers.max);
    expect(top.concurrentUsers).toBeGreaterThan(tier.capacity.concurrentUsers.max - 0.15);
  });

  test('each built-in tier states its load model', () => {
    for (const t of TIERS) expect(t.capacity.model).toBeDefined();
  });

  test('the ranges tile the users: each tier starts one user after the one before ends', () => {
    expect(TIERS.map((t) => tierRangeUsers(t, TIERS))).toEqual([
      { bottom: 1, middle: 17, top: 33 },
      { bottom: 34, middle: 100, top: 166 },
      { bottom: 167, middle: 417, top: 666 },
      { bottom: 667, middle: 3667, top: 6666 },
    ]);
  });
});

describe('what the promise holds the tier figures to, at the top of each range (by hand)', () => {
  test('development: 5 users x 20 req/s = 100 req/s fit its one 500m pod at 70 % (125 req/s); 30 + 3 connections', () => {
    expect(parseCpu(development.app.resources?.requests?.cpu ?? 0)).toBe(0.5);
    expect(value(33, 'podsAtTarget')).toBe(1); // ceil(99 / 125)
    expect(value(33, 'maxConnections')).toBe(33); // 1 pod x 30 + 0 replicas + 3 superuser
    expect(development.postgres.maxConnections).toBe(33);
  });

  test('team: 500 req/s need 4 pods of 500m, 6 with the zone margin, 180 client connections', () => {
    expect(value(166, 'pods')).toBe(6); // P = ceil(498 / 125) = 4; max(4 + 1, ceil(4 / 2) x 3)
    expect(team.app.autoscaling!.maxReplicas).toBeGreaterThanOrEqual(6);
    expect(team.postgres.pooler!.maxClientConnections).toBe(180); // 6 x 30
    expect(value(166, 'cores')).toBeLessThanOrEqual(team.capacity.cores.max); // ceil(6 x 0.5 x 1.3) = 4
  });

  test('department: 2000 req/s need 24 pods, a pool of 29 and 720 client connections', () => {
    expect(value(666, 'pods')).toBe(24); // P = ceil(1998 / 125) = 16; max(16 + 4, 8 x 3)
    expect(department.app.autoscaling!.maxReplicas).toBe(24);
    expect(value(666, 'poolSize')).toBe(29); // ceil(19.98 / 0.7)
    expect(department.postgres.pooler).toEqual({ poolSize: 29, maxClientConnections: 720 });
  });

  test('enterprise: 20000 req/s need 240 pods, 156 cores, 312 GiB, a pool of 286 and 578 server connections', () => {
    expect(value(6666, 'pods')).toBe(240); // P = ceil(19998 / 125) = 160; max(160 + 32, 80 x 3)
    expect(enterprise.app.autoscaling!.maxReplicas).toBe(240);
    expect([value(6666, 'cores'), value(6666, 'memoryGiB')]).toEqual([156, 312]); // ceil(240 x 0.5 x 1.3), ceil(240 x 1 x 1.3)
    expect([enterprise.capacity.cores.max, enterprise.capacity.memoryGiB.max]).toEqual([156, 312]);
    expect(value(6666, 'poolSize')).toBe(286); // ceil(199.98 / 0.7)
    expect(enterprise.postgres.maxConnections).toBe(578); // 2 pooler pods x 286 + 3 read replicas + 3
    expect(enterprise.postgres.pooler).toEqual({ poolSize: 286, maxClientConnections: 7200 }); // 240 x 30
  });

  test("Redis holds each tier's cache at its top: ceil(C x 8 MiB x 1.3), split over a cluster's masters", () => {
    for (const [users, tier] of [[33, development], [166, team], [666, department], [6666, enterprise]] as const) {
      expect(value(users, 'redisMiBPerServer') * 2 ** 20).toBeLessThanOrEqual(parseMemory(tier.redis.maxMemory)!);
    }
  });
});

describe('the check can fail', () => {
  test("the seeds' own figures: enterprise at HPA 3-50, 64-128 cores and a pool of 25 misses its top", () => {
    const seeds = deriveTier(enterprise, {
      capacity: { cores: { max: 128 }, memoryGiB: { max: 256 } },
      app: { autoscaling: { maxReplicas: 50 } },
      postgres: { maxConnections: 200, pooler: { poolSize: 25, maxClientConnections: 200 } },
    });
    const tiers = [development, team, department, seeds];
    const verdict = checkCapacityPromise(seeds, tiers, TIER_CAPACITY_PROMISES.enterprise);
    expect(verdict.ok).toBe(false);
    expect(verdict.failures).toContain('enterprise at the top of its range (6666 users, 999.9 concurrent) needs: app HPA maxReplicas 50 -> 240: the peak needs 240 pods with the margin');
    expect(verdict.failures).toContain('enterprise at the top of its range (6666 users, 999.9 concurrent) needs: Postgres maxConnections 200 -> 578');
    expect(verdict.failures).toContain('enterprise at the top of its range (6666 users, 999.9 concurrent) needs: capacity (documentation) raised to {"cores":{"min":64,"max":156},"memoryGiB":{"min":128,"max":312}}');
  });

  test("development's old 100m pod: the planner moves its top to team", () => {
    const small = deriveTier(development, { app: { resources: { requests: { cpu: '100m' } } } });
    const verdict = checkCapacityPromise(small, [small, team, department, enterprise], TIER_CAPACITY_PROMISES.development);
    expect(verdict.failures).toEqual([
      "development at the middle of its range (17 users, 2.55 concurrent): the planner picks team (2.55 concurrent users (15 % of 17) are below team's range (5-25 concurrent users), the smallest tier that qualifies; development runs one pod and the load needs 3)",
      "development at the top of its range (33 users, 4.95 concurrent): the planner picks team (4.95 concurrent users (15 % of 33) are below team's range (5-25 concurrent users), the smallest tier that qualifies; development runs one pod and the load needs 4)",
    ]);
  });
});
