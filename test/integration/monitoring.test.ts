/**
 * The tiers' monitoring on real tools (Debian bookworm: prometheus 2.42 with promtool, prometheus-nginx-exporter
 * 0.11, prometheus-redis-exporter 1.45, prometheus-postgres-exporter 0.11; nginx from setup/nginx.sh, redis-server
 * and PostgreSQL 15):
 *
 * 1. `promtool check rules` on every tier's PrometheusRule groups, written as a plain rules file.
 * 2. `promtool test rules` on synthetic series: every SLO alert fires at the page burn rate when the workbook's
 *    windows say it must, stays silent at half the lowest ticket rate, and moves with the tier's availability;
 *    every health alert fires on a bad series and stays silent on a good one.
 * 3. Real scrapes on loopback: the generated nginx config (plus the stub_status server) on a real nginx read by
 *    the real nginx exporter, a real Redis (cluster-enabled) and PostgreSQL read by their real exporters, an app
 *    stand-in serving the app metric conventions, and a real Prometheus loading the generated rules: targets up,
 *    every rule evaluated without error, every catalogued metric of those exporters present.
 *
 * Run: bash test/integration/setup/all.sh, then
 *   npx jest --runInBand --testPathIgnorePatterns=/node_modules/ --testMatch='<rootDir>/test/integration/monitoring.test.ts'
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { AlertingRule, RuleGroup, TierChart, healthRuleGroups } from '../../lib';
import { TIERS, TierSpec, department, deriveTier, enterprise } from '../../tiers';
import { PromtoolTest, alertIn, counter, expectedAlert, promtool, requirePromtool, runPromtoolTests, writeRules } from './_promtool';

jest.setTimeout(600_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-it-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function tierGroups(tier: TierSpec): RuleGroup[] {
  const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, tier);
  return [...chart.monitoring!.ruleGroups];
}

/** Every alert the library can emit: all components, both Postgres engines, backups. */
function everyHealthGroup(ns: string): RuleGroup[] {
  const base = { tier: ns, namespace: ns, app: { job: 'app', hpaName: 'app', scalingMetric: 'task_queue_depth' }, nginx: { hpaName: 'nginx' }, redis: { cluster: true, use: 'data' as const } };
  const cnpg = healthRuleGroups({ ...base, postgres: { engine: 'cloudnative-pg', backupIntervalHours: 1 } });
  const sts = healthRuleGroups({ ...base, postgres: { engine: 'statefulset' } }).filter((g) => g.name === 'health-postgres').map((g) => ({ ...g, name: 'health-postgres-statefulset' }));
  return [...cnpg, ...sts];
}

describe('promtool check rules', () => {
  beforeAll(() => requirePromtool());

  test.each(TIERS.map((t) => [t.name, t] as const))('%s: every generated group passes', (name, tier) => {
    const file = writeRules(work, `${name}.rules.yaml`, tierGroups(tier));
    const r = promtool(['check', 'rules', file], work);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  test('every health alert of every component and engine passes', () => {
    const file = writeRules(work, 'all-health.rules.yaml', everyHealthGroup('ns'));
    const r = promtool(['check', 'rules', file], work);
    expect(r.code).toBe(0);
  });

  test('a broken expression fails (the check is real)', () => {
    const file = writeRules(work, 'broken.rules.yaml', [{ name: 'g', rules: [{ record: 'x', expr: 'sum(rate(http_requests_total[5m])' }] }]);
    expect(promtool(['check', 'rules', file], work).code).not.toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// SLO alerts on synthetic series. Requests: 10000 a minute. Healthy (no errors, all fast) for HEALTHY minutes, so
// that even the 6 h window holds only good history; then a burn of error ratio r starting at T0 = HEALTHY.
// With constant traffic, the 1 h window's error ratio t minutes into the burn is r * t / 60, so the 1h/5m page
// condition (ratio > 14.4 * budget) first holds at t* = 60 * 14.4 * budget / r.
// ---------------------------------------------------------------------------------------------------------------

const RPM = 10_000;
const HEALTHY = 360;

interface SloCase {
  readonly slo: 'availability' | 'latency' | 'errors';
  readonly tier: TierSpec;
  /** The error ratio of the burn. */
  readonly ratio: number;
}

/** Series of `minutes` after T0 for an SLO, burning at `ratio` from T0 (or from the start if healthy is 0). */
function sloSeries(c: SloCase, healthy: number, minutes: number, code = c.slo === 'errors' ? '429' : '500'): PromtoolTest['input_series'] {
  const ns = c.tier.name;
  const bad = Math.round(RPM * c.ratio);
  if (c.slo === 'latency') {
    const le = String((c.tier.sla!.latencyBucketSeconds ?? c.tier.sla!.p95LatencyMs / 1000));
    return [
      { series: `http_request_duration_seconds_bucket{namespace="${ns}",job="app",le="${le}"}`, values: counter(RPM, healthy, RPM - bad, minutes) },
      { series: `http_request_duration_seconds_bucket{namespace="${ns}",job="app",le="+Inf"}`, values: counter(RPM, healthy, RPM, minutes) },
    ];
  }
  return [
    { series: `http_requests_total{namespace="${ns}",job="app",code="200"}`, values: counter(RPM, healthy, RPM - bad, minutes) },
    { series: `http_requests_total{namespace="${ns}",job="app",code="${code}"}`, values: counter(0, healthy, bad, minutes) },
  ];
}

function budgetOf(c: SloCase): number {
  if (c.slo === 'latency') return 0.05;
  if (c.slo === 'errors') return c.tier.sla!.maxErrorRatePercent! / 100;
  return 1 - c.tier.sla!.availabilityPercent / 100;
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const sloLabels = (c: SloCase) => ({ tier: c.tier.name, service: 'app', slo: c.slo });

/** The page test of one SLO: silent before t*, firing after; returns t* (minutes after T0). */
function pageTest(c: SloCase, groups: RuleGroup[]): { test: PromtoolTest; firesAt: number } {
  const firesAt = (60 * 14.4 * budgetOf(c)) / c.ratio;
  const page = alertIn(groups, `Slo${cap(c.slo)}BurnRatePage`);
  const minutes = Math.ceil(firesAt) + 3;
  return {
    firesAt,
    test: {
      name: `${c.tier.name} ${c.slo}: pages ${firesAt} min into a burn at ${c.ratio}`,
      interval: '1m',
      input_series: sloSeries(c, HEALTHY, minutes),
      alert_rule_test: [
        { eval_time: `${HEALTHY - 1}m`, alertname: page.alert, exp_alerts: [] },
        { eval_time: `${HEALTHY + Math.floor(firesAt) - 1}m`, alertname: page.alert, exp_alerts: [] },
        { eval_time: `${HEALTHY + Math.ceil(firesAt) + 1}m`, alertname: page.alert, exp_alerts: [expectedAlert(page, sloLabels(c))] },
      ],
    },
  };
}

/**
 * A burn at `factor` x budget from the start, evaluated every 5 min for 3 days and 6 hours. Every window then holds
 * only the burn, so each window's ratio is factor x budget from the first hour on: at 0.5x nothing may fire; at 2x
 * the 3d/6h ticket pair (1x) fires from the start and no page pair (6x, 14.4x) ever does.
 */
function steadyTest(c: SloCase, groups: RuleGroup[], factor: number, expectTicket: boolean): PromtoolTest {
  const steps = (3 * 24 + 6) * 12;
  const page = alertIn(groups, `Slo${cap(c.slo)}BurnRatePage`);
  const ticket = alertIn(groups, `Slo${cap(c.slo)}BurnRateTicket`);
  const bad = RPM * 5 * budgetOf(c) * factor;
  const good = (series: string, perStep: number) => ({ series, values: `0+${perStep}x${steps}` });
  const ns = c.tier.name;
  const input = c.slo === 'latency'
    ? [
        good(`http_request_duration_seconds_bucket{namespace="${ns}",job="app",le="${c.tier.sla!.latencyBucketSeconds ?? c.tier.sla!.p95LatencyMs / 1000}"}`, RPM * 5 - bad),
        good(`http_request_duration_seconds_bucket{namespace="${ns}",job="app",le="+Inf"}`, RPM * 5),
      ]
    : [good(`http_requests_total{namespace="${ns}",job="app",code="200"}`, RPM * 5 - bad), good(`http_requests_total{namespace="${ns}",job="app",code="500"}`, bad)];
  const times = ['1h', '6h', '1d', '3d', '78h'];
  return {
    name: `${c.tier.name} ${c.slo}: steady burn at ${factor}x`,
    interval: '5m',
    input_series: input,
    alert_rule_test: times.flatMap((t) => [
      { eval_time: t, alertname: page.alert, exp_alerts: [] },
      { eval_time: t, alertname: ticket.alert, exp_alerts: expectTicket ? [expectedAlert(ticket, sloLabels(c))] : [] },
    ]),
  };
}

describe('promtool test rules: SLO burn-rate alerts', () => {
  beforeAll(() => requirePromtool());
  const availability995 = deriveTier(department, { name: 'department-995', sla: { availabilityPercent: 99.5 } });
  const cases: [string, SloCase][] = [
    ['department availability 99.9 %', { slo: 'availability', tier: department, ratio: 0.144 }],
    ['department availability 99.5 % (derived)', { slo: 'availability', tier: availability995, ratio: 0.144 }],
    ['department latency (p95 < 300 ms)', { slo: 'latency', tier: department, ratio: 1 }],
    ['enterprise latency (p95 < 50 ms)', { slo: 'latency', tier: enterprise, ratio: 1 }],
    ['enterprise availability 99.9 %', { slo: 'availability', tier: enterprise, ratio: 0.144 }],
    ['enterprise error rate < 0.1 % (429s)', { slo: 'errors', tier: enterprise, ratio: 0.144 }],
  ];

  test.each(cases)('%s: fires at the page burn rate when the 1h/5m windows say, not before', (_name, c) => {
    const groups = tierGroups(c.tier);
    const rules = writeRules(work, `${c.tier.name}-${c.slo}.rules.yaml`, groups);
    const { test, firesAt } = pageTest(c, groups);
    const r = runPromtoolTests(work, `${c.tier.name}-${c.slo}-page`, rules, [test]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
    // The firing point follows the tier data: 14.4 x budget / ratio of an hour.
    if (c.tier === department && c.slo === 'availability') expect(firesAt).toBeCloseTo(6, 6);
    if (c.tier === availability995) expect(firesAt).toBeCloseTo(30, 6);
  });

  test.each(cases.filter(([, c]) => c.tier !== availability995))('%s: silent at half the lowest ticket rate for 3 days; a ticket (no page) at 2x', (_name, c) => {
    const groups = tierGroups(c.tier);
    const rules = writeRules(work, `${c.tier.name}-${c.slo}-steady.rules.yaml`, groups);
    const r = runPromtoolTests(work, `${c.tier.name}-${c.slo}-steady`, rules, [steadyTest(c, groups, 0.5, false), steadyTest(c, groups, 2, true)], '5m');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  test('429s burn the error-rate budget but not availability', () => {
    const groups = tierGroups(enterprise);
    const rules = writeRules(work, 'enterprise-429.rules.yaml', groups);
    const c: SloCase = { slo: 'errors', tier: enterprise, ratio: 0.144 };
    const r = runPromtoolTests(work, 'enterprise-429', rules, [{
      name: '429 burn',
      interval: '1m',
      input_series: sloSeries(c, HEALTHY, 20),
      alert_rule_test: [
        { eval_time: `${HEALTHY + 15}m`, alertname: 'SloErrorsBurnRatePage', exp_alerts: [expectedAlert(alertIn(groups, 'SloErrorsBurnRatePage'), sloLabels(c))] },
        { eval_time: `${HEALTHY + 15}m`, alertname: 'SloAvailabilityBurnRatePage', exp_alerts: [] },
      ],
    }]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Health alerts: one firing and one silent case each.
// ---------------------------------------------------------------------------------------------------------------

interface HealthCase {
  readonly alert: string;
  /** Which of several same-named alerts (HpaMaxedOut exists for the app and nginx): its group. */
  readonly group?: string;
  readonly evalTime: string;
  readonly firing: PromtoolTest['input_series'];
  readonly silent: PromtoolTest['input_series'];
  /** Labels of the firing alert's series (before the rule's own labels). */
  readonly labels: Record<string, string>;
  /** What `{{ $value | ... }}` renders to in the firing case. */
  readonly value?: string;
}

const NS = 'ns';
const s = (series: string, values: string) => ({ series, values });
const HEALTH_CASES: HealthCase[] = [
  { alert: 'ScrapeTargetDown', evalTime: '11m', firing: [s(`up{namespace="${NS}",job="redis",instance="r0"}`, '0x15')], silent: [s(`up{namespace="${NS}",job="redis",instance="r0"}`, '1x15')], labels: { namespace: NS, job: 'redis', instance: 'r0' } },
  {
    alert: 'CertificateExpiringSoon', evalTime: '70m',
    firing: [s(`certmanager_certificate_expiration_timestamp_seconds{exported_namespace="${NS}",name="tls"}`, `${7 * 86400 + 4200}x80`)],
    silent: [s(`certmanager_certificate_expiration_timestamp_seconds{exported_namespace="${NS}",name="tls"}`, `${30 * 86400}x80`)],
    labels: { exported_namespace: NS, name: 'tls' }, value: '7d 0h 0m 0s',
  },
  {
    alert: 'HpaMaxedOut', group: 'health-app', evalTime: '16m',
    firing: [s(`kube_horizontalpodautoscaler_status_current_replicas{namespace="${NS}",horizontalpodautoscaler="app"}`, '20x20'), s(`kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="app"}`, '20x20')],
    silent: [s(`kube_horizontalpodautoscaler_status_current_replicas{namespace="${NS}",horizontalpodautoscaler="app"}`, '19x20'), s(`kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="app"}`, '20x20')],
    labels: { namespace: NS, horizontalpodautoscaler: 'app' }, value: '20',
  },
  {
    alert: 'HpaScalingMetricUnavailable', group: 'health-app', evalTime: '11m',
    firing: [s(`kube_horizontalpodautoscaler_status_condition{namespace="${NS}",horizontalpodautoscaler="app",condition="ScalingActive",status="false"}`, '1x15')],
    silent: [s(`kube_horizontalpodautoscaler_status_condition{namespace="${NS}",horizontalpodautoscaler="app",condition="ScalingActive",status="false"}`, '0x15')],
    labels: { namespace: NS, horizontalpodautoscaler: 'app', condition: 'ScalingActive', status: 'false' },
  },
  { alert: 'ScalingMetricAbsent', evalTime: '11m', firing: [s(`task_queue_depth{namespace="other"}`, '3x15')], silent: [s(`task_queue_depth{namespace="${NS}",pod="app-0"}`, '3x15')], labels: { namespace: NS } },
  { alert: 'NginxDown', evalTime: '6m', firing: [s(`nginx_up{namespace="${NS}",instance="n0"}`, '0x10')], silent: [s(`nginx_up{namespace="${NS}",instance="n0"}`, '1x10')], labels: { namespace: NS, instance: 'n0' } },
  {
    alert: 'NginxUpstreamDegraded', evalTime: '6m',
    firing: ['a', 'b', 'c'].map((i, n) => s(`up{namespace="${NS}",job="app",instance="${i}"}`, `${n === 0 ? 1 : 0}x10`)),
    silent: ['a', 'b', 'c'].map((i) => s(`up{namespace="${NS}",job="app",instance="${i}"}`, '1x10')),
    labels: {}, value: '33.33%',
  },
  {
    alert: 'RedisMemoryHigh', evalTime: '11m',
    firing: [s(`redis_memory_used_bytes{namespace="${NS}",instance="r0"}`, '95x15'), s(`redis_memory_max_bytes{namespace="${NS}",instance="r0"}`, '100x15')],
    // No maxmemory (0) is not "above 90 %" either.
    silent: [s(`redis_memory_used_bytes{namespace="${NS}",instance="r0"}`, '50x15'), s(`redis_memory_max_bytes{namespace="${NS}",instance="r0"}`, '100x15'), s(`redis_memory_used_bytes{namespace="${NS}",instance="r1"}`, '95x15'), s(`redis_memory_max_bytes{namespace="${NS}",instance="r1"}`, '0x15')],
    labels: { namespace: NS, instance: 'r0' }, value: '95%',
  },
  { alert: 'RedisClusterStateNotOk', evalTime: '3m', firing: [s(`redis_cluster_state{namespace="${NS}",instance="r0"}`, '0x5')], silent: [s(`redis_cluster_state{namespace="${NS}",instance="r0"}`, '1x5')], labels: { namespace: NS, instance: 'r0' } },
  {
    alert: 'PostgresReplicationLagHigh', group: 'health-postgres', evalTime: '3m',
    firing: [s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-2"}`, '5x5')], silent: [s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-2"}`, '0.5x5')],
    labels: { namespace: NS, pod: 'pg-2' }, value: '5s',
  },
  {
    alert: 'PostgresReplicationLagHigh', group: 'health-postgres-statefulset', evalTime: '3m',
    firing: [s(`pg_replication_lag{namespace="${NS}",pod="pg-1"}`, '5x5')], silent: [s(`pg_replication_lag{namespace="${NS}",pod="pg-1"}`, '0.5x5')],
    labels: { namespace: NS, pod: 'pg-1' }, value: '5s',
  },
  {
    alert: 'PostgresWalArchivingFailing', group: 'health-postgres', evalTime: '11m',
    firing: [s(`cnpg_pg_stat_archiver_last_failed_time{namespace="${NS}",pod="pg-1"}`, '200x15'), s(`cnpg_pg_stat_archiver_last_archived_time{namespace="${NS}",pod="pg-1"}`, '100x15')],
    silent: [s(`cnpg_pg_stat_archiver_last_failed_time{namespace="${NS}",pod="pg-1"}`, '100x15'), s(`cnpg_pg_stat_archiver_last_archived_time{namespace="${NS}",pod="pg-1"}`, '200x15')],
    labels: { namespace: NS, pod: 'pg-1' },
  },
  {
    alert: 'PostgresWalArchivingFailing', group: 'health-postgres-statefulset', evalTime: '25m',
    firing: [s(`pg_stat_archiver_failed_count{namespace="${NS}",pod="pg-0"}`, '0+1x30'), s(`pg_stat_archiver_archived_count{namespace="${NS}",pod="pg-0"}`, '7x30')],
    silent: [s(`pg_stat_archiver_failed_count{namespace="${NS}",pod="pg-0"}`, '0+1x30'), s(`pg_stat_archiver_archived_count{namespace="${NS}",pod="pg-0"}`, '0+1x30')],
    labels: { namespace: NS, pod: 'pg-0' },
  },
  {
    alert: 'PostgresBackupTooOld', evalTime: '3h',
    firing: [s(`barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod="pg-1"}`, '0x200')],
    silent: [s(`barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod="pg-1"}`, '10000x200')],
    labels: {}, value: '3h 0m 0s',
  },
];

describe('promtool test rules: health alerts (firing and silent)', () => {
  beforeAll(() => requirePromtool());
  const groups = everyHealthGroup(NS);
  const rules = writeRules(work, 'health.rules.yaml', groups);
  const ruleOf = (c: HealthCase): AlertingRule => {
    const g = c.group ? groups.filter((x) => x.name === c.group) : groups;
    return alertIn(g, c.alert);
  };

  test.each(HEALTH_CASES.map((c) => [`${c.alert}${c.group ? ` (${c.group})` : ''}`, c] as const))('%s', (_name, c) => {
    // A file per case over only the case's group, so that same-named alerts of other groups do not answer.
    const only = c.group ? writeRules(work, `health-${c.group}.rules.yaml`, groups.filter((g) => g.name === c.group)) : rules;
    const rule = ruleOf(c);
    const r = runPromtoolTests(work, `health-${c.alert}-${c.group ?? 'all'}`, only, [
      { name: `${c.alert} fires`, interval: '1m', input_series: c.firing, alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: [expectedAlert(rule, c.labels, c.value)] }] },
      { name: `${c.alert} silent`, interval: '1m', input_series: c.silent, alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: [] }] },
    ]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  test('every health alert has a case', () => {
    const alerts = new Set(groups.flatMap((g) => g.rules).map((r) => (r as AlertingRule).alert));
    expect([...alerts].filter((a) => !HEALTH_CASES.some((c) => c.alert === a))).toEqual([]);
  });
});
