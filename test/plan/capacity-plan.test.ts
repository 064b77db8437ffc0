import { CapacityPlan, PLAN_DEFAULTS, planCapacity, planFigure } from '../../lib/plan';
import { TIERS, deriveTier, department, development, enterprise, team } from '../../tiers';

const value = (plan: CapacityPlan, key: string) => planFigure(plan, key).value;

describe('planCapacity: golden figures for 600 users (every formula by hand)', () => {
  // GIVEN 600 users and the seeds' defaults
  const plan = planCapacity({ users: 600 }, TIERS);

  test('picks department, with the reason', () => {
    expect(plan.tier).toBe('department');
    expect(plan.reason).toBe('90 concurrent users (15 % of 600) fit department (25-100 concurrent users); development covers at most 5; team covers at most 25');
  });

  test.each([
    ['concurrentUsers', 90], // 600 x 15 %
    ['requestRate', 1800], // 90 x 20 req/s
    ['podsAtTarget', 15], // ceil(1800 / (0.5 x 357.14 x 0.7)) = ceil(14.4)
    ['podsFloor', 15], // max(2, 15)
    ['pods', 24], // max(15 + max(1, ceil(3)), ceil(15 / 2) x 3) = max(18, 24)
    ['cores', 16], // ceil(24 x 0.5 x 1.3) = ceil(15.6)
    ['memoryGiB', 32], // ceil(24 x 1 x 1.3) = ceil(31.2)
    ['dbBusyConnections', 18], // 1800 x 1 x 0.010 s
    ['poolSize', 26], // ceil(18 / 0.7) = ceil(25.7)
    ['clientConnections', 720], // 24 x 30
    ['maxConnections', 57], // 2 pooler pods x 26 + 2 read replicas + 3
    ['redisMiB', 936], // ceil(90 x 8 x 1.3)
    ['redisMiBPerServer', 312], // 936 / 3 masters
    ['storageGiB', 360], // 2 regions x 3 servers x 50 GiB x 1.2
    ['monthlyCostUsd', 1648.8], // 2 x (16 x 0.05 + 32 x 0.01) x 720 + 360 x 0.10
  ])('%s = %d', (key, expected) => {
    expect(value(plan, key)).toBeCloseTo(expected, 6);
  });

  test('the pod capacity is the seed instance\'s: 1000 req/s on 4 cores at 70 %, per core, times 0.5 core', () => {
    expect(value(plan, 'podCapacity')).toBeCloseTo(1000 / (4 * 0.7) / 2, 9);
    // 50 concurrent users at 20 req/s fill one 4-core instance to exactly 70 % (seed 001's "50 users per instance")
    expect((50 * 20) / (4 * PLAN_DEFAULTS.requestsPerCoreSecond)).toBeCloseTo(0.7, 9);
  });

  test('every figure carries its formula and the computation with its numbers', () => {
    expect(planFigure(plan, 'pods')).toMatchObject({ formula: 'N = max(P2 + max(1, ceil(P2 x spare)), ceil(P2 / (zones - 1)) x zones)', computation: 'max(15 + 3, ceil(15 / 2) x 3)', unit: 'pods' });
    expect(planFigure(plan, 'monthlyCostUsd').computation).toBe('2 x (16 x 0.05 + 32 x 0.01) x 720 + 360 x 0.1');
  });

  test('department covers every figure: the override only names the tier, and deriving it changes nothing', () => {
    expect(plan.changes).toEqual([]);
    expect(plan.override).toEqual({
      name: 'department-plan',
      description: 'department sized by the capacity planner for 600 users (90 concurrent).',
    });
    const derived = deriveTier(department, plan.override);
    expect(derived.app).toEqual(department.app);
    expect(derived.postgres).toEqual(department.postgres);
  });

  test('beyond what department states, the override raises it: 600 users at 25 req/s each', () => {
    // 90 x 25 = 2250 req/s; P = ceil(2250 / 125) = 18; N = max(18 + 4, ceil(18 / 2) x 3) = 27; pool ceil(22.5 / 0.7) = 33
    const busier = planCapacity({ users: 600, requestsPerUserPerSecond: 25 }, TIERS);
    expect(busier.tier).toBe('department');
    expect(busier.override).toEqual({
      name: 'department-plan',
      description: 'department sized by the capacity planner for 600 users (90 concurrent).',
      app: { autoscaling: { maxReplicas: 27 } },
      postgres: { pooler: { poolSize: 33, maxClientConnections: 810 } },
    });
    const derived = deriveTier(department, busier.override);
    expect(derived.app.autoscaling?.maxReplicas).toBe(27);
    expect(derived.app.autoscaling?.minReplicas).toBe(3);
    expect(derived.postgres.pooler).toEqual({ poolSize: 33, maxClientConnections: 810 });
  });
});

describe('planCapacity: each tier is judged by its own load model', () => {
  test("the defaults are the tier's: its capacity.model, its app pod's requests and its HPA's CPU target", () => {
    const plan = planCapacity({ users: 600 }, TIERS);
    expect(plan.inputs).toMatchObject({ ...department.capacity.model, podCpuCores: 0.5, podMemoryGiB: 1, targetUtilizationPercent: 70 });
  });

  test('a tier with a lighter load (2 req/s per user) and a 250m pod is sized by them, not by the seed defaults', () => {
    // GIVEN department with its own model: 90 users x 2 req/s = 180 req/s on 250m pods at 60 %
    const light = deriveTier(department, {
      name: 'light',
      capacity: { model: { requestsPerUserPerSecond: 2 } },
      app: { resources: { requests: { cpu: '250m', memory: '512Mi' } }, autoscaling: { cpuUtilization: 60 } },
    });
    const plan = planCapacity({ users: 600 }, [development, team, light, enterprise]);
    // THEN μ = 0.25 x 357.14 = 89.29; P = ceil(180 / (89.29 x 0.6)) = ceil(3.36) = 4; N = max(4 + 1, 2 x 3) = 6
    expect(plan.tier).toBe('light');
    expect(value(plan, 'requestRate')).toBe(180);
    expect(value(plan, 'podsAtTarget')).toBe(4);
    expect(value(plan, 'pods')).toBe(6);
    expect(value(plan, 'memoryGiB')).toBe(4); // ceil(6 x 0.5 x 1.3) = ceil(3.9)
    expect(plan.changes).toEqual([]);
  });

  test('an input that is set wins over the tier: --pod-cpu 1 on team gives the pod override, limits twice the requests', () => {
    const plan = planCapacity({ users: 100, podCpuCores: 1 }, TIERS);
    expect(plan.tier).toBe('team');
    expect(plan.override.app?.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(plan.changes[0]).toBe('app pod: requests 1 CPU / 1Gi (the planned pod; team requests 500m / 1Gi)');
  });
});

describe('planCapacity: one hand-computed example per other formula', () => {
  test("Little's law: 1000 users, 4.8 s think time, p95 200 ms -> 150 / 5 s = 30 req/s; 150 users are beyond department", () => {
    const plan = planCapacity({ users: 1000, thinkTimeSeconds: 4.8, p95LatencyMs: 200 }, TIERS);
    expect(value(plan, 'requestRate')).toBeCloseTo(30, 9);
    expect(planFigure(plan, 'requestRate').formula).toContain("Little's law");
    expect(value(plan, 'podsAtTarget')).toBe(1); // ceil(30 / 125)
    expect(value(plan, 'podsFloor')).toBe(2); // the production floor
    expect(value(plan, 'pods')).toBe(3); // max(2 + 1, ceil(2 / 2) x 3)
    expect(plan.tier).toBe('enterprise');
    expect(plan.reason).toContain('its SLA p95 < 50 ms meets the required 200 ms; development covers at most 5; team covers at most 25; department covers at most 100');
  });

  test('a p95 requirement picks the smallest tier whose SLA promises it', () => {
    expect(planCapacity({ users: 600, p95LatencyMs: 300 }, TIERS).tier).toBe('department');
    expect(planCapacity({ users: 600, p95LatencyMs: 299 }, TIERS).tier).toBe('enterprise');
  });

  test('a tier without a pooler: max_connections = client connections + read replicas + 3 (team without its pooler, 100 users)', () => {
    const teamWithoutPooler = { ...team, postgres: { ...team.postgres, pooler: undefined } };
    const tiers = TIERS.map((t) => (t.name === 'team' ? teamWithoutPooler : t));
    const plan = planCapacity({ users: 100 }, tiers);
    expect(plan.tier).toBe('team');
    expect(value(plan, 'requestRate')).toBe(300); // 15 x 20
    expect(value(plan, 'pods')).toBe(6); // P = ceil(300 / 125) = 3; max(3 + 1, ceil(3 / 2) x 3)
    expect(value(plan, 'maxConnections')).toBe(184); // 6 x 30 + 1 + 3
    expect(plan.override.postgres).toEqual({ maxConnections: 184 });
    expect(plan.override.app).toBeUndefined(); // team's own pod (500m / 1Gi) is the planned pod
    expect(deriveTier(teamWithoutPooler, plan.override).postgres.maxConnections).toBe(184);
  });

  test('with its pooler (team, 100 users): max_connections = pooler pods x pool + read replicas + 3', () => {
    const plan = planCapacity({ users: 100 }, TIERS);
    expect(plan.tier).toBe('team');
    expect(value(plan, 'maxConnections')).toBeLessThan(184);
    expect(deriveTier(team, plan.override).postgres.pooler).toBeDefined();
  });

  test('one zone: the margin is the seed\'s spare pods alone, max(1, ceil(20 %))', () => {
    expect(value(planCapacity({ users: 600, zones: 1 }, TIERS), 'pods')).toBe(18); // 15 + 3
    expect(value(planCapacity({ users: 300, zones: 1 }, TIERS), 'pods')).toBe(10); // P = ceil(900 / 125) = 8; + 2
  });

  test('development: one pod, no floor and no margin; cost = (1 core + 1 GiB) x 720 h + storage', () => {
    const plan = planCapacity({ users: 10 }, TIERS);
    expect(plan.tier).toBe('development');
    expect(value(plan, 'pods')).toBe(1);
    expect(value(plan, 'cores')).toBe(1); // ceil(0.65)
    expect(value(plan, 'memoryGiB')).toBe(1); // ceil(0.25 GiB x 1.3): development's 256Mi pod
    const storage = value(plan, 'storageGiB');
    expect(value(plan, 'monthlyCostUsd')).toBeCloseTo((1 * 0.05 + 1 * 0.01) * 720 + storage * 0.1, 6);
  });

  test('prices are overridable', () => {
    expect(value(planCapacity({ users: 600, prices: { coreHour: 0.1 } }, TIERS), 'monthlyCostUsd')).toBeCloseTo(2 * (16 * 0.1 + 32 * 0.01) * 720 + 36, 6);
  });

  test('Redis: a cluster splits the cache over its masters; beyond the tier the override raises maxMemory', () => {
    const plan = planCapacity({ users: 6666 }, TIERS); // 999.9 concurrent users
    expect(value(plan, 'redisMiB')).toBe(Math.ceil(999.9 * 8 * 1.3));
    expect(value(plan, 'redisMiBPerServer')).toBe(Math.ceil(Math.ceil(999.9 * 8 * 1.3) / 3));
    const big = planCapacity({ users: 6666, cacheMiBPerUser: 64 }, TIERS);
    expect(big.override.redis).toEqual({ maxMemory: `${Math.ceil(Math.ceil(999.9 * 64 * 1.3) / 3)}Mi` });
  });
});

describe('planCapacity: each built-in tier is picked at its upper bound of users', () => {
  test.each(TIERS.map((t) => [t.name, t] as const))('%s', (name, tier) => {
    // GIVEN the most users whose 15 % fits the tier's concurrent users
    const users = Math.floor((tier.capacity.concurrentUsers.max * 100) / 15);
    // WHEN / THEN
    expect(planCapacity({ users }, TIERS).tier).toBe(name);
    // and exactly at the bound, every user concurrent
    expect(planCapacity({ users: tier.capacity.concurrentUsers.max, concurrencyPercent: 100 }, TIERS).tier).toBe(name);
    if (tier !== enterprise) expect(planCapacity({ users: users + 1 }, TIERS).tier).not.toBe(name);
  });

  test('beyond enterprise: enterprise with a raised capacity, and the reason says so', () => {
    const plan = planCapacity({ users: 10_000 }, TIERS);
    expect(plan.tier).toBe('enterprise');
    expect(plan.reason).toContain('beyond every tier');
    expect(plan.override.capacity?.concurrentUsers).toEqual({ min: 100, max: 1500 });
    expect(() => deriveTier(enterprise, plan.override)).not.toThrow();
  });

  test('development is skipped when its one pod cannot carry the load', () => {
    const plan = planCapacity({ users: 20, requestsPerUserPerSecond: 100 }, TIERS); // 3 users x 100 = 300 req/s
    expect(plan.tier).toBe('team');
    expect(plan.reason).toContain('development runs one pod and the load needs 3');
    expect(development.capacity.concurrentUsers.max).toBeGreaterThanOrEqual(3);
  });
});

describe('planCapacity: bad input', () => {
  test('throws one line per problem, naming the field, the value and what is allowed', () => {
    expect(() => planCapacity({ users: -5, concurrencyPercent: 0, requestsPerUserPerSecond: 2, thinkTimeSeconds: 1 }, TIERS)).toThrow(
      [
        "[plan] 'users' must be a whole number of users from 1 to 10000000, got: -5",
        "[plan] 'concurrencyPercent' must be a percentage above 0 and at most 100, got: 0",
        "[plan] 'thinkTimeSeconds' must be left out when 'requestsPerUserPerSecond' is set (the rate comes from one or the other), got: 1",
      ].join('\n'),
    );
  });

  test('throws when one HPA cannot carry the load', () => {
    expect(() => planCapacity({ users: 1_000_000 }, TIERS)).toThrow("[plan] 'users' must be a load one HPA can carry: it needs");
  });

  test('throws when no tier promises the latency', () => {
    expect(() => planCapacity({ users: 600, p95LatencyMs: 10 }, TIERS)).toThrow("[plan] 'p95LatencyMs' must be at least the lowest p95 a tier promises (50 ms), got: 10");
  });
});
