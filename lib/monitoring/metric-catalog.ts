/**
 * The one table of the metric names the tiers' rules and dashboards may read, by the exporter (or convention)
 * that exposes them. A rule that names a metric outside this table (a typo, a metric an exporter version dropped)
 * is a bug that fails silently in production — the alert just never fires — so `unknownMetrics` finds it and
 * tests fail on it. The exporter rows are checked against the real exporters (Debian bookworm packages) by
 * test/integration/monitoring.test.ts; the others name their upstream source.
 */

/** Who exposes a metric family. */
export type MetricSource =
  | 'prometheus'
  | 'kube-state-metrics'
  | 'nginx-prometheus-exporter'
  | 'redis_exporter'
  | 'postgres_exporter'
  | 'cloudnative-pg'
  | 'barman-cloud-plugin'
  | 'cert-manager';

/** The metric names each source exposes that the rules and dashboards use. */
export const EXPORTER_METRICS: Readonly<Record<MetricSource, readonly string[]>> = {
  // Every scrape target's health, added by Prometheus itself.
  'prometheus': ['up'],
  // kube-state-metrics v2 (docs/metrics/workload/horizontalpodautoscaler-metrics.md).
  'kube-state-metrics': [
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'kube_horizontalpodautoscaler_status_current_replicas',
    'kube_horizontalpodautoscaler_status_desired_replicas',
    'kube_horizontalpodautoscaler_status_condition',
  ],
  // nginx-prometheus-exporter 0.11 reading open-source nginx's stub_status (checked on the real exporter).
  'nginx-prometheus-exporter': ['nginx_up', 'nginx_connections_active', 'nginx_connections_accepted', 'nginx_connections_handled', 'nginx_http_requests_total'],
  // oliver006/redis_exporter 1.45 (checked on the real exporter; redis_cluster_state only on a cluster-enabled server).
  'redis_exporter': ['redis_up', 'redis_memory_used_bytes', 'redis_memory_max_bytes', 'redis_cluster_state', 'redis_connected_clients', 'redis_connected_slaves'],
  // prometheus-community/postgres_exporter 0.11 with the queries of postgresExporterQueries() (checked on the real
  // exporter): pg_replication_* come from that file, pg_stat_archiver_* and pg_up are built in.
  'postgres_exporter': ['pg_up', 'pg_replication_lag', 'pg_replication_is_replica', 'pg_stat_archiver_failed_count', 'pg_stat_archiver_archived_count', 'pg_stat_activity_count'],
  // CloudNativePG's instance manager on port 9187 (docs: "Monitoring", default metrics; cnpg_pg_replication_* from the
  // pg_replication query of config/manager/default-monitoring.yaml).
  'cloudnative-pg': [
    'cnpg_collector_up',
    'cnpg_pg_replication_lag',
    'cnpg_pg_replication_in_recovery',
    'cnpg_pg_replication_is_wal_receiver_up',
    'cnpg_pg_stat_archiver_failed_count',
    'cnpg_pg_stat_archiver_last_archived_time',
    'cnpg_pg_stat_archiver_last_failed_time',
    'cnpg_collector_last_available_backup_timestamp',
  ],
  // The Barman Cloud CNPG-I plugin's sidecar (its in-core counterpart above stops updating under the plugin).
  'barman-cloud-plugin': ['barman_cloud_cloudnative_pg_io_last_available_backup_timestamp'],
  // cert-manager's controller (pkg/metrics).
  'cert-manager': ['certmanager_certificate_expiration_timestamp_seconds', 'certmanager_certificate_ready_status'],
};

/** Every metric name of {@link EXPORTER_METRICS}. */
export function catalogMetrics(): Set<string> {
  return new Set(Object.values(EXPORTER_METRICS).flat());
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, aggregations, keywords, label
 * names (inside `{...}` or the label lists of `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`) or
 * durations. Strings are skipped. Enough for the expressions this library writes; not a full PromQL parser.
 */
export function referencedMetrics(expr: string): string[] {
  // Strings and label matchers first (they may contain anything), then range/offset durations and label lists.
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out = new Set<string>();
  const re = /[A-Za-z_:][A-Za-z0-9_:]*/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const name = m[0];
    const before = s[m.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // the unit of a number or duration: 5m, 1e3
    const rest = s.slice(m.index + name.length);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    out.add(name);
  }
  return [...out];
}

/** A Prometheus rule group, as in a rules file and a PrometheusRule's `spec.groups`. */
export interface RuleGroupLike {
  readonly name: string;
  readonly rules: readonly { readonly record?: string; readonly alert?: string; readonly expr: string }[];
}

/**
 * The metrics the groups read that neither the catalog, nor `extra` (the app's own metric names), nor a
 * recording rule of the groups defines, each with the rule that reads it.
 */
export function unknownMetrics(groups: readonly RuleGroupLike[], extra: readonly string[] = []): { rule: string; metric: string }[] {
  const known = catalogMetrics();
  for (const e of extra) known.add(e);
  for (const g of groups) for (const r of g.rules) if (r.record) known.add(r.record);
  const out: { rule: string; metric: string }[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      for (const metric of referencedMetrics(r.expr)) if (!known.has(metric)) out.push({ rule: `${g.name}/${r.alert ?? r.record}`, metric });
    }
  }
  return out;
}
