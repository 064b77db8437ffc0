/**
 * The custom queries file of a postgres_exporter sidecar (`--extend.query-path`) for the StatefulSet engine.
 * postgres_exporter 0.11 (Debian bookworm) has no replication-lag metric of its own (its `replication` collector
 * arrived in 0.13 as `pg_replication_lag_seconds`); this query gives the 0.11 name `pg_replication_lag` that
 * health-rules.ts reads, on primaries 0, on replicas the seconds since the last replayed transaction.
 */
export function postgresExporterQueries(): string {
  return [
    'pg_replication:',
    '  query: |',
    '    SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0',
    '                ELSE GREATEST(0, EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))) END AS lag,',
    '           CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS is_replica',
    '  master: true',
    '  metrics:',
    '    - lag:',
    '        usage: "GAUGE"',
    '        description: "Replication lag behind the primary, in seconds (0 on the primary)"',
    '    - is_replica:',
    '        usage: "GAUGE"',
    '        description: "1 on a replica, 0 on the primary"',
    '',
  ].join('\n');
}
