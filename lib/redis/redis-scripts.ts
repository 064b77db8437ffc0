/**
 * The two POSIX sh scripts that go with redis.conf: the Redis container's startup script and the bootstrap Job's
 * script that forms a Redis Cluster. Both are pure functions of typed props, so the integration test runs exactly
 * the text the pods run (with loopback addresses).
 *
 * Requirements in the image: `sh`, `redis-server`/`redis-cli`, `od`, `sed`, `tr`, `awk`, `date`, `getent` (the
 * official Debian-based redis image has all of them); `timeout` is used when present.
 */
import { isIntegerIn } from '../core/checks';
import { Problems } from '../core/problems';
import { SH_DEADLINE_FUNCTION, shBoundedWait } from '../core/shell';
import { isRedisHost } from './_redis-checks';
import {
  REDIS_ANNOUNCE_HOSTNAME_ENV,
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
 * The sh function every generated script uses to call redis-cli: `rcli <host:port> <command...>`. The password,
 * when `$PASSWORD_FILE` names a non-empty file, reaches redis-cli on its stdin through `--askpass` (redis-cli reads
 * one line there when stdin is not a terminal, and prints no prompt): it is never in argv (`ps`, /proc/<pid>/cmdline)
 * nor in env (/proc/<pid>/environ). The reply comes without carriage returns, errors included, on stdout.
 * Needs `$CMD_BOUND` (a `timeout N` prefix or empty) and `$TLS_ARGS`.
 */
export const SH_REDIS_CLI_FUNCTION = `rcli() {
  hp=$1
  shift
  if [ -n "$PASSWORD_FILE" ] && [ -s "$PASSWORD_FILE" ]; then
    # shellcheck disable=SC2086 # TLS_ARGS is a list of flags
    $CMD_BOUND redis-cli $TLS_ARGS --askpass -h "\${hp%:*}" -p "\${hp##*:}" "$@" < "$PASSWORD_FILE" 2>&1 | tr -d '\\r'
  else
    # shellcheck disable=SC2086
    $CMD_BOUND redis-cli $TLS_ARGS -h "\${hp%:*}" -p "\${hp##*:}" "$@" < /dev/null 2>&1 | tr -d '\\r'
  fi
}`;

/**
 * The sh lines that put the password file's first line, every byte as \\xHH, in \`$pw\` (redis.conf's own escape
 * syntax inside double quotes, so no character can break the line). \`printf\` is a shell builtin: the password is
 * never in a process's argv.
 */
const SH_HEX_PASSWORD = `raw_pw=
IFS= read -r raw_pw < "$PASSWORD_FILE" || true
[ -n "$raw_pw" ] || fail "the password file $PASSWORD_FILE has an empty first line"
pw=$(printf '%s' "$raw_pw" | od -An -v -tx1 | tr -d ' \\n' | sed 's/../\\\\x&/g')
raw_pw=`;

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
  const announced = cluster || s !== undefined;
  const sentinelPart = s === undefined ? '' : `
# Sentinel: the current primary, from the first Sentinel that names it ("host:port"), asked for up to
# $SENTINEL_WAIT seconds (bounded); empty when none does.
SENTINELS=${sq(s.sentinels.map((a) => `${a.host}:${a.port}`).join(' '))}
MASTER_NAME=${sq(s.masterName)}
FIRST_BOOT_PRIMARY=${sq(`${s.firstBootPrimary.host}:${s.firstBootPrimary.port}`)}
SENTINEL_WAIT=${s.waitSeconds}
if command -v timeout >/dev/null 2>&1; then CMD_BOUND="timeout 5"; else CMD_BOUND=; fi
TLS_ARGS=${sq(redisCliTlsArgs(p.tls))}
${SH_REDIS_CLI_FUNCTION}
ask_sentinels() {
  for sentinel in $SENTINELS; do
    reply=$(rcli "$sentinel" SENTINEL get-master-addr-by-name "$MASTER_NAME" || true)
    answer=$(printf '%s\n' "$reply" | awk 'NR == 1 { h = $0 } NR == 2 { p = $0 } END { if (NR == 2 && h ~ /^[A-Za-z0-9.:-]+$/ && p ~ /^[0-9]+$/) print h ":" p }')
    if [ -n "$answer" ]; then echo "$answer"; return 0; fi
  done
  return 1
}
primary=
until_time=$(( $(date +%s) + SENTINEL_WAIT ))
while :; do
  primary=$(ask_sentinels || true)
  [ -n "$primary" ] && break
  [ "$(date +%s)" -lt "$until_time" ] || break
  sleep 1
done
if [ -z "$primary" ]; then
  primary=$FIRST_BOOT_PRIMARY
  echo "redis-startup: no Sentinel named a primary within \${SENTINEL_WAIT}s (first start): the primary is $primary" >&2
fi
me="$${REDIS_ANNOUNCE_HOSTNAME_ENV}:${p.port}"
`;
  return `#!/bin/sh
# Redis container entrypoint generated by scaling-tiers (mode ${p.mode}): writes the runtime part of redis.conf
# (password from the mounted Secret file${cluster ? ', announce hostname' : ''}${s ? ', announce hostname, the primary named by Sentinel' : ''})${cluster ? ',\n# refreshes the peer IPs in nodes.conf from their hostnames' : ''}, then execs redis-server.
set -eu

RUNTIME_CONF=${sq(p.runtimeConfigPath)}
AUTH_REQUIRED=${p.auth ? 1 : 0}
PASSWORD_FILE=${p.auth ? sq(p.passwordFile) : "''"}
CLUSTER=${cluster ? 1 : 0}
NODES_CONF=${sq(p.clusterConfigFile)}

fail() { echo "redis-startup: ERROR: $*" >&2; exit 1; }
${announced ? `
case "\${${REDIS_ANNOUNCE_HOSTNAME_ENV}:-}" in
  ''|*[!A-Za-z0-9.-]*) fail "${REDIS_ANNOUNCE_HOSTNAME_ENV} must be the pod's DNS name, got: '\${${REDIS_ANNOUNCE_HOSTNAME_ENV}:-}'" ;;
esac
` : ''}${sentinelPart}
# Prints the first address of a host name; an IP literal is printed as is.
resolve_ip() {
  case "$1" in
    *:*) echo "$1"; return 0 ;;
    *[!0-9.]*) ;;
    *) echo "$1"; return 0 ;;
  esac
  if command -v timeout >/dev/null 2>&1; then
    timeout 5 getent hosts "$1" | awk 'NR == 1 { print $1 }'
  else
    getent hosts "$1" | awk 'NR == 1 { print $1 }'
  fi
}

# One nodes.conf line: "<id> <ip>:<port>@<busport>,<hostname>[,...] <flags> ...". Prints it with the IP of
# <hostname> when that resolves to another address; every other line is printed unchanged.
rewrite_line() {
  line=$1
  id=\${line%% *}
  rest=\${line#* }
  addr=\${rest%% *}
  tail=\${rest#"$addr"}
  case "$addr" in *@*,*) ;; *) printf '%s\\n' "$line"; return 0 ;; esac
  endpoint=\${addr%%,*}
  aux=\${addr#*,}
  host=\${aux%%,*}
  case "$host" in ''|*=*) printf '%s\\n' "$line"; return 0 ;; esac
  ipport=\${endpoint%%@*}
  bus=\${endpoint#"$ipport"}
  old_ip=\${ipport%:*}
  port=\${ipport##*:}
  new_ip=$(resolve_ip "$host" || true)
  if [ -z "$new_ip" ] || [ "$new_ip" = "$old_ip" ]; then printf '%s\\n' "$line"; return 0; fi
  echo "redis-startup: nodes.conf: $host moved from $old_ip to $new_ip" >&2
  printf '%s %s:%s%s,%s%s\\n' "$id" "$new_ip" "$port" "$bus" "$aux" "$tail"
}

umask 077
mkdir -p "$(dirname "$RUNTIME_CONF")"
tmp="$RUNTIME_CONF.$$"
{
  echo '# Written at container start by the startup script; never persisted.'
  if [ "$AUTH_REQUIRED" = 1 ]; then
    [ -s "$PASSWORD_FILE" ] || fail "the password file $PASSWORD_FILE is missing or empty: the pod must mount it from the auth Secret"
    ${SH_HEX_PASSWORD.split('\n').join('\n    ')}
    printf 'requirepass "%s"\\nmasterauth "%s"\\n' "$pw" "$pw"
    pw=
  fi
  if [ "$CLUSTER" = 1 ]; then
    printf 'cluster-announce-hostname %s\\n' "$${REDIS_ANNOUNCE_HOSTNAME_ENV}"
  fi${s ? `
  printf 'replica-announce-ip %s\\n' "$${REDIS_ANNOUNCE_HOSTNAME_ENV}"
  if [ "$primary" = "$me" ]; then
    echo "redis-startup: Sentinel names this server ($me) the primary" >&2
  else
    echo "redis-startup: replica of $primary" >&2
    printf 'replicaof %s %s\\n' "\${primary%:*}" "\${primary##*:}"
  fi` : ''}
} > "$tmp"
mv -f "$tmp" "$RUNTIME_CONF"

if [ "$CLUSTER" = 1 ] && [ -s "$NODES_CONF" ]; then
  if command -v getent >/dev/null 2>&1; then
    out="$NODES_CONF.$$"
    : > "$out"
    while IFS= read -r nodes_line || [ -n "$nodes_line" ]; do
      rewrite_line "$nodes_line" >> "$out"
    done < "$NODES_CONF"
    mv -f "$out" "$NODES_CONF"
  else
    echo "redis-startup: getent not found; the IPs in nodes.conf are not refreshed" >&2
  fi
fi

if [ "$#" -eq 0 ]; then set -- redis-server ${sq(REDIS_CONF_PATH)}; fi
exec "$@"
`;
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

  return `#!/bin/sh
# Redis Cluster bootstrap generated by scaling-tiers: ${masters} masters, ${replicas} replica(s) per master (${nodes.length} nodes).
# Idempotent: creates the cluster only when every node is empty; otherwise only waits for it to be healthy.
set -eu

NODES=${sq(addresses.join(' '))}
EXPECTED_NODES=${nodes.length}
MASTERS=${masters}
REPLICAS=${replicas}
EXPECTED_REPLICAS=${nodes.length - masters}
POD_WAIT=${podWait}
CLUSTER_WAIT=${clusterWait}
POLL=${poll}
CMD_TIMEOUT=${commandTimeout}

log() { echo "redis-bootstrap: $*"; }
fail() { echo "redis-bootstrap: ERROR: $*" >&2; exit 1; }

PASSWORD_FILE=${sq(passwordFile)}
TLS_ARGS=${sq(redisCliTlsArgs(tls))}
if command -v timeout >/dev/null 2>&1; then
  CMD_BOUND="timeout $CMD_TIMEOUT"
  CREATE_BOUND="timeout $CLUSTER_WAIT"
else
  CMD_BOUND=
  CREATE_BOUND=
fi

# rcli <host:port> <command...>: the reply without carriage returns (errors included, on stdout).
${SH_REDIS_CLI_FUNCTION}

# field <text> <name>: the value of "name:value" in an INFO-style reply.
field() {
  printf '%s\\n' "$1" | sed -n "s/^$2://p"
}

resolve_ip() {
  case "$1" in
    *:*) echo "$1"; return 0 ;;
    *[!0-9.]*) ;;
    *) echo "$1"; return 0 ;;
  esac
  $CMD_BOUND getent hosts "$1" | awk 'NR == 1 { print $1 }'
}

${SH_DEADLINE_FUNCTION}

log "waiting up to \${POD_WAIT}s for $EXPECTED_NODES nodes to answer PING"
${shBoundedWait({
    check: `  down=
  for n in $NODES; do
    [ "$(rcli "$n" ping)" = PONG ] || down="$down $n"
  done`,
    pendingVar: 'down',
    timeoutVar: 'POD_WAIT',
    pollVar: 'POLL',
    timeoutMessage: 'no PONG after ${POD_WAIT}s from:',
    waitingMessage: 'not answering yet:',
  })}

formed=0
empty=0
empty_nodes=
for n in $NODES; do
  info=$(rcli "$n" cluster info)
  assigned=$(field "$info" cluster_slots_assigned)
  known=$(field "$info" cluster_known_nodes)
  if [ -z "$assigned" ] || [ -z "$known" ]; then
    fail "unexpected CLUSTER INFO reply from $n (is cluster-enabled on?): $info"
  fi
  if [ "$assigned" = 0 ] && [ "$known" = 1 ]; then
    empty=$((empty + 1))
    empty_nodes="$empty_nodes $n"
  else
    formed=$((formed + 1))
  fi
done

if [ "$formed" -eq 0 ]; then
  addrs=
  for n in $NODES; do
    ip=$(resolve_ip "\${n%:*}" || true)
    [ -n "$ip" ] || fail "cannot resolve \${n%:*}"
    addrs="$addrs $ip:\${n##*:}"
  done
  log "all $EXPECTED_NODES nodes are empty: creating the cluster with$addrs"
  if [ -s "$PASSWORD_FILE" ]; then auth_args=--askpass; auth_in=$PASSWORD_FILE; else auth_args=; auth_in=/dev/null; fi
  # shellcheck disable=SC2086 # word splitting of the address list and the flags is intended
  $CREATE_BOUND redis-cli $TLS_ARGS $auth_args --cluster create $addrs --cluster-replicas "$REPLICAS" --cluster-yes < "$auth_in" \\
    || fail "redis-cli --cluster create failed"
elif [ "$empty" -eq 0 ]; then
  log "all $EXPECTED_NODES nodes already belong to a cluster: nothing to create"
else
  fail "$formed nodes belong to a cluster and $empty are empty:$empty_nodes. Not creating anything: add them by hand (redis-cli --cluster add-node, and CLUSTER FORGET the nodes they replace)."
fi

log "waiting up to \${CLUSTER_WAIT}s for cluster_state:ok on every node"
${shBoundedWait({
    check: `  pending=
  for n in $NODES; do
    info=$(rcli "$n" cluster info)
    state=$(field "$info" cluster_state)
    assigned=$(field "$info" cluster_slots_assigned)
    known=$(field "$info" cluster_known_nodes)
    size=$(field "$info" cluster_size)
    # Replicas as this node sees them: roles reach every node by gossip shortly after the slots do.
    # Replicas and connected cluster bus links as this node sees them (CLUSTER INFO alone says ok for a node
    # restarted from its nodes.conf before it reached any peer; roles spread by gossip after the slots).
    nodes_view=$(rcli "$n" cluster nodes)
    seen=$(printf '%s\n' "$nodes_view" | awk '$3 ~ /(^|,)slave(,|$)/' | wc -l | tr -d ' ')
    linked=$(printf '%s\n' "$nodes_view" | awk '$8 == "connected" && $3 !~ /fail/' | wc -l | tr -d ' ')
    if [ "$state" != ok ] || [ "\${assigned:-0}" != ${REDIS_CLUSTER_SLOTS} ] \\
      || [ "\${known:-0}" -lt "$EXPECTED_NODES" ] || [ "\${size:-0}" -lt "$MASTERS" ] \\
      || [ "\${seen:-0}" -lt "$EXPECTED_REPLICAS" ] || [ "\${linked:-0}" -lt "$EXPECTED_NODES" ]; then
      pending="$pending $n(state=$state slots=$assigned known=$known masters=$size replicas=$seen linked=$linked)"
    fi
  done`,
    pendingVar: 'pending',
    timeoutVar: 'CLUSTER_WAIT',
    pollVar: 'POLL',
    timeoutMessage: 'cluster not ok after ${CLUSTER_WAIT}s:',
    waitingMessage: 'not ok yet:',
  })}
log "cluster ok: $MASTERS masters, $EXPECTED_REPLICAS replicas, ${REDIS_CLUSTER_SLOTS} slots"
`;
}

/** Single-quotes a value for sh (the values are validated and hold no quote, but stay safe if that changes). */
function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
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
  return `#!/bin/sh
# TLS reloader generated by scaling-tiers: reloads the server's certificate when the mounted files change.
set -eu

PORT=${props.port}
CERT=${sq(t.certFile)}
KEY=${sq(t.keyFile)}
CA=${sq(t.caFile)}
INTERVAL=${interval}
HEARTBEAT=${sq(heartbeat)}
PASSWORD_FILE=${props.passwordFile ? sq(props.passwordFile) : "''"}
TLS_ARGS=${sq(redisCliTlsArgs(t))}
if command -v timeout >/dev/null 2>&1; then CMD_BOUND="timeout 10"; else CMD_BOUND=; fi

log() { echo "redis-tls-reloader: $*"; }
${SH_REDIS_CLI_FUNCTION}
checksum() { cat "$CERT" "$KEY" "$CA" 2>/dev/null | cksum; }

mkdir -p "$(dirname "$HEARTBEAT")"
last=$(checksum)
log "watching $CERT, $KEY and $CA every \${INTERVAL}s"
while :; do
  now=$(checksum)
  if [ "$now" != "$last" ]; then
    reply=$(rcli "127.0.0.1:$PORT" CONFIG SET tls-cert-file "$CERT" tls-key-file "$KEY" tls-ca-cert-file "$CA" || true)
    if [ "$reply" = OK ]; then
      log "the files changed: certificate reloaded"
      last=$now
    else
      log "the files changed but CONFIG SET failed (retried in \${INTERVAL}s): $reply"
    fi
  fi
  : > "$HEARTBEAT"
  sleep "$INTERVAL"
done
`;
}

/**
 * The exporter's init container script: writes redis_exporter's password map (`--redis.password-file`, a JSON
 * object `{"<redis.addr>": "<password>"}`) to `$1` for the address `$2`, from the mounted password file `$3`, mode
 * 0600 in an in-memory emptyDir. The password is JSON-escaped (`\\`, `"`, tab); other control characters are
 * refused. It never goes through argv or env.
 */
export const REDIS_EXPORTER_AUTH_SCRIPT = `#!/bin/sh
set -eu
out=$1
addr=$2
password_file=$3
fail() { echo "exporter-auth: ERROR: $*" >&2; exit 1; }
raw_pw=
IFS= read -r raw_pw < "$password_file" || true
[ -n "$raw_pw" ] || fail "the password file $password_file is missing or has an empty first line"
case "$raw_pw" in *[[:cntrl:]]*) case "$(printf '%s' "$raw_pw" | tr -d '\\t')" in *[[:cntrl:]]*) fail "the password holds a control character other than tab" ;; esac ;; esac
umask 077
mkdir -p "$(dirname "$out")"
{
  printf '{"%s": "' "$addr"
  printf '%s' "$raw_pw" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' -e 's/\\t/\\\\t/g' | tr -d '\\n'
  printf '"}\\n'
} > "$out.tmp"
mv -f "$out.tmp" "$out"
echo "exporter-auth: wrote the password map for $addr"
`;
