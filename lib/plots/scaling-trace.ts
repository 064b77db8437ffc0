import { HorizontalScaling } from '../app/horizontal-scaling';
import { Problems } from '../core/problems';
import { DEFAULT_SYNC_PERIOD_SECONDS, hpaTargetUtilization, simulateHpa, steadyReplicas } from '../sim/hpa-simulator';
import { ScalingPromise } from '../sim/scaling-promise';
import { LoadShape, formatLoadShape } from './load-shape';

/** One point of a series: `value` from `t` on (a step function, as the simulator's timeline is). */
export interface TracePoint {
  /** Seconds from the first load change (negative before it). */
  readonly t: number;
  /** The value, in pods. */
  readonly value: number;
}

/** A marked instant: a load change or a promise's deadline. */
export interface TraceMark {
  /** Seconds from the first load change. */
  readonly t: number;
  /** What happens then. */
  readonly label: string;
}

/** A time window, e.g. a KEDA cron schedule's. */
export interface TraceWindow {
  /** Start, seconds from the first load change. */
  readonly from: number;
  /** End, seconds from the first load change. */
  readonly to: number;
  /** What the window is (e.g. `cron 02:00-06:00: 4 replicas`). */
  readonly label: string;
}

/** The names of a trace's series, in legend order. */
export const TRACE_SERIES = ['load (pods needed at the target)', 'capacity (replicas the HPA set)', 'ready replicas'] as const;

/** A simulated scaling run as data: what the charts draw and the tests compare. */
export interface ScalingTrace {
  /** The chart's title. */
  readonly title: string;
  /** The HPA's utilisation target, in percent. */
  readonly targetUtilization: number;
  /** The first and last instant shown, seconds from the first load change. */
  readonly domain: readonly [number, number];
  /**
   * The series, keyed by {@link TRACE_SERIES}: the load (demand / target: the pods it needs at the target), the
   * replica count the HPA set (spec.replicas, ready or starting) and the ready replicas.
   */
  readonly series: Readonly<Record<(typeof TRACE_SERIES)[number], readonly TracePoint[]>>;
  /** The load changes. */
  readonly changes: readonly TraceMark[];
  /** The promises' deadlines (scale-up ready by, first scale-down by). */
  readonly deadlines: readonly TraceMark[];
  /** Schedule windows (KEDA cron triggers); empty for a plain HPA. */
  readonly windows: readonly TraceWindow[];
}

/** Options of {@link scalingTrace}. */
export interface ScalingTraceOptions {
  /** The name shown in the title (a tier's name). */
  readonly name: string;
  /** The HPA to simulate. */
  readonly hpa: HorizontalScaling;
  /** The load. */
  readonly shape: LoadShape;
  /**
   * The promise whose deadlines are marked; its `podStartupSeconds` is the pods' start-up time.
   *
   * @default - no deadlines; pods start in 30 s
   */
  readonly promise?: ScalingPromise;
  /**
   * Pods before the change: the steady load is this many pods at the target.
   *
   * @default - the HPA's `minReplicas` (the promise check's hardest start)
   */
  readonly basePods?: number;
  /**
   * Seconds shown after the first change.
   *
   * @default - 300 for a step up, 900 for a step down, hold + 900 for a pulse
   */
  readonly durationSeconds?: number;
  /**
   * Seconds shown before the first change.
   *
   * @default 60
   */
  readonly leadSeconds?: number;
}

/**
 * Simulates `hpa` (lib/sim/hpa-simulator.ts) under a load shape and returns the trace as data. The HPA first runs
 * steady at the base load for longer than every window and policy period, as `timeToScaleFor` does; the trace
 * shows the last `leadSeconds` of that and what follows the change.
 */
export function scalingTrace(o: ScalingTraceOptions): ScalingTrace {
  const p = new Problems('scalingTrace');
  const target = hpaTargetUtilization(o.hpa);
  if (target === undefined) p.add('hpa', 'no resource metric', "an HPA with 'cpuUtilization' or 'memoryUtilization'");
  const base = o.basePods ?? o.hpa?.minReplicas;
  if (!(Number.isInteger(base) && base >= 1 && base <= (o.hpa?.maxReplicas ?? 1000))) p.add('basePods', base, `a whole number of pods from 1 to the HPA's maxReplicas (${o.hpa?.maxReplicas})`);
  const lead = o.leadSeconds ?? 60;
  if (!(Number.isFinite(lead) && lead >= 0 && lead <= 3600)) p.add('leadSeconds', lead, 'a number of seconds from 0 to 3600');
  const hold = o.shape.holdSeconds ?? 600;
  const up = o.shape.factor > 1;
  const after = o.durationSeconds ?? (o.shape.kind === 'pulse' ? hold + 900 : up ? 300 : 900);
  if (!(Number.isFinite(after) && after >= 15 && after <= 86400)) p.add('durationSeconds', after, 'a number of seconds from 15 to 86400');
  p.throwIfAny();

  const t0 = target as number;
  const sync = DEFAULT_SYNC_PERIOD_SECONDS;
  const longest = Math.max(
    o.hpa.scaleUp.stabilizationWindowSeconds,
    o.hpa.scaleDown.stabilizationWindowSeconds,
    ...o.hpa.scaleUp.policies.map((x) => x.periodSeconds),
    ...o.hpa.scaleDown.policies.map((x) => x.periodSeconds),
  );
  const stepAt = (Math.ceil(Math.max(longest, lead) / sync) + 1) * sync;
  const baseLoad = base * t0;
  const steps = [{ atSeconds: 0, demandPercent: baseLoad }, { atSeconds: stepAt, demandPercent: o.shape.factor * baseLoad }];
  if (o.shape.kind === 'pulse') steps.push({ atSeconds: stepAt + hold, demandPercent: baseLoad });
  const sim = simulateHpa({
    hpa: o.hpa,
    initialReplicas: steadyReplicas(o.hpa, baseLoad, t0),
    loadSteps: steps,
    podStartupSeconds: o.promise?.podStartupSeconds ?? 30,
    durationSeconds: stepAt + after,
  });
  const demandAt = (t: number) => steps.filter((s) => s.atSeconds <= t).pop()!.demandPercent;
  const shown = sim.timeline.filter((s) => s.t >= stepAt - lead);
  // The first point sits at the left edge, carrying the state then (the sample before it).
  const first = [...sim.timeline].reverse().find((s) => s.t <= stepAt - lead)!;
  const samples = shown[0]?.t === stepAt - lead ? shown : [{ ...first, t: stepAt - lead }, ...shown];
  const rel = (t: number) => t - stepAt;
  const changes: TraceMark[] = steps.slice(1).map((s, i) => ({ t: rel(s.atSeconds), label: `load x${i === 0 ? o.shape.factor : `1/${o.shape.factor}`}` }));
  const deadlines: TraceMark[] = [];
  if (o.promise) {
    steps.slice(1).forEach((s, i) => {
      const rising = s.demandPercent > steps[i].demandPercent;
      deadlines.push(
        rising
          ? { t: rel(s.atSeconds) + o.promise!.scaleUpSeconds, label: `scale-up promise: ready within ${o.promise!.scaleUpSeconds} s` }
          : { t: rel(s.atSeconds) + o.promise!.scaleDownSeconds, label: `scale-down promise: first pod removed within ${o.promise!.scaleDownSeconds} s` },
      );
    });
  }
  return {
    title: `${o.name}: ${formatLoadShape(o.shape)} from ${base} pods (HPA ${o.hpa.minReplicas}-${o.hpa.maxReplicas}, target ${t0} %)`,
    targetUtilization: t0,
    domain: [-lead, after],
    series: {
      [TRACE_SERIES[0]]: [...new Set([...samples.map((s) => s.t), ...steps.slice(1).map((s) => s.atSeconds).filter((t) => t <= stepAt + after)])]
        .sort((a, b) => a - b)
        .map((t) => ({ t: rel(t), value: demandAt(t) / t0 })),
      [TRACE_SERIES[1]]: samples.map((s) => ({ t: rel(s.t), value: s.replicas })),
      [TRACE_SERIES[2]]: samples.map((s) => ({ t: rel(s.t), value: s.readyReplicas })),
    },
    changes,
    deadlines: deadlines.filter((d) => d.t <= after),
    windows: [],
  };
}
