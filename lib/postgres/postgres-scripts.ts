/**
 * The POSIX sh scripts of a replicated PostgreSQL cluster: the primary's and the replicas' container commands
 * (initialise or bootstrap once, re-attach to whoever is primary on every start, then exec postgres), the primary's
 * init script (roles, grants, slots, databases) and the promotion script. Every host, port and path comes from
 * {@link PostgresConfigProps}, so the integration test runs these very scripts on loopback. Each function validates
 * the props and names its file in errors; the scripts are files in lib/postgres/scripts/, filled in by
 * lib/postgres/_postgres-scripts.ts, which also tells how a server re-attaches after a promotion.
 */
import { POSTGRES_FILES, type PostgresConfigProps, type PostgresRole } from './postgres-props';
import { resolvePostgresProps } from './postgres-resolve';
import { renderPrimaryInitScript, renderPromoteScript, renderStartScript } from './_postgres-scripts';

/**
 * The command of the primary (`role: 'primary'`) or of a replica (`role: 'replica'`) container: POSIX sh, runs as
 * the postgres OS user, ends by exec-ing postgres (so postgres receives the pod's stop signal).
 *
 * - Empty data directory: the primary initialises a new cluster (initdb, a temporary socket-only server, the init
 *   script, then a rename into place, so a crash half-way leaves nothing behind) unless the read-write address
 *   already answers or this volume was initialised before; otherwise it bootstraps as a standby with
 *   `pg_basebackup -X stream -S <its slot>` (also built beside the data directory and renamed into place).
 * - Existing data: see the table at the top of lib/postgres/_postgres-scripts.ts.
 *
 * The standby's `primary_conninfo` (the read-write address, a passfile, `application_name` = its standby name) and
 * `primary_slot_name` are passed on the postgres command line on every start, so they always follow the props.
 *
 * Inputs: the replication password in the file `<secretsDirectory>/replication-password` (the primary's init script
 * reads the application and pooler passwords from the same directory); `PG_ORDINAL`, else the host name's last
 * number. It writes the passfile into `runtimeDirectory`, and names the uid `postgres` through nss_wrapper when the
 * image's /etc/passwd does not (a pod's uid of 10000 or more).
 */
export function postgresStartScript(props: PostgresConfigProps, role: PostgresRole): string {
  const file = role === 'primary' ? POSTGRES_FILES.primaryStart : POSTGRES_FILES.replicaStart;
  return renderStartScript(resolvePostgresProps(props, file), role);
}

/**
 * The primary's init script (POSIX sh + psql 15 or later): creates or updates, idempotently, the replication role
 * (password read by psql from the file `<secretsDirectory>/replication-password`, never a literal), its EXECUTE
 * grants for pg_rewind, one physical replication slot per replica (`replica_<ordinal>`, WAL reserved from now on so
 * a replica that starts later misses nothing), and, when configured, the pooler's lookup role and function and the application role and
 * database. primary-start.sh runs it on the temporary server of a new cluster; it is also safe to run again on a
 * running primary (e.g. to rotate passwords). Connects as `postgres` through the socket selected by PGHOST/PGPORT.
 *
 * Passwords reach the server only inside this session, which commits locally (no standby exists yet), and never
 * logs its statements, not even when one fails.
 */
export function postgresPrimaryInitScript(props: PostgresConfigProps): string {
  return renderPrimaryInitScript(resolvePostgresProps(props, POSTGRES_FILES.primaryInit));
}

/**
 * The promotion script (failover), run inside the standby to promote (`kubectl exec ... -- sh promote.sh`):
 * promotes it (`pg_promote`, waiting up to 60 s; a no-op on a primary) and creates the other replicas' slots on it
 * so they can stream from it as soon as the read-write Service selects it.
 *
 * The procedure around it (PostgresReplicated's runbook): fence the old primary first; promote the standby with the
 * highest `pg_last_wal_receive_lsn()`, which with synchronous replication holds every acknowledged commit; then
 * point the read-write Service at it. The other standbys follow on their own (their `primary_conninfo` names the
 * Service). With synchronous replication the new primary holds ordinary commits until one of them has attached.
 */
export function postgresPromoteScript(props: PostgresConfigProps): string {
  return renderPromoteScript(resolvePostgresProps(props, POSTGRES_FILES.promote));
}
