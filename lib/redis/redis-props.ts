/**
 * The props of the Redis config generators (`redis-conf.ts`, `redis-scripts.ts`): types, defaults and validation.
 */
import { isIntegerIn, oneOf } from '../core/checks';
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import { SecretKeyRef, checkSecretKeyRef } from '../core/secret-ref';
import { checkLiteralPasswords, isRedisHost } from './_redis-checks';
import { fieldAt } from '../core/checks';
import { RedisMode, resolveRedisShape } from './redis-shape';
import { RedisTlsFiles, ResolvedRedisTls, resolveRedisTlsFiles } from './redis-tls';

/** What the data is: a cache can be evicted and rebuilt, data (queues, sessions, locks) must not be evicted. */
export type RedisUse = 'cache' | 'data';

/** Redis' `maxmemory-policy` values. */
export type RedisMaxMemoryPolicy =
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

/** host:port of one Redis server or Sentinel. */
export interface RedisNodeAddress {
  /** DNS name (e.g. `redis-0.redis-headless.ns.svc.cluster.local`) or IP address. */
  readonly host: string;
  /** Port. */
  readonly port: number;
}

/**
 * Replicated mode with Sentinel: how a server's startup script finds the current primary. It asks the Sentinels
 * (`SENTINEL get-master-addr-by-name`), each in turn, for up to `waitSeconds`; a server is the primary when the
 * answer is its own announced `host:port`, a replica of the answer otherwise. When no Sentinel answers (the very
 * first start, before any Sentinel knows the primary), `firstBootPrimary` is the primary.
 */
export interface RedisSentinelDiscovery {
  /** The name the Sentinels monitor the primary under (`sentinel monitor <masterName> ...`). */
  readonly masterName: string;
  /** Every Sentinel, e.g. their stable StatefulSet DNS names on port 26379. */
  readonly sentinels: RedisNodeAddress[];
  /** The primary of the first start, e.g. pod 0's DNS name and port. */
  readonly firstBootPrimary: RedisNodeAddress;
  /**
   * How long to keep asking the Sentinels before falling back to `firstBootPrimary`.
   *
   * @default 30 - Sentinels start in seconds and answer even before the primary is up
   */
  readonly waitSeconds?: number;
}

/** Props of `redisConf`, `redisStartupScript` and {@link resolveRedisProps}. */
export interface RedisConfProps {
  /** standalone (one server), replicated (a primary and its replicas, failing over through Sentinel) or cluster. */
  readonly mode: RedisMode;
  /**
   * The dataset limit (`maxmemory`) as a Kubernetes memory quantity, e.g. `100Mi`, `2Gi`. Converted to bytes. The
   * container's memory limit must be higher: see `redisMemoryLimit` (redis-memory.ts).
   */
  readonly maxMemory: string;
  /**
   * What the data is. Chooses the eviction policy, AOF and cluster full-coverage defaults.
   *
   * @default 'cache' - the tiers use Redis as a cache (seed 002: cache_size per tier)
   */
  readonly use?: RedisUse;
  /**
   * Eviction policy when `maxMemory` is reached (`maxmemory-policy`).
   *
   * @default 'allkeys-lru' for a cache (seed 003), 'noeviction' for data - evicting a queue entry loses work
   */
  readonly maxMemoryPolicy?: RedisMaxMemoryPolicy;
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
   * The Secret that holds the password. The pod mounts it as a file (`passwordFile`, mode 0400, read-only); the
   * startup script turns it into `requirepass` and `masterauth` in the in-memory runtime conf. It is never in env,
   * on a command line or in a log.
   *
   * @default - no password; only sensible on a development tier behind a NetworkPolicy
   */
  readonly auth?: SecretKeyRef;
  /**
   * The file the password is read from (the mounted `auth` Secret key). Its content up to the first newline is the
   * password.
   *
   * @default '/etc/redis-auth/password' - where RedisDeployment mounts the key
   */
  readonly passwordFile?: string;
  /**
   * TLS only: `port 0` and `tls-port <port>`, replication (and the cluster bus in cluster mode) over TLS.
   *
   * @default - no TLS
   */
  readonly tls?: RedisTlsFiles;
  /**
   * Replicated mode only: find the primary through Sentinel at every start (see {@link RedisSentinelDiscovery}),
   * and announce `$REDIS_ANNOUNCE_HOSTNAME` (`replica-announce-ip`) so that Sentinel knows every server by its
   * stable DNS name. Mutually exclusive with `replicaOf`.
   *
   * @default - no Sentinel: the conf is the primary's, or a replica's with `replicaOf`
   */
  readonly sentinel?: RedisSentinelDiscovery;
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
   * Append-only file persistence (`appendonly`).
   *
   * @default true in cluster mode (seed 003: `appendonly yes`) and for data; false for a standalone or replicated
   * cache, which is rebuilt from the source of truth and does not need the extra disk writes
   */
  readonly appendOnly?: boolean;
  /**
   * fsync policy of the AOF (`appendfsync`).
   *
   * @default 'everysec' - at most one second of writes lost on a node crash, at a small cost (Redis' default)
   */
  readonly appendFsync?: RedisAppendFsync;
  /**
   * RDB snapshot rules (`save`); an empty list disables snapshots.
   *
   * @default 3600 s/1 change, 300 s/100 changes, 60 s/10000 changes - Redis 7's own defaults; cheap, and they make
   * a restart warm
   */
  readonly rdbSnapshots?: RedisSnapshotRule[];
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
   * The number of masters (slot owners) in cluster mode; unset or 1 otherwise. Bounds: `resolveRedisShape`.
   *
   * @default 3 in cluster mode - the minimum for a majority to survive one failed master (seed 003: 3 masters +
   * 3 replicas); 1 otherwise
   */
  readonly masters?: number;
  /**
   * Replicas of each master in cluster mode (`--cluster-replicas`), of the primary in replicated mode (used to
   * check `minReplicasToWrite`); unset or 0 in standalone mode. Bounds: `resolveRedisShape`.
   *
   * @default 1 in replicated and cluster mode - the team tier's primary + 1 replica, seed 003's 3 masters + 3
   * replicas (one failed master is replaced by its replica); 0 in standalone mode
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
  /** {@link RedisConfProps.maxMemory} in bytes. */
  readonly maxMemoryBytes: number;
  /** As in {@link RedisConfProps.use}. */
  readonly use: RedisUse;
  /** As in {@link RedisConfProps.maxMemoryPolicy}. */
  readonly maxMemoryPolicy: RedisMaxMemoryPolicy;
  /** As in {@link RedisConfProps.port}. */
  readonly port: number;
  /** As in {@link RedisConfProps.bind}. */
  readonly bind: string[];
  /** As in {@link RedisConfProps.protectedMode}. */
  readonly protectedMode: boolean;
  /** As in {@link RedisConfProps.auth}. */
  readonly auth: SecretKeyRef | undefined;
  /** As in {@link RedisConfProps.passwordFile}. */
  readonly passwordFile: string;
  /** As in {@link RedisConfProps.tls}, with the defaults applied. */
  readonly tls: ResolvedRedisTls | undefined;
  /** As in {@link RedisConfProps.sentinel}, with the defaults applied. */
  readonly sentinel: Required<RedisSentinelDiscovery> | undefined;
  /** As in {@link RedisConfProps.dataDir}. */
  readonly dataDir: string;
  /** As in {@link RedisConfProps.runtimeConfigPath}. */
  readonly runtimeConfigPath: string;
  /** As in {@link RedisConfProps.appendOnly}. */
  readonly appendOnly: boolean;
  /** As in {@link RedisConfProps.appendFsync}. */
  readonly appendFsync: RedisAppendFsync;
  /** As in {@link RedisConfProps.rdbSnapshots}. */
  readonly rdbSnapshots: RedisSnapshotRule[];
  /** As in {@link RedisConfProps.replicasPerMaster}: replicas of each primary/master, 0 when standalone. */
  readonly replicasPerMaster: number;
  /** As in {@link RedisConfProps.replicaOf}, with the port defaulted. */
  readonly replicaOf: Required<RedisReplicaOf> | undefined;
  /** As in {@link RedisConfProps.minReplicasToWrite}. */
  readonly minReplicasToWrite: number;
  /** As in {@link RedisConfProps.minReplicasMaxLag}. */
  readonly minReplicasMaxLag: number;
  /** Number of masters: {@link RedisConfProps.masters} in cluster mode, 1 otherwise. */
  readonly masters: number;
  /** Number of Redis servers (pods): masters x (1 + replicas per master), from `resolveRedisShape`. */
  readonly totalNodes: number;
  /** As in {@link RedisConfProps.clusterNodeTimeout}. */
  readonly clusterNodeTimeout: number;
  /** As in {@link RedisConfProps.clusterRequireFullCoverage}. */
  readonly clusterRequireFullCoverage: boolean;
  /** As in {@link RedisConfProps.clusterConfigFile}. */
  readonly clusterConfigFile: string;
}

/** Where the auth Secret's key is mounted (mode 0400, read-only): the scripts and probes read the password there. */
export const REDIS_PASSWORD_FILE = '/etc/redis-auth/password';

/** The env var holding the pod's stable DNS name, announced to the cluster (`cluster-announce-hostname`). */
export const REDIS_ANNOUNCE_HOSTNAME_ENV = 'REDIS_ANNOUNCE_HOSTNAME';

/** Where the construct mounts the generated redis.conf; the startup script's default command reads it. */
export const REDIS_CONF_PATH = '/etc/redis/redis.conf';

/** Number of hash slots of a Redis Cluster. */
export const REDIS_CLUSTER_SLOTS = 16384;

const USES: readonly RedisUse[] = ['cache', 'data'];
const POLICIES: readonly RedisMaxMemoryPolicy[] = [
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random',
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
];
const FSYNCS: readonly RedisAppendFsync[] = ['always', 'everysec', 'no'];
const DEFAULT_SNAPSHOTS: readonly RedisSnapshotRule[] = [
  { seconds: 3600, changes: 1 },
  { seconds: 300, changes: 100 },
  { seconds: 60, changes: 10000 },
];
const CLUSTER_ONLY = ['clusterNodeTimeout', 'clusterRequireFullCoverage', 'clusterConfigFile'] as const;
const REPLICATED_ONLY = ['replicaOf', 'sentinel'] as const;

const MIB = 1024 ** 2;
const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const BIND_ADDRESS = /^-?(\*|::\*|[0-9A-Fa-f.:]+)$/;


/**
 * Validates the props (throwing a `PropsError` that lists every problem) and applies the defaults.
 *
 * @param where the prefix of error messages: the construct path or the generated file's name
 */
export function resolveRedisProps(props: RedisConfProps, where = 'redis.conf'): ResolvedRedisProps {
  const problems = new Problems(where);
  const resolved = resolveRedisConfProps(problems, '', props);
  problems.throwIfAny();
  return resolved;
}

/**
 * Checks the props and applies the defaults, recording every problem in `problems` under `path` ('' for the
 * generator itself; the construct passes its own field names through unchanged). The result is meaningful only
 * when no problem was recorded: the caller throws first (`problems.throwIfAny()`), then renders from it.
 */
export function resolveRedisConfProps(problems: Problems, path: string, props: RedisConfProps): ResolvedRedisProps {
  const at = (field: string) => fieldAt(path, field);
  const mode = props.mode;
  const use = props.use ?? 'cache';
  if (!USES.includes(use)) problems.add(at('use'), use, oneOf(USES));

  const maxMemoryBytes = parseMemory(props.maxMemory);
  if (maxMemoryBytes === undefined) {
    problems.add(at('maxMemory'), props.maxMemory, MEMORY_ALLOWED);
  } else if (maxMemoryBytes < MIB) {
    problems.add(at('maxMemory'), props.maxMemory, 'at least "1Mi" (Redis needs room for its own bookkeeping)');
  } else if (!Number.isInteger(maxMemoryBytes)) {
    problems.add(at('maxMemory'), props.maxMemory, 'a whole number of bytes');
  }

  const maxMemoryPolicy = props.maxMemoryPolicy ?? (use === 'data' ? 'noeviction' : 'allkeys-lru');
  if (!POLICIES.includes(maxMemoryPolicy)) problems.add(at('maxMemoryPolicy'), maxMemoryPolicy, oneOf(POLICIES));

  const port = props.port ?? 6379;
  const maxPort = mode === 'cluster' ? 65535 - 10000 : 65535;
  if (!isIntegerIn(port, 1, maxPort)) {
    problems.add(at('port'), port, mode === 'cluster'
      ? `an integer between 1 and ${maxPort} in cluster mode (the cluster bus listens on port + 10000)`
      : `an integer between 1 and ${maxPort}`);
  }

  const bind = props.bind ?? ['*', '-::*'];
  const bindOk = Array.isArray(bind) && bind.length > 0 && bind.every((b) => typeof b === 'string' && BIND_ADDRESS.test(b));
  if (!bindOk) {
    problems.add(at('bind'), bind, 'a non-empty list of IP addresses, "*" or "::*", each optionally prefixed with "-"');
  }

  checkLiteralPasswords(problems, path, props);
  const auth = props.auth;
  checkSecretKeyRef(problems, at('auth'), auth, false);

  const passwordFile = props.passwordFile ?? REDIS_PASSWORD_FILE;
  checkPath(problems, at('passwordFile'), passwordFile);
  const tls = resolveRedisTlsFiles(problems, at('tls'), props.tls);

  const protectedMode = props.protectedMode ?? true;
  if (auth === undefined && protectedMode && bindOk && bind.some((b) => !isLoopback(b))) {
    problems.add(at('protectedMode'), protectedMode, `false when '${at('auth')}' is not set and '${at('bind')}' listens `
      + `beyond loopback (protected mode would refuse every client from another pod; set '${at('auth')}' or opt out explicitly)`);
  }

  const dataDir = props.dataDir ?? '/data';
  checkPath(problems, at('dataDir'), dataDir);
  const runtimeConfigPath = props.runtimeConfigPath ?? '/run/redis/runtime.conf';
  checkPath(problems, at('runtimeConfigPath'), runtimeConfigPath);

  const appendOnly = props.appendOnly ?? (mode === 'cluster' || use === 'data');
  const appendFsync = props.appendFsync ?? 'everysec';
  if (!FSYNCS.includes(appendFsync)) problems.add(at('appendFsync'), appendFsync, oneOf(FSYNCS));
  const rdbSnapshots = props.rdbSnapshots ?? [...DEFAULT_SNAPSHOTS];
  if (!Array.isArray(rdbSnapshots)
    || !rdbSnapshots.every((r) => isIntegerIn(r?.seconds, 1, Infinity) && isIntegerIn(r?.changes, 1, Infinity))) {
    problems.add(at('rdbSnapshots'), rdbSnapshots, 'a list of { seconds, changes } with positive integers');
  }

  // Mode-specific props must not be given to another mode: they would be silently ignored.
  if (mode !== 'cluster') {
    for (const f of CLUSTER_ONLY) if (props[f] !== undefined) problems.add(at(f), props[f], `unset unless '${at('mode')}' is "cluster"`);
  }
  if (mode !== 'replicated') {
    for (const f of REPLICATED_ONLY) if (props[f] !== undefined) problems.add(at(f), props[f], `unset unless '${at('mode')}' is "replicated"`);
  }

  // The one rule for mode, masters and replicas per master, shared with the construct, the tiers and the bootstrap.
  const shape = resolveRedisShape(problems, path, props);

  let replicaOf: Required<RedisReplicaOf> | undefined;
  if (mode === 'replicated' && props.replicaOf !== undefined) {
    replicaOf = { host: props.replicaOf.host, port: props.replicaOf.port ?? 6379 };
    if (!isRedisHost(replicaOf.host)) problems.add(at('replicaOf.host'), replicaOf.host, 'a DNS name or an IP address');
    if (!isIntegerIn(replicaOf.port, 1, 65535)) problems.add(at('replicaOf.port'), replicaOf.port, 'an integer between 1 and 65535');
  }

  let sentinel: Required<RedisSentinelDiscovery> | undefined;
  if (mode === 'replicated' && props.sentinel !== undefined) {
    const d = props.sentinel;
    sentinel = { masterName: d.masterName, sentinels: d.sentinels, firstBootPrimary: d.firstBootPrimary, waitSeconds: d.waitSeconds ?? 30 };
    if (typeof d.masterName !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(d.masterName)) {
      problems.add(at('sentinel.masterName'), d.masterName, 'a name of 1 to 64 letters, digits, ".", "_" and "-"');
    }
    if (!Array.isArray(d.sentinels) || d.sentinels.length === 0) problems.add(at('sentinel.sentinels'), d.sentinels, 'at least one Sentinel address');
    else d.sentinels.forEach((a, i) => checkAddress(problems, at(`sentinel.sentinels[${i}]`), a));
    checkAddress(problems, at('sentinel.firstBootPrimary'), d.firstBootPrimary);
    if (!isIntegerIn(sentinel.waitSeconds, 1, 3600)) problems.add(at('sentinel.waitSeconds'), sentinel.waitSeconds, 'an integer number of seconds between 1 and 3600');
    if (props.replicaOf !== undefined) {
      problems.add(at('replicaOf'), props.replicaOf, `unset when '${at('sentinel')}' is set (the primary is found through Sentinel)`);
    }
  }

  const minReplicasToWrite = props.minReplicasToWrite ?? 0;
  if (!isIntegerIn(minReplicasToWrite, 0, Infinity)) {
    problems.add(at('minReplicasToWrite'), minReplicasToWrite, 'an integer of at least 0');
  } else if (shape !== undefined && minReplicasToWrite > shape.replicasPerMaster) {
    problems.add(at('minReplicasToWrite'), minReplicasToWrite,
      `at most the number of replicas of each primary (${shape.replicasPerMaster}), or no write would ever be accepted`);
  }
  const minReplicasMaxLag = props.minReplicasMaxLag ?? 10;
  if (!isIntegerIn(minReplicasMaxLag, 1, Infinity)) {
    problems.add(at('minReplicasMaxLag'), minReplicasMaxLag, 'a positive integer number of seconds');
  }

  const clusterNodeTimeout = props.clusterNodeTimeout ?? 15000;
  if (!isIntegerIn(clusterNodeTimeout, 1, Infinity)) {
    problems.add(at('clusterNodeTimeout'), clusterNodeTimeout, 'a positive integer number of milliseconds');
  }
  const clusterRequireFullCoverage = props.clusterRequireFullCoverage ?? use === 'data';
  const clusterConfigFile = props.clusterConfigFile ?? `${dataDir.replace(/\/+$/, '')}/nodes.conf`;
  if (mode === 'cluster') checkPath(problems, at('clusterConfigFile'), clusterConfigFile);

  return {
    mode,
    maxMemoryBytes: maxMemoryBytes ?? NaN,
    use,
    maxMemoryPolicy,
    port,
    bind,
    protectedMode,
    auth,
    passwordFile,
    tls,
    sentinel,
    dataDir,
    runtimeConfigPath,
    appendOnly,
    appendFsync,
    rdbSnapshots,
    replicasPerMaster: shape?.replicasPerMaster ?? 0,
    replicaOf,
    minReplicasToWrite,
    minReplicasMaxLag,
    masters: shape?.masters ?? 1,
    totalNodes: shape?.totalNodes ?? 1,
    clusterNodeTimeout,
    clusterRequireFullCoverage,
    clusterConfigFile,
  };
}

function checkPath(problems: Problems, field: string, value: unknown): void {
  if (typeof value !== 'string' || !SAFE_PATH.test(value) || value.split('/').includes('..')) {
    problems.add(field, value, 'an absolute path of letters, digits, ".", "_", "-" and "/"');
  }
}

function checkAddress(problems: Problems, field: string, a: RedisNodeAddress | undefined): void {
  if (!isRedisHost(a?.host)) problems.add(`${field}.host`, a?.host, 'a DNS name or an IP address');
  if (!isIntegerIn(a?.port, 1, 65535)) problems.add(`${field}.port`, a?.port, 'an integer between 1 and 65535');
}

function isLoopback(address: string): boolean {
  const a = address.replace(/^-/, '');
  return a === '::1' || /^127\./.test(a);
}
