/**
 * Redis Sentinel for `mode: 'replicated'`: its props (with the tier-facing failover timings), their checks, and the
 * Sentinel container's startup script, which writes sentinel.conf at every start (Sentinel rewrites its own config
 * file, so the file cannot be a read-only ConfigMap) and execs `redis-sentinel`. The script is
 * lib/redis/scripts/sentinel-startup.sh, filled in from typed props and run as is by the real-server test (with
 * loopback addresses).
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
 */
import { ContainerResources } from '../core/container-resources';
import { fieldAt, isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';
import { shQuote, shellScript } from '../core/shell';
import { isRedisHost } from './_redis-checks';
import { REDIS_PASSWORD_FILE, RedisNodeAddress, RedisUse } from './redis-props';
import { RedisTlsFiles, redisCliTlsArgs, redisTlsConfLines, resolveRedisTlsFiles } from './redis-tls';

/** Sentinel's port. */
export const REDIS_SENTINEL_PORT = 26379;

/**
 * The number of Sentinels. Three, so that one lost Sentinel (a drained node, a crashed pod) leaves two: the quorum
 * still agrees that the primary is down, and two of three is still the majority a leader must win to fail over.
 * With two Sentinels the loss of either one stops every failover.
 */
export const REDIS_SENTINELS = 3;

/** The quorum: how many Sentinels must agree that the primary is down (a majority of {@link REDIS_SENTINELS}). */
export const REDIS_SENTINEL_QUORUM = 2;

/**
 * `min-replicas-to-write` of the servers of a replicated Redis with Sentinel: the one rule that trades write
 * availability for durability after a failover, by the data's use and the number of replicas.
 *
 * - A cache with one replica: 0. With 1, the promoted replica has no replica of its own and refuses every write
 *   (`NOREPLICAS`) until the old primary's pod returns, which on a lost node is when someone force-deletes the pod;
 *   the same stall follows every restart of the replica (rolling update, drain). A cache that loses the writes of an
 *   isolated old primary loses cache entries, which the source of truth rebuilds. Callers that need a write on two
 *   servers say so per write with `WAIT 1 <ms>` and treat 0 as not replicated.
 * - Two or more replicas (any use): 1. Losing one server (the primary to a failover, or a replica to a restart)
 *   leaves a replica to acknowledge, so writes never stall on one loss, and an isolated old primary stops taking
 *   writes after `min-replicas-max-lag` seconds instead of accepting writes the failover would discard.
 * - Data with one replica: 1, and the stall is the price: writes stop while the one replica is down or more than
 *   `min-replicas-max-lag` (10 s) behind; after a failover with the old primary's node lost, until that pod is
 *   back (unbounded without an operator: force-delete the pod, or run two replicas).
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/replication/#allow-writes-only-with-n-attached-replicas
 */
export function redisSentinelMinReplicasToWrite(use: RedisUse, replicasPerMaster: number): number {
  return use === 'cache' && replicasPerMaster < 2 ? 0 : 1;
}

/** Failover timings of the Sentinels (the tier data sets them). */
export interface RedisSentinelTimings {
  /**
   * `down-after-milliseconds`: how long the primary may go without a valid reply before a Sentinel considers it
   * down. The main term of the failover time (see lib/redis/README.md, the failover bound).
   *
   * @default 5000 - a failover within seconds; Redis answers PING within milliseconds even when busy, so 5 s of
   * silence is a dead or cut-off server (Redis' own default, 30 s, means half a minute without writes)
   */
  readonly downAfterMilliseconds?: number;
  /**
   * `failover-timeout`: how long a failover may take before another Sentinel retries it, and the pause before the
   * same primary is failed over again.
   *
   * @default 60000 - Redis' documented example; long enough for a replica to be promoted and reconfigured
   */
  readonly failoverTimeout?: number;
  /**
   * `parallel-syncs`: replicas reconfigured to the new primary at once (each one does a sync and briefly stops
   * serving reads).
   *
   * @default 1 - one replica at a time keeps the others serving reads
   */
  readonly parallelSyncs?: number;
}

/** {@link RedisSentinelTimings} with the defaults applied. */
export type ResolvedRedisSentinelTimings = Required<RedisSentinelTimings>;

/** Props of {@link redisSentinelStartupScript}. */
export interface RedisSentinelConfProps extends RedisSentinelTimings {
  /** The name the primary is monitored under (clients ask Sentinel for it). */
  readonly masterName: string;
  /** The primary of the very first start (pod 0), monitored when no other Sentinel knows the current primary. */
  readonly firstBootPrimary: RedisNodeAddress;
  /**
   * Every Sentinel, this one included (its own address, `$REDIS_ANNOUNCE_HOSTNAME:port`, is skipped when asking).
   * Their number sets the quorum: a majority.
   */
  readonly sentinels: RedisNodeAddress[];
  /**
   * Sentinel's port (the TLS port with `tls`).
   *
   * @default 26379
   */
  readonly port?: number;
  /**
   * Addresses to listen on.
   *
   * @default ['*', '-::*'] - as the servers
   */
  readonly bind?: string[];
  /**
   * The password file (the servers' password, mounted from their Secret): `requirepass` of the Sentinel itself and
   * `auth-pass` towards the servers. Unset: no password.
   *
   * @default - no password
   */
  readonly passwordFile?: string;
  /**
   * TLS only, with `tls-replication yes` so that the Sentinel's links to the servers use TLS too.
   *
   * @default - no TLS
   */
  readonly tls?: RedisTlsFiles;
  /**
   * Where the startup script writes sentinel.conf (an in-memory emptyDir: the file holds the password). Sentinel
   * rewrites it as its state changes; its `sentinel myid` is kept across container restarts.
   *
   * @default '/run/sentinel/sentinel.conf'
   */
  readonly confPath?: string;
  /**
   * How long to wait for the monitored primary's host name to resolve (its pod may not exist yet): Sentinel 7.0
   * refuses a `sentinel monitor` line whose name does not resolve.
   *
   * @default 300
   */
  readonly resolveWaitSeconds?: number;
}

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const MASTER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Checks the failover timings (for the construct, the tiers and the generator) and applies the defaults. */
export function resolveRedisSentinelTimings(problems: Problems, path: string, t: RedisSentinelTimings | undefined): ResolvedRedisSentinelTimings {
  const at = (field: string) => fieldAt(path, field);
  const downAfterMilliseconds = t?.downAfterMilliseconds ?? 5000;
  const failoverTimeout = t?.failoverTimeout ?? 60000;
  const parallelSyncs = t?.parallelSyncs ?? 1;
  if (!isIntegerIn(downAfterMilliseconds, 100, 3600000)) {
    problems.add(at('downAfterMilliseconds'), downAfterMilliseconds, 'an integer number of milliseconds between 100 and 3600000');
  }
  if (!isIntegerIn(failoverTimeout, 1000, 86400000)) {
    problems.add(at('failoverTimeout'), failoverTimeout, 'an integer number of milliseconds between 1000 and 86400000');
  } else if (isIntegerIn(downAfterMilliseconds, 100, 3600000) && failoverTimeout < 2 * downAfterMilliseconds) {
    problems.add(at('failoverTimeout'), failoverTimeout, `at least twice 'downAfterMilliseconds' (${2 * downAfterMilliseconds}): a failover must `
      + 'have time to finish before it is retried');
  }
  if (!isIntegerIn(parallelSyncs, 1, 100)) problems.add(at('parallelSyncs'), parallelSyncs, 'an integer between 1 and 100');
  return { downAfterMilliseconds, failoverTimeout, parallelSyncs };
}

/**
 * The Sentinel container's entrypoint (`sh sentinel-startup.sh`, from lib/redis/scripts/sentinel-startup.sh):
 *
 * 1. finds the primary to monitor: the one another Sentinel names (`SENTINEL get-master-addr-by-name`, each peer
 *    asked once: a restarted Sentinel follows a failover that happened while it was away), else the first-boot
 *    primary; waits (bounded) until that name resolves;
 * 2. writes sentinel.conf (mode 0600): `announce-hostnames` and `resolve-hostnames` yes, `announce-ip` the pod's
 *    stable DNS name (`$REDIS_ANNOUNCE_HOSTNAME`), `sentinel monitor <master> <host> <port> <quorum>`, the timings,
 *    and with a password `requirepass` and `sentinel auth-pass` read from the mounted file (hex-escaped byte by
 *    byte, never in argv, env or a log); keeps `sentinel myid` from the previous file so peers see the same
 *    Sentinel after a container restart;
 * 3. execs `redis-sentinel <conf>` (or the command given as arguments, with the conf path appended).
 */
export function redisSentinelStartupScript(props: RedisSentinelConfProps): string {
  const problems = new Problems('sentinel-startup.sh');
  const timings = resolveRedisSentinelTimings(problems, '', props);
  const port = props.port ?? 26379;
  const bind = props.bind ?? ['*', '-::*'];
  const confPath = props.confPath ?? '/run/sentinel/sentinel.conf';
  const resolveWait = props.resolveWaitSeconds ?? 300;
  const tls = resolveRedisTlsFiles(problems, 'tls', props.tls);
  if (typeof props.masterName !== 'string' || !MASTER_NAME.test(props.masterName)) {
    problems.add('masterName', props.masterName, 'a name of 1 to 64 letters, digits, ".", "_" and "-"');
  }
  const address = (field: string, a: RedisNodeAddress | undefined) => {
    if (!isRedisHost(a?.host)) problems.add(`${field}.host`, a?.host, 'a DNS name or an IP address');
    if (!isIntegerIn(a?.port, 1, 65535)) problems.add(`${field}.port`, a?.port, 'an integer between 1 and 65535');
  };
  address('firstBootPrimary', props.firstBootPrimary);
  const sentinels = Array.isArray(props.sentinels) ? props.sentinels : [];
  if (sentinels.length < 1) problems.add('sentinels', props.sentinels, 'the list of every Sentinel');
  sentinels.forEach((a, i) => address(`sentinels[${i}]`, a));
  if (!isIntegerIn(port, 1, 65535)) problems.add('port', port, 'an integer between 1 and 65535');
  if (!Array.isArray(bind) || bind.length === 0 || !bind.every((b) => typeof b === 'string' && /^-?(\*|::\*|[0-9A-Fa-f.:]+)$/.test(b))) {
    problems.add('bind', bind, 'a non-empty list of IP addresses, "*" or "::*", each optionally prefixed with "-"');
  }
  for (const [field, value] of [['confPath', confPath], ['passwordFile', props.passwordFile ?? REDIS_PASSWORD_FILE]] as const) {
    if (typeof value !== 'string' || !SAFE_PATH.test(value) || value.split('/').includes('..')) {
      problems.add(field, value, 'an absolute path of letters, digits, ".", "_", "-" and "/"');
    }
  }
  if (!isIntegerIn(resolveWait, 1, 3600)) problems.add('resolveWaitSeconds', resolveWait, 'an integer number of seconds between 1 and 3600');
  problems.throwIfAny();

  const quorum = Math.floor(sentinels.length / 2) + 1;
  const auth = props.passwordFile !== undefined;
  const listen = tls ? redisTlsConfLines(tls, port, false) : [`port ${port}`];
  return shellScript('redis/scripts/sentinel-startup.sh', {
    SENTINEL_COUNT: sentinels.length,
    QUORUM: quorum,
    MASTER: props.masterName,
    CONF: shQuote(confPath),
    MASTER_NAME: shQuote(props.masterName),
    FIRST_BOOT_PRIMARY: shQuote(`${props.firstBootPrimary.host}:${props.firstBootPrimary.port}`),
    SENTINELS: shQuote(sentinels.map((a) => `${a.host}:${a.port}`).join(' ')),
    PORT: port,
    PASSWORD_FILE: auth ? shQuote(props.passwordFile) : "''",
    TLS_ARGS: shQuote(redisCliTlsArgs(tls)),
    RESOLVE_WAIT: resolveWait,
    LISTEN: listen.map((line) => `  echo ${shQuote(line)}`).join('\n'),
    BIND: bind.join(' '),
    PROTECTED_MODE: auth ? 'yes' : 'no',
    DOWN_AFTER_MILLISECONDS: timings.downAfterMilliseconds,
    FAILOVER_TIMEOUT: timings.failoverTimeout,
    PARALLEL_SYNCS: timings.parallelSyncs,
  });
}

/** Sentinel for a replicated {@link RedisDeployment}: the failover timings and the Sentinel containers' size. */
export interface RedisSentinelProps extends RedisSentinelTimings {
  /**
   * CPU and memory of each Sentinel container.
   *
   * @default - requests cpu 20m, memory 32Mi; limits cpu 200m, memory 64Mi (Sentinel uses a few MiB)
   */
  readonly resources?: ContainerResources;
}
