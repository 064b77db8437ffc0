/**
 * Two promises a queue- and schedule-scaled workload makes, as data, checked with {@link simulateScaling}; and a
 * whole day simulated from an hourly load profile, as data for charts.
 */
import { Problems } from '../core/problems';
import { HorizontalScaling } from '../app/horizontal-scaling';
import { minuteOfDay } from '../app/keda-scaling';
import { hpaTargetUtilization } from './hpa-simulator';
import { localTimeOf, scheduleFloorAt, simulateScaling } from './scaling-simulator';

/**
 * "When the window opens at `at`, at least `readyReplicas` pods are ready by `readyBy`" (seed 001: 06:00, target 4).
 * Checked from the fewest pods the workload runs before the window (`minReplicas`) in the worst sync phase (the last
 * HPA sync before the window comes 1 ms before it opens), so the margin is one sync period plus the pod start-up.
 */
export interface SchedulePromise {
  /** When the window opens, `HH:MM` in the schedule's timezone. */
  readonly at: string;
  /** Pods that must be ready. */
  readonly readyReplicas: number;
  /** When they must be ready by, `HH:MM` in the same timezone. */
  readonly readyBy: string;
  /** Seconds from a pod's creation until it is ready: an assumption about the application. */
  readonly podStartupSeconds: number;
}

/** "A backlog of `backlogTasks`, at `tasksPerPodPerSecond` per ready pod, is gone within `drainWithinSeconds`." */
export interface BacklogPromise {
  /** Tasks that appear at once (nothing else arrives). */
  readonly backlogTasks: number;
  /** Tasks one ready pod finishes per second: an assumption about the application. */
  readonly tasksPerPodPerSecond: number;
  /** The queue must be empty within this many seconds of the backlog appearing. */
  readonly drainWithinSeconds: number;
  /** Seconds from a pod's creation until it is ready. */
  readonly podStartupSeconds: number;
}

/** The verdict of a promise check. */
export interface Verdict {
  /** True when the promise holds. */
  readonly ok: boolean;
  /** The simulated figure, in seconds from the event (window opening, backlog appearing); `Infinity` if never. */
  readonly seconds: number;
  /** Why the promise fails; empty when `ok`. */
  readonly failures: readonly string[];
}

/** The instant (ms since the epoch) of local time `hhmm` on `date` (YYYY-MM-DD) in `timezone`. */
export function instantOf(date: string, hhmm: string, timezone: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const minutes = minuteOfDay(hhmm) as number;
  const wanted = Date.UTC(y, mo - 1, d, Math.floor(minutes / 60), minutes % 60);
  const format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
  // The local wall clock of an instant, read as if it were UTC.
  const shown = (instant: number): number => {
    const f = Object.fromEntries(format.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  };
  let guess = wanted;
  // Move the guess by what its wall clock is off by (again, in case the offset changed in between).
  for (let i = 0; i < 3; i++) guess += wanted - shown(guess);
  return guess;
}

const DAY = '2026-06-01';

/** Checks a {@link SchedulePromise} against the autoscaling's schedule. Throws a `PropsError` for bad input. */
export function checkSchedulePromise(scaling: HorizontalScaling, promise: SchedulePromise, date = DAY): Verdict {
  const p = new Problems('checkSchedulePromise');
  if (scaling?.schedule === undefined) p.add('scaling.schedule', undefined, 'a schedule (KEDA) to hold the promise to');
  const at = minuteOfDay(promise?.at);
  const by = minuteOfDay(promise?.readyBy);
  if (at === undefined) p.add('promise.at', promise?.at, 'a 24-hour time "HH:MM"');
  if (by === undefined) p.add('promise.readyBy', promise?.readyBy, 'a 24-hour time "HH:MM"');
  if (!(Number.isInteger(promise?.readyReplicas) && promise.readyReplicas >= 1)) p.add('promise.readyReplicas', promise?.readyReplicas, 'an integer >= 1');
  p.throwIfAny();
  const tz = scaling.schedule!.timezone;
  const opens = instantOf(date, promise.at, tz);
  const lead = 3600;
  const initial = Math.max(1, scaling.minReplicas, scheduleFloorAt(scaling.schedule, new Date(opens - 60_000)));
  const target = hpaTargetUtilization(scaling);
  const sim = simulateScaling({
    scaling,
    initialReplicas: initial,
    podStartupSeconds: promise.podStartupSeconds,
    // The last sync before the window 1 ms before it opens: the window is first seen one sync period later.
    startAt: new Date(opens - lead * 1000 - 1).toISOString(),
    durationSeconds: lead + 3600,
    // A steady load at the target on the pods already running: nothing but the window asks for more.
    cpuLoad: target === undefined ? undefined : [{ atSeconds: 0, demandPercent: initial * target }],
  });
  const readyAt = sim.timeToReady(promise.readyReplicas, lead);
  const seconds = readyAt - lead - 0.001;
  const allowed = (((by as number) - (at as number) + 1440) % 1440) * 60;
  const failures = seconds <= allowed ? [] : [`at ${promise.at} ${promise.readyReplicas} pods are ready ${Number.isFinite(seconds) ? `${Math.ceil(seconds)} s later` : 'never'}; promised by ${promise.readyBy}`];
  return { ok: failures.length === 0, seconds, failures };
}

/**
 * Checks a {@link BacklogPromise}: from `minReplicas` pods (the schedule left out: the hours without a window are the
 * worst), the backlog appears just after a sync. Throws a `PropsError` for bad input.
 */
export function checkBacklogPromise(scaling: HorizontalScaling, promise: BacklogPromise): Verdict {
  const p = new Problems('checkBacklogPromise');
  if (scaling?.podsMetric === undefined) p.add('scaling.podsMetric', undefined, 'a queue-depth metric to hold the promise to');
  if (!(promise?.backlogTasks > 0)) p.add('promise.backlogTasks', promise?.backlogTasks, 'a positive number of tasks');
  if (!(promise?.drainWithinSeconds > 0)) p.add('promise.drainWithinSeconds', promise?.drainWithinSeconds, 'a positive number of seconds');
  p.throwIfAny();
  const sim = simulateScaling({
    scaling: { ...scaling, schedule: undefined },
    initialReplicas: scaling.minReplicas,
    podStartupSeconds: promise.podStartupSeconds,
    durationSeconds: Math.max(3600, 4 * promise.drainWithinSeconds),
    queue: { initialBacklog: promise.backlogTasks, tasksPerPodPerSecond: promise.tasksPerPodPerSecond },
  });
  const seconds = sim.timeToDrain();
  const failures = seconds <= promise.drainWithinSeconds ? [] : [`a backlog of ${promise.backlogTasks} tasks drains in ${Number.isFinite(seconds) ? `${Math.ceil(seconds)} s` : 'never'}; promised within ${promise.drainWithinSeconds} s`];
  return { ok: failures.length === 0, seconds, failures };
}

/** A day's load, hour by hour (local time of the schedule, or UTC). */
export interface DayProfile {
  /** 24 figures: the CPU demand in each hour, in percent of one pod's request. */
  readonly cpuDemandPercent: readonly number[];
  /** 24 figures: tasks arriving per second in each hour. */
  readonly tasksPerSecond: readonly number[];
  /** Tasks one ready pod finishes per second. */
  readonly tasksPerPodPerSecond: number;
  /** Seconds from a pod's creation until it is ready. */
  readonly podStartupSeconds: number;
}

/** One minute of a simulated day. */
export interface DayPoint {
  /** Local time `HH:MM`. */
  readonly time: string;
  /** CPU demand, in percent of one pod's request. */
  readonly cpuDemandPercent: number;
  /** Tasks waiting. */
  readonly queueDepth: number;
  /** The replica count set. */
  readonly replicas: number;
  /** Pods ready. */
  readonly readyReplicas: number;
  /** The schedule's floor (0 outside every window). */
  readonly scheduleFloor: number;
}

/**
 * A whole day (00:00 to 24:00 local) of a workload's autoscaling under an hourly load profile, one point a minute:
 * the data a chart of load, replicas and schedule draws. Starts steady at 00:00.
 */
export function simulateDay(scaling: HorizontalScaling, profile: DayProfile, date = DAY): DayPoint[] {
  const p = new Problems('simulateDay');
  for (const key of ['cpuDemandPercent', 'tasksPerSecond'] as const) {
    if (!Array.isArray(profile?.[key]) || profile[key].length !== 24) p.add(`profile.${key}`, profile?.[key], '24 hourly figures');
  }
  p.throwIfAny();
  const tz = (scaling.engine === 'keda' ? scaling.schedule?.timezone : undefined) ?? 'UTC';
  const midnight = instantOf(date, '00:00', tz);
  const target = hpaTargetUtilization(scaling);
  const hours = Array.from({ length: 24 }, (_, h) => h * 3600);
  const initial = Math.min(scaling.maxReplicas, Math.max(1, scaling.minReplicas, scheduleFloorAt(scaling.engine === 'keda' ? scaling.schedule : undefined, new Date(midnight)), target ? Math.ceil(profile.cpuDemandPercent[0] / target) : 0));
  const sim = simulateScaling({
    scaling,
    initialReplicas: initial,
    podStartupSeconds: profile.podStartupSeconds,
    startAt: new Date(midnight).toISOString(),
    durationSeconds: 86400,
    cpuLoad: hours.map((atSeconds, h) => ({ atSeconds, demandPercent: profile.cpuDemandPercent[h] })),
    queue: scaling.podsMetric ? { tasksPerPodPerSecond: profile.tasksPerPodPerSecond, arrivals: hours.map((atSeconds, h) => ({ atSeconds, tasksPerSecond: profile.tasksPerSecond[h] })) } : undefined,
  });
  const points: DayPoint[] = [];
  let i = 0;
  for (let minute = 0; minute < 1440; minute++) {
    const t = minute * 60;
    while (i + 1 < sim.timeline.length && sim.timeline[i + 1].t <= t) i++;
    const s = sim.timeline[i];
    points.push({
      time: localTimeOf(new Date(midnight + t * 1000), tz).slice(0, 5),
      cpuDemandPercent: profile.cpuDemandPercent[Math.floor(minute / 60)],
      queueDepth: Math.round(s.queueDepth * 10) / 10,
      replicas: s.replicas,
      readyReplicas: s.readyReplicas,
      scheduleFloor: scheduleFloorAt(scaling.engine === 'keda' ? scaling.schedule : undefined, new Date(midnight + t * 1000)),
    });
  }
  return points;
}
