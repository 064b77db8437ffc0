import { Problems } from '../core/problems';
import { AlertSeverity, AlertingRule, RuleGroup, matchers } from './prometheus-rules';

/**
 * Health and saturation alerts of one tier: the autoscaler held at its maximum, a scaling metric missing, Redis
 * near maxmemory or its cluster broken, Postgres replication lag, stale backups and failing WAL archiving, expiring
 * certificates, nginx and its upstream pods, scrape targets down. Each threshold and `for` has a default here that
 * a tier overrides in `monitoring.thresholds`.
 */

/** Thresholds and `for` durations of the health alerts. Durations are Prometheus durations (`30s`, `10m`, `1h`). */
export interface HealthThresholds {
  /**
   * How long an HPA may sit at maxReplicas before a ticket: a short peak is what the maximum is for; a long one
   * means the maximum (or the node pool) is too small.
   *
   * @default '15m'
   */
  readonly hpaAtMaxFor?: string;
  /**
   * How long an HPA's scaling metric may be unavailable (`ScalingActive=False`, or the custom metric absent).
   *
   * @default '10m'
   */
  readonly scalingMetricMissingFor?: string;
  /**
   * Redis used memory as a fraction of maxmemory above which to alert.
   *
   * @default 0.9
   */
  readonly redisMemoryRatio?: number;
  /**
   * How long Redis memory must stay above `redisMemoryRatio`.
   *
   * @default '10m'
   */
  readonly redisMemoryFor?: string;
  /**
   * How long the Redis Cluster state may be `fail` before a page (a failover takes `cluster-node-timeout` plus an
   * election, about 20 s).
   *
   * @default '2m'
   */
  readonly redisClusterStateFor?: string;
  /**
   * Postgres replication lag, in seconds, above which to alert (seed 003).
   *
   * @default 1
   */
  readonly replicationLagSeconds?: number;
  /**
   * How long the lag must stay above `replicationLagSeconds`.
   *
   * @default '2m'
   */
  readonly replicationLagFor?: string;
  /**
   * The replay delay, in seconds, above which an archive-fed replica (a CloudNativePG replica cluster's designated
   * primary, no WAL receiver) alerts. It replays whole segments as the source archives them, at least every
   * `archive_timeout` (60 s in the tiers), and its lag reads as the time since the last replayed transaction, so a
   * bound of streaming's 1 s would fire forever.
   *
   * @default 900 - 15 archive timeouts of the tiers: a segment lost or stuck, not an idle source
   */
  readonly archiveReplayDelaySeconds?: number;
  /**
   * How long the archive replay delay must stay above `archiveReplayDelaySeconds`.
   *
   * @default '10m'
   */
  readonly archiveReplayDelayFor?: string;
  /**
   * How long WAL archiving may keep failing before a page: point-in-time recovery is frozen and pg_wal fills up.
   *
   * @default '10m'
   */
  readonly walArchivingFailingFor?: string;
  /**
   * The age of the last successful backup, in multiples of the backup interval, above which to alert.
   *
   * @default 2
   */
  readonly backupAgeIntervals?: number;
  /**
   * Days before a certificate's expiry to open a ticket (cert-manager renews 30 days before by default, so this
   * means renewal has failed for two weeks).
   *
   * @default 14
   */
  readonly certificateExpiryDays?: number;
  /**
   * The fraction of the app's pods (nginx's upstream servers) that may be down before a ticket.
   *
   * @default 0.5
   */
  readonly upstreamDownRatio?: number;
  /**
   * How long nginx may be down (or its upstream degraded) before alerting.
   *
   * @default '5m'
   */
  readonly nginxFor?: string;
  /**
   * How long a scrape target may be down before a ticket.
   *
   * @default '10m'
   */
  readonly targetDownFor?: string;
}

/** The defaults of {@link HealthThresholds}. */
export const HEALTH_DEFAULTS: Required<HealthThresholds> = {
  hpaAtMaxFor: '15m',
  scalingMetricMissingFor: '10m',
  redisMemoryRatio: 0.9,
  redisMemoryFor: '10m',
  redisClusterStateFor: '2m',
  replicationLagSeconds: 1,
  replicationLagFor: '2m',
  archiveReplayDelaySeconds: 900,
  archiveReplayDelayFor: '10m',
  walArchivingFailingFor: '10m',
  backupAgeIntervals: 2,
  certificateExpiryDays: 14,
  upstreamDownRatio: 0.5,
  nginxFor: '5m',
  targetDownFor: '10m',
};

const DURATION = /^[0-9]+(ms|s|m|h|d|w|y)$/;

/** Records every invalid threshold under `field`. */
export function checkHealthThresholds(p: Problems, field: string, t: HealthThresholds | undefined): void {
  for (const [key, value] of Object.entries(t ?? {})) {
    const f = `${field}.${key}`;
    if (key.endsWith('For')) {
      if (typeof value !== 'string' || !DURATION.test(value)) p.add(f, value, "a Prometheus duration such as '30s', '10m' or '1h'");
    } else if (key === 'redisMemoryRatio' || key === 'upstreamDownRatio') {
      if (!(typeof value === 'number' && value > 0 && value <= 1)) p.add(f, value, 'a ratio above 0 and at most 1');
    } else if (key in HEALTH_DEFAULTS) {
      if (!(typeof value === 'number' && value > 0)) p.add(f, value, 'a positive number');
    } else {
      p.add(f, value, `one of the thresholds ${Object.keys(HEALTH_DEFAULTS).join(', ')}`);
    }
  }
}

/** What the health alerts watch. Every part is optional: a tier gets the alerts of the components it has. */
export interface HealthRulesProps {
  /** The tier: the `tier` label of every alert. */
  readonly tier: string;
  /** The namespace of every watched object. */
  readonly namespace: string;
  /** The app: its scrape job (for `up`) and its autoscaler. */
  readonly app?: {
    /** The `job` label of the app's targets. */
    readonly job: string;
    /**
     * The app's HPA.
     *
     * @default - no autoscaler alerts
     */
    readonly hpaName?: string;
    /**
     * A custom metric the HPA scales on (queue depth): absent means the HPA scales on CPU alone.
     *
     * @default - none
     */
    readonly scalingMetric?: string;
  };
  /**
   * nginx in front of the app, when its exporter is scraped.
   *
   * @default - no nginx alerts
   */
  readonly nginx?: {
    /**
     * nginx's HPA.
     *
     * @default - no autoscaler alert for nginx
     */
    readonly hpaName?: string;
  };
  /**
   * Redis, when its exporter is scraped.
   *
   * @default - no Redis alerts
   */
  readonly redis?: {
    /** Whether it is a Redis Cluster (adds the cluster-state alert). */
    readonly cluster: boolean;
    /** `data` pages before writes fail at maxmemory; `cache` evicts there by design, so memory is info only. */
    readonly use: 'cache' | 'data';
  };
  /**
   * Postgres: which exporter exposes its metrics, and its backup interval when it has backups.
   *
   * @default - no Postgres alerts
   */
  readonly postgres?: {
    /** `statefulset`: postgres_exporter (queries of postgresExporterQueries()); `cloudnative-pg`: the operator's exporter. */
    readonly engine: 'statefulset' | 'cloudnative-pg';
    /**
     * Hours between scheduled backups (CloudNativePG only).
     *
     * @default - no backup-age alert
     */
    readonly backupIntervalHours?: number;
    /**
     * Which metric reports the last backup: the Barman Cloud plugin's, or CloudNativePG's in-core one (which stops
     * updating once backups move to the plugin).
     *
     * @default 'barman-cloud-plugin'
     */
    readonly backupMetrics?: 'barman-cloud-plugin' | 'in-core';
  };
  /**
   * Thresholds.
   *
   * @default HEALTH_DEFAULTS
   */
  readonly thresholds?: HealthThresholds;
}

/** The health rule groups of a tier: one group per component watched. */
export function healthRuleGroups(props: HealthRulesProps): RuleGroup[] {
  const t = { ...HEALTH_DEFAULTS, ...props.thresholds };
  const ns = { namespace: props.namespace };
  const alert = (
    name: string,
    severity: AlertSeverity,
    expr: string,
    forDuration: string | undefined,
    summary: string,
    description: string,
    component?: string,
  ): AlertingRule => ({
    alert: name,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    // `component` tells apart the same alert on two workloads (the app's and nginx's HPA): promtool rejects
    // rules with the same name and labels as duplicates.
    labels: { severity, tier: props.tier, ...(component ? { component } : {}) },
    annotations: { summary: `${props.tier}: ${summary}`, description },
  });
  const hpaAlerts = (hpa: string, who: string): AlertingRule[] => {
    const sel = matchers({ ...ns, horizontalpodautoscaler: hpa });
    return [
      alert(
        'HpaMaxedOut',
        'ticket',
        `kube_horizontalpodautoscaler_status_current_replicas${sel} >= kube_horizontalpodautoscaler_spec_max_replicas${sel}`,
        t.hpaAtMaxFor,
        `the ${who} autoscaler has been at its maximum for ${t.hpaAtMaxFor}`,
        `HPA {{ $labels.horizontalpodautoscaler }} runs {{ $value }} replicas, its maxReplicas: it cannot absorb more load. Raise maxReplicas or the node pool, or find what drives the load.`,
        who,
      ),
      alert(
        'HpaScalingMetricUnavailable',
        'ticket',
        `kube_horizontalpodautoscaler_status_condition${matchers({ ...ns, horizontalpodautoscaler: hpa, condition: 'ScalingActive', status: 'false' })} == 1`,
        t.scalingMetricMissingFor,
        `the ${who} autoscaler cannot read its metrics`,
        `HPA {{ $labels.horizontalpodautoscaler }} reports ScalingActive=False for ${t.scalingMetricMissingFor}: it cannot compute a replica count and holds the current one. Check metrics-server and the custom-metrics adapter.`,
        who,
      ),
    ];
  };

  const groups: RuleGroup[] = [];
  const general: AlertingRule[] = [
    alert(
      'ScrapeTargetDown',
      'ticket',
      `up${matchers(ns)} == 0`,
      t.targetDownFor,
      'a scrape target is down',
      `Prometheus has not scraped {{ $labels.job }} at {{ $labels.instance }} for ${t.targetDownFor}: its alerts are blind.`,
    ),
    alert(
      'CertificateExpiringSoon',
      'ticket',
      // cert-manager's own namespace label becomes exported_namespace when Prometheus scrapes the controller.
      `(certmanager_certificate_expiration_timestamp_seconds${matchers({ exported_namespace: props.namespace })} > 0) - time() < ${t.certificateExpiryDays * 86400}`,
      '1h',
      `a certificate expires within ${t.certificateExpiryDays} days`,
      `Certificate {{ $labels.name }} expires in {{ $value | humanizeDuration }} and cert-manager has not renewed it (it renews 30 days ahead by default). Check the Certificate's events and its issuer.`,
    ),
  ];
  groups.push({ name: 'health-general', rules: general });

  if (props.app) {
    const app: AlertingRule[] = props.app.hpaName ? hpaAlerts(props.app.hpaName, 'app') : [];
    if (props.app.scalingMetric) {
      app.push(alert(
        'ScalingMetricAbsent',
        'ticket',
        `absent(${props.app.scalingMetric}${matchers(ns)})`,
        t.scalingMetricMissingFor,
        `the scaling metric ${props.app.scalingMetric} is missing`,
        `No series of ${props.app.scalingMetric} in namespace ${props.namespace} for ${t.scalingMetricMissingFor}: the HPA scales on CPU alone and will not follow the queue.`,
      ));
    }
    if (app.length > 0) groups.push({ name: 'health-app', rules: app });
  }

  if (props.nginx) {
    const nginx: AlertingRule[] = [
      alert(
        'NginxDown',
        'page',
        `nginx_up${matchers(ns)} == 0`,
        t.nginxFor,
        'nginx does not answer its status endpoint',
        `The exporter beside nginx pod {{ $labels.instance }} cannot read stub_status: that nginx is not serving.`,
      ),
      alert(
        'NginxUpstreamDegraded',
        'ticket',
        `avg(up${matchers({ ...ns, job: props.app?.job ?? 'app' })}) < ${t.upstreamDownRatio}`,
        t.nginxFor,
        `fewer than ${t.upstreamDownRatio * 100} % of nginx's upstream pods are up`,
        `Only {{ $value | humanizePercentage }} of the app pods nginx balances across answer; nginx's passive health checks take failing ones out and the rest carry the load. nginx's own 502/504 counts are not in stub_status: see the ALB's target 5XX alarm.`,
      ),
      ...(props.nginx.hpaName ? hpaAlerts(props.nginx.hpaName, 'nginx') : []),
    ];
    groups.push({ name: 'health-nginx', rules: nginx });
  }

  if (props.redis) {
    const sel = matchers(ns);
    const redis: AlertingRule[] = [
      alert(
        'RedisMemoryHigh',
        props.redis.use === 'data' ? 'ticket' : 'info',
        `redis_memory_used_bytes${sel} / (redis_memory_max_bytes${sel} > 0) > ${t.redisMemoryRatio}`,
        t.redisMemoryFor,
        `Redis memory is above ${t.redisMemoryRatio * 100} % of maxmemory`,
        props.redis.use === 'data'
          ? `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory; at 100 % it refuses writes (noeviction). Raise maxmemory or add shards.`
          : `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of maxmemory; as a cache it evicts least-recently-used keys from there on, so the hit rate may drop.`,
      ),
    ];
    if (props.redis.cluster) {
      redis.push(alert(
        'RedisClusterStateNotOk',
        'page',
        `redis_cluster_state${sel} == 0`,
        t.redisClusterStateFor,
        'the Redis Cluster state is not ok',
        `{{ $labels.instance }} reports cluster_state:fail for ${t.redisClusterStateFor}: some hash slots have no serving master and their keys are unavailable.`,
      ));
    }
    groups.push({ name: 'health-redis', rules: redis });
  }

  if (props.postgres) {
    const sel = matchers(ns);
    const cnpg = props.postgres.engine === 'cloudnative-pg';
    // CloudNativePG's pg_replication query (config/manager/default-monitoring.yaml): lag is 0 on a primary and when
    // the received WAL is replayed, else the time since the last replayed transaction; is_wal_receiver_up says whether
    // the instance streams. Streaming replicas and archive-fed ones get their own bounds.
    const walReceiver = (up: 0 | 1) => ` and on(namespace, pod) cnpg_pg_replication_is_wal_receiver_up${sel} == ${up}`;
    const pg: AlertingRule[] = [
      alert(
        'PostgresReplicationLagHigh',
        'ticket',
        cnpg ? `cnpg_pg_replication_lag${sel} > ${t.replicationLagSeconds}${walReceiver(1)}` : `pg_replication_lag${sel} > ${t.replicationLagSeconds}`,
        t.replicationLagFor,
        `Postgres replication lag is above ${t.replicationLagSeconds} s`,
        `Replica {{ $labels.pod }} replays WAL {{ $value | humanizeDuration }} behind the primary: reads from it are stale, and a failover to it loses the difference.`,
      ),
      ...(cnpg ? [alert(
        'PostgresArchiveReplayDelayed',
        'ticket',
        `cnpg_pg_replication_lag${sel} > ${t.archiveReplayDelaySeconds} and on(namespace, pod) cnpg_pg_replication_in_recovery${sel} == 1${walReceiver(0)}`,
        t.archiveReplayDelayFor,
        `an archive-fed Postgres replica is more than ${t.archiveReplayDelaySeconds} s behind`,
        `{{ $labels.pod }} (fed from the object store, no streaming) last replayed a transaction {{ $value | humanizeDuration }} ago: the source's archiving, the cross-region read of its bucket or this restore_command is failing, or the source has written nothing for that long.`,
      )] : []),
      alert(
        'PostgresWalArchivingFailing',
        'page',
        cnpg
          ? `cnpg_pg_stat_archiver_last_failed_time${sel} > cnpg_pg_stat_archiver_last_archived_time${sel}`
          : `increase(pg_stat_archiver_failed_count${sel}[10m]) > 0 and increase(pg_stat_archiver_archived_count${sel}[10m]) == 0`,
        t.walArchivingFailingFor,
        'Postgres WAL archiving is failing',
        `{{ $labels.pod }} has failed to archive WAL for ${t.walArchivingFailingFor}: point-in-time recovery is frozen at the last archived segment and pg_wal grows until the disk is full.`,
      ),
    ];
    if (cnpg && props.postgres.backupIntervalHours !== undefined) {
      // Without any archiver series the comparison above is empty and silent: no exporter, no archiving to watch.
      pg.push(alert(
        'PostgresArchiverMetricsAbsent',
        'ticket',
        `absent(cnpg_pg_stat_archiver_last_archived_time${sel})`,
        t.walArchivingFailingFor,
        'no Postgres WAL archiving metrics',
        `No instance in ${props.namespace} reports cnpg_pg_stat_archiver_last_archived_time: the instances are not scraped, or nothing has ever been archived, so a failing archive cannot be seen.`,
      ));
    }
    const interval = props.postgres.backupIntervalHours;
    if (cnpg && interval !== undefined) {
      const metric = (props.postgres.backupMetrics ?? 'barman-cloud-plugin') === 'barman-cloud-plugin'
        ? 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp'
        : 'cnpg_collector_last_available_backup_timestamp';
      const maxAge = t.backupAgeIntervals * interval * 3600;
      pg.push(alert(
        'PostgresBackupTooOld',
        'ticket',
        `time() - max(${metric}${sel}) > ${maxAge}`,
        undefined,
        `the last Postgres backup is older than ${t.backupAgeIntervals} backup intervals`,
        `The newest base backup is {{ $value | humanizeDuration }} old; backups run every ${interval} h. A restore would replay that much WAL, or fail if archiving also stopped.`,
      ));
      // The age above is empty (silent) when no backup was ever taken or the plugin's metric is not scraped.
      pg.push(alert(
        'PostgresBackupMetricAbsent',
        'ticket',
        `absent(${metric}${sel})`,
        `${t.backupAgeIntervals * interval}h`,
        'no Postgres backup metric',
        `No ${metric} in ${props.namespace} for ${t.backupAgeIntervals * interval} h: no base backup has completed, or the Barman Cloud plugin's sidecar is not scraped, so backups cannot be watched.`,
      ));
    }
    groups.push({ name: 'health-postgres', rules: pg });
  }
  return groups;
}
