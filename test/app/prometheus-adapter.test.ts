import { parse } from 'yaml';
import { PrometheusAdapterRules, prometheusAdapterRule } from '../../lib';
import { prometheusAdapterConfig } from '../../lib/app';
import { enterprise } from '../../tiers';
import { propsErrorOf } from '../_props';
import { one, synth, synthTier, testChart } from '../_synth';

describe('prometheus-adapter rule', () => {
  test('maps the series of pods to the HPA Pods metric name', () => {
    expect(prometheusAdapterRule({ name: 'task_queue_depth', seriesName: 'worker_tasks_waiting' })).toEqual({
      seriesQuery: 'worker_tasks_waiting{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^worker_tasks_waiting$', as: 'task_queue_depth' },
      metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
    });
  });

  test('the config file is `rules:` with one rule per metric name', () => {
    const text = prometheusAdapterConfig([{ name: 'task_queue_depth' }, { name: 'task_queue_depth' }, { name: 'open_sessions' }]);
    expect(parse(text).rules.map((r: { name: { as: string } }) => r.name.as)).toEqual(['task_queue_depth', 'open_sessions']);
    // JSON, which a YAML parser (the adapter's) reads as the same value.
    expect(JSON.parse(text)).toEqual(parse(text));
    expect(text).toMatchSnapshot();
  });

  test('the enterprise tier (engine hpa, a Pods metric) ships the rules ConfigMap beside the adapter; chain series -> adapter -> HPA', () => {
    const { objects } = synthTier(enterprise);
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-adapter-rules')!;
    expect(cm.metadata.namespace).toBe('monitoring');
    const rule = parse(cm.data['config.yaml']).rules[0];
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'app')!;
    const pods = hpa.spec.metrics.find((m: { type: string }) => m.type === 'Pods');
    // The adapter serves the series under the name the HPA asks for.
    expect(rule.name.as).toBe(pods.pods.metric.name);
    expect(rule.seriesQuery).toBe('task_queue_depth{namespace!="",pod!=""}');
    expect(pods.pods.target).toEqual({ type: 'AverageValue', averageValue: '10' });
    expect(objects.filter((o) => o.kind === 'ScaledObject')).toEqual([]);
  });

  test('throws without metrics', () => {
    expect(propsErrorOf(() => new PrometheusAdapterRules(testChart(), 'rules', { metrics: [] }))).toBe("[test/rules] 'metrics' must be at least one metric, got: []");
  });

  test('the ConfigMap names how the adapter reads it', () => {
    const chart = testChart();
    new PrometheusAdapterRules(chart, 'rules', { metrics: [{ name: 'q' }], namespace: 'observability', name: 'adapter-rules' });
    const cm = one(synth(chart), 'ConfigMap');
    expect(cm.metadata).toMatchObject({ name: 'adapter-rules', namespace: 'observability' });
    expect(cm.metadata.annotations?.['scaling-tiers.io/usage']).toBe('prometheus-adapter reads these rules with the Helm value rules.existing: adapter-rules');
  });
});
