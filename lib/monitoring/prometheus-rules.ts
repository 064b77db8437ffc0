/** The severity label of every alert: `page` wakes someone, `ticket` is handled in working hours, `info` is context. */
export type AlertSeverity = 'page' | 'ticket' | 'info';

/** A recording rule. */
export interface RecordingRule {
  /** The recorded series' name (see the naming scheme in slo-rules.ts). */
  readonly record: string;
  /** The PromQL expression. */
  readonly expr: string;
  /** Labels added to the recorded series. */
  readonly labels?: Record<string, string>;
}

/** An alerting rule. */
export interface AlertingRule {
  /** The alert's name, UpperCamelCase. */
  readonly alert: string;
  /** The PromQL condition. */
  readonly expr: string;
  /** How long the condition must hold before the alert fires, e.g. `5m`. Omitted: fires on the first evaluation. */
  readonly for?: string;
  /** Labels: always `severity`, plus the tier's. */
  readonly labels: Record<string, string> & { readonly severity: AlertSeverity };
  /** Annotations: always `summary` and `description`. */
  readonly annotations: Record<string, string> & { readonly summary: string; readonly description: string };
}

/** A rule group, as in a Prometheus rules file and a PrometheusRule's `spec.groups`. */
export interface RuleGroup {
  /** Unique within the PrometheusRule. */
  readonly name: string;
  /**
   * Evaluation interval of the group.
   *
   * @default - Prometheus' global evaluation_interval
   */
  readonly interval?: string;
  /** The rules, evaluated in order: recording rules before the rules that read them. */
  readonly rules: readonly (RecordingRule | AlertingRule)[];
}

/** Whether a rule is an alert. */
export function isAlert(r: RecordingRule | AlertingRule): r is AlertingRule {
  return (r as AlertingRule).alert !== undefined;
}

/** A plain Prometheus rules file (`groups:`) holding `groups`: what `promtool check rules` and Prometheus read. */
export function rulesFile(groups: readonly RuleGroup[]): string {
  // Loaded on first use: the root entry point stays free of the yaml package (test/entry-points.slow.test.ts).
  const yaml = require('yaml') as typeof import('yaml');
  return yaml.stringify({ groups }, { lineWidth: 0 });
}

/** A PromQL duration for a number of seconds: the largest unit that divides it (`3d`, `6h`, `30m`, `90s`). */
export function promDuration(seconds: number): string {
  for (const [unit, s] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % s === 0) return `${seconds / s}${unit}`;
  return `${seconds}s`;
}

/** A PromQL label matcher list from a label map: `{a="b",c="d"}` (values escaped). */
export function matchers(labels: Record<string, string>, extra: string[] = []): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${[...parts, ...extra].join(',')}}`;
}
