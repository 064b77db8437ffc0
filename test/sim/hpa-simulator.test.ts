import { HorizontalScaling, ScalingRules } from '../../lib/app/horizontal-scaling';
import { HpaSimulation, metricRecommendation, simulateHpa, timeToScaleDown, timeToScaleFor } from '../../lib/sim/hpa-simulator';

// Team-tier-like HPA: 2-10 pods, cpu 70 %, up max(+100 %, +2 pods)/30 s no window, down -50 %/60 s after 300 s.
const UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 30 },
    { type: 'Pods', value: 2, periodSeconds: 30 },
  ],
};
const DOWN: ScalingRules = { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] };
const HPA: HorizontalScaling = { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70, scaleUp: UP, scaleDown: DOWN };

/** spec.replicas at the sync at time t. */
function replicasAt(sim: HpaSimulation, t: number): number {
  const s = sim.timeline.filter((x) => x.t <= t).pop();
  if (s === undefined) throw new Error(`no sample at ${t}`);
  return s.replicas;
}

describe('metricRecommendation (replica_calculator.go)', () => {
  test('4 pods at 140 % of a 70 % target -> 8', () => {
    // demand 560 over 4 ready pods = 140 %; ratio 140 / 70 = 2.0; ceil(2.0 x 4) = 8
    expect(metricRecommendation({ currentReplicas: 4, readyPods: 4, unreadyPods: 0, demandPercent: 560, target: 70, tolerance: 0.1 })).toBe(8);
  });

  test('tolerance: 75 % against a 70 % target changes nothing', () => {
    // demand 300 over 4 pods = 75 %; ratio 75 / 70 = 1.071; |1 - 1.071| = 0.071 <= 0.1 -> keep 4
    expect(metricRecommendation({ currentReplicas: 4, readyPods: 4, unreadyPods: 0, demandPercent: 300, target: 70, tolerance: 0.1 })).toBe(4);
  });

  test('just outside the tolerance: 78 % against 70 % -> 5', () => {
    // demand 312 over 4 pods = 78 %; ratio 78 / 70 = 1.114 > 1.1; ceil(1.114 x 4) = ceil(4.457) = 5
    expect(metricRecommendation({ currentReplicas: 4, readyPods: 4, unreadyPods: 0, demandPercent: 312, target: 70, tolerance: 0.1 })).toBe(5);
  });

  test('utilisation is truncated to a whole percent, as upstream', () => {
    // demand 1405 over 10 pods = 140.5 % -> truncated to 140 -> ratio 2.0 -> ceil(2.0 x 10) = 20
    // (unrounded it would be ceil(140.5 / 70 x 10) = ceil(20.07) = 21)
    expect(metricRecommendation({ currentReplicas: 10, readyPods: 10, unreadyPods: 0, demandPercent: 1405, target: 70, tolerance: 0.1 })).toBe(20);
  });

  test('the tolerance edge is decided in float64, as in the Go controller', () => {
    // 77 / 70 = 1.1000000000000001 in float64, so |1 - ratio| = 0.10000000000000009 > 0.1: it scales,
    // ceil(1.1000000000000001 x 3) = ceil(3.3000000000000003) = 4
    expect(metricRecommendation({ currentReplicas: 3, readyPods: 3, unreadyPods: 0, demandPercent: 231, target: 70, tolerance: 0.1 })).toBe(4);
    // 76 % is inside: 76 / 70 = 1.086 -> keep 3
    expect(metricRecommendation({ currentReplicas: 3, readyPods: 3, unreadyPods: 0, demandPercent: 228, target: 70, tolerance: 0.1 })).toBe(3);
  });

  test('unready pods count as 0 % on a scale-up, so starting pods do not cause an overshoot', () => {
    // 4 ready + 4 starting, demand 560: ready-only ratio 140 / 70 = 2 > 1 with unready pods ->
    // recompute over 8 pods: floor(560 / 8) = 70 % -> ratio 1.0 -> within tolerance -> keep 8
    expect(metricRecommendation({ currentReplicas: 8, readyPods: 4, unreadyPods: 4, demandPercent: 560, target: 70, tolerance: 0.1 })).toBe(8);
    // 4 ready + 2 starting, demand 700: floor(700 / 6) = 116 % -> ratio 1.657 -> ceil(1.657 x 6) = ceil(9.94) = 10
    expect(metricRecommendation({ currentReplicas: 6, readyPods: 4, unreadyPods: 2, demandPercent: 700, target: 70, tolerance: 0.1 })).toBe(10);
  });
});

describe('simulateHpa', () => {
  test('a 2x load step: scaled at the first sync after it, ready after the start-up delay', () => {
    // GIVEN 2 pods at 70 % (demand 140) WHEN demand doubles to 280 just after the sync at 0
    const sim = simulateHpa({ hpa: HPA, initialReplicas: 2, loadSteps: [{ atSeconds: 0, demandPercent: 280 }], podStartupSeconds: 30, durationSeconds: 120 });
    // THEN the sync at 15 s sees 140 % -> desired ceil(2 x 2) = 4; limit max(ceil(2 x 2), 2 + 2) = 4 -> 4
    expect(sim.timeline.find((s) => s.t === 15)).toMatchObject({ replicas: 4, readyReplicas: 2, desired: 4, utilizationPercent: 140 });
    // AND the two new pods are ready at 15 + 30 = 45 s
    expect(sim.timeToReach(4)).toBe(45);
    expect(replicasAt(sim, 120)).toBe(4);
  });

  test('scale-up limited by max(Percent 100, Pods 2) per 30 s', () => {
    // 3 pods at 300 % (demand 900): desired ceil(300 / 70 x 3) = ceil(12.86) = 13
    const sim = simulateHpa({ hpa: { ...HPA, maxReplicas: 20 }, initialReplicas: 3, loadSteps: [{ atSeconds: 0, demandPercent: 900 }], podStartupSeconds: 60, durationSeconds: 60 });
    // t=15: start 3 -> Percent ceil(3 x 2) = 6, Pods 3 + 2 = 5; Max -> 6
    expect(replicasAt(sim, 15)).toBe(6);
    // t=30: +3 at 15 is within 30 s -> period start 6 - 3 = 3 -> limit still 6
    expect(replicasAt(sim, 30)).toBe(6);
    // t=45: the event at 15 left the period -> start 6 -> Percent 12, Pods 8 -> 12; desired (3 ready + 3 unready at 0 %):
    // floor(900 / 6) = 150 % -> ceil(150 / 70 x 6) = 13 -> limited to 12
    expect(replicasAt(sim, 45)).toBe(12);
  });

  test("selectPolicy 'Min' takes the smaller change", () => {
    const hpa = { ...HPA, maxReplicas: 20, scaleUp: { ...UP, selectPolicy: 'Min' as const } };
    const sim = simulateHpa({ hpa, initialReplicas: 3, loadSteps: [{ atSeconds: 0, demandPercent: 900 }], podStartupSeconds: 60, durationSeconds: 45 });
    // t=15: min(6, 5) = 5; t=30: start 5 - 2 = 3 -> min(6, 5) = 5; t=45: start 5 -> min(10, 7) = 7
    expect([15, 30, 45].map((t) => replicasAt(sim, t))).toEqual([5, 5, 7]);
  });

  test("selectPolicy 'Disabled' forbids that direction", () => {
    const upOff = simulateHpa({ hpa: { ...HPA, scaleUp: { ...UP, selectPolicy: 'Disabled' } }, initialReplicas: 2, loadSteps: [{ atSeconds: 0, demandPercent: 560 }], podStartupSeconds: 0, durationSeconds: 300 });
    expect(upOff.timeline.every((s) => s.replicas === 2)).toBe(true);
    expect(upOff.timeline.at(-1)?.desired).toBe(8); // the metric wants 8, the behaviour forbids it
    const downOff = simulateHpa({ hpa: { ...HPA, scaleDown: { ...DOWN, selectPolicy: 'Disabled' } }, initialReplicas: 8, loadSteps: [{ atSeconds: 0, demandPercent: 70 }], podStartupSeconds: 0, durationSeconds: 1200 });
    expect(downOff.timeline.every((s) => s.replicas === 8)).toBe(true);
  });

  test('scale-down stabilisation keeps the highest recommendation of the last 300 s', () => {
    // GIVEN 4 pods steady at 70 % (demand 280): every sync up to 90 s recommends 4
    // WHEN demand drops to 70 just after the sync at 90 s: from 105 s the raw recommendation is
    //   floor(70 / 4) = 17 % -> ceil(17 / 70 x 4) = 1 (bounded to minReplicas 2 later)
    const sim = simulateHpa({
      hpa: HPA,
      initialReplicas: 4,
      loadSteps: [
        { atSeconds: 0, demandPercent: 280 },
        { atSeconds: 90, demandPercent: 70 },
      ],
      podStartupSeconds: 30,
      durationSeconds: 600,
    });
    expect(sim.timeline.find((s) => s.t === 105)?.desired).toBe(1);
    // THEN the recommendation of 4 recorded at 90 s holds the count at 4 while it is inside the window (t - 300 < 90)
    expect(replicasAt(sim, 375)).toBe(4);
    // AND at 390 s it has left the window: max of the window = 1; limit -50 %/60 s = trunc(4 x 0.5) = 2; min 2 -> 2,
    // exactly 300 s after the load dropped
    expect(replicasAt(sim, 390)).toBe(2);
    expect(sim.find((s) => s.replicas < 4)?.t).toBe(390);
  });

  test('scale-down by Percent 10 per 60 s truncates, period by period', () => {
    const hpa: HorizontalScaling = { ...HPA, minReplicas: 1, maxReplicas: 50, scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } };
    const sim = simulateHpa({ hpa, initialReplicas: 10, loadSteps: [{ atSeconds: 0, demandPercent: 70 }], podStartupSeconds: 0, durationSeconds: 200 });
    // t=15: trunc(10 x 0.9) = 9; t=30, 45, 60: the -1 at 15 is within 60 s -> start 10 -> 9, no change;
    // t=75: start 9 -> trunc(8.1) = 8; t=135: trunc(8 x 0.9) = trunc(7.2) = 7; t=195: trunc(6.3) = 6
    expect([15, 60, 75, 120, 135, 195].map((t) => replicasAt(sim, t))).toEqual([9, 9, 8, 8, 7, 6]);
  });

  test('minReplicas and maxReplicas bound the count', () => {
    const high = simulateHpa({ hpa: HPA, initialReplicas: 8, loadSteps: [{ atSeconds: 0, demandPercent: 5000 }], podStartupSeconds: 0, durationSeconds: 120 });
    // desired ceil(625 / 70 x 8) = 72, limit ceil(8 x 2) = 16 -> maxReplicas 10
    expect(high.timeline.find((s) => s.t === 15)).toMatchObject({ desired: 72, replicas: 10 });
    expect(Math.max(...high.timeline.map((s) => s.replicas))).toBe(10);
    const idle = simulateHpa({ hpa: { ...HPA, scaleDown: { ...DOWN, stabilizationWindowSeconds: 0 } }, initialReplicas: 4, loadSteps: [{ atSeconds: 0, demandPercent: 0 }], podStartupSeconds: 0, durationSeconds: 120 });
    // desired ceil(0) = 0; limit trunc(4 x 0.5) = 2; minReplicas 2 -> 2
    expect(idle.timeline.find((s) => s.t === 15)).toMatchObject({ desired: 0, replicas: 2 });
    expect(Math.min(...idle.timeline.map((s) => s.replicas))).toBe(2);
  });

  test('a count outside the bounds is corrected at the first sync, without behaviour', () => {
    // 15 pods with maxReplicas 10: reconcileAutoscaler sets 10 directly (no window, no -50 % limit)
    const sim = simulateHpa({ hpa: HPA, initialReplicas: 15, loadSteps: [{ atSeconds: 0, demandPercent: 700 }], podStartupSeconds: 0, durationSeconds: 15 });
    expect(replicasAt(sim, 15)).toBe(10);
  });

  test('timeToScaleFor and timeToScaleDown from a warm steady state', () => {
    // 2 -> 4 pods: seen at the first sync (15 s), ready 30 s later
    expect(timeToScaleFor(HPA, { fromLoad: 140, toLoad: 280, podStartupSeconds: 30 })).toBe(45);
    // 8 pods cannot carry 1000 % at 70 % (needs 15 > maxReplicas 10)
    expect(timeToScaleFor(HPA, { fromLoad: 140, toLoad: 1000, podStartupSeconds: 30 })).toBe(Infinity);
    expect(timeToScaleDown(HPA, { fromLoad: 280, toLoad: 140, podStartupSeconds: 30 })).toEqual({ firstStepSeconds: 300, settledSeconds: 300, settledReplicas: 2 });
  });

  describe('throws on invalid input', () => {
    test('bad numbers, all at once', () => {
      expect(() =>
        simulateHpa({ hpa: HPA, initialReplicas: 0, loadSteps: [{ atSeconds: 5, demandPercent: -1 }], podStartupSeconds: -1, durationSeconds: 60, tolerance: 1.5 }),
      ).toThrow(
        [
          "[simulateHpa] 'initialReplicas' must be an integer between 1 and 1000, got: 0",
          "[simulateHpa] 'podStartupSeconds' must be a number of seconds between 0 and 86400, got: -1",
          "[simulateHpa] 'tolerance' must be a number between 0 and 1 (exclusive), got: 1.5",
          "[simulateHpa] 'loadSteps[0].atSeconds' must be 0 (the load at the start), got: 5",
          "[simulateHpa] 'loadSteps[0].demandPercent' must be a number >= 0, got: -1",
        ].join('\n'),
      );
    });

    test('steps out of order', () => {
      const loadSteps = [
        { atSeconds: 0, demandPercent: 1 },
        { atSeconds: 0, demandPercent: 2 },
      ];
      expect(() => simulateHpa({ hpa: HPA, initialReplicas: 2, loadSteps, podStartupSeconds: 0, durationSeconds: 60 })).toThrow(
        "[simulateHpa] 'loadSteps[1].atSeconds' must be a time after 'loadSteps[0].atSeconds' (0), got: 0",
      );
    });

    test('an HPA without a utilisation metric', () => {
      const hpa: HorizontalScaling = { ...HPA, cpuUtilization: undefined, podsMetric: { name: 'queue', averageValue: '10' } };
      expect(() => simulateHpa({ hpa, initialReplicas: 2, loadSteps: [{ atSeconds: 0, demandPercent: 1 }], podStartupSeconds: 0, durationSeconds: 60 })).toThrow(
        "[simulateHpa] 'hpa' must be an HPA with 'cpuUtilization' or 'memoryUtilization' (or pass 'targetUtilization'): the simulator models a utilisation metric, got: \"no resource metric\"",
      );
    });

    test('an invalid HPA', () => {
      expect(() => simulateHpa({ hpa: { ...HPA, minReplicas: 0 }, initialReplicas: 2, loadSteps: [{ atSeconds: 0, demandPercent: 1 }], podStartupSeconds: 0, durationSeconds: 60 })).toThrow(
        "[simulateHpa] 'hpa.minReplicas' must be an integer between 1 and 'hpa.maxReplicas' - 1 (9): an HPA with equal bounds cannot scale, got: 0",
      );
    });
  });
});
