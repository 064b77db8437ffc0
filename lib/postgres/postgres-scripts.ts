/**
 * The POSIX sh scripts of a replicated PostgreSQL cluster: the primary's and the replicas' container commands
 * (initialise or bootstrap once, re-attach to whoever is primary on every start, then exec postgres), the primary's
 * init script (roles, grants, slots, databases) and the promotion script. Every host, port and path comes from
 * {@link PostgresConfigProps}, so the integration test runs these very scripts on loopback.
 *
 * Re-attaching after a promotion: every server streams from `primaryHost` (the read-write Service), never from a pod
 * name. At each start a server asks that address who it is (IDENTIFY_SYSTEM) and compares it with its own data
 * (pg_controldata):
 *
 * | what answers at the read-write address          | this server                    | action                          |
 * |-------------------------------------------------|--------------------------------|---------------------------------|
 * | nobody                                          | any                            | start from local data           |
 * | another cluster (system identifier differs)     | standby                        | fresh pg_basebackup             |
 * | another cluster                                 | primary                        | refuse to start                 |
 * | a newer timeline (a failover happened)          | standby shut down cleanly, or  | pg_rewind (a no-op when it can  |
 * |                                                 | a former primary               | follow), fresh basebackup if it |
 * |                                                 |                                | fails                           |
 * | a newer timeline                                | standby that crashed           | fresh pg_basebackup             |
 * | the same timeline                               | standby                        | follow                          |
 * | the same timeline                               | primary                        | refuse (two primaries)          |
 * | an older timeline                               | any                            | start from local data           |
 *
 * Why pg_rewind, and only for those two cases: it turns a diverged server into a standby of the new primary by
 * copying only the blocks that changed, instead of the whole 100 GiB volume, and it answers "no rewind required"
 * when the server can simply follow the new timeline. But a crashed standby's end of WAL is not in its control file,
 * and the crash recovery pg_rewind would run first writes a checkpoint into that WAL; so a crashed standby that
 * missed a failover is rebuilt with pg_basebackup instead. A half-finished rewind (marker file) or a failed one is
 * also rebuilt from scratch.
 */
import {
  POSTGRES_FILES,
  POSTGRES_ORDINAL_ENV,
  POSTGRES_PASSWORD_ENV,
  POSTGRES_SUPERUSER,
  postgresStandbyName,
  type PostgresConfigProps,
  type PostgresRole,
} from './postgres-props';
import { resolvePostgresProps, type ResolvedPostgresConfig } from './postgres-resolve';

/** How long a server with no data waits for the primary to answer before exiting (and being restarted). */
const WAIT_FOR_PRIMARY_SECONDS = 600;

/**
 * The command of the primary (`role: 'primary'`) or of a replica (`role: 'replica'`) container: POSIX sh, runs as
 * the postgres OS user, ends by exec-ing postgres (so postgres receives the pod's stop signal).
 *
 * - Empty data directory: the primary initialises a new cluster (initdb, a temporary socket-only server, the init
 *   script, then a rename into place, so a crash half-way leaves nothing behind) unless the read-write address
 *   already answers or this volume was initialised before; otherwise it bootstraps as a standby with
 *   `pg_basebackup -X stream -S <its slot>` (also built beside the data directory and renamed into place).
 * - Existing data: see the table at the top of this file.
 *
 * The standby's `primary_conninfo` (the read-write address, a passfile, `application_name` = its standby name) and
 * `primary_slot_name` are passed on the postgres command line on every start, so they always follow the props.
 *
 * Environment: the replication password in `PG_REPLICATION_PASSWORD` (or a file named by
 * `PG_REPLICATION_PASSWORD_FILE`); `PG_ORDINAL`, else the host name's last number; the primary also passes
 * the application and pooler passwords on to the init script.
 */
export function postgresStartScript(props: PostgresConfigProps, role: PostgresRole): string {
  const file = role === 'primary' ? POSTGRES_FILES.primaryStart : POSTGRES_FILES.replicaStart;
  const c = resolvePostgresProps(props, file);
  const confFile = role === 'primary' ? POSTGRES_FILES.primaryConf : POSTGRES_FILES.replicaConf;
  const env = POSTGRES_PASSWORD_ENV.replication;
  const emptyDataAction = role === 'primary'
    ? `  if [ ! -e "$INITIALIZED" ] && ! identify_primary; then
    initialize_primary
  else
    bootstrap_standby
  fi`
    : '  bootstrap_standby';
  return `#!/bin/sh
# Generated by scaling-tiers: the ${role} container's command (${file}). Do not edit.
# Initialises (primary) or bootstraps (standby) an empty data directory, re-attaches existing data to whoever
# answers at the read-write address ${c.primaryHost}:${c.primaryPort}, then runs postgres.
set -eu
export LC_ALL=C

ROLE=${role}
PGDATA=${q(c.dataDirectory)}
CONFIG_FILE=${q(`${c.configDirectory}/${confFile}`)}
PORT=${c.port}
PRIMARY_HOST=${q(c.primaryHost)}
PRIMARY_PORT=${c.primaryPort}
REPLICATION_USER=${q(c.replicationUser)}
SOCKET_DIR=${q(c.socketDirectory)}
WAIT_SECONDS=${WAIT_FOR_PRIMARY_SECONDS}
STATE_DIR=$(dirname "$PGDATA")
PASSFILE="$STATE_DIR/.pgpass"
INITIALIZED="$STATE_DIR/.initialized"
REWINDING="$STATE_DIR/.rewind-in-progress"
PROBE_ERROR="$STATE_DIR/.probe-error"
export PGDATA

log() { printf '%s %s: %s\\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$ROLE-start" "$*" >&2; }
die() { log "$*"; exit 1; }

# The standby name (application_name and slot) comes from the StatefulSet ordinal.
ORDINAL=\${${POSTGRES_ORDINAL_ENV}:-}
if [ -z "$ORDINAL" ]; then
  host=\${HOSTNAME:-$(hostname)}
  ORDINAL=\${host##*-}
fi
case $ORDINAL in
  '' | *[!0-9]*) die "cannot tell this pod's ordinal: set ${POSTGRES_ORDINAL_ENV}" ;;
esac
NAME="\${ROLE}_$ORDINAL"

# The replication password goes into a passfile: never on a command line, never in a config file.
${readSecretLines(env)}
umask 077
mkdir -p "$STATE_DIR" "$SOCKET_DIR"
printf '*:*:*:%s:%s\\n' "$REPLICATION_USER" "$(printf '%s' "$${env}" | sed -e 's/[\\\\:]/\\\\&/g')" >"$PASSFILE.new"
mv -f "$PASSFILE.new" "$PASSFILE"

BASE_CONNINFO="host=$PRIMARY_HOST port=$PRIMARY_PORT user=$REPLICATION_USER passfile=$PASSFILE connect_timeout=5"
PROBE_CONNINFO="$BASE_CONNINFO application_name=\${NAME}_probe"
STREAM_CONNINFO="$BASE_CONNINFO application_name=$NAME"

# Asks the read-write address who it is: sets P_SYSID and P_TLI, fails if nobody answers.
identify_primary() {
  answer=$(psql -X -A -t -q -w -d "$PROBE_CONNINFO replication=true" -c IDENTIFY_SYSTEM 2>"$PROBE_ERROR") || return 1
  P_SYSID=$(printf '%s\\n' "$answer" | cut -d'|' -f1)
  P_TLI=$(printf '%s\\n' "$answer" | cut -d'|' -f2)
  case "$P_SYSID:$P_TLI" in
    *[!0-9:]* | :* | *:) echo "unexpected IDENTIFY_SYSTEM answer: $answer" >"$PROBE_ERROR"; return 1 ;;
  esac
}

wait_for_primary() {
  deadline=$(($(date +%s) + WAIT_SECONDS))
  until identify_primary; do
    [ "$(date +%s)" -lt "$deadline" ] ||
      die "$PRIMARY_HOST:$PRIMARY_PORT did not answer within $WAIT_SECONDS s: $(cat "$PROBE_ERROR")"
    sleep 2
  done
}

# Reads this data directory's system identifier, state and timeline (sets L_SYSID, L_STATE, L_TLI).
read_local() {
  control=$(pg_controldata -D "$PGDATA")
  L_SYSID=$(printf '%s\\n' "$control" | sed -n 's/^Database system identifier: *//p')
  L_STATE=$(printf '%s\\n' "$control" | sed -n 's/^Database cluster state: *//p')
  L_TLI=$(printf '%s\\n' "$control" | sed -n "s/^Latest checkpoint's TimeLineID: *//p")
  recovery_tli=$(printf '%s\\n' "$control" | sed -n "s/^Min recovery ending loc's timeline: *//p")
  if [ "\${recovery_tli:-0}" -gt "$L_TLI" ]; then L_TLI=$recovery_tli; fi
}

# Creates this standby's physical slot on the primary if it is missing (the primary's init script and promote.sh
# create them too; this covers a standby that meets a new primary first).
ensure_slot() {
  pg_receivewal --create-slot --if-not-exists --slot="$NAME" --dbname="$PROBE_CONNINFO" --no-password ||
    log "could not create the slot $NAME at $PRIMARY_HOST:$PRIMARY_PORT; the next start tries again"
}

bootstrap_standby() {
  wait_for_primary
  log "bootstrapping from $PRIMARY_HOST:$PRIMARY_PORT (system $P_SYSID, timeline $P_TLI) through slot $NAME"
  ensure_slot
  rm -rf "$PGDATA.new"
  pg_basebackup --pgdata="$PGDATA.new" --dbname="$BASE_CONNINFO" --wal-method=stream --slot="$NAME" \\
    --checkpoint=fast --no-password
  : >"$PGDATA.new/standby.signal"
  rm -rf "$PGDATA"
  mv "$PGDATA.new" "$PGDATA"
  : >"$INITIALIZED"
}

rebuild_standby() {
  log "$1: discarding the local data and bootstrapping again"
  rm -rf "$PGDATA"
  rm -f "$REWINDING"
  bootstrap_standby
}

# Turns this data directory into a standby of the current primary; fails if pg_rewind fails.
rewind() {
  ensure_slot
  : >"$REWINDING"
  # pg_rewind may run crash recovery in single-user mode first, which refuses standby mode.
  rm -f "$PGDATA/standby.signal"
  # pg_rewind reads the source's timeline from its control file, which a just-promoted primary updates only at its
  # next checkpoint; without one it would wrongly answer "no rewind required".
  psql -X -q -w -d "$PROBE_CONNINFO dbname=postgres" -c CHECKPOINT ||
    log "could not request a checkpoint at $PRIMARY_HOST:$PRIMARY_PORT"
  log "running pg_rewind against $PRIMARY_HOST:$PRIMARY_PORT"
  rewind_output=$(pg_rewind --target-pgdata="$PGDATA" --source-server="$PROBE_CONNINFO dbname=postgres" \\
    --config-file="$CONFIG_FILE" 2>&1) || { printf '%s\\n' "$rewind_output" >&2; return 1; }
  printf '%s\\n' "$rewind_output" >&2
  case $rewind_output in
    *"same timeline"*) log "pg_rewind saw the source on timeline $L_TLI, but it answers timeline $P_TLI"; return 1 ;;
  esac
  # A standby keeps no slots: the former primary's would pin WAL for nobody.
  rm -rf "$PGDATA"/pg_replslot/*
  : >"$PGDATA/standby.signal"
  rm -f "$REWINDING"
}
${role === 'primary' ? initializePrimaryFunction() : ''}
follow_or_rebuild() {
  read_local
  if [ "$P_SYSID" != "$L_SYSID" ]; then
    if [ -f "$PGDATA/standby.signal" ]; then
      rebuild_standby "$PRIMARY_HOST:$PRIMARY_PORT is cluster $P_SYSID, this data is cluster $L_SYSID"
      return
    fi
    die "refusing to start: $PRIMARY_HOST:$PRIMARY_PORT is cluster $P_SYSID, this primary's data is cluster $L_SYSID"
  fi
  if [ "$P_TLI" -gt "$L_TLI" ]; then
    log "$PRIMARY_HOST:$PRIMARY_PORT is on timeline $P_TLI, this data on $L_TLI: a failover happened"
    if [ -f "$PGDATA/standby.signal" ] && [ "$L_STATE" != "shut down in recovery" ]; then
      rebuild_standby "this standby was not shut down cleanly ($L_STATE), so pg_rewind cannot prove it can follow"
    elif ! rewind; then
      rebuild_standby "pg_rewind failed"
    fi
    return
  fi
  if [ ! -f "$PGDATA/standby.signal" ]; then
    [ "$P_TLI" -lt "$L_TLI" ] ||
      die "refusing to start as a primary: $PRIMARY_HOST:$PRIMARY_PORT already serves timeline $P_TLI of this cluster"
    log "this primary is on timeline $L_TLI, newer than $P_TLI at $PRIMARY_HOST:$PRIMARY_PORT: staying primary"
    return
  fi
  ensure_slot
}

if [ -f "$REWINDING" ]; then
  log "an earlier pg_rewind did not finish: the data directory cannot be trusted"
  rm -rf "$PGDATA"
  rm -f "$REWINDING"
fi
if [ -d "$PGDATA" ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -z "$(ls -A "$PGDATA")" ] || die "$PGDATA is neither empty nor a PostgreSQL data directory: not touching it"
  rmdir "$PGDATA"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
${emptyDataAction}
elif identify_primary; then
  follow_or_rebuild
else
  log "$PRIMARY_HOST:$PRIMARY_PORT does not answer ($(cat "$PROBE_ERROR")): starting from the local data"
fi

unset ${Object.values(POSTGRES_PASSWORD_ENV).join(' ')}
if [ -f "$PGDATA/standby.signal" ]; then
  log "starting as standby $NAME of $PRIMARY_HOST:$PRIMARY_PORT"
else
  log "starting as primary"
fi
exec postgres -D "$PGDATA" -c config_file="$CONFIG_FILE" \\
  -c primary_conninfo="$STREAM_CONNINFO" -c primary_slot_name="$NAME"
`;
}

function initializePrimaryFunction(): string {
  return `
# A new cluster: initdb and the init script run in PGDATA.new on a temporary server that listens only on a private
# socket and waits for no standby; the directory is renamed into place only once everything succeeded.
initialize_primary() {
  log "initialising a new cluster"
  rm -rf "$PGDATA.new" "$STATE_DIR/init-socket"
  initdb --pgdata="$PGDATA.new" --username=${POSTGRES_SUPERUSER} --auth-local=peer --auth-host=scram-sha-256 \\
    --encoding=UTF8 --locale=C.UTF-8 --data-checksums --no-instructions
  mkdir -p "$STATE_DIR/init-socket"
  pg_ctl --pgdata="$PGDATA.new" --wait --timeout=300 start -o "-c config_file=$CONFIG_FILE \\
-c listen_addresses= -c unix_socket_directories=$STATE_DIR/init-socket -c synchronous_standby_names="
  if ! PGHOST="$STATE_DIR/init-socket" PGPORT="$PORT" sh "$(dirname "$CONFIG_FILE")/${POSTGRES_FILES.primaryInit}"; then
    pg_ctl --pgdata="$PGDATA.new" --mode=immediate stop || true
    die "the init script failed; the next start initialises again"
  fi
  pg_ctl --pgdata="$PGDATA.new" --wait --mode=fast stop
  rm -rf "$STATE_DIR/init-socket"
  mv "$PGDATA.new" "$PGDATA"
  : >"$INITIALIZED"
}
`;
}

/**
 * The primary's init script (POSIX sh + psql 15 or later): creates or updates, idempotently, the replication role
 * (password read from `PG_REPLICATION_PASSWORD`[`_FILE`], never a literal), its EXECUTE grants for pg_rewind, one
 * physical replication slot per replica (`replica_<ordinal>`, WAL reserved from now on so a replica that starts
 * later misses nothing), and, when configured, the pooler's lookup role and function and the application role and
 * database. primary-start.sh runs it on the temporary server of a new cluster; it is also safe to run again on a
 * running primary (e.g. to rotate passwords). Connects as `postgres` through the socket selected by PGHOST/PGPORT.
 *
 * Passwords reach the server only inside this session, which commits locally (no standby exists yet), and never
 * logs its statements, not even when one fails.
 */
export function postgresPrimaryInitScript(props: PostgresConfigProps): string {
  const c = resolvePostgresProps(props, POSTGRES_FILES.primaryInit);
  const envs: string[] = [POSTGRES_PASSWORD_ENV.replication];
  if (c.pooler) envs.push(POSTGRES_PASSWORD_ENV.poolerAuth);
  if (c.app) envs.push(POSTGRES_PASSWORD_ENV.app);
  const slots = replicaNames(c);
  const sql: string[] = [
    '\\o /dev/null',
    ...upsertRole(c.replicationUser, 'REPLICATION', POSTGRES_PASSWORD_ENV.replication, 'replication_password'),
    '-- pg_rewind connects as the replication role to the postgres database and needs exactly these functions.',
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_ls_dir(text, boolean, boolean) TO ${c.replicationUser};`,
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_file(text, boolean) TO ${c.replicationUser};`,
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text) TO ${c.replicationUser};`,
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO ${c.replicationUser};`,
    '-- ... and a checkpoint on a just-promoted source, whose control file still shows the old timeline until then.',
    `GRANT pg_checkpoint TO ${c.replicationUser};`,
  ];
  if (slots.length > 0) {
    sql.push('-- One physical slot per replica, reserving WAL from now on.', ...createSlots(slots, false));
  }
  if (c.pooler) {
    sql.push(...upsertRole(c.pooler.user, 'NOREPLICATION', POSTGRES_PASSWORD_ENV.poolerAuth, 'pooler_password'));
    sql.push('-- In template1 first, so that every database created later has the lookup function too.');
    for (const db of ['template1', 'postgres']) sql.push(`\\connect ${db}`, ...poolerLookup(c.pooler.user));
  }
  if (c.app) {
    const { user, database } = c.app;
    sql.push(
      ...upsertRole(user, 'NOREPLICATION', POSTGRES_PASSWORD_ENV.app, 'app_password'),
      `SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = '${database}') AS create_database \\gset`,
      '\\if :create_database',
      `CREATE DATABASE ${database} OWNER ${user};`,
      '\\endif',
      `REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC;`,
      `GRANT CONNECT ON DATABASE ${database} TO ${[user, ...(c.pooler ? [c.pooler.user] : [])].join(', ')};`,
    );
    if (c.pooler) sql.push(`\\connect ${database}`, ...poolerLookup(c.pooler.user));
  }
  return `#!/bin/sh
# Generated by scaling-tiers: initialises a new primary (${POSTGRES_FILES.primaryInit}). Do not edit.
# Idempotent: creates what is missing and (re)sets the passwords from the environment.
set -eu
export LC_ALL=C
${envs.map(readSecretLines).join('\n')}
export ${envs.join(' ')}
# This session commits without waiting for standbys and never logs its statements (they carry passwords).
export PGOPTIONS='-c synchronous_commit=local -c log_statement=none -c log_min_error_statement=panic'
psql -X -q -w -v ON_ERROR_STOP=1 -U ${POSTGRES_SUPERUSER} -d postgres <<'SQL'
${sql.join('\n')}
SQL
echo "${POSTGRES_FILES.primaryInit}: roles, grants, ${slots.length} replication slot(s)${c.app ? ' and the application database' : ''} are in place" >&2
`;
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
  const c = resolvePostgresProps(props, POSTGRES_FILES.promote);
  const slots = replicaNames(c);
  return `#!/bin/sh
# Generated by scaling-tiers: promotes this standby to primary (${POSTGRES_FILES.promote}). Do not edit.
set -eu
export LC_ALL=C
export PGOPTIONS='-c synchronous_commit=local'
psql -X -q -w -v ON_ERROR_STOP=1 -h ${q(c.socketDirectory)} -p ${c.port} -U ${POSTGRES_SUPERUSER} -d postgres <<'SQL'
\\o /dev/null
SELECT pg_catalog.pg_is_in_recovery() AS in_recovery \\gset
\\if :in_recovery
DO $$
BEGIN
  IF NOT pg_catalog.pg_promote(true, 60) THEN
    RAISE EXCEPTION 'the promotion did not finish within 60 s';
  END IF;
END
$$;
-- pg_rewind reads the timeline from the control file, which only a checkpoint updates.
CHECKPOINT;
\\endif
${slots.length > 0 ? createSlots(slots, true).join('\n') : '-- no replicas: no slots'}
SQL
echo "${POSTGRES_FILES.promote}: this server is the primary now" >&2
`;
}

function replicaNames(c: ResolvedPostgresConfig): string[] {
  return Array.from({ length: c.replicas }, (_, i) => postgresStandbyName('replica', i));
}

/** Creates missing physical slots; `exceptOwn` skips the slot this (former) standby streamed through itself. */
function createSlots(names: readonly string[], exceptOwn: boolean): string[] {
  return [
    'SELECT pg_catalog.pg_create_physical_replication_slot(wanted.name, true)',
    `  FROM (VALUES ${names.map((n) => `('${n}')`).join(', ')}) AS wanted(name)`,
    ` WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = wanted.name)${
      exceptOwn ? "\n   AND wanted.name <> pg_catalog.current_setting('primary_slot_name')" : ''};`,
  ];
}

/** Creates the role if missing, then sets its attributes and its password from the environment variable. */
function upsertRole(role: string, replication: 'REPLICATION' | 'NOREPLICATION', env: string, variable: string): string[] {
  return [
    `\\getenv ${variable} ${env}`,
    `SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') AS create_role \\gset`,
    '\\if :create_role',
    `CREATE ROLE ${role};`,
    '\\endif',
    `ALTER ROLE ${role} WITH LOGIN ${replication} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`
      + ` PASSWORD :'${variable}';`,
  ];
}

/**
 * PgBouncer's `auth_query` target in the current database: returns a role's SCRAM secret, but never a superuser's,
 * a replication role's or an expired one's, so the pooler cannot be used to log in as them.
 */
function poolerLookup(poolerUser: string): string[] {
  return [
    'CREATE SCHEMA IF NOT EXISTS pgbouncer;',
    'REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;',
    `GRANT USAGE ON SCHEMA pgbouncer TO ${poolerUser};`,
    '-- No row at all (not a row of NULLs) for anyone else: PgBouncer then fails the login as a wrong password.',
    'CREATE OR REPLACE FUNCTION pgbouncer.user_lookup(p_username text)',
    '  RETURNS TABLE (usename name, passwd text)',
    '  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$',
    '    SELECT rolname, rolpassword FROM pg_catalog.pg_authid',
    '     WHERE rolname = p_username AND rolcanlogin AND NOT rolsuper AND NOT rolreplication',
    '       AND (rolvaliduntil IS NULL OR rolvaliduntil > now())',
    '  $$;',
    'REVOKE ALL ON FUNCTION pgbouncer.user_lookup(text) FROM PUBLIC;',
    `GRANT EXECUTE ON FUNCTION pgbouncer.user_lookup(text) TO ${poolerUser};`,
  ];
}

/** sh lines that read a password from `$ENV`, or from the file named by `$ENV_FILE`, and fail if it is empty. */
export function readSecretLines(env: string): string {
  return [
    `if [ -n "\${${env}_FILE:-}" ]; then ${env}=$(cat "$${env}_FILE"); fi`,
    `[ -n "\${${env}:-}" ] || { echo "${env} (or ${env}_FILE) must be set" >&2; exit 1; }`,
  ].join('\n');
}

/** Single-quotes a value for sh (the props are validated to need none, this is a second fence). */
function q(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
