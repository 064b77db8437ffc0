import { matchers } from './prometheus-rules';
import { leMatcher } from './slo-rules';

/** Props of {@link tierDashboard}. */
export interface TierDashboardProps {
  /** The tier's name: the dashboard's title and uid. */
  readonly tier: string;
  /** The tier's namespace. */
  readonly namespace: string;
  /** The app's scrape job and metric names. */
  readonly app: { readonly job: string; readonly hpaName?: string; readonly latencyBucketMetric: string };
  /**
   * The p95 target in milliseconds, drawn as a threshold on the p95 panel.
   *
   * @default - no SLO panels
   */
  readonly p95LatencyMs?: number;
  /**
   * The histogram bucket bound of the latency SLI, in seconds.
   *
   * @default - `p95LatencyMs` / 1000
   */
  readonly latencyBucketSeconds?: number;
  /** Whether the tier has SLO rules (burn rate and budget panels). */
  readonly slo: boolean;
  /** Whether Redis is scraped. */
  readonly redis: boolean;
  /** Which Postgres exporter is scraped, if any. */
  readonly postgres?: 'statefulset' | 'cloudnative-pg';
}

/** One panel's query. */
interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

/** A Grafana dashboard (schemaVersion 39) as JSON. */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly { readonly title: string; readonly targets: readonly Target[] }[];
  readonly [key: string]: unknown;
}

/**
 * The tier's Grafana dashboard: replicas against the autoscaler's bounds, SLO burn rate and error budget remaining,
 * p95 latency against its target, Redis and Postgres health. Every query reads metrics of the catalog
 * (metric-catalog.ts) or the SLO recording rules.
 */
export function tierDashboard(props: TierDashboardProps): GrafanaDashboard {
  const ns = matchers({ namespace: props.namespace });
  const panels: { title: string; unit: string; targets: Target[]; thresholds?: number }[] = [];
  if (props.app.hpaName) {
    const hpa = matchers({ namespace: props.namespace, horizontalpodautoscaler: props.app.hpaName });
    panels.push({
      title: 'App replicas against the autoscaler',
      unit: 'short',
      targets: [
        { expr: `kube_horizontalpodautoscaler_status_current_replicas${hpa}`, legendFormat: 'current' },
        { expr: `kube_horizontalpodautoscaler_status_desired_replicas${hpa}`, legendFormat: 'desired' },
        { expr: `kube_horizontalpodautoscaler_spec_min_replicas${hpa}`, legendFormat: 'min' },
        { expr: `kube_horizontalpodautoscaler_spec_max_replicas${hpa}`, legendFormat: 'max' },
      ],
    });
  } else {
    panels.push({ title: 'App pods up', unit: 'short', targets: [{ expr: `sum(up${matchers({ namespace: props.namespace, job: props.app.job })})`, legendFormat: 'up' }] });
  }
  if (props.slo) {
    const tier = matchers({ tier: props.tier });
    panels.push(
      { title: 'SLO burn rate (1 = spending the budget exactly)', unit: 'short', targets: [{ expr: `slo:current_burn_rate:ratio${tier}`, legendFormat: '{{slo}}' }], thresholds: 1 },
      { title: 'Error budget remaining (30 days)', unit: 'percentunit', targets: [{ expr: `slo:period_error_budget_remaining:ratio${tier}`, legendFormat: '{{slo}}' }], thresholds: 0 },
    );
  }
  const bucket = props.app.latencyBucketMetric;
  panels.push({
    title: 'p95 latency',
    unit: 's',
    targets: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(${bucket}${matchers({ namespace: props.namespace, job: props.app.job })}[5m])))`, legendFormat: 'p95' }],
    thresholds: props.p95LatencyMs !== undefined ? props.p95LatencyMs / 1000 : undefined,
  });
  if (props.p95LatencyMs !== undefined) {
    const le = leMatcher(props.latencyBucketSeconds ?? props.p95LatencyMs / 1000);
    panels.push({
      title: `Requests slower than ${props.p95LatencyMs} ms`,
      unit: 'percentunit',
      targets: [{
        expr: `1 - sum(rate(${bucket}${matchers({ namespace: props.namespace, job: props.app.job }, [le])}[5m])) / sum(rate(${bucket}${matchers({ namespace: props.namespace, job: props.app.job }, ['le="+Inf"'])}[5m]))`,
        legendFormat: 'slower than target',
      }],
      thresholds: 0.05,
    });
  }
  if (props.redis) {
    panels.push(
      { title: 'Redis memory / maxmemory', unit: 'percentunit', targets: [{ expr: `redis_memory_used_bytes${ns} / (redis_memory_max_bytes${ns} > 0)`, legendFormat: '{{instance}}' }], thresholds: 0.9 },
      { title: 'Redis up and cluster state', unit: 'short', targets: [{ expr: `redis_up${ns}`, legendFormat: 'up {{instance}}' }, { expr: `redis_cluster_state${ns}`, legendFormat: 'cluster ok {{instance}}' }] },
    );
  }
  if (props.postgres) {
    const cnpg = props.postgres === 'cloudnative-pg';
    panels.push(
      { title: 'Postgres up', unit: 'short', targets: [{ expr: `${cnpg ? 'cnpg_collector_up' : 'pg_up'}${ns}`, legendFormat: '{{instance}}' }] },
      { title: 'Postgres replication lag', unit: 's', targets: [{ expr: `${cnpg ? 'cnpg_pg_replication_lag' : 'pg_replication_lag'}${ns}`, legendFormat: '{{instance}}' }], thresholds: 1 },
    );
  }
  return {
    uid: `scaling-tiers-${props.tier}`.slice(0, 40),
    title: `scaling-tiers: ${props.tier}`,
    tags: ['scaling-tiers', props.tier],
    timezone: 'utc',
    schemaVersion: 39,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }] },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: {
        defaults: {
          unit: p.unit,
          ...(p.thresholds !== undefined
            ? { thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: p.thresholds }] }, custom: { thresholdsStyle: { mode: 'line' } } }
            : {}),
        },
        overrides: [],
      },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legendFormat })),
    })),
  };
}
