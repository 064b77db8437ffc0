import { isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';
import { parseQuantity } from '../core/quantity';
import { AutoscalingEngine, MAX_STABILIZATION_WINDOW_SECONDS, PrometheusSource, ScalingSchedule, checkKedaScaling } from './keda-scaling';

/**
 * One rate limit on how fast the HorizontalPodAutoscaler may change the replica count.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
export interface ScalingPolicy {
  /** `Pods` (an absolute number of pods) or `Percent` (of the current replica count). */
  readonly type: 'Pods' | 'Percent';
  /** How many pods, or what percentage, may be added or removed per period. Integer >= 1. */
  readonly value: number;
  /** The period the value applies to, in seconds. Integer 1-1800 (the Kubernetes limit). */
  readonly periodSeconds: number;
}

/** The scale-up or scale-down half of an HPA's `behavior`. */
export interface ScalingRules {
  /**
   * How long past recommendations are considered: for scale-up the HPA takes the minimum over the window (so a
   * window delays scale-up), for scale-down the maximum. Integer 0-3600 seconds.
   */
  readonly stabilizationWindowSeconds: number;
  /** The rate limits. At least one unless `selectPolicy` is `Disabled`. */
  readonly policies: ScalingPolicy[];
  /**
   * Which policy wins when several allow different changes: `Max` allows the largest change, `Min` the smallest,
   * `Disabled` turns this direction off.
   *
   * @default 'Max' - the Kubernetes default
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
}

/**
 * A per-pod target on a Prometheus series such as a queue depth: the replica count is the series' total divided by
 * `averageValue`. With the `hpa` engine it is an HPA `Pods` metric served by prometheus-adapter (see
 * {@link prometheusAdapterRule}: the adapter maps the series to `name` in `custom.metrics.k8s.io`); with `keda` it
 * is a `prometheus` trigger (`AverageValue`, `threshold` = `averageValue`).
 */
export interface PodsMetric {
  /** The metric name as the custom-metrics API serves it, e.g. `task_queue_depth`. */
  readonly name: string;
  /**
   * The target average value per pod: a Kubernetes quantity (e.g. `"10"`, `"500m"`) for the HPA, a plain decimal
   * (e.g. `"10"`, `"2.5"`) for KEDA.
   */
  readonly averageValue: string;
  /**
   * The Prometheus series the application exports, labelled with `namespace` and `pod` (as a ServiceMonitor or
   * PodMonitor scrape labels it).
   *
   * @default - `name`
   */
  readonly seriesName?: string;
  /**
   * KEDA only: the queue depth above which the workload wakes from zero (`activationThreshold`); needed with
   * `minReplicas: 0`.
   *
   * @default - none (KEDA's default, 0)
   */
  readonly activationThreshold?: string;
}

/**
 * How a workload scales horizontally: an HPA (autoscaling/v2), or a KEDA ScaledObject that owns the HPA it creates.
 * Never both: KEDA's admission webhook refuses a second autoscaler on one workload, and the gate's `one-autoscaler`
 * rule finds one.
 */
export interface HorizontalScaling {
  /**
   * Which controller scales: `hpa` (a HorizontalPodAutoscaler; a `podsMetric` needs prometheus-adapter with the
   * rule {@link prometheusAdapterRule} writes) or `keda` (a ScaledObject with cpu, memory, prometheus and cron
   * triggers; needs KEDA 2.17+ in the cluster).
   *
   * @default 'hpa' - the built-in controller, nothing to install for CPU and memory
   */
  readonly engine?: AutoscalingEngine;
  /**
   * The fewest replicas. Integer 1 to `maxReplicas` - 1 (an HPA whose bounds are equal cannot scale: use
   * `replicas`). 0 only with `keda` and a `podsMetric.activationThreshold` (scale-to-zero, for queue workers that no
   * Service must answer for).
   */
  readonly minReplicas: number;
  /** The most replicas. Integer `minReplicas` + 1 to 1000. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilisation, in percent of the CPU request. Integer 1-100.
   *
   * @default - no CPU metric
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory utilisation, in percent of the memory request. Integer 1-100. When set, a VPA on the
   * same workload may not control memory (the VPA documentation warns that the two fight), so the VPA falls back
   * to recommendation-only mode.
   *
   * @default - no memory metric
   */
  readonly memoryUtilization?: number;
  /**
   * A custom per-pod metric, e.g. queue depth. Needs a custom-metrics adapter in the cluster.
   *
   * @default - no custom metric
   */
  readonly podsMetric?: PodsMetric;
  /** How fast to add pods. */
  readonly scaleUp: ScalingRules;
  /** How fast to remove pods. */
  readonly scaleDown: ScalingRules;
  /**
   * KEDA only: where the `podsMetric` (queue depth) is read from. Required with `keda` and a `podsMetric`.
   *
   * @default - no prometheus trigger
   */
  readonly prometheus?: PrometheusSource;
  /**
   * KEDA only: daily windows with a replica floor, one `cron` trigger each.
   *
   * @default - no schedule
   */
  readonly schedule?: ScalingSchedule;
  /**
   * KEDA only: the replicas to hold while the queue-depth metric cannot be read (3 failed polls in a row); CPU still
   * scales above it. Only with a `podsMetric` (KEDA's fallback covers external metrics only).
   *
   * @default - no fallback: KEDA keeps the current count while the metric fails
   */
  readonly fallbackReplicas?: number;
}

/** The resources an HPA scales on (used to keep a VPA away from them). */
export function hpaResourceMetrics(h: HorizontalScaling): Array<'cpu' | 'memory'> {
  const out: Array<'cpu' | 'memory'> = [];
  if (h.cpuUtilization !== undefined) out.push('cpu');
  if (h.memoryUtilization !== undefined) out.push('memory');
  return out;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:.-]*$/;

/** Records every problem of a {@link HorizontalScaling} under the field prefix `field`. */
export function checkHorizontalScaling(problems: Problems, field: string, h: HorizontalScaling): void {
  if (!isIntegerIn(h.maxReplicas, 1, 1000)) {
    problems.add(`${field}.maxReplicas`, h.maxReplicas, 'an integer between 1 and 1000');
  }
  const max = isIntegerIn(h.maxReplicas, 1, 1000) ? h.maxReplicas : 1000;
  const keda = h.engine === 'keda';
  if (!isIntegerIn(h.minReplicas, keda ? 0 : 1, max - 1)) {
    const zero = keda ? ' (0: scale-to-zero)' : '';
    problems.add(`${field}.minReplicas`, h.minReplicas, `an integer between ${keda ? 0 : 1}${zero} and '${field}.maxReplicas' - 1 (${max - 1}): an HPA with equal bounds cannot scale`);
  }
  checkKedaScaling(problems, field, h);
  for (const key of ['cpuUtilization', 'memoryUtilization'] as const) {
    const v = h[key];
    if (v !== undefined && !isIntegerIn(v, 1, 100)) {
      problems.add(`${field}.${key}`, v, 'an integer percentage between 1 and 100');
    }
  }
  if (h.podsMetric !== undefined) {
    if (!METRIC_NAME.test(h.podsMetric.name ?? '')) {
      problems.add(`${field}.podsMetric.name`, h.podsMetric.name, 'a metric name (letters, digits, _ : . -)');
    }
    if (h.podsMetric.seriesName !== undefined && !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(h.podsMetric.seriesName)) {
      problems.add(`${field}.podsMetric.seriesName`, h.podsMetric.seriesName, 'a Prometheus series name (letters, digits, _ :)');
    }
    const v = parseQuantity(h.podsMetric.averageValue);
    if (!keda && (v === undefined || v <= 0)) {
      problems.add(`${field}.podsMetric.averageValue`, h.podsMetric.averageValue, 'a positive Kubernetes quantity such as "10" or "500m"');
    }
  }
  if (h.cpuUtilization === undefined && h.memoryUtilization === undefined && h.podsMetric === undefined) {
    problems.add(field, 'no metric', "at least one of 'cpuUtilization', 'memoryUtilization' or 'podsMetric'");
  }
  checkRules(problems, `${field}.scaleUp`, h.scaleUp, keda);
  checkRules(problems, `${field}.scaleDown`, h.scaleDown, keda);
}

function checkRules(problems: Problems, field: string, r: ScalingRules | undefined, keda: boolean): void {
  if (r === undefined) {
    problems.add(field, r, 'an explicit behaviour (stabilizationWindowSeconds and policies)');
    return;
  }
  if (!isIntegerIn(r.stabilizationWindowSeconds, 0, MAX_STABILIZATION_WINDOW_SECONDS)) {
    // The HPA API refuses more than an hour. KEDA copies the behaviour into the HPA it creates; where its CRD lacks
    // the schema bound (older KEDA CRDs) the ScaledObject is accepted and then no HPA exists: nothing scales.
    const why = keda ? ' (KEDA copies it into the HPA it creates, which the API refuses: no HPA, nothing scales)' : '';
    problems.add(`${field}.stabilizationWindowSeconds`, r.stabilizationWindowSeconds, `an integer between 0 and ${MAX_STABILIZATION_WINDOW_SECONDS}${why}`);
  }
  if (r.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(r.selectPolicy)) {
    problems.add(`${field}.selectPolicy`, r.selectPolicy, "one of 'Max', 'Min', 'Disabled'");
  }
  const policies = r.policies ?? [];
  if (policies.length === 0 && r.selectPolicy !== 'Disabled') {
    problems.add(`${field}.policies`, policies, "at least one policy (or selectPolicy 'Disabled')");
  }
  policies.forEach((p, i) => {
    if (p.type !== 'Pods' && p.type !== 'Percent') {
      problems.add(`${field}.policies[${i}].type`, p.type, "'Pods' or 'Percent'");
    }
    if (!isIntegerIn(p.value, 1, Number.MAX_SAFE_INTEGER)) {
      problems.add(`${field}.policies[${i}].value`, p.value, 'an integer >= 1');
    }
    if (!isIntegerIn(p.periodSeconds, 1, 1800)) {
      problems.add(`${field}.policies[${i}].periodSeconds`, p.periodSeconds, 'an integer between 1 and 1800');
    }
  });
}
