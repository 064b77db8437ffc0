/**
 * The `postgresql.parameters` of a CloudNativePG `Cluster`: the very settings the StatefulSet engine writes to
 * postgresql.conf (lib/postgres/postgres-conf.ts), minus those CloudNativePG fixes or manages itself. Pure, so the
 * integration test can start a real PostgreSQL with exactly these parameters.
 */
import { Problems } from '../../core/problems';
import { parseMemory } from '../../core/quantity';
import { postgresqlConf } from '../postgres-conf';

/**
 * Parameters CloudNativePG rejects in `postgresql.parameters`: its "fixed" and "blocked" parameters (the
 * `FixedConfigurationParameters` of CloudNativePG 1.27, pkg/postgres/configuration.go). The operator sets them
 * itself (ports, sockets, TLS, archiving, recovery, logging to its own collector) or requires their default.
 *
 * @see https://cloudnative-pg.io/documentation/1.27/postgresql_conf/#fixed-parameters
 */
export const CNPG_FIXED_PARAMETERS: readonly string[] = [
  'allow_system_table_mods', 'archive_mode', 'bonjour', 'bonjour_name', 'cluster_name', 'config_file', 'data_directory',
  'data_sync_retry', 'event_source', 'external_pid_file', 'hba_file', 'hot_standby', 'ident_file', 'jit_provider',
  'listen_addresses', 'logging_collector', 'port', 'primary_conninfo', 'primary_slot_name', 'recovery_target',
  'recovery_target_action', 'recovery_target_inclusive', 'recovery_target_lsn', 'recovery_target_name',
  'recovery_target_time', 'recovery_target_timeline', 'recovery_target_xid', 'restore_command',
  'shared_preload_libraries', 'temp_tablespaces', 'unix_socket_directories', 'unix_socket_group',
  'unix_socket_permissions', 'archive_cleanup_command', 'archive_command', 'log_destination', 'log_directory',
  'log_file_mode', 'log_filename', 'log_rotation_age', 'log_rotation_size', 'log_truncate_on_rotation',
  'promote_trigger_file', 'recovery_end_command', 'recovery_min_apply_delay', 'restart_after_crash', 'ssl',
  'ssl_ca_file', 'ssl_cert_file', 'ssl_crl_file', 'ssl_dh_params_file', 'ssl_ecdh_curve', 'ssl_key_file',
  'ssl_passphrase_command', 'ssl_passphrase_command_supports_reload', 'ssl_prefer_server_ciphers',
  'stats_temp_directory', 'synchronous_standby_names', 'synchronized_standby_slots', 'syslog_facility', 'syslog_ident',
  'syslog_sequence_numbers', 'syslog_split_messages',
];

/**
 * Settings of the StatefulSet engine's postgresql.conf that CloudNativePG accepts but manages better itself, so they
 * are left to its defaults: `wal_level` (logical, for logical replication slots), `wal_log_hints` (on, for
 * pg_rewind), `max_wal_senders` and `max_replication_slots` (sized by the operator for its HA slots and replica
 * clusters), and `log_line_prefix` (the operator logs JSON, which has its own fields).
 */
export const CNPG_OPERATOR_MANAGED_PARAMETERS: readonly string[] = [
  'wal_level', 'wal_log_hints', 'max_wal_senders', 'max_replication_slots', 'log_line_prefix',
];

/** What {@link cnpgPostgresParameters} derives the settings from. */
export interface CnpgParameterProps {
  /** Every instance's memory limit (any instance may become primary, so they are sized alike), e.g. `4Gi`. */
  readonly memoryLimit: string;
  /**
   * `max_connections`.
   *
   * @default 200 - the seed's `maxConnections: 200`
   */
  readonly maxConnections?: number;
  /**
   * `archive_timeout` in seconds: the longest an idle primary waits before it closes the current WAL segment, and
   * so the most WAL the object store can be behind (the RPO of losing the region).
   *
   * @default 300 - CloudNativePG's default (5 min)
   */
  readonly archiveTimeoutSeconds?: number;
  /**
   * The volume that holds `pg_wal` of each instance (`walStorage`, else the data volume `storage`; e.g. `20Gi`): the
   * WAL kept for standbys is scaled to it ({@link walRetentionForVolume}).
   *
   * @default - the shared generator's defaults (1 GiB and 10 GiB: 1 % and 10 % of the seed's 100 GiB volume)
   */
  readonly volumeSize?: string;
}

/** The share of the data volume each WAL retention may take: `wal_keep_size` 1 %, `max_slot_wal_keep_size` 10 %. */
export const WAL_RETENTION_SHARE = { walKeep: 0.01, maxSlotWalKeep: 0.1 } as const;

/**
 * The WAL retention for a data volume, the one rule for it: `wal_keep_size` 1 % and `max_slot_wal_keep_size` 10 % of
 * the volume (the seed's 1 GiB and 10 GiB on its 100 GiB), so the WAL a vanished standby may pin is bounded by the
 * volume it shares with the data, and a 20 GiB volume never holds 11 GiB of WAL. At least 64 MiB and 1 GiB, so a
 * small volume still keeps a few segments for pg_rewind and a standby's short absence.
 *
 * @throws PropsError when `volumeSize` is not a storage quantity
 */
export function walRetentionForVolume(volumeSize: string): { walKeepSizeMiB: number; maxSlotWalKeepSizeMiB: number } {
  const bytes = parseMemory(volumeSize);
  if (bytes === undefined || bytes <= 0) {
    const problems = new Problems('walRetentionForVolume');
    problems.add('volumeSize', volumeSize, 'a positive Kubernetes storage quantity such as "20Gi"');
    problems.throwIfAny();
  }
  const mib = (bytes as number) / 1024 ** 2;
  return {
    walKeepSizeMiB: Math.max(64, Math.floor(mib * WAL_RETENTION_SHARE.walKeep)),
    maxSlotWalKeepSizeMiB: Math.max(1024, Math.floor(mib * WAL_RETENTION_SHARE.maxSlotWalKeep)),
  };
}

/** A Secret reference that exists only to satisfy the shared generator; no password is read. */
const UNUSED_SECRET = { secretName: 'unused', key: 'unused' } as const;

/**
 * The `postgresql.parameters` of a CloudNativePG `Cluster`: the StatefulSet engine's tuned postgresql.conf
 * (memory derived from the memory limit, keepalives, WAL retention, logging of checkpoints, locks and temp files)
 * without {@link CNPG_FIXED_PARAMETERS} and {@link CNPG_OPERATOR_MANAGED_PARAMETERS}, plus `archive_timeout`.
 * Values are strings, as the CRD requires (`map[string]string`).
 *
 * @throws PropsError when the memory limit or max_connections is invalid (the shared generator's checks)
 */
export function cnpgPostgresParameters(props: CnpgParameterProps): Record<string, string> {
  const conf = postgresqlConf({
    replicas: 0,
    maxConnections: props.maxConnections,
    primaryMemoryLimit: props.memoryLimit,
    replicaMemoryLimit: props.memoryLimit,
    replicationPassword: UNUSED_SECRET,
    ...(props.volumeSize !== undefined ? walRetentionForVolume(props.volumeSize) : {}),
  }, 'primary');
  const excluded = new Set([...CNPG_FIXED_PARAMETERS, ...CNPG_OPERATOR_MANAGED_PARAMETERS]);
  const parameters: Record<string, string> = {};
  for (const line of conf.split('\n')) {
    const m = /^([a-z_][a-z0-9_.]*)\s*=\s*(.*)$/.exec(line.trim());
    if (!m || excluded.has(m[1])) continue;
    parameters[m[1]] = unquote(m[2].trim());
  }
  parameters.archive_timeout = `${props.archiveTimeoutSeconds ?? 300}s`;
  return Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => a.localeCompare(b)));
}

function unquote(value: string): string {
  return /^'.*'$/.test(value) ? value.slice(1, -1).replace(/''/g, "'") : value;
}
