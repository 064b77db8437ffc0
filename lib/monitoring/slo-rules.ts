import { Problems } from '../core/problems';
import { AlertingRule, RecordingRule, RuleGroup, matchers } from './prometheus-rules';

/**
 * SLO rules: the multiwindow, multi-burn-rate alerts of the Google SRE workbook (chapter "Alerting on SLOs") for
 * each service-level figure of a tier, over recording rules named the way Sloth names them.
 *
 * Naming scheme (every series carries the labels `tier`, `service` and `slo` — `availability`, `latency` or
 * `errors`):
 *
 * | series                                   | meaning                                                        |
 * |------------------------------------------|----------------------------------------------------------------|
 * | `slo:sli_error:ratio_rate<window>`       | the fraction of bad events over the window (5m ... 3d)          |
 * | `slo:sli_error:ratio_rate30d`            | the same over the SLO period, averaged from the 5m series       |
 * | `slo:objective:ratio`                    | the objective, e.g. 0.999                                       |
 * | `slo:error_budget:ratio`                 | 1 - objective, e.g. 0.001                                       |
 * | `slo:current_burn_rate:ratio`            | the 5m error ratio divided by the budget (1 = spending exactly) |
 * | `slo:period_error_budget_remaining:ratio`| 1 - 30d error ratio / budget (1 = untouched, 0 = spent)         |
 */

/** One burn-rate alert condition: both windows above `factor` × budget. */
export interface BurnRateWindow {
  /** The long window. */
  readonly long: string;
  /** The short window (1/12 of the long one): the alert resets soon after the burn stops. */
  readonly short: string;
  /** The burn rate: how many times faster than "exactly spent at the end of the period". */
  readonly factor: number;
  /** The alert this pair belongs to. */
  readonly severity: 'page' | 'ticket';
}

/**
 * The workbook's pairs for a 30-day SLO. A page at 14.4× spends 2 % of the budget in 1 h; at 6×, 5 % in 6 h; a
 * ticket at 3×, 10 % in 1 d; at 1×, 10 % in 3 d.
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'page' },
  { long: '6h', short: '30m', factor: 6, severity: 'page' },
  { long: '1d', short: '2h', factor: 3, severity: 'ticket' },
  { long: '3d', short: '6h', factor: 1, severity: 'ticket' },
];

/** Every window a `slo:sli_error:ratio_rate<window>` series is recorded for. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** The highest page factor: an objective whose budget times it reaches 1 can never page. */
const MAX_FACTOR = Math.max(...BURN_RATE_WINDOWS.map((w) => w.factor));

/** A tier's service-level targets, as the SLO rules read them. */
export interface SloTargets {
  /** Availability over 30 days, in percent: the share of requests not answered with a server error. */
  readonly availabilityPercent: number;
  /** 95th percentile latency target, in milliseconds: at most 5 % of requests may be slower. */
  readonly p95LatencyMs: number;
  /**
   * The upper bound, in seconds, of the app's latency histogram bucket the latency SLI reads
   * (`le` of `http_request_duration_seconds_bucket`). The app's histogram must have a bucket at exactly this bound:
   * Prometheus cannot count "requests slower than 300 ms" from buckets at 250 ms and 500 ms. At most
   * `p95LatencyMs` / 1000 (a lower bound makes the SLO stricter, never looser).
   *
   * @default - `p95LatencyMs` / 1000
   */
  readonly latencyBucketSeconds?: number;
  /**
   * The highest acceptable error rate, in percent: requests answered with a code matching `errorCodes`.
   *
   * @default - no error-rate SLO
   */
  readonly maxErrorRatePercent?: number;
}

/** Props of {@link sloRuleGroups}. */
export interface SloRulesProps {
  /** The tier's name: the `tier` label of every series and alert. */
  readonly tier: string;
  /** The service's name: the `service` label. */
  readonly service: string;
  /** Label matchers that select the service's request metrics, e.g. `{ namespace: 'enterprise', job: 'app' }`. */
  readonly selector: Record<string, string>;
  /** The targets. */
  readonly sla: SloTargets;
  /**
   * The request counter, with a status-code label.
   *
   * @default 'http_requests_total'
   */
  readonly requestsMetric?: string;
  /**
   * The status-code label of `requestsMetric`.
   *
   * @default 'code'
   */
  readonly codeLabel?: string;
  /**
   * The latency histogram's bucket series.
   *
   * @default 'http_request_duration_seconds_bucket'
   */
  readonly latencyBucketMetric?: string;
  /**
   * Status codes (a regular expression) that count against availability: the server failed.
   *
   * @default '5..'
   */
  readonly serverErrorCodes?: string;
  /**
   * Status codes (a regular expression) that count against the error-rate SLO: server errors and requests refused
   * by the rate limit (the user got no answer either way).
   *
   * @default '5..|429'
   */
  readonly errorCodes?: string;
}

/** The defaults of {@link SloRulesProps}, in one place. */
export const SLO_DEFAULTS = {
  requestsMetric: 'http_requests_total',
  codeLabel: 'code',
  latencyBucketMetric: 'http_request_duration_seconds_bucket',
  serverErrorCodes: '5..',
  errorCodes: '5..|429',
} as const;

/** The lowest availability whose budget a 14.4× burn can still exceed (93.06 %). */
export const MIN_AVAILABILITY_PERCENT = Math.ceil((1 - 1 / MAX_FACTOR) * 10000) / 100;

/** Records every impossible SLO target under `field`. */
export function checkSloTargets(p: Problems, field: string, sla: SloTargets): void {
  const a = sla.availabilityPercent;
  if (!(typeof a === 'number' && a >= MIN_AVAILABILITY_PERCENT && a < 100)) {
    p.add(`${field}.availabilityPercent`, a, `a percentage from ${MIN_AVAILABILITY_PERCENT} (a lower objective's budget times the ${MAX_FACTOR}x page burn rate exceeds 100 %, so it could never page) to below 100`);
  }
  if (!(typeof sla.p95LatencyMs === 'number' && sla.p95LatencyMs > 0)) p.add(`${field}.p95LatencyMs`, sla.p95LatencyMs, 'a positive number of milliseconds');
  const b = sla.latencyBucketSeconds;
  if (b !== undefined && !(typeof b === 'number' && b > 0 && b <= sla.p95LatencyMs / 1000)) {
    p.add(`${field}.latencyBucketSeconds`, b, `a bucket bound above 0 and at most 'p95LatencyMs' / 1000 (${sla.p95LatencyMs / 1000}): a higher bound would count slow requests as fast`);
  }
  const e = sla.maxErrorRatePercent;
  const maxError = Math.floor((100 / MAX_FACTOR) * 100) / 100;
  if (e !== undefined && !(typeof e === 'number' && e > 0 && e <= maxError)) {
    p.add(`${field}.maxErrorRatePercent`, e, `a percentage above 0 and at most ${maxError} (a higher budget times the ${MAX_FACTOR}x page burn rate exceeds 100 %)`);
  }
}

/** One SLO: its name, its error budget and the PromQL of its error ratio over a window. */
interface Slo {
  readonly name: 'availability' | 'latency' | 'errors';
  readonly budget: number;
  readonly objectiveText: string;
  readonly errorRatio: (window: string) => string;
}

/** The `le` matcher of a bucket bound, accepting both spellings of whole numbers (`1` from Go, `1.0` from Python). */
export function leMatcher(seconds: number): string {
  return Number.isInteger(seconds) ? `le=~"${seconds}|${seconds}.0"` : `le="${seconds}"`;
}

/** Rounds away float noise (1 - 0.999 = 0.0010000000000000009). */
function round(n: number): number {
  return Number(n.toPrecision(12));
}

function slos(props: SloRulesProps): Slo[] {
  const requests = props.requestsMetric ?? SLO_DEFAULTS.requestsMetric;
  const code = props.codeLabel ?? SLO_DEFAULTS.codeLabel;
  const bucket = props.latencyBucketMetric ?? SLO_DEFAULTS.latencyBucketMetric;
  const sel = props.selector;
  const ratio = (codes: string) => (w: string) =>
    `sum(rate(${requests}${matchers(sel, [`${code}=~${JSON.stringify(codes)}`])}[${w}])) / sum(rate(${requests}${matchers(sel)}[${w}]))`;
  const bound = props.sla.latencyBucketSeconds ?? props.sla.p95LatencyMs / 1000;
  const out: Slo[] = [
    {
      name: 'availability',
      budget: round(1 - props.sla.availabilityPercent / 100),
      objectiveText: `${props.sla.availabilityPercent} % of requests without a server error (${props.serverErrorCodes ?? SLO_DEFAULTS.serverErrorCodes})`,
      errorRatio: ratio(props.serverErrorCodes ?? SLO_DEFAULTS.serverErrorCodes),
    },
    {
      name: 'latency',
      budget: 0.05,
      objectiveText: `95 % of requests faster than ${props.sla.p95LatencyMs} ms (histogram bucket le=${bound})`,
      errorRatio: (w) => `1 - (sum(rate(${bucket}${matchers(sel, [leMatcher(bound)])}[${w}])) / sum(rate(${bucket}${matchers(sel, ['le="+Inf"'])}[${w}])))`,
    },
  ];
  if (props.sla.maxErrorRatePercent !== undefined) {
    const codes = props.errorCodes ?? SLO_DEFAULTS.errorCodes;
    out.push({
      name: 'errors',
      budget: round(props.sla.maxErrorRatePercent / 100),
      objectiveText: `at most ${props.sla.maxErrorRatePercent} % of requests answered with an error (${codes})`,
      errorRatio: ratio(codes),
    });
  }
  return out;
}

const capitalize = (s: string) => s[0].toUpperCase() + s.slice(1);

/**
 * The SLO rule groups of one service: per SLO, a group with the recording rules (the error ratio over every window,
 * the objective, the budget, the burn rate) followed by a page and a ticket alert, and a 5-minute group for the
 * 30-day ratio and the budget remaining. Alerts are
 * named `Slo<Slo>BurnRate{Page,Ticket}`, e.g. `SloLatencyBurnRatePage`.
 */
export function sloRuleGroups(props: SloRulesProps): RuleGroup[] {
  const groups: RuleGroup[] = [];
  for (const slo of slos(props)) {
    const labels = { tier: props.tier, service: props.service, slo: slo.name };
    const sel = matchers(labels);
    const recording: RecordingRule[] = [
      ...SLI_WINDOWS.map((w) => ({ record: `slo:sli_error:ratio_rate${w}`, expr: slo.errorRatio(w), labels })),
      { record: 'slo:objective:ratio', expr: `vector(${round(1 - slo.budget)})`, labels },
      { record: 'slo:error_budget:ratio', expr: `vector(${slo.budget})`, labels },
      { record: 'slo:current_burn_rate:ratio', expr: `slo:sli_error:ratio_rate5m${sel} / ${slo.budget}`, labels },
    ];
    const period: RecordingRule[] = [
      { record: 'slo:sli_error:ratio_rate30d', expr: `avg_over_time(slo:sli_error:ratio_rate5m${sel}[30d])`, labels },
      { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:sli_error:ratio_rate30d${sel} / ${slo.budget}`, labels },
    ];
    const alerts: AlertingRule[] = (['page', 'ticket'] as const).map((severity) => {
      const pairs = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
      const expr = pairs
        .map((w) => `(slo:sli_error:ratio_rate${w.long}${sel} > ${round(w.factor * slo.budget)} and slo:sli_error:ratio_rate${w.short}${sel} > ${round(w.factor * slo.budget)})`)
        .join(' or ');
      const windows = pairs.map((w) => `${w.factor}x over ${w.long} and ${w.short}`).join(', or ');
      return {
        alert: `Slo${capitalize(slo.name)}BurnRate${capitalize(severity)}`,
        expr,
        labels: { severity, ...labels },
        annotations: {
          summary: `${props.tier}/${props.service}: the ${slo.name} error budget burns too fast (${severity})`,
          description:
            `Objective: ${slo.objectiveText}, error budget ${slo.budget} over 30 days. ` +
            `The error ratio exceeds the budget by ${windows}. See the burn-rate panel of the tier's dashboard.`,
        },
      };
    });
    // Alerts in the recording rules' group, after them: rules of one group run in order on the same evaluation,
    // while separate groups run independently and an alert could read the previous evaluation's ratios.
    groups.push({ name: `slo-${slo.name}`, rules: [...recording, ...alerts] });
    groups.push({ name: `slo-${slo.name}-period`, interval: '5m', rules: period });
  }
  return groups;
}
