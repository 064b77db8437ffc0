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
import { ChildProcess, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { TierChart } from '../../lib';
import { AlertingRule, EXPORTER_METRICS, RuleGroup, healthRuleGroups, postgresExporterQueries } from '../../lib/monitoring';
import { nginxExporterArgs, withNginxStatusServer } from '../../lib/nginx';
import { renderNginxConfig } from '../../lib/nginx/nginx-conf';
import { NGINX_BIN, Nginx, ProcessRegistry, collectOutput, freePort, waitFor } from './_nginx-harness';
import { chownTree, findPostgresBin, nssWrapperEnv, run, serverIdentity, startDetached, tail, waitForExit } from './_postgres-harness';
import { TIERS, TierSpec, department, deriveTier, enterprise } from '../../tiers';
import { PromtoolTest, SETUP_HINT, alertIn, counter, expectedAlert, promtool, requirePromtool, runPromtoolTests, writeRules } from './_promtool';

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
    // promtool 2.42 reports lint problems (duplicate rules) as FAILED but still exits 0: check the text too.
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.output).not.toMatch(/FAILED|lint error/);
    expect(r.code).toBe(0);
  });

  test('every health alert of every component and engine passes', () => {
    // One file per Postgres engine: a tier has one engine, and the two groups hold the same alerts.
    const groups = everyHealthGroup('ns');
    for (const [name, selected] of [['cnpg', groups.filter((g) => g.name !== 'health-postgres-statefulset')], ['statefulset', groups.filter((g) => g.name === 'health-postgres-statefulset')]] as const) {
      const r = promtool(['check', 'rules', writeRules(work, `all-health-${name}.rules.yaml`, selected)], work);
      expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(r.output).not.toMatch(/FAILED|lint error/);
      expect(r.code).toBe(0);
    }
  });

  test('the same alert twice is a lint failure (the check is strict)', () => {
    const g = everyHealthGroup('ns');
    const r = promtool(['check', 'rules', writeRules(work, 'dup.rules.yaml', [...g, { ...g[0], name: 'copy' }])], work);
    expect(r.output).toMatch(/duplicate rule/);
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
    firing: [s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-2"}`, '5x5'), s(`cnpg_pg_replication_is_wal_receiver_up{namespace="${NS}",pod="pg-2"}`, '1x5')],
    // Silent: a streaming replica within the bound, and an archive-fed one (no WAL receiver) whose lag is the time
    // since its last replayed transaction (the alert that fired forever on replica clusters).
    silent: [
      s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-2"}`, '0.5x5'), s(`cnpg_pg_replication_is_wal_receiver_up{namespace="${NS}",pod="pg-2"}`, '1x5'),
      s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-3"}`, '120x5'), s(`cnpg_pg_replication_is_wal_receiver_up{namespace="${NS}",pod="pg-3"}`, '0x5'),
    ],
    labels: { namespace: NS, pod: 'pg-2' }, value: '5s',
  },
  {
    alert: 'PostgresArchiveReplayDelayed', group: 'health-postgres', evalTime: '15m',
    firing: [s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-3"}`, '1000x20'), s(`cnpg_pg_replication_in_recovery{namespace="${NS}",pod="pg-3"}`, '1x20'), s(`cnpg_pg_replication_is_wal_receiver_up{namespace="${NS}",pod="pg-3"}`, '0x20')],
    // Silent: an archive-fed replica replaying within the bound, and a streaming replica far behind (the other alert's).
    silent: [
      s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-3"}`, '120x20'), s(`cnpg_pg_replication_in_recovery{namespace="${NS}",pod="pg-3"}`, '1x20'), s(`cnpg_pg_replication_is_wal_receiver_up{namespace="${NS}",pod="pg-3"}`, '0x20'),
      s(`cnpg_pg_replication_lag{namespace="${NS}",pod="pg-2"}`, '1000x20'), s(`cnpg_pg_replication_in_recovery{namespace="${NS}",pod="pg-2"}`, '1x20'), s(`cnpg_pg_replication_is_wal_receiver_up{namespace="${NS}",pod="pg-2"}`, '1x20'),
    ],
    labels: { namespace: NS, pod: 'pg-3' }, value: '16m 40s',
  },
  {
    alert: 'PostgresArchiverMetricsAbsent', group: 'health-postgres', evalTime: '15m',
    firing: [s(`cnpg_pg_stat_archiver_last_archived_time{namespace="other",pod="pg-1"}`, '100x20')],
    silent: [s(`cnpg_pg_stat_archiver_last_archived_time{namespace="${NS}",pod="pg-1"}`, '100x20')],
    labels: { namespace: NS },
  },
  {
    alert: 'PostgresBackupMetricAbsent', group: 'health-postgres', evalTime: '3h',
    firing: [s(`barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="other",pod="pg-1"}`, '0x200')],
    silent: [s(`barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="${NS}",pod="pg-1"}`, '0x200')],
    labels: { namespace: NS },
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

// ---------------------------------------------------------------------------------------------------------------
// Real scrapes on loopback.
// ---------------------------------------------------------------------------------------------------------------

describe('a real Prometheus scrapes real exporters and evaluates the generated rules', () => {
  const procs = new ProcessRegistry();
  const ns = enterprise.name;
  let pgDir = '';
  let postgresChild: ChildProcess | undefined;
  let appServer: http.Server | undefined;
  let prometheusUrl = '';
  let prometheusOutput: () => string = () => '';

  /** GET a Prometheus API path; the `data` of a success answer. */
  async function api<T>(p: string): Promise<T> {
    const res = await fetch(`${prometheusUrl}${p}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${p}: ${body.error}`);
    return body.data;
  }

  /** Starts a process and remembers its output for failure messages. */
  function start(cmd: string, args: string[]): () => string {
    const child = procs.spawn(cmd, args);
    return collectOutput(child);
  }

  /** Waits until an HTTP endpoint answers 200 and its body matches. */
  const serving = (url: string, body: RegExp, output: () => string) =>
    waitFor(`${url} to serve ${body}`, async () => {
      const res = await fetch(url).catch(() => undefined);
      const text = res?.ok ? await res.text() : '';
      return body.test(text) ? text : undefined;
    }, { timeoutMs: 30_000, intervalMs: 200 }, output);

  beforeAll(async () => {
    requirePromtool();
    for (const bin of ['prometheus', 'prometheus-nginx-exporter', 'prometheus-redis-exporter', 'prometheus-postgres-exporter', 'redis-server', 'redis-cli']) {
      if (spawnSync('which', [bin]).status !== 0) throw new Error(`${bin} not found: ${SETUP_HINT}`);
    }
    if (!fs.existsSync(NGINX_BIN)) throw new Error(`nginx not found at ${NGINX_BIN}: run \`bash test/integration/setup/nginx.sh\``);
    const pg = findPostgresBin();
    if (!pg) throw new Error(`PostgreSQL not found: run \`bash test/integration/setup/postgres.sh\``);
    const dir = fs.mkdtempSync(path.join(work, 'scrape-'));

    // The app stand-in: the metric conventions the SLO rules read, 3 % server errors, 90 % under 50 ms.
    let scrapes = 0;
    appServer = http.createServer((_req, res) => {
      scrapes++;
      const n = scrapes * 100;
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end([
        '# TYPE http_requests_total counter',
        `http_requests_total{code="200"} ${n * 0.97}`,
        `http_requests_total{code="500"} ${n * 0.03}`,
        '# TYPE http_request_duration_seconds histogram',
        `http_request_duration_seconds_bucket{le="0.05"} ${n * 0.9}`,
        `http_request_duration_seconds_bucket{le="0.3"} ${n * 0.99}`,
        `http_request_duration_seconds_bucket{le="+Inf"} ${n}`,
        `http_request_duration_seconds_sum ${n * 0.04}`,
        `http_request_duration_seconds_count ${n}`,
        '# TYPE task_queue_depth gauge',
        'task_queue_depth 3',
        '',
      ].join('\n'));
    });
    const appPort = await freePort();
    await new Promise<void>((resolve) => appServer!.listen(appPort, '127.0.0.1', resolve));

    // nginx: the generated config in front of the app, plus the stub_status server for the exporter.
    const statusPort = await freePort();
    await Nginx.start(procs, dir, (listenPort) => {
      const conf = renderNginxConfig({
        upstream: { servers: [{ host: '127.0.0.1', port: appPort }] },
        listenAddress: '127.0.0.1', listenPort, tempDir: dir, accessLogPath: path.join(dir, 'access.log'), errorLogPath: path.join(dir, 'error.log'),
      });
      return withNginxStatusServer(conf, statusPort); // as NginxLoadBalancer does with an exporter
    });
    const nginxExporterPort = await freePort();
    const nginxExporter = start('prometheus-nginx-exporter', nginxExporterArgs(statusPort, `127.0.0.1:${nginxExporterPort}`));
    await serving(`http://127.0.0.1:${nginxExporterPort}/metrics`, /^nginx_up 1$/m, nginxExporter);

    // Redis: one cluster-enabled server with no slots assigned (cluster_state:fail), maxmemory at its used memory.
    const redisPort = await freePort();
    const redis = start('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf')]);
    const cli = (...args: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(redisPort), ...args], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
    await waitFor('redis to answer PING', () => Promise.resolve(cli('ping').trim() === 'PONG' ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 }, redis);
    const used = Number(/used_memory:(\d+)/.exec(cli('info', 'memory'))?.[1]);
    expect(cli('config', 'set', 'maxmemory', String(used)).trim()).toBe('OK');
    const redisExporterPort = await freePort();
    const redisExporter = start('prometheus-redis-exporter', ['-redis.addr', `redis://127.0.0.1:${redisPort}`, '-web.listen-address', `127.0.0.1:${redisExporterPort}`]);
    await serving(`http://127.0.0.1:${redisExporterPort}/metrics`, /^redis_up 1$/m, redisExporter);

    // PostgreSQL (as the postgres user) and postgres_exporter with the generated queries file.
    const id = serverIdentity();
    pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-pg-'));
    chownTree(pgDir, id);
    const pgPort = await freePort();
    // The pods' uid has no passwd entry; nss_wrapper names it postgres, as the image does.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', ...nssWrapperEnv(pgDir, id) };
    const init = await run(path.join(pg.dir, 'initdb'), ['-D', path.join(pgDir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync'], { env, id, timeoutMs: 120_000 });
    if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    postgresChild = startDetached(path.join(pg.dir, 'postgres'), ['-D', path.join(pgDir, 'data'), '-p', String(pgPort), '-k', pgDir, '-c', 'listen_addresses=127.0.0.1'], { env, id, logFile: path.join(pgDir, 'postgres.log') });
    const queries = path.join(dir, 'queries.yaml');
    fs.writeFileSync(queries, postgresExporterQueries());
    const pgExporterPort = await freePort();
    // postgres_exporter reads its connection string from the environment only.
    const pgExporter = start('env', [
      `DATA_SOURCE_NAME=postgresql://postgres@127.0.0.1:${pgPort}/postgres?sslmode=disable`,
      'prometheus-postgres-exporter', `--web.listen-address=127.0.0.1:${pgExporterPort}`, `--extend.query-path=${queries}`,
    ]);
    await serving(`http://127.0.0.1:${pgExporterPort}/metrics`, /^pg_replication_lag(\{[^}]*\})? 0$/m, () => `${pgExporter()}\n${tail(path.join(pgDir, 'postgres.log'))}`);

    // Prometheus with the enterprise SLO rules and every health alert of these components. The 5-minute period
    // group is evaluated every second here, like the others, so that the test need not wait for its first turn.
    const groups = [
      ...tierGroups(enterprise).filter((g) => g.name.startsWith('slo-')),
      ...healthRuleGroups({ tier: ns, namespace: ns, app: { job: 'app', hpaName: 'app', scalingMetric: 'task_queue_depth' }, nginx: {}, redis: { cluster: true, use: 'data' }, postgres: { engine: 'statefulset' } }),
    ].map(({ interval: _interval, ...g }) => g);
    writeRules(dir, 'rules.yaml', groups);
    const target = (job: string, port: number) => ({ job_name: job, static_configs: [{ targets: [`127.0.0.1:${port}`], labels: { namespace: ns } }] });
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yaml'],
      scrape_configs: [target('app', appPort), target('nginx', nginxExporterPort), target('redis', redisExporterPort), target('postgresql', pgExporterPort)],
    }));
    const promPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${promPort}`;
    prometheusOutput = start('prometheus', [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    await serving(`${prometheusUrl}/-/ready`, /Ready/, prometheusOutput);
  });

  afterAll(async () => {
    await procs.stopAll();
    if (postgresChild?.pid) {
      try {
        process.kill(postgresChild.pid, 'SIGINT'); // fast shutdown
      } catch {
        // already gone
      }
      if (!(await waitForExit(postgresChild, 20_000))) postgresChild.kill('SIGKILL');
    }
    await new Promise((resolve) => (appServer ? appServer.close(resolve) : resolve(undefined)));
    if (pgDir) fs.rmSync(pgDir, { recursive: true, force: true });
  });

  test('every target is up', async () => {
    type Targets = { activeTargets: { labels: { job: string }; health: string; lastError: string }[] };
    const targets = await waitFor('4 targets up', async () => {
      const t = await api<Targets>('/api/v1/targets');
      return t.activeTargets.length === 4 && t.activeTargets.every((x) => x.health === 'up') ? t : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 }, () => JSON.stringify(prometheusOutput().slice(-2000)));
    expect(targets.activeTargets.map((t) => t.labels.job).sort()).toEqual(['app', 'nginx', 'postgresql', 'redis']);
  });

  test('every rule is loaded and evaluates without error', async () => {
    type Rules = { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    const rules = await waitFor('every rule evaluated', async () => {
      const r = await api<Rules>('/api/v1/rules');
      const all = r.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((x) => x.health !== 'unknown') ? r : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    expect(rules.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['slo-availability', 'slo-latency', 'slo-errors', 'health-redis', 'health-postgres', 'health-nginx']));
  });

  test('every catalogued metric of the running exporters is exposed', async () => {
    const wanted = ['prometheus', 'nginx-prometheus-exporter', 'redis_exporter', 'postgres_exporter'] as const;
    const names = await waitFor('the exporters\' metrics', async () => {
      const n = new Set(await api<string[]>('/api/v1/label/__name__/values'));
      return n.has('pg_replication_lag') && n.has('redis_cluster_state') && n.has('nginx_up') ? n : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const missing = wanted.flatMap((source) => EXPORTER_METRICS[source].filter((m) => !names.has(m)).map((m) => `${source}: ${m}`));
    expect(missing).toEqual([]);
  });

  test('the SLO recording rules compute the app\'s error ratio and the slow fraction from real scrapes', async () => {
    type Vector = { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    const ratio = async (slo: string) => {
      const v = await waitFor(`slo:sli_error:ratio_rate5m{slo="${slo}"}`, async () => {
        const r = await api<Vector>(`/api/v1/query?query=${encodeURIComponent(`slo:sli_error:ratio_rate5m{slo="${slo}"}`)}`);
        return r.result.length === 1 && Number.isFinite(Number(r.result[0].value[1])) ? r.result[0] : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500 });
      expect(v.metric).toMatchObject({ tier: ns, service: 'app', slo });
      return Number(v.value[1]);
    };
    expect(await ratio('availability')).toBeCloseTo(0.03, 6);
    expect(await ratio('errors')).toBeCloseTo(0.03, 6);
    expect(await ratio('latency')).toBeCloseTo(0.1, 6); // le="0.05" (enterprise's p95 < 50 ms): 90 % fast
  });

  test('real Redis states raise their alerts: cluster state fail, memory at maxmemory', async () => {
    type Alerts = { alerts: { labels: Record<string, string>; state: string }[] };
    const alerts = await waitFor('the Redis alerts pending', async () => {
      const a = await api<Alerts>('/api/v1/alerts');
      const names = new Set(a.alerts.map((x) => x.labels.alertname));
      return names.has('RedisClusterStateNotOk') && names.has('RedisMemoryHigh') ? a : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const cluster = alerts.alerts.find((a) => a.labels.alertname === 'RedisClusterStateNotOk')!;
    expect(cluster.labels).toMatchObject({ severity: 'page', tier: ns, namespace: ns, job: 'redis' });
    expect(['pending', 'firing']).toContain(cluster.state);
    // Healthy components raise nothing: nginx is up, every target is up, Postgres has no lag.
    expect(alerts.alerts.map((a) => a.labels.alertname).filter((n) => ['NginxDown', 'NginxUpstreamDegraded', 'ScrapeTargetDown', 'PostgresReplicationLagHigh'].includes(n))).toEqual([]);
  });
});
