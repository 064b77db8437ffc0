/**
 * Defaults and validation of {@link PostgresConfigProps}, shared by every PostgreSQL generator: each one validates
 * the whole cluster's props, so a file can never be rendered from props another file would reject.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import {
  POSTGRES_SUPERUSER,
  type PostgresConfigProps,
  type PostgresRole,
  type PostgresSecretKeyRef,
  type PostgresSynchronousCommit,
  type PostgresSynchronousMethod,
  type PostgresSynchronousReplication,
} from './postgres-props';

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
  readonly replicationPassword: PostgresSecretKeyRef;
  /** The application role and database, if one is created. */
  readonly app?: { readonly user: string; readonly database: string; readonly password: PostgresSecretKeyRef };
  /** The pooler's lookup role, if one is created. */
  readonly pooler?: { readonly user: string; readonly password: PostgresSecretKeyRef };
  /** The data directory. */
  readonly dataDirectory: string;
  /** The directory of the generated files. */
  readonly configDirectory: string;
  /** The unix socket directory. */
  readonly socketDirectory: string;
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
  maxConnections: 200,
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
  walKeepSizeMiB: 1024,
  maxSlotWalKeepSizeMiB: 10240,
  clientCidrs: ['0.0.0.0/0', '::/0'],
} as const;

const MIB = 1024 ** 2;
/** Below this, 25 % for shared_buffers leaves too little for connections and maintenance. */
const MIN_MEMORY_BYTES = 256 * MIB;
const MAX_REPLICAS = 32;
const MAX_CONNECTIONS = 10000;
const METHODS: readonly PostgresSynchronousMethod[] = ['ANY', 'FIRST'];
const COMMITS: readonly PostgresSynchronousCommit[] = ['on', 'remote_write', 'remote_apply'];

/** A role or database name that needs no quoting anywhere (SQL, pg_hba.conf, shell, conninfo). */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const IDENTIFIER_ALLOWED = 'a lower-case name of letters, digits and "_" (at most 63, not starting with a digit)';
/** A path that needs no quoting in postgresql.conf, pg_hba.conf, shell scripts or a libpq conninfo. */
const SAFE_PATH = /^\/[A-Za-z0-9._\/-]*$/;
const PATH_ALLOWED = 'an absolute path of letters, digits and "._/-"';
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const HOST_ALLOWED = 'a DNS name or an IPv4 address (letters, digits, "." and "-")';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The allowed-values text of Secret references in error messages. */
export const SECRET_REF_ALLOWED = 'a Secret reference { secretName, key } (passwords are never given literally)';

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
  if (typeof primaryHost !== 'string' || !(HOST.test(primaryHost) || isIPv4(primaryHost))) {
    problems.add('primaryHost', primaryHost, HOST_ALLOWED);
  }

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
      problems.add(field, memoryLimit[role], 'at least "256Mi" (25 % of it becomes shared_buffers)');
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

  checkSecretRef(problems, 'replicationPassword', p.replicationPassword, true);
  checkSecretRef(problems, 'appPassword', p.appPassword, false);
  checkSecretRef(problems, 'poolerAuthPassword', p.poolerAuthPassword, false);
  const raw = p as unknown as Record<string, unknown>;
  for (const field of ['password', 'superuserPassword', 'replicationPasswordValue']) {
    if (raw[field] !== undefined) {
      problems.addMessage(`'${field}' must not be set: passwords are given as Secret references `
        + `({ secretName, key }), never literally, got: ${redacted(raw[field])}`);
    }
  }

  const dataDirectory = p.dataDirectory ?? DEFAULTS.dataDirectory;
  const configDirectory = p.configDirectory ?? DEFAULTS.configDirectory;
  const socketDirectory = p.socketDirectory ?? DEFAULTS.socketDirectory;
  for (const [field, value] of [['dataDirectory', dataDirectory], ['configDirectory', configDirectory],
    ['socketDirectory', socketDirectory]] as const) {
    if (typeof value !== 'string' || !SAFE_PATH.test(value) || value.split('/').includes('..')) {
      problems.add(field, value, PATH_ALLOWED);
    }
  }
  if (typeof dataDirectory === 'string' && SAFE_PATH.test(dataDirectory)
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
  if (!Array.isArray(clientCidrs) || clientCidrs.length === 0 || !clientCidrs.every(isCidr)) {
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
    walKeepSizeMiB,
    maxSlotWalKeepSizeMiB,
    clientCidrs,
  };
}

/**
 * Checks a Secret reference. A string (a literal password passed through a cast) or an object with other keys is
 * rejected, and its value is never echoed in the message.
 */
export function checkSecretRef(problems: Problems, field: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required) problems.add(field, value, SECRET_REF_ALLOWED);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.addMessage(`'${field}' must be ${SECRET_REF_ALLOWED}, got: ${redacted(value)}`);
    return;
  }
  const ref = value as Record<string, unknown>;
  const extra = Object.keys(ref).filter((k) => k !== 'secretName' && k !== 'key');
  if (extra.length > 0) {
    problems.addMessage(`'${field}' must be ${SECRET_REF_ALLOWED}, got: an object with the unexpected `
      + `key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')} (values not shown)`);
    return;
  }
  if (typeof ref.secretName !== 'string' || ref.secretName.length > 253 || !DNS_SUBDOMAIN.test(ref.secretName)) {
    problems.add(`${field}.secretName`, ref.secretName, 'a Kubernetes Secret name (a DNS subdomain)');
  }
  if (typeof ref.key !== 'string' || ref.key.length > 253 || !SECRET_KEY.test(ref.key)) {
    problems.add(`${field}.key`, ref.key, 'a Secret key (letters, digits, "-", "_" and ".")');
  }
}

/** Describes a value that may be a secret without showing it. */
function redacted(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters (not shown)`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array (not shown)';
  return `a ${typeof value} (not shown)`;
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function oneOf(values: readonly string[]): string {
  return `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(value);
  if (!m) return false;
  const bits = Number(m[2]);
  if (isIPv4(m[1])) return bits <= 32;
  if (isIPv6(m[1])) return bits <= 128;
  return false;
}
