/**
 * The props and constants shared by every PostgreSQL generator (lib/postgres/postgres-conf.ts,
 * lib/postgres/postgres-scripts.ts): one {@link PostgresConfigProps} describes the whole replicated cluster.
 * Defaults and validation: lib/postgres/postgres-resolve.ts.
 *
 * Passwords are never accepted literally, only as a {@link SecretKeyRef}: a literal would end up in a ConfigMap, in
 * Git and in every rendered manifest. The scripts read the value at run time from a file that the pod mounts from the
 * Secret key (see {@link POSTGRES_SECRET_FILES}); never from the environment, the command line or a log.
 */
import type { SecretKeyRef } from '../core/secret-ref';

/**
 * `ANY` (quorum commit: any `number` of the listed standbys confirm) or `FIRST` (priority: the first `number`
 * connected standbys in list order confirm).
 *
 * @see https://www.postgresql.org/docs/15/runtime-config-replication.html#GUC-SYNCHRONOUS-STANDBY-NAMES
 */
export type PostgresSynchronousMethod = 'ANY' | 'FIRST';

/**
 * What "confirmed" means for a synchronous standby: `on` = the commit's WAL is flushed to the standby's disk,
 * `remote_write` = written to the standby's OS (lost if the standby's host crashes too), `remote_apply` = replayed
 * and visible to queries on the standby.
 *
 * @see https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-SYNCHRONOUS-COMMIT
 */
export type PostgresSynchronousCommit = 'on' | 'remote_write' | 'remote_apply';

/** Synchronous replication: a commit is acknowledged only once `number` standbys have confirmed it. */
export interface PostgresSynchronousReplication {
  /** How many standbys must confirm each commit (1 to `replicas`). */
  readonly number: number;

  /**
   * Quorum (`ANY`) or priority (`FIRST`).
   *
   * @default 'ANY' - quorum commit: one slow or restarting standby does not stall commits while another confirms;
   * this is what the enterprise tier asks for ("ANY 1") and CloudNativePG's default method
   */
  readonly method?: PostgresSynchronousMethod;

  /**
   * The `synchronous_commit` level.
   *
   * @default 'on' - an acknowledged commit is on the disk of `number` standbys, so promoting the most advanced
   * standby loses no acknowledged commit; `remote_apply` would add read-your-writes on that standby at a higher
   * commit latency
   */
  readonly commit?: PostgresSynchronousCommit;
}

/** Which of the two StatefulSets a script or a postgresql.conf is for. */
export type PostgresRole = 'primary' | 'replica';

/**
 * Props of every PostgreSQL generator: the whole replicated cluster (a primary and `replicas` hot standbys that
 * stream from it). Host names, ports and paths are parameters so that the very same scripts run in a pod and, in
 * the integration test, on loopback.
 */
export interface PostgresConfigProps {
  /**
   * Number of hot standbys (read replicas). Each one streams through its own physical replication slot.
   *
   * @default 2 - the department tier; the enterprise tier uses 3
   */
  readonly replicas?: number;

  /**
   * Synchronous replication.
   *
   * @default - asynchronous: a commit is acknowledged once it is on the primary's disk (the department tier); an
   * acknowledged commit can be lost if the primary's volume is lost before the standbys received it
   */
  readonly synchronous?: PostgresSynchronousReplication;

  /**
   * The port PostgreSQL listens on.
   *
   * @default 5432 - PostgreSQL's standard port
   */
  readonly port?: number;

  /**
   * The host the standbys stream from and re-attach to: the read-write Service, which always selects whoever is
   * primary now. Never a pod's own name: after a promotion the standbys must follow the new primary.
   *
   * @default 'postgres-rw' - the read-write Service of PostgresReplicated (CloudNativePG's `-rw` naming)
   */
  readonly primaryHost?: string;

  /**
   * The port of {@link primaryHost}.
   *
   * @default - the same as `port`
   */
  readonly primaryPort?: number;

  /**
   * `max_connections` of every server. Standbys must allow at least as many as the primary, so all servers share it.
   *
   * @default 200 - the seed's `maxConnections: 200`
   */
  readonly maxConnections?: number;

  /**
   * The connection pooler's pool size per database and user; checked against `maxConnections` so the pooler can
   * never open more server connections than PostgreSQL accepts.
   *
   * @default 25 - the seed's `poolSize: 25`
   */
  readonly poolSize?: number;

  /**
   * The primary container's memory limit; shared_buffers, effective_cache_size, work_mem and maintenance_work_mem
   * are derived from it.
   *
   * @default '8Gi' - the seed's primary limit (requests 4Gi)
   */
  readonly primaryMemoryLimit?: string;

  /**
   * A replica container's memory limit; the replicas' memory settings are derived from it.
   *
   * @default '4Gi' - the seed's replica limit (requests 2Gi)
   */
  readonly replicaMemoryLimit?: string;

  /**
   * The role the standbys (and pg_rewind) connect as. It has the REPLICATION attribute and nothing else, plus
   * EXECUTE on the four functions pg_rewind needs.
   *
   * @default 'replicator'
   */
  readonly replicationUser?: string;

  /** The Secret key holding the replication role's password. */
  readonly replicationPassword: SecretKeyRef;

  /**
   * The application's role, created by the primary's init script, owner of {@link appDatabase}.
   *
   * @default 'app'
   */
  readonly appUser?: string;

  /**
   * The application's database, created by the primary's init script.
   *
   * @default 'app'
   */
  readonly appDatabase?: string;

  /**
   * The Secret key holding the application role's password.
   *
   * @default - no application role or database is created; the platform creates its own
   */
  readonly appPassword?: SecretKeyRef;

  /**
   * The role the connection pooler (PgBouncer `auth_user`) logs in as to look up other roles' SCRAM secrets.
   *
   * @default 'pgbouncer'
   */
  readonly poolerAuthUser?: string;

  /**
   * The Secret key holding the pooler role's password. When set, the init script creates the pooler role and a
   * SECURITY DEFINER lookup function `pgbouncer.user_lookup` (which never returns superusers or replication roles)
   * in `postgres`, `template1` and the application database.
   *
   * @default - no pooler role: the pooler is not used
   */
  readonly poolerAuthPassword?: SecretKeyRef;

  /**
   * The data directory. It must be a sub-directory of the volume mount (not the mount point itself): the scripts
   * build a new data directory beside it and rename it into place, and keep their state files in its parent.
   *
   * @default '/var/lib/postgresql/data/pgdata' - the official image's recommended PGDATA under a volume mount
   */
  readonly dataDirectory?: string;

  /**
   * Where the generated files are mounted (ConfigMap): postgresql-primary.conf, postgresql-replica.conf,
   * pg_hba.conf and the scripts.
   *
   * @default '/etc/postgresql'
   */
  readonly configDirectory?: string;

  /**
   * The unix socket directory (an emptyDir when the root filesystem is read-only).
   *
   * @default '/var/run/postgresql' - the official image's socket directory, where its tools look by default
   */
  readonly socketDirectory?: string;

  /**
   * Where the password files are mounted (a read-only Secret volume, files mode 0400): one file per password, named
   * as in {@link POSTGRES_SECRET_FILES}. A file holds the password alone, with at most one trailing newline.
   *
   * @default '/var/run/secrets/postgresql' - beside the ServiceAccount token's conventional directory
   */
  readonly secretsDirectory?: string;

  /**
   * A writable directory private to the server, memory-backed in a pod (an emptyDir), where the start script writes
   * the passfile (mode 0600) that libpq and the WAL receiver read the replication password from, and nss_wrapper's
   * passwd and group files when the uid has no `postgres` entry. Nothing here survives the pod.
   *
   * @default '/tmp' - the pod's memory-backed emptyDir (the root filesystem is read-only)
   */
  readonly runtimeDirectory?: string;

  /**
   * `wal_keep_size` in MiB: WAL kept for standbys regardless of slots, so pg_rewind and a briefly disconnected
   * standby without a slot (e.g. a rejoining former primary) find the WAL they need.
   *
   * @default 1024 - 1 GiB, 1 % of the seed's 100 GiB volume
   */
  readonly walKeepSizeMiB?: number;

  /**
   * `max_slot_wal_keep_size` in MiB: the most WAL a replication slot may pin. A standby that is gone for longer has
   * its slot invalidated (and re-bootstraps when it comes back) instead of filling the primary's volume.
   *
   * @default 10240 - 10 GiB, 10 % of the seed's 100 GiB volume
   */
  readonly maxSlotWalKeepSizeMiB?: number;

  /**
   * Client networks that pg_hba.conf accepts (with scram-sha-256) for application, pooler and replication
   * connections. The NetworkPolicy is the real fence; this is the second one.
   *
   * @default ['0.0.0.0/0', '::/0'] - any pod address; the NetworkPolicy restricts who can reach the port
   */
  readonly clientCidrs?: readonly string[];
}

/**
 * The names of the password files in {@link PostgresConfigProps.secretsDirectory} (and, for the pooler's password, in
 * PgBouncerConfigProps.secretsDirectory). The scripts read them as files; no password ever passes through an
 * environment variable or a command line.
 */
export const POSTGRES_SECRET_FILES = {
  /** The replication role's password ({@link PostgresConfigProps.replicationPassword}). */
  replication: 'replication-password',
  /** The application role's password ({@link PostgresConfigProps.appPassword}). */
  app: 'app-password',
  /** The pooler role's password ({@link PostgresConfigProps.poolerAuthPassword}). */
  poolerAuth: 'pooler-auth-password',
} as const;

/**
 * The environment variable that gives a pod's StatefulSet ordinal to the scripts. When unset they take the number
 * after the last "-" of the host name (`postgres-replica-2` -> 2), which is how StatefulSet pods are named.
 */
export const POSTGRES_ORDINAL_ENV = 'PG_ORDINAL';

/** The names of the generated files, as mounted in {@link PostgresConfigProps.configDirectory}. */
export const POSTGRES_FILES = {
  /** postgresql.conf of the primary StatefulSet. */
  primaryConf: 'postgresql-primary.conf',
  /** postgresql.conf of the replica StatefulSet. */
  replicaConf: 'postgresql-replica.conf',
  /** The host-based authentication file both roles use. */
  hba: 'pg_hba.conf',
  /** The primary container's command: initialise once, or rejoin as a standby after a failover, then run. */
  primaryStart: 'primary-start.sh',
  /** A replica container's command: bootstrap from the primary once, re-attach on every start, then run. */
  replicaStart: 'replica-start.sh',
  /** Creates the roles, grants, replication slots and databases of a new cluster (run by primary-start.sh). */
  primaryInit: 'primary-init.sh',
  /** Promotes a standby (failover) and creates the other standbys' slots on it. */
  promote: 'promote.sh',
} as const;

/** The superuser. Only it may use the local socket without a password (peer), and it may not log in over TCP. */
export const POSTGRES_SUPERUSER = 'postgres';

/**
 * The deterministic name of a standby: its `application_name` (what `synchronous_standby_names` lists) and its
 * physical replication slot. `replica_<ordinal>` for the replica StatefulSet, `primary_<ordinal>` for a former
 * primary that rejoined as a standby (asynchronous: it is not in the synchronous list).
 */
export function postgresStandbyName(role: PostgresRole, ordinal: number): string {
  return `${role}_${ordinal}`;
}

/** `max_connections` when none is given: the seed's `maxConnections: 200`. */
export const DEFAULT_POSTGRES_MAX_CONNECTIONS = 200;
