/**
 * The team tier's Redis with Sentinel on real processes (Debian bookworm's redis-server and redis-sentinel 7.0;
 * `bash test/integration/setup/redis.sh` installs them): 1 primary, 1 replica and 3 Sentinels, each started through
 * its generated startup script exactly as in its pod. The only overrides, because everything shares one machine's
 * loopback: ports, directories (data, runtime conf, sentinel.conf, the password file) and the announce addresses
 * (`REDIS_ANNOUNCE_HOSTNAME=127.0.0.1`, so the first-boot primary and the Sentinels are 127.0.0.1:<port>). The
 * failover timings are the team tier's.
 *
 * The failover bound. After `kill -9` of the primary, a Sentinel flags it subjectively down once it has had no valid
 * reply for down-after-milliseconds; it pings every second, so the last reply is at most 1 s older than the kill
 * (D + 1 s). It then asks the other Sentinels (every second while the primary is down) and flags it objectively
 * down when the quorum (2) agrees (+1 s); a Sentinel starts the election after a random delay of up to 1 s
 * (SENTINEL_MAX_DESYNC) (+1 s), gets its majority of votes (a round trip) and sends REPLICAOF NO ONE to the replica,
 * which it sees as the master at its next INFO (every second during a failover) (+1 s). Bound:
 * D + 4 s, plus 4 s for a loaded 2-core CI machine: D + 8 s. A split vote would cost a retry after 2 x the failover
 * timeout: the test would fail, it does not hide it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redisConf } from '../../lib/redis/redis-conf';
import { RedisConfProps } from '../../lib/redis/redis-props';
import { redisHandoverScript, redisReadinessScript, redisStartupScript } from '../../lib/redis/redis-scripts';
import {
  REDIS_SENTINEL_QUORUM, redisSentinelMinReplicasToWrite, redisSentinelStartupScript, resolveRedisSentinelTimings,
} from '../../lib/redis/redis-sentinel';
import { Problems } from '../../lib/core/problems';
import { team } from '../../tiers';
import {
  RedisServer,
  RedisServers,
  RespClient,
  freePortPair,
  parseInfo,
  passwordFileOf,
  requireRedisBinaries,
  runScript,
  waitFor,
  withClient,
} from './_redis-servers';

const AUTH = { secretName: 'redis-auth', key: 'password' };
/** Characters that break naive quoting in sentinel.conf, redis.conf and sh; the scripts hex-escape every byte. */
const PASSWORD = 's3nt "quoted" #not-a-comment \\ $HOME \'x\' tab\there';
const MASTER = 'redis';
const TIMINGS = resolveRedisSentinelTimings(new Problems('team'), 'sentinel', team.redis.sentinel);
const D = TIMINGS.downAfterMilliseconds;
const FAILOVER_BOUND_MS = D + 4000 + 4000;
const KEYS = 2000;

let root: string;
let servers: RedisServers;
const ports: { primary: number; replica: number; sentinels: number[] } = { primary: 0, replica: 0, sentinels: [] };
const sentinels: RedisServer[] = [];
let first: RedisServer; // the first-boot primary (pod 0)
let second: RedisServer; // the first-boot replica (pod 1)
const written = new Map<string, string>();

beforeAll(async () => {
  requireRedisBinaries();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-sentinel-it-'));
  servers = new RedisServers(root);
  ports.primary = await freePortPair();
  ports.replica = await freePortPair();
  for (let i = 0; i < 3; i++) ports.sentinels.push(await freePortPair());
});

afterAll(async () => {
  await servers?.killAll();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** The team tier's server props as RedisDeployment renders them, with the loopback overrides. */
function serverProps(port: number, dir: string): RedisConfProps {
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  return {
    mode: 'replicated',
    maxMemory: team.redis.maxMemory,
    use: team.redis.use,
    appendOnly: team.redis.appendOnly,
    auth: AUTH,
    // As RedisDeployment sets it: 0 for the team tier (a cache with one replica keeps writing on a lone primary).
    minReplicasToWrite: redisSentinelMinReplicasToWrite(team.redis.use, team.redis.replicasPerMaster),
    sentinel: {
      masterName: MASTER,
      sentinels: ports.sentinels.map((p) => ({ host: '127.0.0.1', port: p })),
      firstBootPrimary: { host: '127.0.0.1', port: ports.primary },
      waitSeconds: 30,
    },
    // Loopback overrides.
    port, bind: ['127.0.0.1'], dataDir, runtimeConfigPath: path.join(dir, 'run', 'runtime.conf'), passwordFile: passwordFileOf(dir),
  };
}

function prepareServer(name: string, port: number): RedisServer {
  return servers.prepare(name, port, (dir) => {
    const props = serverProps(port, dir);
    // The readiness probe and the preStop hook, generated as in the pod.
    fs.writeFileSync(path.join(dir, 'redis-ready.sh'), redisReadinessScript(props));
    fs.writeFileSync(path.join(dir, 'redis-handover.sh'), redisHandoverScript(props));
    return { conf: redisConf(props), startup: redisStartupScript(props) };
  }, { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' }, PASSWORD);
}

/** Runs a server's generated probe or hook (`redis-ready.sh`, `redis-handover.sh`) as kubelet would. */
function hook(server: RedisServer, script: string, timeoutMs = 60000) {
  return runScript(path.join(server.dir, script), [], server.env, timeoutMs);
}

/** Waits until the generated readiness probe passes on `server`. */
async function ready(server: RedisServer): Promise<void> {
  await waitFor(`${server.name}'s readiness probe`, async () => ((await hook(server, 'redis-ready.sh', 10000)).code === 0 ? true : undefined), 60000, 250);
}

/** Waits until `server` has an online replica (what WAIT 1 needs). */
async function replicaOnline(server: RedisServer): Promise<void> {
  await waitFor(`an online replica on ${server.name}`, async () => (/^slave0:.*state=online/m.test(String(await withClient(server, (c) => c.call('INFO', 'replication')))) ? true : undefined), 60000);
}

function prepareSentinel(i: number): RedisServer {
  const port = ports.sentinels[i];
  return servers.prepare(`sentinel-${i}`, port, (dir) => ({
    startup: redisSentinelStartupScript({
      ...team.redis.sentinel,
      masterName: MASTER,
      firstBootPrimary: { host: '127.0.0.1', port: ports.primary },
      sentinels: ports.sentinels.map((p) => ({ host: '127.0.0.1', port: p })),
      passwordFile: passwordFileOf(dir),
      // Loopback overrides.
      port, bind: ['127.0.0.1'], confPath: path.join(dir, 'sentinel.conf'),
    }),
  }), { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' }, PASSWORD);
}

/** What a Sentinel says the primary is: its port, or undefined. */
async function primaryPortFrom(sentinel: RedisServer): Promise<number | undefined> {
  const reply = await withClient(sentinel, (c) => c.call('SENTINEL', 'get-master-addr-by-name', MASTER));
  return Array.isArray(reply) ? Number(reply[1]) : undefined;
}

/**
 * A Sentinel-aware client, as ioredis / redis-py / Lettuce do it: ask the Sentinels in turn for the primary's
 * address (SENTINEL get-master-addr-by-name), connect there, AUTH, and check that it really is a master (ROLE).
 */
async function connectToPrimary(live: RedisServer[]): Promise<{ client: RespClient; port: number }> {
  for (const sentinel of live) {
    const port = await primaryPortFrom(sentinel).catch(() => undefined);
    if (port === undefined) continue;
    const client = await RespClient.connect(port).catch(() => undefined);
    if (!client) continue;
    await client.call('AUTH', PASSWORD);
    const role = await client.call('ROLE');
    if (Array.isArray(role) && role[0] === 'master') return { client, port };
    client.close();
  }
  throw new Error('no Sentinel named a reachable master');
}

async function info(server: RedisServer): Promise<Record<string, string>> {
  return parseInfo(await withClient(server, (c) => c.call('INFO', 'replication')));
}

/** Waits until every live Sentinel agrees on `port` and knows the other live Sentinels and every replica. */
async function settled(live: RedisServer[], port: number, replicas: number): Promise<void> {
  await waitFor(`every Sentinel to name 127.0.0.1:${port} and know ${replicas} replica(s)`, async () => {
    for (const s of live) {
      if (await primaryPortFrom(s) !== port) return undefined;
      const master = await withClient(s, (c) => c.call('SENTINEL', 'master', MASTER)) as string[];
      const fields = Object.fromEntries(Array.from({ length: master.length / 2 }, (_, i) => [master[2 * i], master[2 * i + 1]]));
      if (Number(fields['num-slaves']) < replicas || Number(fields['num-other-sentinels']) < 2 || /failover/.test(fields.flags)) return undefined;
      const known = await withClient(s, (c) => c.call('SENTINEL', 'replicas', MASTER)) as string[][];
      const up = known.filter((r) => {
        const f = Object.fromEntries(Array.from({ length: r.length / 2 }, (_, i) => [r[2 * i], r[2 * i + 1]]));
        return !/s_down|o_down|disconnected/.test(f.flags) && f['master-link-status'] === 'ok';
      });
      if (up.length < replicas) return undefined;
    }
    return true;
  }, 90000, 250);
}

/** Writes keys on the primary, each acknowledged by WAIT 1 (the replica has it). */
async function writeAcknowledged(prefix: string, count: number): Promise<void> {
  const { client } = await connectToPrimary(sentinels.filter((s) => s.child));
  try {
    const pairs = Array.from({ length: count }, (_, i) => [`${prefix}:${i}`, `v:${i}:${Math.random().toString(36).slice(2)}`]);
    const replies = await client.pipeline(pairs.flatMap(([k, v]) => [['SET', k, v], ['WAIT', 1, 10000]]));
    pairs.forEach(([k, v], i) => {
      expect([k, replies[2 * i]]).toEqual([k, 'OK']);
      expect(replies[2 * i + 1]).toBeGreaterThanOrEqual(1);
      written.set(k, v);
    });
  } finally {
    client.close();
  }
}

async function lostKeys(server: RedisServer): Promise<string[]> {
  const keys = [...written.keys()];
  const values = await withClient(server, (c) => c.pipeline(keys.map((k) => ['GET', k])));
  return keys.filter((k, i) => values[i] !== written.get(k));
}

/** Kills `victim` and measures until the live Sentinels name `expected` and it reports role master. */
async function failover(victim: RedisServer, expected: RedisServer, live: RedisServer[]): Promise<number> {
  const start = Date.now();
  await servers.kill(victim);
  await waitFor(`Sentinel to promote port ${expected.port}`, async () => {
    let agree = 0;
    for (const s of live) if (await primaryPortFrom(s).catch(() => undefined) === expected.port) agree++;
    if (agree < REDIS_SENTINEL_QUORUM) return undefined;
    return (await info(expected)).role === 'master' ? true : undefined;
  }, FAILOVER_BOUND_MS + 30000, 100);
  return Date.now() - start;
}

describe(`Sentinel (team tier: 3 Sentinels, quorum ${REDIS_SENTINEL_QUORUM}, down-after ${D} ms)`, () => {
  test('first boot: the Sentinels monitor pod 0, which starts as the primary; pod 1 asks them and replicates it', async () => {
    for (let i = 0; i < 3; i++) sentinels.push(prepareSentinel(i));
    await Promise.all(sentinels.map((s) => servers.start(s)));
    first = prepareServer('pod-0', ports.primary);
    second = prepareServer('pod-1', ports.replica);
    await servers.start(first);
    await servers.start(second);
    expect(fs.readFileSync(first.logPath, 'utf8')).toContain(`Sentinel names this server (127.0.0.1:${ports.primary}) the primary`);
    expect(fs.readFileSync(second.logPath, 'utf8')).toContain(`replica of 127.0.0.1:${ports.primary}`);
    await settled(sentinels, ports.primary, 1);
    expect((await info(first)).role).toBe('master');
    expect((await info(second)).master_link_status).toBe('up');
    // The generated readiness probe passes on both: a primary, and a replica linked to it.
    expect((await hook(first, 'redis-ready.sh')).code).toBe(0);
    expect(await hook(second, 'redis-ready.sh')).toEqual({ code: 0, output: '' });
    const conf = fs.readFileSync(path.join(sentinels[0].dir, 'sentinel.conf'), 'utf8');
    expect(conf).toMatch(/^sentinel resolve-hostnames yes$/m);
    expect(conf).toMatch(/^sentinel announce-hostnames yes$/m);
    expect(conf).toMatch(new RegExp(`^sentinel down-after-milliseconds ${MASTER} ${D}$`, 'm'));
  }, 180000);

  test('no password in any process\'s argv or env, nor in a log', () => {
    for (const s of [...sentinels, first, second]) {
      const pid = s.child?.pid as number;
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(cmdline).toMatch(/redis-(server|sentinel)/);
      expect(cmdline).not.toContain('s3nt');
      expect(environ).not.toContain('s3nt');
      expect(fs.readFileSync(s.logPath, 'utf8')).not.toContain('s3nt');
    }
  });

  test(`writes ${KEYS} keys acknowledged by WAIT 1`, async () => {
    await replicaOnline(first);
    await writeAcknowledged('a', KEYS);
  }, 60000);

  let firstFailoverMs = 0;
  test(`kill -9 of the primary, kept down: writes succeed on the new primary within D + 8 s (${FAILOVER_BOUND_MS} ms), no acknowledged key lost`, async () => {
    const start = Date.now();
    await servers.kill(first);
    // A Sentinel-aware client writes until a write succeeds: the old primary stays down, so the new one has no
    // replica; min-replicas-to-write 0 (a cache with one replica) lets it take writes anyway.
    const firstWriteMs = await waitFor('a write to succeed on the new primary', async () => {
      const { client, port } = await connectToPrimary(sentinels);
      try {
        return port === ports.replica && await client.call('SET', 'after-failover', 'x') === 'OK' ? Date.now() - start : undefined;
      } finally {
        client.close();
      }
    }, FAILOVER_BOUND_MS + 30000, 100);
    firstFailoverMs = firstWriteMs;
    console.info(`sentinel: first successful write on the new primary ${firstWriteMs} ms after kill -9 of the primary (kept down; down-after ${D} ms)`);
    expect(firstWriteMs).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
    expect(await lostKeys(second)).toEqual([]);
  }, 120000);

  test('with the old primary still down, the new primary keeps taking writes; WAIT 1 says they are not replicated', async () => {
    const { client, port } = await connectToPrimary(sentinels);
    try {
      expect(port).toBe(ports.replica);
      expect(await client.call('GET', 'a:0')).toBe(written.get('a:0'));
      const replies = await client.pipeline(Array.from({ length: 100 }, (_, i) => ['SET', `alone:${i}`, 'x']));
      expect(replies.filter((r) => r !== 'OK')).toEqual([]);
      // The caller's durability check: no replica has them.
      expect(await client.call('WAIT', 1, 100)).toBe(0);
      // A primary is ready without replicas.
      expect((await hook(second, 'redis-ready.sh')).code).toBe(0);
    } finally {
      client.close();
    }
  }, 60000);

  test('the old primary restarts with its generated script, asks Sentinel and comes back as a replica', async () => {
    await servers.start(first);
    expect(fs.readFileSync(first.logPath, 'utf8')).toContain(`replica of 127.0.0.1:${ports.replica}`);
    await waitFor('the old primary to replicate the new one', async () => {
      const i = await info(first);
      return i.role === 'slave' && i.master_port === String(ports.replica) && i.master_link_status === 'up' ? true : undefined;
    }, 60000);
    await settled(sentinels, ports.replica, 1);
    await ready(first);
    await replicaOnline(second);
    await writeAcknowledged('b', KEYS / 2);
    expect(await lostKeys(first)).toEqual([]);
  }, 180000);

  test('with one Sentinel killed as well, the other two still fail over, losing no acknowledged key', async () => {
    await servers.kill(sentinels[0]);
    const live = sentinels.slice(1);
    const ms = await failover(second, first, live);
    console.info(`sentinel failover with 2 of 3 Sentinels: ${ms} ms (first failover ${firstFailoverMs} ms, down-after ${D} ms)`);
    expect(ms).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
    expect(await lostKeys(first)).toEqual([]);
    const { client, port } = await connectToPrimary(live);
    client.close();
    expect(port).toBe(ports.primary);
  }, 120000);

  test('preStop handover: the generated hook on the primary has Sentinel promote the replica and follows it; no WAIT-acknowledged key lost', async () => {
    await servers.start(sentinels[0]);
    await servers.start(second);
    await ready(second);
    await settled(sentinels, ports.primary, 1);
    await replicaOnline(first);
    await writeAcknowledged('c', KEYS / 2);
    // A replica's hook does nothing.
    expect(await hook(second, 'redis-handover.sh')).toEqual({ code: 0, output: 'redis-handover: not a primary: nothing to hand over\n' });
    const start = Date.now();
    const r = await hook(first, 'redis-handover.sh');
    const ms = Date.now() - start;
    console.info(`sentinel: preStop handover of the primary took ${ms} ms\n${r.output}`);
    expect(r.code).toBe(0);
    expect(r.output).toContain('handed over: this server is now a replica');
    expect((await info(first)).role).toBe('slave');
    await settled(sentinels, ports.replica, 1);
    await ready(first);
    expect(await lostKeys(second)).toEqual([]);
  }, 180000);
});
