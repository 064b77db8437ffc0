/**
 * The POSIX sh scripts of a replicated PostgreSQL cluster (internal to lib/postgres), filled in from props resolved
 * once; the public, props-taking functions are in lib/postgres/postgres-scripts.ts. The scripts are files in
 * lib/postgres/scripts/ (templates, see lib/core/shell.ts): postgres-start.sh, the primary's and the replicas'
 * container commands (initialise or bootstrap once, re-attach to whoever is primary on every start, then exec
 * postgres); primary-init.sh, the primary's init script (roles, grants, slots, databases: the SQL is made here);
 * promote.sh, the promotion script. Every host, port and path comes from {@link PostgresConfigProps}, so the
 * integration test runs these very scripts on loopback.
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
import { shQuote, shellScript } from '../core/shell';
import {
  POSTGRES_FILES,
  POSTGRES_SECRET_FILES,
  POSTGRES_SUPERUSER,
  postgresStandbyName,
  type PostgresRole,
} from './postgres-props';
import type { ResolvedPostgresConfig } from './postgres-resolve';

/** How long a server with no data waits for the primary to answer before exiting (and being restarted). */
const WAIT_FOR_PRIMARY_SECONDS = 600;

/** {@link postgresStartScript} from resolved props. */
export function renderStartScript(c: ResolvedPostgresConfig, role: PostgresRole): string {
  return shellScript('postgres/scripts/postgres-start.sh', {
    ROLE: role,
    PRIMARY: role === 'primary',
    FILE: role === 'primary' ? POSTGRES_FILES.primaryStart : POSTGRES_FILES.replicaStart,
    PRIMARY_HOST_PORT: `${c.primaryHost}:${c.primaryPort}`,
    PGDATA: shQuote(c.dataDirectory),
    CONFIG_FILE: shQuote(`${c.configDirectory}/${role === 'primary' ? POSTGRES_FILES.primaryConf : POSTGRES_FILES.replicaConf}`),
    PORT: c.port,
    PRIMARY_HOST: shQuote(c.primaryHost),
    PRIMARY_PORT: c.primaryPort,
    REPLICATION_USER: shQuote(c.replicationUser),
    SOCKET_DIR: shQuote(c.socketDirectory),
    RUNTIME_DIR: shQuote(c.runtimeDirectory),
    REPLICATION_PASSWORD_FILE: shQuote(`${c.secretsDirectory}/${POSTGRES_SECRET_FILES.replication}`),
    WAIT_SECONDS: WAIT_FOR_PRIMARY_SECONDS,
    SUPERUSER: POSTGRES_SUPERUSER,
    INIT_SCRIPT: POSTGRES_FILES.primaryInit,
  });
}

/** {@link postgresPrimaryInitScript} from resolved props. */
export function renderPrimaryInitScript(c: ResolvedPostgresConfig): string {
  const file = (name: keyof typeof POSTGRES_SECRET_FILES) => `${c.secretsDirectory}/${POSTGRES_SECRET_FILES[name]}`;
  const files: string[] = [file('replication')];
  if (c.pooler) files.push(file('poolerAuth'));
  if (c.app) files.push(file('app'));
  const slots = replicaNames(c);
  const sql: string[] = [
    '\\o /dev/null',
    ...upsertRole(c.replicationUser, 'REPLICATION', file('replication'), 'replication_password'),
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
    sql.push(...upsertRole(c.pooler.user, 'NOREPLICATION', file('poolerAuth'), 'pooler_password'));
    sql.push('-- In template1 first, so that every database created later has the lookup function too.');
    for (const db of ['template1', 'postgres']) sql.push(`\\connect ${db}`, ...poolerLookup(c.pooler.user));
  }
  if (c.app) {
    const { user, database } = c.app;
    sql.push(
      ...upsertRole(user, 'NOREPLICATION', file('app'), 'app_password'),
      `SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = '${database}') AS create_database \\gset`,
      '\\if :create_database',
      `CREATE DATABASE ${database} OWNER ${user};`,
      '\\endif',
      `REVOKE CONNECT ON DATABASE ${database} FROM PUBLIC;`,
      `GRANT CONNECT ON DATABASE ${database} TO ${[user, ...(c.pooler ? [c.pooler.user] : [])].join(', ')};`,
    );
    if (c.pooler) sql.push(`\\connect ${database}`, ...poolerLookup(c.pooler.user));
  }
  return shellScript('postgres/scripts/primary-init.sh', {
    FILE: POSTGRES_FILES.primaryInit,
    REQUIRE_SECRETS: files.map((f) => `require_secret ${shQuote(f)}`).join('\n'),
    SUPERUSER: POSTGRES_SUPERUSER,
    SQL: sql.join('\n'),
    SLOTS: slots.length,
    APP_DATABASE: c.app ? ' and the application database' : '',
  });
}

/** {@link postgresPromoteScript} from resolved props. */
export function renderPromoteScript(c: ResolvedPostgresConfig): string {
  const slots = replicaNames(c);
  return shellScript('postgres/scripts/promote.sh', {
    FILE: POSTGRES_FILES.promote,
    SOCKET_DIR: shQuote(c.socketDirectory),
    PORT: c.port,
    SUPERUSER: POSTGRES_SUPERUSER,
    CREATE_SLOTS: slots.length > 0 ? createSlots(slots, true).join('\n') : '-- no replicas: no slots',
  });
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

/**
 * Creates the role if missing, then sets its attributes and its password, which psql reads from the file (a
 * backquoted command's output, less its trailing newline; `cat` gets the path, never the password).
 */
function upsertRole(role: string, replication: 'REPLICATION' | 'NOREPLICATION', passwordFile: string, variable: string): string[] {
  return [
    `\\set ${variable} \`cat ${shQuote(passwordFile)}\``,
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
