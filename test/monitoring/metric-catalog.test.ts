import { EXPORTER_METRICS, RuleGroup, catalogMetrics, referencedMetrics, unknownMetrics } from '../../lib/monitoring';
import { TIERS } from '../../tiers';
import { synthTier } from '../_synth';

/** The tier with its rules as the operator's PrometheusRule (the built-in tiers ship them in a ConfigMap). */

describe('referencedMetrics', () => {
  test('finds metric names and skips functions, keywords, label names, strings and durations', () => {
    const expr = 'sum by (le, code) (rate(http_requests_total{job="app",code=~"5.."}[5m] offset 1h)) / ignoring(code) group_left sum(rate(x_total[1d])) > 14.4 * 0.001 and on (job) absent(up{job="a"}) unless bool 1e3';
    expect(referencedMetrics(expr).sort()).toEqual(['http_requests_total', 'up', 'x_total']);
  });

  test('reads recording-rule names with colons', () => {
    expect(referencedMetrics('slo:sli_error:ratio_rate1h{slo="latency"} > 0.72')).toEqual(['slo:sli_error:ratio_rate1h']);
  });
});

describe('every rule and dashboard query reads a catalogued metric', () => {
  test.each(TIERS.map((t) => [t.name, t] as const))('%s', (_name, tier) => {
    // GIVEN the tier's PrometheusRule and dashboard
    const { chart, objects } = synthTier(tier);
    const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
    const dashboard = JSON.parse(Object.values(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')!.data as Record<string, string>)[0]);
    const panels = { name: 'dashboard', rules: dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t, i) => ({ record: `panel-${i}`, expr: t.expr }))) };
    // THEN nothing reads a metric outside the catalog, the app's own metrics and the recording rules
    expect(unknownMetrics([...(rule.spec.groups as RuleGroup[]), panels], chart.monitoring!.appMetrics)).toEqual([]);
  });

  test('a typo in a metric name is caught', () => {
    const groups: RuleGroup[] = [{ name: 'g', rules: [{ alert: 'RedisMemoryHigh', expr: 'redis_memory_used_byte / redis_memory_max_bytes > 0.9', labels: { severity: 'ticket' }, annotations: { summary: 's', description: 'd' } }] }];
    expect(unknownMetrics(groups)).toEqual([{ rule: 'g/RedisMemoryHigh', metric: 'redis_memory_used_byte' }]);
  });

  test('the catalog lists each metric once', () => {
    const all = Object.values(EXPORTER_METRICS).flat();
    expect(all.length).toBe(catalogMetrics().size);
  });
});
