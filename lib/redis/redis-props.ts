/**
 * The props of the Redis config generators (`redis.ts`, `redis-scripts.ts`): types, defaults and validation.
 */
import { formatValue, Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';

/** How the Redis servers are arranged. */
export type RedisMode = 'standalone' | 'replicated' | 'cluster';

/** What the data is: a cache can be evicted and rebuilt, data (queues, sessions, locks) must not be evicted. */
export type RedisUse = 'cache' | 'data';

/** Redis' `maxmemory-policy` values. */
export type RedisMaxmemoryPolicy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'allkeys-lfu'
  | 'allkeys-random'
  | 'volatile-lru'
  | 'volatile-lfu'
  | 'volatile-random'
  | 'volatile-ttl';

/** Redis' `appendfsync` values. */
export type RedisAppendFsync = 'always' | 'everysec' | 'no';

/**
 * A reference to the Kubernetes Secret that holds the Redis password. Only the reference is accepted: a literal
 * password would end up in a ConfigMap, in Git and in every rendered manifest.
 */
export interface RedisSecretRef {
  /** Name of the Secret in the workload's namespace. */
  readonly secretName: string;
  /** Key inside the Secret whose value is the password. */
  readonly secretKey: string;
}

/** One RDB snapshot rule: save when at least `changes` keys changed within `seconds`. */
export interface RedisSnapshotRule {
  /** The time window, in seconds. */
  readonly seconds: number;
  /** The number of changed keys that triggers a snapshot within the window. */
  readonly changes: number;
}

/** Where a replica (replicated mode) finds its primary. */
export interface RedisReplicaOf {
  /** DNS name or IP of the primary, e.g. the primary pod's stable StatefulSet name. */
  readonly host: string;
  /**
   * Port of the primary.
   *
   * @default 6379 - Redis' standard port
   */
  readonly port?: number;
}

/** Props of `redisConf`, `redisStartupScript` and {@link resolveRedisProps}. */
export interface RedisConfProps {
  /** standalone (one server), replicated (a primary and its replicas, no automatic failover) or cluster. */
  readonly mode: RedisMode;
  /**
   * The dataset limit (`maxmemory`) as a Kubernetes memory quantity, e.g. `100Mi`, `2Gi`. Converted to bytes. The
   * container's memory limit must be higher: see `redisMemoryLimit` (redis-memory.ts).
   */
  readonly maxmemory: string;
  /**
   * What the data is. Chooses the eviction policy, AOF and cluster full-coverage defaults.
   *
   * @default 'cache' - the tiers use Redis as a cache (seed 002: cache_size per tier)
   */
  readonly use?: RedisUse;
  /**
   * Eviction policy when `maxmemory` is reached.
   *
   * @default 'allkeys-lru' for a cache (seed 003), 'noeviction' for data - evicting a queue entry loses work
   */
  readonly maxmemoryPolicy?: RedisMaxmemoryPolicy;
  /**
   * Client port. In cluster mode the cluster bus listens on port + 10000.
   *
   * @default 6379 - Redis' standard port
   */
  readonly port?: number;
  /**
   * Addresses to listen on (`bind`); a leading `-` makes an address optional.
   *
   * @default ['*', '-::*'] - every IPv4 address and, when the pod has one, every IPv6 address: a pod's IP is not
   * known when the conf is generated, and the NetworkPolicy is what limits who may connect
   */
  readonly bind?: string[];
  /**
   * Redis' protected mode: without a password, accept only loopback clients.
   *
   * @default true - harmless with `auth` (it only acts when there is no password); without `auth` and with a
   * non-loopback `bind`, set it to false explicitly (an unauthenticated Redis open to the pod network is a choice,
   * not a default)
   */
  readonly protectedMode?: boolean;
  /**
   * The Secret that holds the password; the pod exposes it as the `REDIS_PASSWORD` env var and the startup script
   * turns it into `requirepass` and `masterauth`.
   *
   * @default - no password; only sensible on a development tier behind a NetworkPolicy
   */
  readonly auth?: RedisSecretRef;
  /**
   * Data directory (`dir`): RDB snapshots, the AOF directory and, in cluster mode, nodes.conf. Mount the PVC here.
   *
   * @default '/data' - the path of the official redis image's volume
   */
  readonly dataDir?: string;
  /**
   * Path of the runtime file the startup script writes and the conf `include`s (password, announce hostname).
   * Mount an in-memory emptyDir at its folder so the password never reaches a disk.
   *
   * @default '/run/redis/runtime.conf' - a tmpfs path outside the data volume
   */
  readonly runtimeConfigPath?: string;
  /**
   * Append-only file persistence.
   *
   * @default true in cluster mode (seed 003: `appendonly yes`) and for data; false for a standalone or replicated
   * cache, which is rebuilt from the source of truth and does not need the extra disk writes
   */
  readonly aof?: boolean;
  /**
   * fsync policy of the AOF.
   *
   * @default 'everysec' - at most one second of writes lost on a node crash, at a small cost (Redis' default)
   */
  readonly appendfsync?: RedisAppendFsync;
  /**
   * RDB snapshot rules (`save`); an empty list disables snapshots.
   *
   * @default 3600 s/1 change, 300 s/100 changes, 60 s/10000 changes - Redis 7's own defaults; cheap, and they make
   * a restart warm
   */
  readonly rdbSnapshots?: RedisSnapshotRule[];
  /**
   * Replicated mode only: the number of replicas of the primary (used to check `minReplicasToWrite`).
   *
   * @default 1 - the team tier's primary + 1 replica
   */
  readonly replicas?: number;
  /**
   * Replicated mode only: set it to render a replica's conf (`replicaof`); leave it unset for the primary's.
   *
   * @default - this conf is the primary's
   */
  readonly replicaOf?: RedisReplicaOf;
  /**
   * Refuse writes on a primary/master that has fewer than this many replicas with a lag of at most
   * `minReplicasMaxLag` seconds (`min-replicas-to-write`). Bounds the writes lost in a partition, at the price of
   * availability.
   *
   * @default 0 - disabled; a cache prefers to keep accepting writes
   */
  readonly minReplicasToWrite?: number;
  /**
   * The lag, in seconds, under which a replica counts for `minReplicasToWrite` (`min-replicas-max-lag`).
   *
   * @default 10 - Redis' default
   */
  readonly minReplicasMaxLag?: number;
  /**
   * Cluster mode only: the number of masters (slot owners).
   *
   * @default 3 - the minimum for a majority to survive one failed master (seed 003: 3 masters + 3 replicas)
   */
  readonly masters?: number;
  /**
   * Cluster mode only: replicas of each master (`--cluster-replicas`).
   *
   * @default 1 - seed 003 (3 masters + 3 replicas); one failed master is replaced by its replica
   */
  readonly replicasPerMaster?: number;
  /**
   * Cluster mode only: `cluster-node-timeout` in milliseconds, the time after which an unreachable node is
   * considered failing and its replica may take over.
   *
   * @default 15000 - seed 003 and Redis' default
   */
  readonly clusterNodeTimeout?: number;
  /**
   * Cluster mode only: `cluster-require-full-coverage`, stop serving every slot when one slot is uncovered.
   *
   * @default true for data (never serve a partial keyspace), false for a cache (a cache that lost a shard keeps
   * serving the others; the misses fall through to the database)
   */
  readonly clusterRequireFullCoverage?: boolean;
  /**
   * Cluster mode only: path of the cluster state file (`cluster-config-file`). It must live on the data volume so
   * a restarted pod keeps its node ID and rejoins its cluster.
   *
   * @default `${dataDir}/nodes.conf`
   */
  readonly clusterConfigFile?: string;
}

/** {@link RedisConfProps} with every default applied and the derived values the construct needs. */
export interface ResolvedRedisProps {
  /** As in {@link RedisConfProps.mode}. */
  readonly mode: RedisMode;
  /** {@link RedisConfProps.maxmemory} in bytes. */
  readonly maxmemoryBytes: number;
  /** As in {@link RedisConfProps.use}. */
  readonly use: RedisUse;
  /** As in {@link RedisConfProps.maxmemoryPolicy}. */
  readonly maxmemoryPolicy: RedisMaxmemoryPolicy;
  /** As in {@link RedisConfProps.port}. */
  readonly port: number;
  /** As in {@link RedisConfProps.bind}. */
  readonly bind: string[];
  /** As in {@link RedisConfProps.protectedMode}. */
  readonly protectedMode: boolean;
  /** As in {@link RedisConfProps.auth}. */
  readonly auth: RedisSecretRef | undefined;
  /** As in {@link RedisConfProps.dataDir}. */
  readonly dataDir: string;
  /** As in {@link RedisConfProps.runtimeConfigPath}. */
  readonly runtimeConfigPath: string;
  /** As in {@link RedisConfProps.aof}. */
  readonly aof: boolean;
  /** As in {@link RedisConfProps.appendfsync}. */
  readonly appendfsync: RedisAppendFsync;
  /** As in {@link RedisConfProps.rdbSnapshots}. */
  readonly rdbSnapshots: RedisSnapshotRule[];
  /** Replicas of each primary/master: `replicas` (replicated), `replicasPerMaster` (cluster), 0 (standalone). */
  readonly replicasPerPrimary: number;
  /** As in {@link RedisConfProps.replicaOf}, with the port defaulted. */
  readonly replicaOf: Required<RedisReplicaOf> | undefined;
  /** As in {@link RedisConfProps.minReplicasToWrite}. */
  readonly minReplicasToWrite: number;
  /** As in {@link RedisConfProps.minReplicasMaxLag}. */
  readonly minReplicasMaxLag: number;
  /** Number of masters: {@link RedisConfProps.masters} in cluster mode, 1 otherwise. */
  readonly masters: number;
  /** Number of Redis servers (pods): masters x (1 + replicas per master). */
  readonly totalNodes: number;
  /** As in {@link RedisConfProps.clusterNodeTimeout}. */
  readonly clusterNodeTimeout: number;
  /** As in {@link RedisConfProps.clusterRequireFullCoverage}. */
  readonly clusterRequireFullCoverage: boolean;
  /** As in {@link RedisConfProps.clusterConfigFile}. */
  readonly clusterConfigFile: string;
}

/** The env var (filled from the auth Secret) that the startup script and the bootstrap Job read the password from. */
export const REDIS_PASSWORD_ENV = 'REDIS_PASSWORD';

/** The env var holding the pod's stable DNS name, announced to the cluster (`cluster-announce-hostname`). */
export const REDIS_ANNOUNCE_HOSTNAME_ENV = 'REDIS_ANNOUNCE_HOSTNAME';

/** Where the construct mounts the generated redis.conf; the startup script's default command reads it. */
export const REDIS_CONF_PATH = '/etc/redis/redis.conf';

/** Number of hash slots of a Redis Cluster. */
export const REDIS_CLUSTER_SLOTS = 16384;

const MODES: readonly RedisMode[] = ['standalone', 'replicated', 'cluster'];
const USES: readonly RedisUse[] = ['cache', 'data'];
const POLICIES: readonly RedisMaxmemoryPolicy[] = [
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random',
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
];
const FSYNCS: readonly RedisAppendFsync[] = ['always', 'everysec', 'no'];
const DEFAULT_SNAPSHOTS: readonly RedisSnapshotRule[] = [
  { seconds: 3600, changes: 1 },
  { seconds: 300, changes: 100 },
  { seconds: 60, changes: 10000 },
];
const CLUSTER_ONLY = ['masters', 'replicasPerMaster', 'clusterNodeTimeout', 'clusterRequireFullCoverage', 'clusterConfigFile'] as const;
const REPLICATED_ONLY = ['replicas', 'replicaOf'] as const;
/** Fields that would carry a literal password; rejected wherever they appear (e.g. passed through a cast). */
const LITERAL_PASSWORD_FIELDS = ['password', 'requirepass', 'masterauth'] as const;

const MIB = 1024 ** 2;
const SAFE_PATH = /^\/[A-Za-z0-9._\/-]*$/;
const BIND_ADDRESS = /^-?(\*|::\*|[0-9A-Fa-f.:]+)$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Validates the props (throwing a `PropsError` that lists every problem) and applies the defaults.
 *
 * @param where the prefix of error messages: the construct path or the generated file's name
 */
export function resolveRedisProps(props: RedisConfProps, where = 'redis.conf'): ResolvedRedisProps {
  const problems = new Problems(where);
  const raw = props as unknown as Record<string, unknown>;

  if (!MODES.includes(props.mode)) problems.add('mode', props.mode, oneOf(MODES));
  const mode = props.mode;
  const use = props.use ?? 'cache';
  if (!USES.includes(use)) problems.add('use', use, oneOf(USES));

  const maxmemoryBytes = parseMemory(props.maxmemory);
  if (maxmemoryBytes === undefined) {
    problems.add('maxmemory', props.maxmemory, MEMORY_ALLOWED);
  } else if (maxmemoryBytes < MIB) {
    problems.add('maxmemory', props.maxmemory, 'at least "1Mi" (Redis needs room for its own bookkeeping)');
  } else if (!Number.isInteger(maxmemoryBytes)) {
    problems.add('maxmemory', props.maxmemory, 'a whole number of bytes');
  }

  const maxmemoryPolicy = props.maxmemoryPolicy ?? (use === 'data' ? 'noeviction' : 'allkeys-lru');
  if (!POLICIES.includes(maxmemoryPolicy)) problems.add('maxmemoryPolicy', maxmemoryPolicy, oneOf(POLICIES));

  const port = props.port ?? 6379;
  const maxPort = mode === 'cluster' ? 65535 - 10000 : 65535;
  if (!isIntegerIn(port, 1, maxPort)) {
    problems.add('port', port, mode === 'cluster'
      ? `an integer between 1 and ${maxPort} in cluster mode (the cluster bus listens on port + 10000)`
      : `an integer between 1 and ${maxPort}`);
  }

  const bind = props.bind ?? ['*', '-::*'];
  const bindOk = Array.isArray(bind) && bind.length > 0 && bind.every((b) => typeof b === 'string' && BIND_ADDRESS.test(b));
  if (!bindOk) {
    problems.add('bind', bind, 'a non-empty list of IP addresses, "*" or "::*", each optionally prefixed with "-"');
  }

  for (const field of LITERAL_PASSWORD_FIELDS) {
    if (raw[field] !== undefined) {
      problems.addMessage(`'${field}' must not be set: pass the password as a Secret reference in 'auth' `
        + `({ secretName, secretKey }), never as a literal, got: ${redacted(raw[field])}`);
    }
  }
  const auth = props.auth;
  if (auth !== undefined) checkAuth(auth, problems);

  const protectedMode = props.protectedMode ?? true;
  if (auth === undefined && protectedMode && bindOk && bind.some((b) => !isLoopback(b))) {
    problems.add('protectedMode', protectedMode, 'false when \'auth\' is not set and \'bind\' listens beyond '
      + 'loopback (protected mode would refuse every client from another pod; set \'auth\' or opt out explicitly)');
  }

  const dataDir = props.dataDir ?? '/data';
  checkPath('dataDir', dataDir, problems);
  const runtimeConfigPath = props.runtimeConfigPath ?? '/run/redis/runtime.conf';
  checkPath('runtimeConfigPath', runtimeConfigPath, problems);

  const aof = props.aof ?? (mode === 'cluster' || use === 'data');
  const appendfsync = props.appendfsync ?? 'everysec';
  if (!FSYNCS.includes(appendfsync)) problems.add('appendfsync', appendfsync, oneOf(FSYNCS));
  const rdbSnapshots = props.rdbSnapshots ?? [...DEFAULT_SNAPSHOTS];
  if (!Array.isArray(rdbSnapshots)
    || !rdbSnapshots.every((r) => isIntegerIn(r?.seconds, 1, Infinity) && isIntegerIn(r?.changes, 1, Infinity))) {
    problems.add('rdbSnapshots', rdbSnapshots, 'a list of { seconds, changes } with positive integers');
  }

  // Mode-specific props must not be given to another mode: they would be silently ignored.
  if (mode !== 'cluster') {
    for (const f of CLUSTER_ONLY) if (props[f] !== undefined) problems.add(f, props[f], 'unset unless \'mode\' is "cluster"');
  }
  if (mode !== 'replicated') {
    for (const f of REPLICATED_ONLY) if (props[f] !== undefined) problems.add(f, props[f], 'unset unless \'mode\' is "replicated"');
  }

  const masters = mode === 'cluster' ? props.masters ?? 3 : 1;
  if (mode === 'cluster' && !isIntegerIn(masters, 3, REDIS_CLUSTER_SLOTS)) {
    problems.add('masters', masters, 'an integer of at least 3 (a cluster needs a majority of masters to fail over)');
  }
  let replicasPerPrimary = 0;
  if (mode === 'cluster') {
    replicasPerPrimary = props.replicasPerMaster ?? 1;
    if (!isIntegerIn(replicasPerPrimary, 0, Infinity)) {
      problems.add('replicasPerMaster', replicasPerPrimary, 'an integer of at least 0');
    }
  } else if (mode === 'replicated') {
    replicasPerPrimary = props.replicas ?? 1;
    if (!isIntegerIn(replicasPerPrimary, 1, Infinity)) {
      problems.add('replicas', replicasPerPrimary, 'an integer of at least 1 in replicated mode');
    }
  }

  let replicaOf: Required<RedisReplicaOf> | undefined;
  if (mode === 'replicated' && props.replicaOf !== undefined) {
    replicaOf = { host: props.replicaOf.host, port: props.replicaOf.port ?? 6379 };
    if (typeof replicaOf.host !== 'string' || !HOST.test(replicaOf.host)) {
      problems.add('replicaOf.host', replicaOf.host, 'a DNS name or an IP address');
    }
    if (!isIntegerIn(replicaOf.port, 1, 65535)) problems.add('replicaOf.port', replicaOf.port, 'an integer between 1 and 65535');
  }

  const minReplicasToWrite = props.minReplicasToWrite ?? 0;
  if (!isIntegerIn(minReplicasToWrite, 0, Infinity)) {
    problems.add('minReplicasToWrite', minReplicasToWrite, 'an integer of at least 0');
  } else if (isIntegerIn(replicasPerPrimary, 0, Infinity) && minReplicasToWrite > replicasPerPrimary) {
    problems.add('minReplicasToWrite', minReplicasToWrite,
      `at most the number of replicas of each primary (${replicasPerPrimary}), or no write would ever be accepted`);
  }
  const minReplicasMaxLag = props.minReplicasMaxLag ?? 10;
  if (!isIntegerIn(minReplicasMaxLag, 1, Infinity)) {
    problems.add('minReplicasMaxLag', minReplicasMaxLag, 'a positive integer number of seconds');
  }

  const clusterNodeTimeout = props.clusterNodeTimeout ?? 15000;
  if (!isIntegerIn(clusterNodeTimeout, 1, Infinity)) {
    problems.add('clusterNodeTimeout', clusterNodeTimeout, 'a positive integer number of milliseconds');
  }
  const clusterRequireFullCoverage = props.clusterRequireFullCoverage ?? use === 'data';
  const clusterConfigFile = props.clusterConfigFile ?? `${dataDir.replace(/\/+$/, '')}/nodes.conf`;
  if (mode === 'cluster') checkPath('clusterConfigFile', clusterConfigFile, problems);

  problems.throwIfAny();

  return {
    mode,
    maxmemoryBytes: maxmemoryBytes as number,
    use,
    maxmemoryPolicy,
    port,
    bind,
    protectedMode,
    auth,
    dataDir,
    runtimeConfigPath,
    aof,
    appendfsync,
    rdbSnapshots,
    replicasPerPrimary,
    replicaOf,
    minReplicasToWrite,
    minReplicasMaxLag,
    masters,
    totalNodes: masters * (1 + replicasPerPrimary),
    clusterNodeTimeout,
    clusterRequireFullCoverage,
    clusterConfigFile,
  };
}

function checkAuth(auth: unknown, problems: Problems): void {
  const allowed = 'a Secret reference { secretName, secretKey } (never a literal password)';
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    problems.addMessage(`'auth' must be ${allowed}, got: ${redacted(auth)}`);
    return;
  }
  const fields = auth as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'secretName' && key !== 'secretKey') {
      problems.addMessage(`'auth.${key}' must not be set: 'auth' is ${allowed}, got: ${redacted(fields[key])}`);
    }
  }
  const { secretName, secretKey } = fields;
  if (typeof secretName !== 'string' || secretName.length > 253 || !DNS_SUBDOMAIN.test(secretName)) {
    problems.add('auth.secretName', secretName, 'the name of a Secret (a DNS-1123 subdomain)');
  }
  if (typeof secretKey !== 'string' || secretKey.length > 253 || !SECRET_KEY.test(secretKey)) {
    problems.add('auth.secretKey', secretKey, 'a key of the Secret (letters, digits, "-", "_", ".")');
  }
}

function checkPath(field: string, value: unknown, problems: Problems): void {
  if (typeof value !== 'string' || !SAFE_PATH.test(value) || value.split('/').includes('..')) {
    problems.add(field, value, 'an absolute path of letters, digits, ".", "_", "-" and "/"');
  }
}

/** Describes a would-be secret without showing it. */
function redacted(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters (redacted)`;
  if (typeof value === 'object' && value !== null) return 'an object (redacted)';
  return formatValue(value);
}

function isLoopback(address: string): boolean {
  const a = address.replace(/^-/, '');
  return a === '::1' || /^127\./.test(a);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function oneOf(values: readonly string[]): string {
  return `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}
