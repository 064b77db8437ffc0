/**
 * PgBouncer configuration for the PostgreSQL connection pooler: pgbouncer.ini and the container's start script.
 * Clients authenticate with scram-sha-256; PgBouncer looks their SCRAM secret up on the server through `auth_query`
 * (the `pgbouncer.user_lookup` function that the primary's init script creates), so no user list has to be kept in
 * sync. Only the lookup role's own password is in the auth file, written at start from the mounted Secret file.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { isIntegerIn, oneOf } from '../core/checks';
import { Problems } from '../core/problems';
import { type SecretKeyRef, checkSecretKeyRef } from '../core/secret-ref';
import { DEFAULT_POSTGRES_MAX_CONNECTIONS, POSTGRES_SECRET_FILES } from './postgres-props';
import { shellScript } from '../core/shell';
import {
  HOST_ALLOWED,
  IDENTIFIER,
  MAX_CLIENT_CONNECTIONS,
  MAX_CONNECTIONS,
  PATH_ALLOWED,
  isHost,
  isSafePath,
} from './_postgres-checks';

/**
 * How long a server connection stays with one client: `session` (until it disconnects), `transaction` (one
 * transaction; session state such as SET, LISTEN or session advisory locks does not survive) or `statement`.
 *
 * @see https://www.pgbouncer.org/config.html#pool_mode
 */
export type PgBouncerPoolMode = 'session' | 'transaction' | 'statement';

/** Props of {@link pgbouncerIni} and {@link pgbouncerStartScript}. */
export interface PgBouncerConfigProps {
  /**
   * The PostgreSQL host the pool connects to.
   *
   * @default 'postgres-rw' - the read-write Service: writes reach whoever is primary now; a second pooler with the
   * read-only Service serves reads from the replicas
   */
  readonly targetHost?: string;

  /**
   * The port of {@link targetHost}.
   *
   * @default 5432 - PostgreSQL's standard port
   */
  readonly targetPort?: number;

  /**
   * The address PgBouncer listens on.
   *
   * @default '*' - every interface of the pod
   */
  readonly listenAddress?: string;

  /**
   * The port PgBouncer listens on.
   *
   * @default 6432 - PgBouncer's standard port
   */
  readonly listenPort?: number;

  /**
   * The pool mode.
   *
   * @default 'transaction' - what lets 200 clients share 25 server connections; applications must not rely on
   * session state (use `session` for those)
   */
  readonly poolMode?: PgBouncerPoolMode;

  /**
   * Server connections per database and user (`default_pool_size`).
   *
   * @default 25 - the seed's `poolSize: 25`
   */
  readonly defaultPoolSize?: number;

  /**
   * Client connections PgBouncer accepts (`max_client_conn`).
   *
   * @default 200 - the seed's `maxConnections: 200`
   */
  readonly maxClientConnections?: number;

  /**
   * The server's `max_connections`, to check that one pool fits in it.
   *
   * @default 200 - the default `maxConnections` of the PostgreSQL props
   */
  readonly serverMaxConnections?: number;

  /**
   * The role PgBouncer logs in as to run `auth_query` (PostgresConfigProps.poolerAuthUser).
   *
   * @default 'pgbouncer'
   */
  readonly authUser?: string;

  /** The Secret key holding the lookup role's password (PostgresConfigProps.poolerAuthPassword). */
  readonly authPassword: SecretKeyRef;

  /**
   * Where pgbouncer.ini and the start script are mounted (ConfigMap).
   *
   * @default '/etc/pgbouncer'
   */
  readonly configDirectory?: string;

  /**
   * Where the lookup role's password file is mounted (a read-only Secret volume, file mode 0400), named
   * `pooler-auth-password` (POSTGRES_SECRET_FILES.poolerAuth). It holds the password alone, with at most one
   * trailing newline.
   *
   * @default '/var/run/secrets/pgbouncer'
   */
  readonly secretsDirectory?: string;

  /**
   * A writable directory (an emptyDir) for the auth file the start script writes.
   *
   * @default '/var/run/pgbouncer'
   */
  readonly runtimeDirectory?: string;
}

/** The names of the generated files, as mounted in {@link PgBouncerConfigProps.configDirectory}. */
export const PGBOUNCER_FILES = {
  /** The configuration. */
  ini: 'pgbouncer.ini',
  /** The container's command: writes the auth file from the Secret, then runs pgbouncer. */
  start: 'pgbouncer-start.sh',
} as const;

interface ResolvedPgBouncer {
  readonly targetHost: string;
  readonly targetPort: number;
  readonly listenAddress: string;
  readonly listenPort: number;
  readonly poolMode: PgBouncerPoolMode;
  readonly defaultPoolSize: number;
  readonly maxClientConnections: number;
  readonly authUser: string;
  readonly configDirectory: string;
  readonly secretsDirectory: string;
  readonly runtimeDirectory: string;
}

const POOL_MODES: readonly PgBouncerPoolMode[] = ['session', 'transaction', 'statement'];

function resolve(props: PgBouncerConfigProps, where: string): ResolvedPgBouncer {
  const problems = new Problems(where);
  const p: PgBouncerConfigProps = (typeof props === 'object' && props !== null ? props : {}) as PgBouncerConfigProps;
  const r = {
    targetHost: p.targetHost ?? 'postgres-rw',
    targetPort: p.targetPort ?? 5432,
    listenAddress: p.listenAddress ?? '*',
    listenPort: p.listenPort ?? 6432,
    poolMode: p.poolMode ?? 'transaction',
    defaultPoolSize: p.defaultPoolSize ?? 25,
    maxClientConnections: p.maxClientConnections ?? 200,
    authUser: p.authUser ?? 'pgbouncer',
    configDirectory: p.configDirectory ?? '/etc/pgbouncer',
    secretsDirectory: p.secretsDirectory ?? '/var/run/secrets/pgbouncer',
    runtimeDirectory: p.runtimeDirectory ?? '/var/run/pgbouncer',
  };
  const serverMax = p.serverMaxConnections ?? DEFAULT_POSTGRES_MAX_CONNECTIONS;
  if (!isHost(r.targetHost)) problems.add('targetHost', r.targetHost, HOST_ALLOWED);
  if (typeof r.listenAddress !== 'string'
    || !(r.listenAddress === '*' || isIPv4(r.listenAddress) || isIPv6(r.listenAddress))) {
    problems.add('listenAddress', r.listenAddress, '"*" or an IP address');
  }
  for (const field of ['targetPort', 'listenPort'] as const) {
    if (!isIntegerIn(r[field], 1, 65535)) problems.add(field, r[field], 'an integer between 1 and 65535');
  }
  if (!POOL_MODES.includes(r.poolMode)) problems.add('poolMode', r.poolMode, oneOf(POOL_MODES));
  if (!isIntegerIn(r.maxClientConnections, 1, MAX_CLIENT_CONNECTIONS)) {
    problems.add('maxClientConnections', r.maxClientConnections, `an integer between 1 and ${MAX_CLIENT_CONNECTIONS}`);
  }
  const validServer = isIntegerIn(serverMax, 1, MAX_CONNECTIONS);
  if (!validServer) problems.add('serverMaxConnections', serverMax, `an integer between 1 and ${MAX_CONNECTIONS}`);
  if (validServer && !isIntegerIn(r.defaultPoolSize, 1, serverMax)) {
    problems.add('defaultPoolSize', r.defaultPoolSize, `an integer between 1 and 'serverMaxConnections' (${serverMax})`);
  }
  if (typeof r.authUser !== 'string' || !IDENTIFIER.test(r.authUser) || r.authUser === 'postgres') {
    problems.add('authUser', r.authUser, 'a lower-case role name of letters, digits and "_", not "postgres"');
  }
  checkSecretKeyRef(problems, 'authPassword', p.authPassword, true);
  for (const field of ['configDirectory', 'secretsDirectory', 'runtimeDirectory'] as const) {
    if (!isSafePath(r[field])) problems.add(field, r[field], PATH_ALLOWED);
  }
  problems.throwIfAny();
  return r;
}

/** pgbouncer.ini: one wildcard database on the target host, SCRAM everywhere, users looked up with auth_query. */
export function pgbouncerIni(props: PgBouncerConfigProps): string {
  return renderIni(resolve(props, PGBOUNCER_FILES.ini));
}

function renderIni(r: ResolvedPgBouncer): string {
  return `;; Generated by scaling-tiers: ${PGBOUNCER_FILES.ini}. Do not edit.
[databases]
;; Every database, on ${r.targetHost}:${r.targetPort}. Client passwords are never stored here: PgBouncer asks the
;; server (auth_query, as ${r.authUser}) for the client's SCRAM secret and reuses the client's proof to log in.
* = host=${r.targetHost} port=${r.targetPort}

[pgbouncer]
listen_addr = ${r.listenAddress}
listen_port = ${r.listenPort}
;; No unix socket: the root filesystem is read-only and every client is remote.
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${r.runtimeDirectory}/userlist.txt
auth_user = ${r.authUser}
auth_query = SELECT usename, passwd FROM pgbouncer.user_lookup($1)
pool_mode = ${r.poolMode}
default_pool_size = ${r.defaultPoolSize}
max_client_conn = ${r.maxClientConnections}
reserve_pool_size = 0
server_reset_query = DISCARD ALL
;; Drivers (JDBC, node-postgres) send it; PgBouncer would refuse the connection otherwise.
ignore_startup_parameters = extra_float_digits
;; Re-resolve the Service name often: after a failover it may point elsewhere.
dns_max_ttl = 15
log_connections = 0
log_disconnections = 0
log_pooler_errors = 1
stats_users = ${r.authUser}
`;
}

/**
 * The pooler container's command (POSIX sh): writes the lookup role's password from its mounted file
 * (`<secretsDirectory>/pooler-auth-password`) into the auth file, mode 0600, then execs pgbouncer. The password
 * never passes through the environment or a command line.
 */
export function pgbouncerStartScript(props: PgBouncerConfigProps): string {
  return renderStartScript(resolve(props, PGBOUNCER_FILES.start));
}

function renderStartScript(r: ResolvedPgBouncer): string {
  return shellScript('postgres/scripts/pgbouncer-start.sh', {
    FILE: PGBOUNCER_FILES.start,
    PASSWORD_FILE: `${r.secretsDirectory}/${POSTGRES_SECRET_FILES.poolerAuth}`,
    RUNTIME_DIR: r.runtimeDirectory,
    AUTH_USER: r.authUser,
    CONFIG_DIR: r.configDirectory,
    INI: PGBOUNCER_FILES.ini,
  });
}

/**
 * Both files, keyed by their names in {@link PGBOUNCER_FILES}: the content of the pooler's ConfigMap. The props are
 * validated once, for both.
 *
 * @param where the prefix of error messages: the construct path, or by default the first file's name
 */
export function pgbouncerFiles(props: PgBouncerConfigProps, where: string = PGBOUNCER_FILES.ini): Record<string, string> {
  const r = resolve(props, where);
  return { [PGBOUNCER_FILES.ini]: renderIni(r), [PGBOUNCER_FILES.start]: renderStartScript(r) };
}
