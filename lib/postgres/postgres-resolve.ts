/**
 * Defaults and validation of {@link PostgresConfigProps}, shared by every PostgreSQL generator: each one validates
 * the whole cluster's props, so a file can never be rendered from props another file would reject.
 */
import { isCidr, isIntegerIn, oneOf, redacted } from '../core/checks';
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import { type SecretKeyRef, checkNoLiteralSecrets, checkSecretKeyRef } from '../core/secret-ref';
import {
  DEFAULT_POSTGRES_MAX_CONNECTIONS,
  POSTGRES_SUPERUSER,
  type PostgresConfigProps,
  type PostgresRole,
  type PostgresSynchronousCommit,
  type PostgresSynchronousMethod,
  type PostgresSynchronousReplication,
} from './postgres-props';
import {
  HOST_ALLOWED,
  IDENTIFIER,
  MAX_CONNECTIONS,
  MAX_REPLICAS,
  MIN_MEMORY_ALLOWED,
  MIN_MEMORY_BYTES,
  PATH_ALLOWED,
  isHost,
  isSafePath,
} from './_postgres-checks';

/** {@link PostgresConfigProps} with every default applied and every value checked. */
export interface ResolvedPostgresConfig {
  /** Number of hot standbys. */
  readonly replicas: number;
  /** Synchronous replication, if any. */
  readonly synchronous?: Required<PostgresSynchronousReplication>;
  /** The servers' port. */
  readonly port: number;
  /** The read-write host standbys stream from. */
  readonly primaryHost: string;
  /** The port of `primaryHost`. */
  readonly primaryPort: number;
  /** `max_connections`. */
  readonly maxConnections: number;
  /** The pooler's pool size. */
  readonly poolSize: number;
  /** The memory limit of each role, in bytes. */
  readonly memoryLimitBytes: Readonly<Record<PostgresRole, number>>;
  /** The memory limit of each role, as given. */
  readonly memoryLimit: Readonly<Record<PostgresRole, string>>;
  /** The replication role. */
  readonly replicationUser: string;
  /** The replication role's password. */
  readonly replicationPassword: SecretKeyRef;
  /** The application role and database, if one is created. */
  readonly app?: { readonly user: string; readonly database: string; readonly password: SecretKeyRef };
  /** The pooler's lookup role, if one is created. */
  readonly pooler?: { readonly user: string; readonly password: SecretKeyRef };
  /** The data directory. */
  readonly dataDirectory: string;
  /** The directory of the generated files. */
  readonly configDirectory: string;
  /** The unix socket directory. */
  readonly socketDirectory: string;
  /** Where the password files are mounted. */
  readonly secretsDirectory: string;
  /** The server's private, writable directory (passfile, nss_wrapper files). */
  readonly runtimeDirectory: string;
  /** `wal_keep_size`, MiB. */
  readonly walKeepSizeMiB: number;
  /** `max_slot_wal_keep_size`, MiB. */
  readonly maxSlotWalKeepSizeMiB: number;
  /** Networks accepted by pg_hba.conf. */
  readonly clientCidrs: readonly string[];
}

const DEFAULTS = {
  replicas: 2,
  port: 5432,
  primaryHost: 'postgres-rw',
  maxConnections: DEFAULT_POSTGRES_MAX_CONNECTIONS,
  poolSize: 25,
  primaryMemoryLimit: '8Gi',
  replicaMemoryLimit: '4Gi',
  replicationUser: 'replicator',
  appUser: 'app',
  appDatabase: 'app',
  poolerAuthUser: 'pgbouncer',
  dataDirectory: '/var/lib/postgresql/data/pgdata',
  configDirectory: '/etc/postgresql',
  socketDirectory: '/var/run/postgresql',
  secretsDirectory: '/var/run/secrets/postgresql',
  runtimeDirectory: '/tmp',
  walKeepSizeMiB: 1024,
  maxSlotWalKeepSizeMiB: 10240,
  clientCidrs: ['0.0.0.0/0', '::/0'],
} as const;

const METHODS: readonly PostgresSynchronousMethod[] = ['ANY', 'FIRST'];
const COMMITS: readonly PostgresSynchronousCommit[] = ['on', 'remote_write', 'remote_apply'];
const IDENTIFIER_ALLOWED = 'a lower-case name of letters, digits and "_" (at most 63, not starting with a digit)';

/**
 * Validates the props (throwing a PropsError that lists every problem) and applies the defaults.
 *
 * @param where the prefix of error messages: the generated file's name or the construct path
 */
export function resolvePostgresProps(props: PostgresConfigProps, where = 'postgresql.conf'): ResolvedPostgresConfig {
  const problems = new Problems(where);
  // JavaScript callers may pass anything; treat a non-object like {} so every missing field is reported.
  const p: PostgresConfigProps = (typeof props === 'object' && props !== null ? props : {}) as PostgresConfigProps;

  const replicas = p.replicas ?? DEFAULTS.replicas;
  if (!isIntegerIn(replicas, 0, MAX_REPLICAS)) {
    problems.add('replicas', replicas, `an integer between 0 and ${MAX_REPLICAS}`);
  }

  let synchronous: Required<PostgresSynchronousReplication> | undefined;
  if (p.synchronous !== undefined) {
    const s = p.synchronous;
    const method = s.method ?? 'ANY';
    const commit = s.commit ?? 'on';
    const validReplicas = isIntegerIn(replicas, 0, MAX_REPLICAS);
    if (validReplicas && replicas === 0) {
      problems.add('synchronous', s, "unset when 'replicas' is 0 (no standby could ever confirm a commit)");
    } else if (validReplicas && !isIntegerIn(s.number, 1, replicas)) {
      problems.add('synchronous.number', s.number, `an integer between 1 and 'replicas' (${replicas})`);
    }
    if (!METHODS.includes(method)) problems.add('synchronous.method', method, oneOf(METHODS));
    if (!COMMITS.includes(commit)) problems.add('synchronous.commit', commit, oneOf(COMMITS));
    synchronous = { number: s.number, method, commit };
  }

  const port = p.port ?? DEFAULTS.port;
  if (!isIntegerIn(port, 1, 65535)) problems.add('port', port, 'an integer between 1 and 65535');
  const primaryPort = p.primaryPort ?? port;
  if (p.primaryPort !== undefined && !isIntegerIn(primaryPort, 1, 65535)) {
    problems.add('primaryPort', primaryPort, 'an integer between 1 and 65535');
  }
  const primaryHost = p.primaryHost ?? DEFAULTS.primaryHost;
  if (!isHost(primaryHost)) problems.add('primaryHost', primaryHost, HOST_ALLOWED);

  const maxConnections = p.maxConnections ?? DEFAULTS.maxConnections;
  const validMax = isIntegerIn(maxConnections, 1, MAX_CONNECTIONS);
  if (!validMax) problems.add('maxConnections', maxConnections, `an integer between 1 and ${MAX_CONNECTIONS}`);
  const poolSize = p.poolSize ?? DEFAULTS.poolSize;
  if (validMax && !isIntegerIn(poolSize, 1, maxConnections)) {
    problems.add('poolSize', poolSize, `an integer between 1 and 'maxConnections' (${maxConnections})`);
  } else if (!validMax && !isIntegerIn(poolSize, 1, MAX_CONNECTIONS)) {
    problems.add('poolSize', poolSize, `an integer between 1 and ${MAX_CONNECTIONS}`);
  }

  const memoryLimit = {
    primary: p.primaryMemoryLimit ?? DEFAULTS.primaryMemoryLimit,
    replica: p.replicaMemoryLimit ?? DEFAULTS.replicaMemoryLimit,
  };
  const memoryLimitBytes = { primary: 0, replica: 0 };
  for (const role of ['primary', 'replica'] as const) {
    const field = `${role}MemoryLimit`;
    const bytes = parseMemory(memoryLimit[role]);
    if (bytes === undefined) problems.add(field, memoryLimit[role], MEMORY_ALLOWED);
    else if (bytes < MIN_MEMORY_BYTES) {
      problems.add(field, memoryLimit[role], MIN_MEMORY_ALLOWED);
    } else memoryLimitBytes[role] = bytes;
  }

  const replicationUser = p.replicationUser ?? DEFAULTS.replicationUser;
  const appUser = p.appUser ?? DEFAULTS.appUser;
  const appDatabase = p.appDatabase ?? DEFAULTS.appDatabase;
  const poolerAuthUser = p.poolerAuthUser ?? DEFAULTS.poolerAuthUser;
  const names: Array<[string, unknown]> = [
    ['replicationUser', replicationUser],
    ['appUser', appUser],
    ['appDatabase', appDatabase],
    ['poolerAuthUser', poolerAuthUser],
  ];
  for (const [field, value] of names) {
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) problems.add(field, value, IDENTIFIER_ALLOWED);
  }
  const roles: Array<[string, unknown, boolean]> = [
    ['replicationUser', replicationUser, true],
    ['appUser', appUser, p.appPassword !== undefined],
    ['poolerAuthUser', poolerAuthUser, p.poolerAuthPassword !== undefined],
  ];
  const seen = new Map<unknown, string>([[POSTGRES_SUPERUSER, 'the superuser']]);
  for (const [field, value, used] of roles) {
    if (!used) continue;
    const other = seen.get(value);
    if (other !== undefined) problems.add(field, value, `a role name different from ${other}`);
    else seen.set(value, `'${field}'`);
  }
  if (p.appPassword !== undefined && ['postgres', 'template0', 'template1'].includes(appDatabase)) {
    problems.add('appDatabase', appDatabase, 'a new database, not "postgres", "template0" or "template1"');
  }

  checkSecretKeyRef(problems, 'replicationPassword', p.replicationPassword, true);
  checkSecretKeyRef(problems, 'appPassword', p.appPassword, false);
  checkSecretKeyRef(problems, 'poolerAuthPassword', p.poolerAuthPassword, false);
  checkNoLiteralSuperuserPassword(problems, p);
  checkNoLiteralSecrets(problems, p, ['replicationPasswordValue'], 'replicationPassword');

  const dataDirectory = p.dataDirectory ?? DEFAULTS.dataDirectory;
  const configDirectory = p.configDirectory ?? DEFAULTS.configDirectory;
  const socketDirectory = p.socketDirectory ?? DEFAULTS.socketDirectory;
  const secretsDirectory = p.secretsDirectory ?? DEFAULTS.secretsDirectory;
  const runtimeDirectory = p.runtimeDirectory ?? DEFAULTS.runtimeDirectory;
  for (const [field, value] of [['dataDirectory', dataDirectory], ['configDirectory', configDirectory],
    ['socketDirectory', socketDirectory], ['secretsDirectory', secretsDirectory],
    ['runtimeDirectory', runtimeDirectory]] as const) {
    if (!isSafePath(value)) problems.add(field, value, PATH_ALLOWED);
  }
  if (isSafePath(dataDirectory)
    && dataDirectory.replace(/\/+$/, '').split('/').filter((s) => s !== '').length < 2) {
    problems.add('dataDirectory', dataDirectory, 'a sub-directory of the volume mount, at least two levels deep '
      + '(e.g. "/var/lib/postgresql/data/pgdata")');
  }
  if (typeof socketDirectory === 'string' && socketDirectory.length > 80) {
    problems.add('socketDirectory', socketDirectory, 'at most 80 characters (unix socket paths are limited to 107)');
  }

  const walKeepSizeMiB = p.walKeepSizeMiB ?? DEFAULTS.walKeepSizeMiB;
  if (!isIntegerIn(walKeepSizeMiB, 0, 1024 * 1024)) {
    problems.add('walKeepSizeMiB', walKeepSizeMiB, 'an integer between 0 and 1048576');
  }
  const maxSlotWalKeepSizeMiB = p.maxSlotWalKeepSizeMiB ?? DEFAULTS.maxSlotWalKeepSizeMiB;
  if (!isIntegerIn(maxSlotWalKeepSizeMiB, 1, 1024 * 1024)) {
    problems.add('maxSlotWalKeepSizeMiB', maxSlotWalKeepSizeMiB,
      'an integer between 1 and 1048576 (unlimited would let a vanished standby fill the volume)');
  }

  const clientCidrs = p.clientCidrs ?? DEFAULTS.clientCidrs;
  if (!Array.isArray(clientCidrs) || clientCidrs.length === 0 || !clientCidrs.every((cidr) => isCidr(cidr))) {
    problems.add('clientCidrs', clientCidrs, 'a non-empty list of CIDRs such as "10.0.0.0/8" or "::/0"');
  }

  problems.throwIfAny();
  return {
    replicas,
    synchronous,
    port,
    primaryHost,
    primaryPort,
    maxConnections,
    poolSize,
    memoryLimit,
    memoryLimitBytes,
    replicationUser,
    replicationPassword: p.replicationPassword,
    app: p.appPassword ? { user: appUser, database: appDatabase, password: p.appPassword } : undefined,
    pooler: p.poolerAuthPassword ? { user: poolerAuthUser, password: p.poolerAuthPassword } : undefined,
    dataDirectory: dataDirectory.replace(/(.)\/+$/, '$1'),
    configDirectory: configDirectory.replace(/(.)\/+$/, '$1'),
    socketDirectory: socketDirectory.replace(/(.)\/+$/, '$1'),
    secretsDirectory: secretsDirectory.replace(/(.)\/+$/, '$1'),
    runtimeDirectory: runtimeDirectory.replace(/(.)\/+$/, '$1'),
    walKeepSizeMiB,
    maxSlotWalKeepSizeMiB,
    clientCidrs,
  };
}

/**
 * The superuser has no password: it logs in only through the local socket, as the postgres OS user (peer). A
 * `password` or `superuserPassword` passed through a cast is rejected without echoing it.
 */
function checkNoLiteralSuperuserPassword(problems: Problems, props: PostgresConfigProps): void {
  const raw = props as unknown as Record<string, unknown>;
  for (const field of ['password', 'superuserPassword']) {
    if (raw[field] !== undefined) {
      problems.addMessage(`'${field}' must not be set: the superuser has no password (it logs in only through the `
        + `local socket, as the postgres OS user), got: ${redacted(raw[field])}`);
    }
  }
}
