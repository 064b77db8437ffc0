import { Problems } from '../../lib/core/problems';
import { AlertingRule, HEALTH_DEFAULTS, checkHealthThresholds, healthRuleGroups } from '../../lib/monitoring';

const all = healthRuleGroups({
  tier: 't',
  namespace: 'ns',
  app: { job: 'app', hpaName: 'app', scalingMetric: 'task_queue_depth' },
  nginx: { hpaName: 'nginx' },
  redis: { cluster: true, use: 'data' },
  postgres: { engine: 'cloudnative-pg', backupIntervalHours: 24 },
});
const alerts = (groups = all) => groups.flatMap((g) => g.rules as AlertingRule[]);
const byName = (name: string, groups = all) => alerts(groups).find((a) => a.alert === name)!;

describe('healthRuleGroups', () => {
  test('one alert per watched condition', () => {
    expect(alerts().map((a) => a.alert)).toEqual([
      'ScrapeTargetDown', 'CertificateExpiringSoon',
      'HpaMaxedOut', 'HpaScalingMetricUnavailable', 'ScalingMetricAbsent',
      'NginxDown', 'NginxUpstreamDegraded', 'HpaMaxedOut', 'HpaScalingMetricUnavailable',
      'RedisMemoryHigh', 'RedisClusterStateNotOk',
      'PostgresReplicationLagHigh', 'PostgresArchiveReplayDelayed', 'PostgresWalArchivingFailing', 'PostgresArchiverMetricsAbsent',
      'PostgresBackupTooOld', 'PostgresBackupMetricAbsent',
    ]);
  });

  test('default thresholds and for', () => {
    expect(byName('RedisMemoryHigh')).toMatchObject({ expr: 'redis_memory_used_bytes{namespace="ns"} / (redis_memory_max_bytes{namespace="ns"} > 0) > 0.9', for: '10m', labels: { severity: 'ticket' } });
    // Streaming replicas only; archive-fed ones (no WAL receiver) have their own bound; absent() where a series may never exist.
    expect(byName('PostgresReplicationLagHigh')).toMatchObject({ expr: 'cnpg_pg_replication_lag{namespace="ns"} > 1 and on(namespace, pod) cnpg_pg_replication_is_wal_receiver_up{namespace="ns"} == 1', for: '2m' });
    expect(byName('PostgresArchiveReplayDelayed')).toMatchObject({
      expr: 'cnpg_pg_replication_lag{namespace="ns"} > 900 and on(namespace, pod) cnpg_pg_replication_in_recovery{namespace="ns"} == 1 and on(namespace, pod) cnpg_pg_replication_is_wal_receiver_up{namespace="ns"} == 0',
      for: '10m',
    });
    expect(byName('PostgresArchiverMetricsAbsent')).toMatchObject({ expr: 'absent(cnpg_pg_stat_archiver_last_archived_time{namespace="ns"})', for: '10m' });
    expect(byName('PostgresBackupMetricAbsent')).toMatchObject({ expr: 'absent(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="ns"})', for: '48h' });
    expect(byName('PostgresBackupTooOld').expr).toBe('time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="ns"}) > 172800');
    expect(byName('CertificateExpiringSoon').expr).toBe('(certmanager_certificate_expiration_timestamp_seconds{exported_namespace="ns"} > 0) - time() < 1209600');
    expect(byName('HpaMaxedOut')).toMatchObject({ for: '15m', labels: { severity: 'ticket' } });
    expect(byName('RedisClusterStateNotOk')).toMatchObject({ expr: 'redis_cluster_state{namespace="ns"} == 0', for: '2m', labels: { severity: 'page' } });
    expect(byName('PostgresWalArchivingFailing').expr).toBe('cnpg_pg_stat_archiver_last_failed_time{namespace="ns"} > cnpg_pg_stat_archiver_last_archived_time{namespace="ns"}');
  });

  test('thresholds follow the given data', () => {
    const groups = healthRuleGroups({ tier: 't', namespace: 'ns', redis: { cluster: false, use: 'cache' }, postgres: { engine: 'statefulset' }, thresholds: { redisMemoryRatio: 0.8, replicationLagSeconds: 5, replicationLagFor: '5m', certificateExpiryDays: 7 } });
    expect(byName('RedisMemoryHigh', groups)).toMatchObject({ expr: expect.stringMatching(/> 0\.8$/), labels: { severity: 'info' } });
    expect(byName('PostgresReplicationLagHigh', groups)).toMatchObject({ expr: 'pg_replication_lag{namespace="ns"} > 5', for: '5m' });
    expect(byName('CertificateExpiringSoon', groups).expr).toContain('< 604800');
    expect(alerts(groups).some((a) => a.alert === 'RedisClusterStateNotOk')).toBe(false);
    expect(byName('PostgresWalArchivingFailing', groups).expr).toContain('increase(pg_stat_archiver_failed_count{namespace="ns"}[10m]) > 0');
  });

  test('every alert has summary, description, a severity and the tier', () => {
    for (const a of alerts()) {
      expect(['page', 'ticket', 'info']).toContain(a.labels.severity);
      expect(a.labels.tier).toBe('t');
      expect(a.annotations.summary).toMatch(/^t: .{10,}/);
      expect(a.annotations.description.length).toBeGreaterThan(20);
    }
  });

  test('a tier with nothing scraped still gets the general alerts', () => {
    expect(alerts(healthRuleGroups({ tier: 't', namespace: 'ns' })).map((a) => a.alert)).toEqual(['ScrapeTargetDown', 'CertificateExpiringSoon']);
  });
});

describe('checkHealthThresholds', () => {
  const check = (t: object) => {
    const p = new Problems('t');
    checkHealthThresholds(p, 'monitoring.thresholds', t);
    return () => p.throwIfAny();
  };
  test('throws if a duration is not a Prometheus duration', () => {
    expect(check({ hpaAtMaxFor: '15 minutes' })).toThrow("[t] 'monitoring.thresholds.hpaAtMaxFor' must be a Prometheus duration such as '30s', '10m' or '1h', got: \"15 minutes\"");
  });
  test('throws if a ratio is above 1', () => {
    expect(check({ redisMemoryRatio: 90 })).toThrow("[t] 'monitoring.thresholds.redisMemoryRatio' must be a ratio above 0 and at most 1, got: 90");
  });
  test('throws on an unknown threshold', () => {
    expect(check({ replicationLag: 1 })).toThrow("'monitoring.thresholds.replicationLag' must be one of the thresholds");
  });
  test('accepts the defaults', () => {
    expect(check(HEALTH_DEFAULTS)).not.toThrow();
  });
});
