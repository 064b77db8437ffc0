import { HorizontalScaling } from '../../lib/app';
import { averageValueRecommendation, scheduleFloorAt, simulateScaling } from '../../lib/sim';
import { department, enterprise } from '../../tiers';

const dept = department.app.autoscaling!;
const ny = (local: string) => new Date(`${local}-04:00`); // June: EDT

describe('the schedule floor (wall clock in the timezone)', () => {
  test.each([
    ['2026-06-02T01:59:00', 4], // still inside 06:00-02:00, which crossed midnight
    ['2026-06-02T02:00:00', 0], // the end is exclusive
    ['2026-06-02T05:59:00', 0],
    ['2026-06-02T06:00:00', 4], // the start is inclusive
    ['2026-06-01T23:30:00', 4],
  ])('department at %s: %i', (local, floor) => {
    expect(scheduleFloorAt(dept.schedule, ny(local))).toBe(floor);
  });

  test('the same instant is another wall-clock time elsewhere: 06:00 in New York is 12:00 in Berlin', () => {
    const berlin = { timezone: 'Europe/Berlin', windows: [{ start: '06:00', end: '02:00', replicas: 4 }] };
    expect(scheduleFloorAt(berlin, ny('2026-06-02T03:00:00'))).toBe(4); // 09:00 in Berlin
    expect(scheduleFloorAt(berlin, ny('2026-06-01T21:30:00'))).toBe(0); // 03:30 in Berlin
  });

  test('overlapping windows: the highest floor wins', () => {
    const s = { timezone: 'UTC', windows: [{ start: '08:00', end: '18:00', replicas: 4 }, { start: '11:00', end: '14:00', replicas: 8 }] };
    expect([10, 12, 15].map((h) => scheduleFloorAt(s, new Date(`2026-06-01T${h}:00:00Z`)))).toEqual([4, 8, 4]);
  });
});

describe('simulateScaling', () => {
  test('the department day floor: 3 pods at 05:59, the 4th created at the first sync after 06:00 and ready 30 s later', () => {
    // GIVEN steady CPU at the target on 3 pods, an hour before the window, the last sync 1 ms before 06:00
    const sim = simulateScaling({ scaling: dept, initialReplicas: 3, podStartupSeconds: 30, startAt: '2026-06-01T04:59:59.999-04:00', durationSeconds: 3700, cpuLoad: [{ atSeconds: 0, demandPercent: 210 }] });
    // THEN
    const at = (t: number) => sim.timeline.find((s) => s.t === t)!;
    expect(at(3600)).toMatchObject({ localTime: '05:59:59', replicas: 3, scheduleFloor: 0 });
    expect(at(3615)).toMatchObject({ localTime: '06:00:14', replicas: 4, readyReplicas: 3, desired: 4, scheduleFloor: 4 });
    expect(sim.timeToReady(4, 3600)).toBe(3645); // 06:00:44.999
  });

  test('the floor ends at 02:00: scale-down waits for the 300 s window, then -50 %/60 s allows the step back to 3', () => {
    const sim = simulateScaling({ scaling: dept, initialReplicas: 4, podStartupSeconds: 30, startAt: '2026-06-02T01:00:00-04:00', durationSeconds: 7200, cpuLoad: [{ atSeconds: 0, demandPercent: 0 }] });
    const down = sim.timeline.find((s) => s.replicas === 3)!;
    // the last recommendation of 4 is at 01:59:45; it leaves the 300 s window at 02:04:45
    expect(down.localTime).toBe('02:04:45');
  });

  test('queue depth as an AverageValue metric, against a hand-computed trace (backlog 2000, 1 task/s per pod, target 10)', () => {
    // GIVEN department without its schedule and capped at 20 pods (seed 001's max_instances), 3 pods, 2000 tasks at
    // t = 0 and nothing arriving
    const sim = simulateScaling({ scaling: { ...dept, schedule: undefined, maxReplicas: 20 }, initialReplicas: 3, podStartupSeconds: 30, durationSeconds: 300, queue: { initialBacklog: 2000, tasksPerPodPerSecond: 1 } });
    // THEN, by hand:
    //  15 s: Q = 2000 - 3x15 = 1955, ceil(1955/10) = 196, limited to max(+100 %, +2) of 3 = 6
    //  30 s: Q = 1910 (3 ready); the +3 at 15 s is within the 30 s period: still 6
    //  45 s: Q = 1865, 6 ready; period clear: 12
    //  60 s: Q = 1865 - 6x15 = 1775
    //  75 s: 12 ready, Q = 1685; 24 capped at maxReplicas 20
    //  90 s: Q = 1685 - 12x15 = 1505; 105 s: 20 ready, Q = 1325; then -20/s: 1025, 725, 425, 125 at 165 s
    //  empty at 165 + 125/20 = 171.25 s
    const trace = sim.timeline.filter((s) => s.t % 15 === 0 && s.t <= 180).map((s) => [s.t, s.replicas, s.readyReplicas, s.queueDepth]);
    expect(trace).toEqual([
      [0, 3, 3, 2000], [15, 6, 3, 1955], [30, 6, 3, 1910], [45, 12, 6, 1865], [60, 12, 6, 1775], [75, 20, 12, 1685],
      [90, 20, 12, 1505], [105, 20, 20, 1325], [120, 20, 20, 1025], [135, 20, 20, 725], [150, 20, 20, 425], [165, 20, 20, 125], [180, 20, 20, 0],
    ]);
    expect(sim.timeline.find((s) => s.t === 15)!.queueReplicas).toBe(196);
    expect(sim.timeToDrain()).toBe(171.25);
  });

  test('AverageValue keeps the count within the tolerance: 105 tasks on 10 pods at 10 a pod is ratio 1.05', () => {
    expect(averageValueRecommendation(105, 10, 10, 0.1)).toBe(10);
    expect(averageValueRecommendation(115, 10, 10, 0.1)).toBe(12);
  });

  test('the maximum over triggers: CPU asks 5, the queue 8, the window 4 -> 8', () => {
    const scaling: HorizontalScaling = { ...dept, schedule: { timezone: 'UTC', windows: [{ start: '00:00', end: '23:00', replicas: 4 }] } };
    const sim = simulateScaling({
      scaling,
      initialReplicas: 4,
      podStartupSeconds: 30,
      startAt: '2026-06-01T10:00:00Z',
      durationSeconds: 15,
      cpuLoad: [{ atSeconds: 0, demandPercent: 336 }], // 84 % on 4 pods: ceil(84/70 x 4) = 5
      queue: { initialBacklog: 80 + 4 * 15, tasksPerPodPerSecond: 1 }, // 80 left at 15 s: ceil(80/10) = 8
    });
    const s = sim.timeline.find((x) => x.t === 15)!;
    expect([s.cpuReplicas, s.queueReplicas, s.scheduleFloor, s.desired, s.replicas]).toEqual([5, 8, 4, 8, 8]);
  });

  test('the plain HPA engine scales on the queue the same way (prometheus-adapter Pods metric) and has no schedule', () => {
    const sim = simulateScaling({ scaling: enterprise.app.autoscaling!, initialReplicas: 3, podStartupSeconds: 30, durationSeconds: 60, queue: { initialBacklog: 1000, tasksPerPodPerSecond: 1 } });
    const s = sim.timeline.find((x) => x.t === 15)!;
    expect([s.queueReplicas, s.replicas, s.scheduleFloor]).toEqual([96, 7, 0]); // max(+100 % = 6, +4 = 7)
  });

  test('scale-to-zero: KEDA wakes the worker at the next poll above the activation threshold, and returns it to 0 after the cooldown', () => {
    const worker: HorizontalScaling = { ...dept, minReplicas: 0, schedule: undefined, fallbackReplicas: undefined, podsMetric: { ...dept.podsMetric!, activationThreshold: '5' } };
    const sim = simulateScaling({ scaling: worker, initialReplicas: 0, podStartupSeconds: 30, durationSeconds: 900, queue: { arrivals: [{ atSeconds: 0, tasksPerSecond: 0 }, { atSeconds: 40, tasksPerSecond: 2 }, { atSeconds: 100, tasksPerSecond: 0 }], tasksPerPodPerSecond: 1 } });
    const replicasAt = (t: number) => sim.timeline.filter((s) => s.t <= t).at(-1)!.replicas;
    expect(replicasAt(59)).toBe(0); // the queue passes 5 at 43 s; the poll at 60 s sees it
    expect(replicasAt(60)).toBe(1);
    const backToZero = sim.timeline.find((s) => s.t > 60 && s.replicas === 0)!;
    expect(backToZero.t % 30).toBe(0);
    expect(backToZero.t).toBeGreaterThanOrEqual(300);
  });

  test('throws on invalid options, naming each', () => {
    expect(() => simulateScaling({ scaling: dept, initialReplicas: 0, podStartupSeconds: -1, durationSeconds: 3 * 86400, startAt: 'dawn' })).toThrow(
      [
        "[simulateScaling] 'initialReplicas' must be an integer between 1 and 1000, got: 0",
        "[simulateScaling] 'podStartupSeconds' must be a number of seconds between 0 and 86400, got: -1",
        "[simulateScaling] 'durationSeconds' must be a positive number of seconds up to 172800 (two days), got: 259200",
        "[simulateScaling] 'startAt' must be an ISO 8601 date-time such as \"2026-06-01T05:00:00-04:00\", got: \"dawn\"",
      ].join('\n'),
    );
  });
});
