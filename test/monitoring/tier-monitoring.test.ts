import { TierMonitoring } from '../../lib/monitoring';
import { department, development, enterprise, team } from '../../tiers';
import { Manifest, ofKind, synth, synthTier, testChart } from '../_synth';

/** The tier with its rules as the operator's PrometheusRule (the built-in tiers ship them in a ConfigMap). */

const monitoringOf = (objects: Manifest[]) => objects.filter((o) => o.metadata.labels?.['scaling-tiers.io/tier'] && ['PodMonitor', 'PrometheusRule', 'ConfigMap', 'NetworkPolicy'].includes(o.kind) && (o.kind !== 'ConfigMap' || o.metadata.labels.grafana_dashboard === '1') && (o.kind !== 'NetworkPolicy' || o.metadata.name.includes('-prometheus-to-')));
const alertNames = (objects: Manifest[]) => ofKind(objects, 'PrometheusRule')[0].spec.groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.map((r) => r.alert).filter(Boolean));

describe('TierMonitoring in the tiers', () => {
  test('enterprise: monitors, rules and dashboard (snapshot)', () => {
    const { objects } = synthTier(enterprise);
    expect(monitoringOf(objects)).toMatchSnapshot();
  });

  test('development (no SLA, standalone Redis): the app is scraped, health alerts only', () => {
    const { objects } = synthTier(development);
    expect(ofKind(objects, 'PodMonitor').map((m) => m.metadata.name)).toEqual(['development-app']);
    expect(alertNames(objects)).toEqual(['ScrapeTargetDown', 'CertificateExpiringSoon']);
    expect(objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'redis')!.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['redis']);
  });

  test('team: nginx and Redis exporters on, HPA alerts, no SLO alerts', () => {
    const { objects } = synthTier(team);
    // postgres and postgres-pooler: the CloudNativePG cluster's own PodMonitors
    expect(ofKind(objects, 'PodMonitor').map((m) => m.metadata.name)).toEqual(['postgres', 'postgres-pooler', 'team-app', 'team-nginx', 'team-redis']);
    expect(alertNames(objects)).not.toContain('SloAvailabilityBurnRatePage');
    expect(alertNames(objects)).toEqual(expect.arrayContaining(['HpaMaxedOut', 'NginxDown', 'NginxUpstreamDegraded']));
    expect(objects.find((o) => o.metadata.name === 'team-prometheus-to-nginx')!.spec.ingress[0].ports).toEqual([{ port: 9113, protocol: 'TCP' }]);
    const redis = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('redis'))!;
    expect(redis.spec.template.spec.containers.map((c: { name: string }) => c.name)).toContain('exporter');
  });

  test('department: availability and latency burn rates, Redis Cluster state', () => {
    const names = alertNames(synthTier(department).objects);
    expect(names).toEqual(expect.arrayContaining(['SloAvailabilityBurnRatePage', 'SloAvailabilityBurnRateTicket', 'SloLatencyBurnRatePage', 'SloLatencyBurnRateTicket', 'RedisClusterStateNotOk', 'ScalingMetricAbsent']));
    expect(names).not.toContain('SloErrorsBurnRatePage');
  });

  test("department (KEDA): the HPA alerts and the dashboard's HPA panel select the HPA KEDA creates, keda-hpa-app", () => {
    const { objects } = synthTier(department);
    // KEDA names the HPA of a ScaledObject `keda-hpa-<ScaledObject name>` (kedacore/keda getHpaName); no HPA is emitted.
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'app')).toEqual([]);
    expect(objects.find((o) => o.kind === 'ScaledObject')!.metadata.name).toBe('app');
    const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
    const hpaExprs = rule.spec.groups.flatMap((g: { rules: { alert?: string; expr: string }[] }) => g.rules).filter((r: { expr: string }) => r.expr.includes('kube_horizontalpodautoscaler_'));
    expect(hpaExprs.length).toBeGreaterThan(0);
    expect(hpaExprs.filter((r: { expr: string }) => r.expr.includes('horizontalpodautoscaler="app"'))).toEqual([]);
    expect(hpaExprs.some((r: { expr: string }) => r.expr.includes('horizontalpodautoscaler="keda-hpa-app"'))).toBe(true);
    expect(JSON.stringify(rule.spec)).not.toContain('horizontalpodautoscaler=\\"app\\"');
    const dashboard = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'department-dashboard')!;
    const text = Object.values(dashboard.data as Record<string, string>)[0];
    expect(text).toContain('horizontalpodautoscaler=\\"keda-hpa-app\\"');
  });

  test('enterprise: all three SLOs, and the dashboard ConfigMap for the Grafana sidecar', () => {
    const { objects } = synthTier(enterprise);
    expect(alertNames(objects)).toEqual(expect.arrayContaining(['SloErrorsBurnRatePage', 'SloErrorsBurnRateTicket']));
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'enterprise-dashboard')!;
    expect(cm.metadata.labels?.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data['scaling-tiers-enterprise.json']);
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toEqual([
      'App replicas against the autoscaler', 'SLO burn rate (1 = spending the budget exactly)', 'Error budget remaining (30 days)',
      'p95 latency', 'Requests slower than 50 ms', 'Redis memory / maxmemory', 'Redis up and cluster state', 'Postgres up', 'Postgres replication lag',
    ]);
    const policy = objects.find((o) => o.metadata.name === 'enterprise-prometheus-to-app')!;
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  test('monitoring can be turned off', () => {
    const { objects } = synthTier({ ...enterprise, monitoring: { enabled: false } });
    expect(ofKind(objects, 'PodMonitor')).toEqual([]);
    expect(ofKind(objects, 'PrometheusRule')).toEqual([]);
  });
});

describe('TierMonitoring props', () => {
  const app = { selectorLabels: { 'app.kubernetes.io/name': 'web' }, port: 'http', containerPort: 8080 };
  test('throws if the app selector has no job label', () => {
    expect(() => new TierMonitoring(testChart(), 'm', { tier: 't', namespace: 'ns', app: { ...app, selectorLabels: { app: 'web' } } })).toThrow(
      "[test/m] 'app.selectorLabels' must be labels including 'app.kubernetes.io/name' (its value is the job label the rules select), got: {\"app\":\"web\"}",
    );
  });
  test('throws if backups are alerted on the StatefulSet engine', () => {
    expect(() => new TierMonitoring(testChart(), 'm', { tier: 't', namespace: 'ns', app, postgres: { engine: 'statefulset', backupIntervalHours: 24 } })).toThrow(
      "[test/m] 'postgres.backupIntervalHours' (24) needs the 'cloudnative-pg' engine: the StatefulSet engine takes no scheduled backups",
    );
  });
  test('the Prometheus is selected by the given labels', () => {
    const chart = testChart();
    new TierMonitoring(chart, 'm', { tier: 't', namespace: 'ns', app, prometheus: { resourceLabels: { prometheus: 'main' } } });
    const objects = synth(chart);
    expect(ofKind(objects, 'PrometheusRule')[0].metadata.labels).toEqual({ prometheus: 'main', 'scaling-tiers.io/tier': 't' });
    expect(ofKind(objects, 'PodMonitor')[0].spec).toEqual({ jobLabel: 'app.kubernetes.io/name', selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } }, podMetricsEndpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] });
  });
});
