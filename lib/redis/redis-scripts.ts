/**
 * The POSIX sh scripts that go with redis.conf: the Redis container's startup script, the bootstrap Job's script
 * that forms a Redis Cluster, the TLS reloader sidecar's loop and the exporter's init script. The scripts are files
 * in lib/redis/scripts/ (templates, see lib/core/shell.ts) that these functions fill in from typed props, so the
 * integration test runs exactly the text the pods run (with loopback addresses).
 *
 * Requirements in the image: `sh`, `redis-server`/`redis-cli`, `od`, `sed`, `tr`, `awk`, `date`, `getent` (the
 * official Debian-based redis image has all of them); `timeout` is used when present.
 */
import { isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';
import { shQuote, shellScript } from '../core/shell';
import { isRedisHost } from './_redis-checks';
import {
  REDIS_CLUSTER_SLOTS,
  REDIS_CONF_PATH,
  REDIS_PASSWORD_FILE,
  RedisConfProps,
  RedisNodeAddress,
  ResolvedRedisProps,
  resolveRedisProps,
} from './redis-props';
import { RedisShape, resolveRedisShape } from './redis-shape';
import { RedisTlsFiles, redisCliTlsArgs, resolveRedisTlsFiles } from './redis-tls';

export type { RedisNodeAddress } from './redis-props';

/**
 * The Redis container's entrypoint, for the same props as the conf it starts (`sh startup.sh [command...]`):
 *
 * 1. writes the runtime file that redis.conf `include`s (mode 0600, meant for an in-memory emptyDir):
 *    `requirepass`/`masterauth` from the mounted password file (every byte hex-escaped, so any character is safe),
 *    in cluster mode `cluster-announce-hostname` from `$REDIS_ANNOUNCE_HOSTNAME` (the pod's stable DNS name,
 *    `$(POD_NAME).<headless service>.<namespace>.svc.cluster.local`) and, with Sentinel, `replica-announce-ip`
 *    (the same name) and `replicaof` the primary the Sentinels name (none when it is this server; the first-boot
 *    primary when no Sentinel answers within the wait);
 * 2. in cluster mode, when nodes.conf exists, replaces each node's recorded IP by the current address of the
 *    hostname recorded beside it (Redis 7 stores announced hostnames in nodes.conf). This is what lets a pod, or a
 *    whole cluster, restarted with new IPs find its peers again: the cluster bus connects to IPs only, and a node
 *    that knows no valid peer address never rejoins. Requires the headless Service to publish not-ready addresses;
 *    a hostname that does not resolve keeps its old IP (a peer that reaches this node updates it by gossip);
 * 3. execs the command given as arguments, by default `redis-server /etc/redis/redis.conf`.
 *
 * Throws a `PropsError` for invalid props, like `redisConf`.
 */
export function redisStartupScript(props: RedisConfProps): string {
  return renderRedisStartupScript(resolveRedisProps(props, 'redis-startup.sh'));
}

/**
 * Renders the startup script from props already checked and resolved (`resolveRedisProps`), as the RedisDeployment
 * construct does with the props it resolved once.
 */
export function renderRedisStartupScript(p: ResolvedRedisProps): string {
  const cluster = p.mode === 'cluster';
  const s = p.sentinel;
  return shellScript('redis/scripts/redis-startup.sh', {
    MODE: p.mode,
    WRITES: `${cluster ? ', announce hostname' : ''}${s ? ', announce hostname, the primary named by Sentinel' : ''}`,
    REFRESHES: cluster ? ',\n# refreshes the peer IPs in nodes.conf from their hostnames' : '',
    RUNTIME_CONF: shQuote(p.runtimeConfigPath),
    AUTH_REQUIRED: p.auth ? 1 : 0,
    PASSWORD_FILE: p.auth ? shQuote(p.passwordFile) : "''",
    CLUSTER: cluster ? 1 : 0,
    NODES_CONF: shQuote(p.clusterConfigFile),
    ANNOUNCED: cluster || s !== undefined,
    SENTINEL: s !== undefined,
    SENTINELS: s && shQuote(s.sentinels.map((a) => `${a.host}:${a.port}`).join(' ')),
    MASTER_NAME: s && shQuote(s.masterName),
    FIRST_BOOT_PRIMARY: s && shQuote(`${s.firstBootPrimary.host}:${s.firstBootPrimary.port}`),
    SENTINEL_WAIT: s?.waitSeconds,
    TLS_ARGS: s && shQuote(redisCliTlsArgs(p.tls)),
    PORT: p.port,
    REDIS_CONF: shQuote(REDIS_CONF_PATH),
  });
}

/**
 * The Redis container's readiness probe (`sh redis-ready.sh`), for the same props as the conf: ready when not
 * loading, a replica only while linked to its primary and not in a full sync (`master_link_status:up`), a cluster
 * node only with `cluster_state:ok`. Prints why when not ready (kubelet puts it in the probe's event).
 *
 * Throws a `PropsError` for invalid props, like `redisConf`.
 */
export function redisReadinessScript(props: RedisConfProps): string {
  return renderRedisReadinessScript(resolveRedisProps(props, 'redis-ready.sh'));
}

/** Renders the readiness probe from resolved props (`resolveRedisProps`), as RedisDeployment does. */
export function renderRedisReadinessScript(p: ResolvedRedisProps): string {
  return shellScript('redis/scripts/redis-ready.sh', {
    MODE: p.mode,
    PASSWORD_FILE: p.auth ? shQuote(p.passwordFile) : "''",
    TLS_ARGS: shQuote(redisCliTlsArgs(p.tls)),
    PORT: p.port,
    CLUSTER: p.mode === 'cluster' ? 1 : 0,
  });
}

/**
 * How long the preStop handover may take: a coordinated cluster failover takes about a second and a Sentinel one a
 * few; the margin covers retries (a manual cluster failover gives up after 5 s) and a loaded node. The pod's
 * `terminationGracePeriodSeconds` adds the server's own shutdown time to it.
 */
export const REDIS_HANDOVER_SECONDS = 30;

/**
 * The preStop hook of a cluster node or of a server watched by Sentinel (`sh redis-handover.sh`): on a primary, hands
 * the role to a replica before the server stops, bounded by `waitSeconds`. In cluster mode a master with slots runs
 * `CLUSTER FAILOVER` on one of its connected replicas whose link is up (the coordinated manual failover: no
 * acknowledged write lost) and waits until it is a replica itself; with Sentinel, a primary with an online replica
 * asks the Sentinels (`SENTINEL FAILOVER <master>`) and, once they name the new primary, follows it at once
 * (`REPLICAOF`) rather than taking writes until Sentinel reconfigures it. A replica exits at once.
 *
 * Throws a `PropsError` for invalid props, and for a mode that has nobody to hand over to (standalone, replicated
 * without Sentinel).
 */
export function redisHandoverScript(props: RedisConfProps, waitSeconds = REDIS_HANDOVER_SECONDS): string {
  const p = resolveRedisProps(props, 'redis-handover.sh');
  const problems = new Problems('redis-handover.sh');
  if (p.mode !== 'cluster' && p.sentinel === undefined) {
    problems.add('mode', p.mode, '"cluster", or "replicated" with \'sentinel\' (the others have no replica that takes over)');
  }
  if (!isIntegerIn(waitSeconds, 1, 3600)) problems.add('waitSeconds', waitSeconds, 'an integer number of seconds between 1 and 3600');
  problems.throwIfAny();
  return renderRedisHandoverScript(p, waitSeconds);
}

/** Renders the preStop handover from resolved props of a cluster or a replicated deployment with Sentinel. */
export function renderRedisHandoverScript(p: ResolvedRedisProps, waitSeconds = REDIS_HANDOVER_SECONDS): string {
  const s = p.sentinel;
  return shellScript('redis/scripts/redis-handover.sh', {
    MODE: p.mode,
    PASSWORD_FILE: p.auth ? shQuote(p.passwordFile) : "''",
    TLS_ARGS: shQuote(redisCliTlsArgs(p.tls)),
    PORT: p.port,
    HANDOVER_WAIT: waitSeconds,
    CLUSTER: p.mode === 'cluster',
    SENTINEL: p.mode !== 'cluster',
    SENTINELS: s && shQuote(s.sentinels.map((a) => `${a.host}:${a.port}`).join(' ')),
    MASTER_NAME: s && shQuote(s.masterName),
  });
}

/** Props of {@link redisClusterBootstrapScript}. */
export interface RedisClusterBootstrapProps {
  /**
   * Every node of the cluster, `masters` x (1 + `replicasPerMaster`) of them. `redis-cli --cluster create` makes
   * the first `masters` of them masters (it may reorder to keep a replica off its master's host).
   */
  readonly nodes: RedisNodeAddress[];
  /**
   * The number of masters; bounded like {@link RedisConfProps.masters} (`resolveRedisShape`).
   *
   * @default 3 - as {@link RedisConfProps.masters}
   */
  readonly masters?: number;
  /**
   * Replicas of each master (`--cluster-replicas`); bounded like {@link RedisConfProps.replicasPerMaster}.
   *
   * @default 1 - as {@link RedisConfProps.replicasPerMaster}
   */
  readonly replicasPerMaster?: number;
  /**
   * How long to wait for every node to answer PING (pods scheduled, volumes attached, images pulled).
   *
   * @default 600 - a fresh cluster on new nodes can take minutes to pull the image and attach volumes
   */
  readonly podWaitTimeoutSeconds?: number;
  /**
   * How long to wait for `cluster_state:ok` on every node (also bounds `redis-cli --cluster create`).
   *
   * @default 300 - joining takes seconds; the margin covers a slow network
   */
  readonly clusterWaitTimeoutSeconds?: number;
  /**
   * Pause between two polls.
   *
   * @default 2 - frequent enough not to slow the bootstrap, rare enough not to flood the logs
   */
  readonly pollIntervalSeconds?: number;
  /**
   * Bound on each single redis-cli call (PING, CLUSTER INFO), through `timeout` when the image has it.
   *
   * @default 10 - a node that does not answer in 10 s counts as not ready
   */
  readonly commandTimeoutSeconds?: number;
  /**
   * The file holding the password (the mounted auth Secret key). When it is missing or empty, no password is sent.
   * It reaches redis-cli on stdin (`--askpass`), never through argv or env.
   *
   * @default '/etc/redis-auth/password' - where RedisDeployment mounts it
   */
  readonly passwordFile?: string;
  /**
   * Connect over TLS with these files (the servers' own certificate doubles as the client certificate).
   *
   * @default - plaintext
   */
  readonly tls?: RedisTlsFiles;
}

/**
 * The bootstrap Job's script (POSIX sh + redis-cli) that forms a Redis Cluster exactly once. Idempotent:
 *
 * 1. waits (bounded) until every node answers PING; the password comes from `passwordFile` when it exists
 *    (through redis-cli's stdin, never argv or env), over TLS when `tls` is set;
 * 2. reads CLUSTER INFO of every node: if all are empty (one known node, no slot), runs
 *    `redis-cli --cluster create <ip:port...> --cluster-replicas M --cluster-yes` (host names are resolved first:
 *    Redis 7.0's CLUSTER MEET accepts IPs only); if all belong to a cluster, creates nothing; if some do and some
 *    are empty, stops with an error rather than guess (adding nodes is an operator's decision);
 * 3. waits (bounded) until every node reports `cluster_state:ok`, 16384 slots assigned, all nodes known, all
 *    masters serving slots, all replicas in their role and a connected, unflagged cluster bus link to every node.
 *
 * Exits 0 when the cluster is formed and healthy, 1 otherwise (the Job retries).
 */
export function redisClusterBootstrapScript(props: RedisClusterBootstrapProps): string {
  const problems = new Problems('redis-cluster-bootstrap.sh');
  // The shape (and the node count) by the same rule as the construct and the tiers.
  const shape = resolveRedisShape(problems, '', { mode: 'cluster', masters: props.masters, replicasPerMaster: props.replicasPerMaster });
  const podWait = props.podWaitTimeoutSeconds ?? 600;
  const clusterWait = props.clusterWaitTimeoutSeconds ?? 300;
  const poll = props.pollIntervalSeconds ?? 2;
  const commandTimeout = props.commandTimeoutSeconds ?? 10;

  const nodes = Array.isArray(props.nodes) ? props.nodes : [];
  nodes.forEach((n, i) => {
    if (!isRedisHost(n?.host)) problems.add(`nodes[${i}].host`, n?.host, 'a DNS name or an IP address');
    if (!isIntegerIn(n?.port, 1, 65535 - 10000)) {
      problems.add(`nodes[${i}].port`, n?.port, 'an integer between 1 and 55535 (the cluster bus listens on port + 10000)');
    }
  });
  const addresses = nodes.map((n) => `${n?.host}:${n?.port}`);
  if (new Set(addresses).size !== addresses.length) problems.add('nodes', addresses, 'distinct host:port pairs');
  if (shape !== undefined && nodes.length !== shape.totalNodes) {
    problems.add('nodes', `${nodes.length} nodes`, `'masters' (${shape.masters}) x (1 + 'replicasPerMaster' `
      + `(${shape.replicasPerMaster})) = ${shape.totalNodes} nodes`);
  }
  for (const [field, value] of [
    ['podWaitTimeoutSeconds', podWait], ['clusterWaitTimeoutSeconds', clusterWait],
    ['pollIntervalSeconds', poll], ['commandTimeoutSeconds', commandTimeout],
  ] as const) {
    if (!isIntegerIn(value, 1, Infinity)) problems.add(field, value, 'a positive integer number of seconds');
  }
  const passwordFile = props.passwordFile ?? REDIS_PASSWORD_FILE;
  if (typeof passwordFile !== 'string' || !/^\/[A-Za-z0-9._/-]*$/.test(passwordFile)) {
    problems.add('passwordFile', passwordFile, 'an absolute path of letters, digits, ".", "_", "-" and "/"');
  }
  const tls = resolveRedisTlsFiles(problems, 'tls', props.tls);
  problems.throwIfAny();
  const { masters, replicasPerMaster: replicas } = shape as RedisShape;

  return shellScript('redis/scripts/cluster-bootstrap.sh', {
    NODES: shQuote(addresses.join(' ')),
    EXPECTED_NODES: nodes.length,
    MASTERS: masters,
    REPLICAS: replicas,
    EXPECTED_REPLICAS: nodes.length - masters,
    POD_WAIT: podWait,
    CLUSTER_WAIT: clusterWait,
    POLL: poll,
    CMD_TIMEOUT: commandTimeout,
    PASSWORD_FILE: shQuote(passwordFile),
    TLS_ARGS: shQuote(redisCliTlsArgs(tls)),
    CLUSTER_SLOTS: REDIS_CLUSTER_SLOTS,
  });
}

/** Props of {@link redisTlsReloaderScript}. */
export interface RedisTlsReloaderProps {
  /** The server's TLS port on 127.0.0.1. */
  readonly port: number;
  /** The files to watch and reload (the same as the server's). */
  readonly tls: RedisTlsFiles;
  /**
   * The password file.
   *
   * @default - no password
   */
  readonly passwordFile?: string;
  /**
   * Seconds between two checks of the files.
   *
   * @default 60 - kubelet refreshes a mounted Secret within about a minute; cert-manager renews weeks before expiry
   */
  readonly intervalSeconds?: number;
  /**
   * A file touched after every check (the container's liveness probe reads its age).
   *
   * @default '/run/tls-reloader/alive'
   */
  readonly heartbeatFile?: string;
}

/**
 * A sidecar loop that makes a renewed certificate reach a running server without a restart: every interval it
 * checksums the certificate, key and CA files, and when they changed (kubelet swaps a Secret volume's files at once)
 * it sends `CONFIG SET tls-cert-file ... tls-key-file ... tls-ca-cert-file ...` with the same paths, which makes
 * Redis 7 load them again (these settings are re-applied even when the value is unchanged). New connections get
 * the new certificate; open ones keep theirs. A failed reload is retried at the next check.
 */
export function redisTlsReloaderScript(props: RedisTlsReloaderProps): string {
  const problems = new Problems('redis-tls-reloader.sh');
  const tls = resolveRedisTlsFiles(problems, 'tls', props.tls);
  const interval = props.intervalSeconds ?? 60;
  const heartbeat = props.heartbeatFile ?? '/run/tls-reloader/alive';
  if (!isIntegerIn(props.port, 1, 65535)) problems.add('port', props.port, 'an integer between 1 and 65535');
  if (!isIntegerIn(interval, 1, 3600)) problems.add('intervalSeconds', interval, 'an integer number of seconds between 1 and 3600');
  for (const [field, value] of [['heartbeatFile', heartbeat], ['passwordFile', props.passwordFile ?? '/x']] as const) {
    if (typeof value !== 'string' || !/^\/[A-Za-z0-9._/-]*$/.test(value)) problems.add(field, value, 'an absolute path of letters, digits, ".", "_", "-" and "/"');
  }
  problems.throwIfAny();
  const t = tls as NonNullable<typeof tls>;
  return shellScript('redis/scripts/redis-tls-reloader.sh', {
    PORT: props.port,
    CERT: shQuote(t.certFile),
    KEY: shQuote(t.keyFile),
    CA: shQuote(t.caFile),
    INTERVAL: interval,
    HEARTBEAT: shQuote(heartbeat),
    PASSWORD_FILE: props.passwordFile ? shQuote(props.passwordFile) : "''",
    TLS_ARGS: shQuote(redisCliTlsArgs(t)),
  });
}

/**
 * The exporter's init container script: writes redis_exporter's password map (`--redis.password-file`, a JSON
 * object `{"<redis.addr>": "<password>"}`) to `$1` for the address `$2`, from the mounted password file `$3`, mode
 * 0600 in an in-memory emptyDir. The password is JSON-escaped (`\\`, `"`, tab); other control characters are
 * refused. It never goes through argv or env.
 */
export function redisExporterAuthScript(): string {
  return shellScript('redis/scripts/exporter-auth.sh');
}
