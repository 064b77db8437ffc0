/**
 * The parts of a {@link HorizontalScaling} that only KEDA (`engine: 'keda'`) serves: schedule windows (cron
 * triggers), the Prometheus source of the queue-depth trigger and its credentials, and the checks of those parts.
 * The ScaledObject itself is built in `_autoscalers.ts`.
 *
 * Targets KEDA 2.17 or newer (keda.sh/v1alpha1): `fallback.behavior`, trigger-level `metricType` and the admission
 * webhook that refuses a second autoscaler on one workload are all there; the CRD schemas in `imports/crds` are
 * KEDA's.
 *
 * @see https://keda.sh/docs/2.17/reference/scaledobject-spec/
 */
import { isIntegerIn } from '../core/checks';
import { isObjectName } from '../core/names';
import { Problems } from '../core/problems';

/** Which controller scales the workload horizontally. */
export type AutoscalingEngine = 'hpa' | 'keda';

/**
 * One daily window, in the schedule's timezone, during which at least `replicas` pods run (a KEDA `cron` trigger).
 * A window whose end is before its start crosses midnight (`06:00`-`02:00` runs from 06:00 to 02:00 the next day).
 */
export interface ScheduleWindow {
  /** When the window opens, local wall-clock time `HH:MM` (24-hour). */
  readonly start: string;
  /** When the window closes, `HH:MM`; not equal to `start` (KEDA refuses that). */
  readonly end: string;
  /** The fewest replicas while the window is open. Above `minReplicas` (else it does nothing), at most `maxReplicas`. */
  readonly replicas: number;
}

/** Daily windows in one IANA timezone. */
export interface ScalingSchedule {
  /** An IANA timezone such as `America/New_York`; KEDA's cron scaler reads the same database. */
  readonly timezone: string;
  /** The windows; overlapping windows are allowed (the highest floor wins, as KEDA takes the maximum over triggers). */
  readonly windows: ScheduleWindow[];
}

/**
 * Credentials for the Prometheus the queue-depth trigger queries, read from a Secret the platform team provides
 * (a KEDA `TriggerAuthentication` points at it). `bearer` reads the key `bearerToken`; `basic` reads `username`
 * and `password` — KEDA's own parameter names, so the Secret's keys say what they are.
 */
export interface PrometheusAuthentication {
  /** KEDA's `authModes` for the prometheus scaler. */
  readonly mode: 'bearer' | 'basic';
  /** The Secret's name (in the workload's namespace). */
  readonly secretName: string;
}

/** Where KEDA reads the queue depth from. */
export interface PrometheusSource {
  /** The Prometheus (or Thanos, Mimir) query URL, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  readonly serverAddress: string;
  /**
   * The PromQL query whose value is the whole queue depth; KEDA divides it by the replica count (`AverageValue`)
   * and compares that with `podsMetric.averageValue`.
   *
   * @default - `sum(<series>{namespace="<namespace>",pod=~"<name>-<hash>-<hash>"})`: the series of this workload's pods
   */
  readonly query?: string;
  /**
   * Credentials, when the Prometheus needs them.
   *
   * @default - none: an in-cluster Prometheus reached through the NetworkPolicy
   */
  readonly authentication?: PrometheusAuthentication;
}

/** The most seconds a stabilisation window may span: the HPA API's limit, which the HPA KEDA creates inherits. */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

const HH_MM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** Minutes after midnight of an `HH:MM` time, or undefined. */
export function minuteOfDay(hhmm: string): number | undefined {
  const m = HH_MM.exec(hhmm ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** The cron expression (minute hour * * *) that fires daily at an `HH:MM` time. */
export function dailyCron(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `${m} ${h} * * *`;
}

/** True when `name` is an IANA timezone this runtime knows (KEDA's Go runtime reads the same tz database). */
export function isTimezone(name: unknown): name is string {
  if (typeof name !== 'string' || !/^[A-Za-z]+(?:[/_+-][A-Za-z0-9_+-]+)*$/.test(name)) return false;
  // The canonical zones first: listing them takes about 2 ms, where the first DateTimeFormat of a process loads
  // locale data for about 23 ms. Only other names (UTC, links such as US/Eastern, and typos) pay for it.
  if (canonicalTimezones().has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false; // RangeError: not a timezone
  }
}

let canonical: ReadonlySet<string> | undefined;
function canonicalTimezones(): ReadonlySet<string> {
  canonical ??= new Set(Intl.supportedValuesOf('timeZone'));
  return canonical;
}

/** A plain decimal such as "10" or "2.5": KEDA parses thresholds with Go's ParseFloat, not as Kubernetes quantities. */
export const DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** The KEDA-only fields of a {@link HorizontalScaling}, as far as {@link checkKedaScaling} reads them. */
interface KedaFields {
  readonly engine?: AutoscalingEngine;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly podsMetric?: { readonly averageValue: string; readonly activationThreshold?: string };
  readonly prometheus?: PrometheusSource;
  readonly schedule?: ScalingSchedule;
  readonly fallbackReplicas?: number;
}

/** Records every problem of the KEDA-only fields under the field prefix `field`. */
export function checkKedaScaling(problems: Problems, field: string, h: KedaFields): void {
  const keda = h.engine === 'keda';
  if (h.engine !== undefined && h.engine !== 'hpa' && h.engine !== 'keda') problems.add(`${field}.engine`, h.engine, "'hpa' or 'keda'");
  if (!keda) {
    const kedaOnly = (['schedule', 'prometheus', 'fallbackReplicas'] as const).filter((k) => h[k] !== undefined);
    if (h.podsMetric?.activationThreshold !== undefined) kedaOnly.push('podsMetric.activationThreshold' as never);
    for (const k of kedaOnly) problems.add(`${field}.${k}`, 'set', `unset: KEDA serves it; set '${field}.engine' to 'keda'`);
    return;
  }
  const max = isIntegerIn(h.maxReplicas, 1, 1000) ? h.maxReplicas : 1000;
  const min = isIntegerIn(h.minReplicas, 0, max - 1) ? h.minReplicas : 0;
  if (h.podsMetric !== undefined) {
    if (!DECIMAL.test(h.podsMetric.averageValue ?? '') || Number(h.podsMetric.averageValue) <= 0) {
      problems.add(`${field}.podsMetric.averageValue`, h.podsMetric.averageValue, 'a positive decimal such as "10" or "2.5" (KEDA reads the threshold as a number, not a Kubernetes quantity)');
    }
    const a = h.podsMetric.activationThreshold;
    if (a !== undefined && !DECIMAL.test(a)) problems.add(`${field}.podsMetric.activationThreshold`, a, 'a decimal >= 0 such as "0" or "5"');
    if (h.prometheus === undefined) problems.add(`${field}.prometheus`, h.prometheus, "the Prometheus KEDA reads the queue depth from ('serverAddress')");
  } else if (h.prometheus !== undefined) {
    problems.add(`${field}.prometheus`, 'set', `unset, or a '${field}.podsMetric' for it to measure`);
  }
  if (h.prometheus !== undefined) checkPrometheus(problems, `${field}.prometheus`, h.prometheus);
  if (h.minReplicas === 0) {
    if (h.podsMetric?.activationThreshold === undefined) {
      problems.add(`${field}.podsMetric.activationThreshold`, h.podsMetric?.activationThreshold, `a queue depth above which KEDA wakes the workload from zero (needed with '${field}.minReplicas' 0)`);
    }
  }
  if (h.schedule !== undefined) checkSchedule(problems, `${field}.schedule`, h.schedule, min, max);
  if (h.fallbackReplicas !== undefined) {
    if (h.podsMetric === undefined) {
      problems.add(`${field}.fallbackReplicas`, h.fallbackReplicas, `unset, or a '${field}.podsMetric': KEDA's fallback covers a failing external metric (the queue depth), not cpu, memory or a schedule`);
    } else if (!isIntegerIn(h.fallbackReplicas, Math.max(1, min), max)) {
      problems.add(`${field}.fallbackReplicas`, h.fallbackReplicas, `an integer between ${Math.max(1, min)} ('${field}.minReplicas', at least 1) and '${field}.maxReplicas' (${max})`);
    }
  }
}

function checkPrometheus(problems: Problems, field: string, p: PrometheusSource): void {
  if (typeof p.serverAddress !== 'string' || !/^https?:\/\/[^\s/?#]+(?::[0-9]+)?(?:\/[^\s]*)?$/.test(p.serverAddress)) {
    problems.add(`${field}.serverAddress`, p.serverAddress, 'an http:// or https:// URL such as "http://prometheus-operated.monitoring.svc:9090"');
  }
  if (p.query !== undefined && (typeof p.query !== 'string' || p.query.trim() === '')) problems.add(`${field}.query`, p.query, 'a non-empty PromQL query');
  const a = p.authentication;
  if (a !== undefined) {
    if (a.mode !== 'bearer' && a.mode !== 'basic') problems.add(`${field}.authentication.mode`, a.mode, "'bearer' or 'basic'");
    if (!isObjectName(a.secretName) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(a.secretName ?? '')) {
      problems.add(`${field}.authentication.secretName`, a.secretName, 'a Secret name (DNS-1123 subdomain)');
    }
  }
}

function checkSchedule(problems: Problems, field: string, s: ScalingSchedule, min: number, max: number): void {
  if (!isTimezone(s.timezone)) problems.add(`${field}.timezone`, s.timezone, 'an IANA timezone such as "America/New_York" or "UTC"');
  if (!Array.isArray(s.windows) || s.windows.length === 0) {
    problems.add(`${field}.windows`, s.windows, 'at least one window');
    return;
  }
  s.windows.forEach((w, i) => {
    const at = `${field}.windows[${i}]`;
    const start = minuteOfDay(w.start);
    const end = minuteOfDay(w.end);
    if (start === undefined) problems.add(`${at}.start`, w.start, 'a 24-hour time "HH:MM"');
    if (end === undefined) problems.add(`${at}.end`, w.end, 'a 24-hour time "HH:MM"');
    else if (start === end) problems.add(`${at}.end`, w.end, `a time other than '${at}.start' (KEDA refuses a window that starts and ends at once)`);
    if (!isIntegerIn(w.replicas, min + 1, max)) {
      problems.add(`${at}.replicas`, w.replicas, `an integer above '${field.replace(/\.schedule$/, '')}.minReplicas' (${min}: a lower floor does nothing) and at most '${field.replace(/\.schedule$/, '')}.maxReplicas' (${max})`);
    }
  });
}

/**
 * The name of the HPA that scales a workload whose horizontal autoscaler is named `name`: with the `hpa` engine the
 * HPA itself; with `keda` the HPA KEDA creates for the ScaledObject, `keda-hpa-<ScaledObject name>` (kedacore/keda
 * apis/keda/v1alpha1 `getHpaName`; a ScaledObject may rename it with `advanced.horizontalPodAutoscalerConfig.name`,
 * which this library does not set). Alerts and dashboards select kube-state-metrics' `horizontalpodautoscaler` label
 * by it.
 */
export function hpaNameOf(name: string, engine: AutoscalingEngine | undefined): string {
  return engine === 'keda' ? `keda-hpa-${name}` : name;
}
