/**
 * The generated redis.conf, startup script and cluster bootstrap script on real redis-server 7.0 processes
 * (Debian bookworm's; `bash test/integration/setup/redis.sh` installs it).
 *
 * Every server runs the tier's generated conf through the generated startup script, exactly as the pod does. The
 * only overrides, because the servers share one machine and loopback: `port` (free ports whose cluster bus port,
 * +10000, is free too), `dataDir` and `runtimeConfigPath` (temp dirs), `bind` (127.0.0.1), the announce hostname
 * (`REDIS_ANNOUNCE_HOSTNAME=127.0.0.1` instead of the pod's DNS name) and, in replicated mode, `replicaOf`
 * (127.0.0.1 and the primary's port). The cluster node timeout is the tiers' 15000 ms.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redisConf } from '../../lib/redis/redis-conf';
import { REDIS_CLUSTER_SLOTS, RedisConfProps, resolveRedisProps } from '../../lib/redis/redis-props';
import { redisClusterBootstrapScript, redisStartupScript } from '../../lib/redis/redis-scripts';
import {
  ClusterNode,
  RedisServer,
  RedisServers,
  RespClient,
  RespError,
  clusterInfo,
  clusterNodes,
  freePortPair,
  keySlot,
  parseInfo,
  passwordFileOf,
  requireRedisBinaries,
  runScript,
  slotOwners,
  waitFor,
  withClient,
} from './_redis-servers';

const AUTH = { secretName: 'redis-auth', key: 'password' };
/** Characters that break naive quoting in redis.conf and sh; the startup script hex-escapes every byte. */
const PASSWORD = 's3cr3t "quoted" #not-a-comment \\ $HOME \'x\' tab\there';

const DEVELOPMENT: RedisConfProps = { mode: 'standalone', maxMemory: '100Mi' };
const TEAM: RedisConfProps = { mode: 'replicated', maxMemory: '500Mi', auth: AUTH };
const DEPARTMENT: RedisConfProps = { mode: 'cluster', maxMemory: '2Gi', auth: AUTH };
const ENTERPRISE: RedisConfProps = { mode: 'cluster', maxMemory: '8Gi', auth: AUTH };

const NODE_TIMEOUT_MS = resolveRedisProps(DEPARTMENT).clusterNodeTimeout;
/**
 * Failover = node timeout counted from the first unanswered ping (a node pings a peer at the latest when its last
 * pong is node-timeout/2 old, so up to 7.5 s after the kill) + FAIL agreement of a majority of masters by gossip +
 * the replica's election delay (0.5-1 s + rank) + the vote: 15-24 s in theory, 17-23 s measured here. The margin
 * of 15 s above the node timeout covers that on a loaded 2-core CI machine; the measured time is printed.
 */
const FAILOVER_MARGIN_MS = 15000;
const KEYS = 10000;

let root: string;
let servers: RedisServers;

beforeAll(() => {
  requireRedisBinaries();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-it-'));
  servers = new RedisServers(root);
});

afterAll(async () => {
  await servers?.killAll();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** The tier's props with only the loopback test overrides (see the file comment). */
function onLoopback(props: RedisConfProps, port: number, dir: string): RedisConfProps {
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  return {
    ...props, port, bind: ['127.0.0.1'], dataDir, runtimeConfigPath: path.join(dir, 'run', 'runtime.conf'),
    passwordFile: props.auth ? passwordFileOf(dir) : undefined,
  };
}

/** Prepares a node that runs the generated conf and startup script for `props` (with the loopback overrides). */
async function prepareNode(name: string, props: RedisConfProps, env: Record<string, string> = {}): Promise<RedisServer> {
  const port = await freePortPair();
  const password = props.auth ? PASSWORD : undefined;
  return servers.prepare(name, port, (dir) => {
    const local = onLoopback(props, port, dir);
    return { conf: redisConf(local), startup: redisStartupScript(local) };
  }, env, password);
}

/** The directives of a generated conf, name -> value, as CONFIG GET reports them. */
function expectedConfig(conf: string): Array<[string, string]> {
  const units: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
  return conf.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      const name = line.slice(0, space);
      let value = line.slice(space + 1).replace(/^"(.*)"$/, '$1');
      const sized = /^(\d+)(kb|mb|gb)$/i.exec(value);
      if (sized) value = String(Number(sized[1]) * units[sized[2].toLowerCase()]);
      return [name, value] as [string, string];
    })
    // include: not a config parameter; replicaof: checked through INFO replication.
    .filter(([name]) => name !== 'include' && name !== 'replicaof');
}

describe('startup script (no server)', () => {
  async function dryRun(props: RedisConfProps, env: Record<string, string>, nodesConf?: string, password: string | null = PASSWORD) {
    const dir = fs.mkdtempSync(path.join(root, 'startup-'));
    if (password !== null) {
      fs.mkdirSync(path.dirname(passwordFileOf(dir)), { recursive: true });
      fs.writeFileSync(passwordFileOf(dir), `${password}\n`, { mode: 0o400 });
    }
    const local = onLoopback(props, 7000, dir);
    const script = path.join(dir, 'redis-startup.sh');
    fs.writeFileSync(script, redisStartupScript(local));
    const nodesPath = path.join(dir, 'data', 'nodes.conf');
    if (nodesConf !== undefined) fs.writeFileSync(nodesPath, nodesConf);
    // `true` instead of redis-server: only the preparation runs.
    const result = await runScript(script, ['true'], env, 30000);
    const runtimePath = path.join(dir, 'run', 'runtime.conf');
    return {
      ...result,
      runtimePath,
      runtime: fs.existsSync(runtimePath) ? fs.readFileSync(runtimePath, 'utf8') : undefined,
      nodes: fs.existsSync(nodesPath) ? fs.readFileSync(nodesPath, 'utf8') : undefined,
    };
  }

  test('writes requirepass/masterauth (escaped byte by byte) and the announce hostname, readable only by its owner', async () => {
    const run = await dryRun(DEPARTMENT, { REDIS_ANNOUNCE_HOSTNAME: 'redis-0.redis.app.svc.cluster.local' });
    expect(run.code).toBe(0);
    const escaped = [...Buffer.from(PASSWORD)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
    expect(run.runtime).toContain(`requirepass "${escaped}"\nmasterauth "${escaped}"\n`);
    expect(run.runtime).toContain('cluster-announce-hostname redis-0.redis.app.svc.cluster.local\n');
    expect(fs.statSync(run.runtimePath).mode & 0o777).toBe(0o600);
  });

  test('refuses to start without the password file when auth is configured', async () => {
    const run = await dryRun(TEAM, {}, undefined, null);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/the password file \S+ is missing or empty: the pod must mount it from the auth Secret/);
  });

  test('refuses to start a cluster node without a valid announce hostname', async () => {
    const run = await dryRun(DEPARTMENT, { REDIS_ANNOUNCE_HOSTNAME: 'bad name' });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('REDIS_ANNOUNCE_HOSTNAME must be the pod\'s DNS name, got: \'bad name\'');
  });

  test('replaces the stale IPs in nodes.conf by the current address of each recorded hostname', async () => {
    // What the pod's resolver says about "localhost" here (127.0.0.1 or ::1).
    const getent = execFileSync('getent', ['hosts', 'localhost'], { encoding: 'utf8' }).split(/\s+/)[0];
    const nodesConf = [
      'a1 10.0.0.1:7000@17000,localhost myself,master - 0 0 1 connected 0-5460',
      'b2 10.0.0.2:7001@17001,127.0.0.1 slave a1 0 1700000000000 1 connected',
      'c3 10.0.0.3:7002@17002, master - 0 1700000000000 2 connected 5461-10922',
      'd4 10.0.0.4:7003@17003,no-such-host.invalid master - 0 1700000000000 3 connected 10923-16383',
      'vars currentEpoch 3 lastVoteEpoch 0',
      '',
    ].join('\n');
    const run = await dryRun(DEPARTMENT, { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' }, nodesConf);
    expect(run.code).toBe(0);
    expect(run.nodes).toBe([
      `a1 ${getent}:7000@17000,localhost myself,master - 0 0 1 connected 0-5460`,
      'b2 127.0.0.1:7001@17001,127.0.0.1 slave a1 0 1700000000000 1 connected',
      'c3 10.0.0.3:7002@17002, master - 0 1700000000000 2 connected 5461-10922',
      'd4 10.0.0.4:7003@17003,no-such-host.invalid master - 0 1700000000000 3 connected 10923-16383',
      'vars currentEpoch 3 lastVoteEpoch 0',
      '',
    ].join('\n'));
    expect(run.output).toContain('nodes.conf: 127.0.0.1 moved from 10.0.0.2 to 127.0.0.1');
  });
});

describe('every generated variant is accepted by redis-server 7.0', () => {
  test.each<[string, RedisConfProps]>([
    ['development: standalone 100Mi cache', DEVELOPMENT],
    ['team: replicated primary 500Mi, min-replicas-to-write 1', { ...TEAM, minReplicasToWrite: 1, minReplicasMaxLag: 5 }],
    ['team: replica', { ...TEAM, replicaOf: { host: '127.0.0.1', port: 1 } }],
    ['department: cluster 2Gi cache', DEPARTMENT],
    ['enterprise: cluster 8Gi data, no snapshots, fsync always', { ...ENTERPRISE, use: 'data', rdbSnapshots: [], appendFsync: 'always' }],
    ['standalone data 100M, noeviction, AOF', { mode: 'standalone', maxMemory: '100M', use: 'data' }],
  ])('%s: starts and CONFIG GET matches every directive', async (name, props) => {
    const server = await prepareNode(`variant-${name.replace(/[^a-z0-9]+/gi, '-')}`, props, { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' });
    try {
      await servers.start(server);
      const conf = fs.readFileSync(server.confPath, 'utf8');
      const expected = expectedConfig(conf);
      const actual = await withClient(server, (c) => c.pipeline(expected.map(([key]) => ['CONFIG', 'GET', key])));
      const mismatches = expected
        .map(([key, value], i) => [key, value, (actual[i] as string[])[1]])
        .filter(([, value, got]) => value !== got);
      expect(mismatches).toEqual([]);
      expect(expected.length).toBeGreaterThan(20);
    } finally {
      await servers.kill(server);
    }
  }, 60000);
});

describe('standalone (development tier)', () => {
  let server: RedisServer;

  afterAll(async () => { if (server) await servers.kill(server); });

  test('starts with the generated maxmemory and eviction policy, and evicts instead of failing', async () => {
    server = await prepareNode('standalone', DEVELOPMENT);
    await servers.start(server);
    await withClient(server, async (c) => {
      expect(await c.call('CONFIG', 'GET', 'maxmemory')).toEqual(['maxmemory', String(100 * 1024 * 1024)]);
      expect(await c.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
      expect(await c.call('CONFIG', 'GET', 'appendonly')).toEqual(['appendonly', 'no']);
      // 150 MiB of values into a 100 MiB cache: every write succeeds, old keys are evicted.
      const value = 'x'.repeat(64 * 1024);
      const replies = await c.pipeline(Array.from({ length: 2400 }, (_, i) => ['SET', `big:${i}`, value]));
      expect(replies.filter((r) => r !== 'OK')).toEqual([]);
      const stats = parseInfo(await c.call('INFO', 'stats'));
      expect(Number(stats.evicted_keys)).toBeGreaterThan(0);
      expect(Number(parseInfo(await c.call('INFO', 'memory')).used_memory)).toBeLessThanOrEqual(100 * 1024 * 1024 + 2 * 1024 * 1024);
    });
  }, 60000);
});

describe('replicated (team tier)', () => {
  let primary: RedisServer;
  let replica: RedisServer;

  afterAll(async () => {
    if (replica) await servers.kill(replica);
    if (primary) await servers.kill(primary);
  });

  test('the replica syncs from the primary, with the password from its mounted file', async () => {
    // min-replicas-to-write 1 with the generator's default max lag (10 s): a shorter lag made writes flaky on a
    // loaded machine, where a replica's once-a-second ACK can arrive late.
    primary = await prepareNode('primary', { ...TEAM, minReplicasToWrite: 1 });
    await servers.start(primary);
    replica = await prepareNode('replica', { ...TEAM, replicaOf: { host: '127.0.0.1', port: primary.port } });
    await servers.start(replica);
    await waitFor('master_link_status:up on the replica', async () => {
      const info = parseInfo(await withClient(replica, (c) => c.call('INFO', 'replication')));
      return info.role === 'slave' && info.master_link_status === 'up' ? info : undefined;
    }, 60000);
    // The primary counts a replica as good only after its first REPLCONF ACK, which can come up to a second after
    // the link is up; writes before that get NOREPLICAS.
    const info = await waitFor('a good replica on the primary', async () => {
      const i = parseInfo(await withClient(primary, (c) => c.call('INFO', 'replication')));
      return Number(i.min_slaves_good_slaves) >= 1 ? i : undefined;
    }, 30000);
    expect(info.role).toBe('master');
    expect(info.connected_slaves).toBe('1');
  }, 90000);

  test('refuses clients without the password', async () => {
    const client = await RespClient.connect(primary.port);
    try {
      await expect(client.call('GET', 'k')).rejects.toThrow(/^NOAUTH/);
    } finally {
      client.close();
    }
  });

  test('the replica reads what the primary acknowledged with WAIT and refuses writes', async () => {
    await withClient(primary, async (c) => {
      const commands = Array.from({ length: 1000 }, (_, i) => [['SET', `team:${i}`, `v${i}`], ['WAIT', 1, 10000]]).flat();
      const replies = await c.pipeline(commands);
      for (let i = 0; i < replies.length; i += 2) {
        expect(replies[i]).toBe('OK');
        expect(replies[i + 1]).toBeGreaterThanOrEqual(1);
      }
    });
    await withClient(replica, async (c) => {
      const values = await c.pipeline(Array.from({ length: 1000 }, (_, i) => ['GET', `team:${i}`]));
      expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => `v${i}`));
      const write = await c.pipeline([['SET', 'team:on-replica', 'x']]);
      expect(write[0]).toBeInstanceOf(RespError);
      expect(String((write[0] as RespError).message)).toMatch(/^READONLY /);
    });
  }, 60000);

  test('with min-replicas-to-write 1 the primary refuses writes once its replica is gone', async () => {
    await servers.kill(replica);
    const refusal = await waitFor('NOREPLICAS on the primary', () => withClient(primary, async (c) => {
      const [reply] = await c.pipeline([['SET', 'team:alone', 'x']]);
      return reply instanceof RespError ? reply.message : undefined;
    }), 30000);
    expect(refusal).toMatch(/^NOREPLICAS /);
  }, 60000);
});

describe('cluster (department tier): 3 masters x 1 replica', () => {
  const nodes: RedisServer[] = [];
  const written = new Map<string, string>();
  let bootstrapPath: string;
  let bootstrapEnv: Record<string, string>;
  let idsAfterCreate: string[];

  afterAll(async () => { await Promise.all(nodes.map((n) => servers.kill(n))); });

  const byPort = (port: number) => {
    const node = nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on port ${port}`);
    return node;
  };

  /** Reads every written key from the current topology (each from its slot's master). */
  async function readAll(from: RedisServer): Promise<string[]> {
    const owners = await slotOwners(from);
    const byMaster = new Map<number, string[]>();
    for (const key of written.keys()) {
      const port = owners[keySlot(key)];
      byMaster.set(port, [...(byMaster.get(port) ?? []), key]);
    }
    const wrong: string[] = [];
    await Promise.all([...byMaster].map(([port, keys]) => withClient(byPort(port), async (c) => {
      const values = await c.pipeline(keys.map((k) => ['GET', k]));
      keys.forEach((k, i) => { if (values[i] !== written.get(k)) wrong.push(`${k}=${String(values[i])}`); });
    })));
    return wrong;
  }

  /**
   * Healthy = every node says ok, with all slots assigned, 6 nodes known and 3 masters, and sees every node at
   * 127.0.0.1 over a connected cluster bus link without a failure flag. (CLUSTER INFO alone is not enough: a
   * restarted node reports ok from its nodes.conf even when it cannot reach any peer.)
   */
  async function healthy(running: RedisServer[]): Promise<boolean> {
    for (const node of running) {
      const info = await clusterInfo(node);
      if (info.cluster_state !== 'ok' || info.cluster_slots_assigned !== String(REDIS_CLUSTER_SLOTS)
        || info.cluster_known_nodes !== '6' || info.cluster_size !== '3') return false;
      const view = await clusterNodes(node);
      if (view.length !== 6 || view.some((n) => n.ip !== '127.0.0.1' || n.link !== 'connected'
        || n.flags.some((f) => f.startsWith('fail')))) return false;
    }
    return true;
  }

  /** Writes one key to every master and requires WAIT 1 to confirm that its replica has it. */
  async function everyMasterReplicates(from: RedisServer): Promise<void> {
    const owners = await slotOwners(from);
    const masters = [...new Set(owners)];
    expect(masters).toHaveLength(3);
    for (const port of masters) {
      const slot = owners.indexOf(port);
      let key = '';
      for (let i = 0; keySlot(key) !== slot; i++) key = `probe:${i}`;
      const replies = await withClient(byPort(port), (c) => c.pipeline([['SET', key, 'x'], ['WAIT', 1, 10000]]));
      expect(replies).toEqual(['OK', 1]);
    }
  }

  test('the bootstrap Job script forms the cluster, waiting for a node that starts late', async () => {
    for (let i = 0; i < 6; i++) nodes.push(await prepareNode(`node-${i}`, DEPARTMENT, { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' }));
    const script = redisClusterBootstrapScript({
      nodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
      masters: 3,
      replicasPerMaster: 1,
      podWaitTimeoutSeconds: 60,
      clusterWaitTimeoutSeconds: 120,
      pollIntervalSeconds: 1,
      commandTimeoutSeconds: 5,
      passwordFile: passwordFileOf(nodes[0].dir),
    });
    bootstrapPath = path.join(root, 'redis-cluster-bootstrap.sh');
    fs.writeFileSync(bootstrapPath, script);
    bootstrapEnv = {};

    await Promise.all(nodes.slice(0, 5).map((n) => servers.start(n)));
    const run = runScript(bootstrapPath, [], bootstrapEnv, 180000);
    await servers.start(nodes[5]);
    const { code, output } = await run;
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('creating the cluster') });
    expect(output).toContain('cluster ok: 3 masters, 3 replicas, 16384 slots');

    expect(await healthy(nodes)).toBe(true);
    const owners = await slotOwners(nodes[0]);
    expect(owners.filter((port) => port === 0)).toHaveLength(0);
    expect(new Set(owners).size).toBe(3);
    const topology = await clusterNodes(nodes[0]);
    const masters = topology.filter((n) => n.flags.includes('master'));
    const replicas = topology.filter((n) => n.flags.includes('slave'));
    expect(masters).toHaveLength(3);
    expect(replicas).toHaveLength(3);
    expect(new Set(replicas.map((r) => r.masterId))).toEqual(new Set(masters.map((m) => m.id)));
    idsAfterCreate = topology.map((n) => n.id).sort();
    await everyMasterReplicates(nodes[0]);

    // nodes.conf on the data volume records the announced hostname beside each address (the startup script
    // relies on it after a restart with new IPs).
    const nodesConf = fs.readFileSync(path.join(nodes[0].dir, 'data', 'nodes.conf'), 'utf8');
    expect(nodesConf).toMatch(/^\S+ 127\.0\.0\.1:\d+@\d+,127\.0\.0\.1 myself,/m);
  }, 240000);

  test('running the bootstrap script again changes nothing', async () => {
    const { code, output } = await runScript(bootstrapPath, [], bootstrapEnv, 180000);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all 6 nodes already belong to a cluster: nothing to create') });
    expect((await clusterNodes(nodes[3])).map((n) => n.id).sort()).toEqual(idsAfterCreate);
  }, 240000);

  test(`writes ${KEYS} keys, each acknowledged by WAIT 1 (a replica has it)`, async () => {
    const owners = await slotOwners(nodes[0]);
    const byMaster = new Map<number, Array<[string, string]>>();
    for (let i = 0; i < KEYS; i++) {
      const key = `key:${i}`;
      const value = `value:${i}:${Math.random().toString(36).slice(2)}`;
      const port = owners[keySlot(key)];
      byMaster.set(port, [...(byMaster.get(port) ?? []), [key, value]]);
    }
    expect(byMaster.size).toBe(3);
    await Promise.all([...byMaster].map(([port, pairs]) => withClient(byPort(port), async (c) => {
      const replies = await c.pipeline(pairs.flatMap(([k, v]) => [['SET', k, v], ['WAIT', 1, 10000]]));
      pairs.forEach(([k, v], i) => {
        expect([k, replies[2 * i]]).toEqual([k, 'OK']);
        expect(replies[2 * i + 1]).toBeGreaterThanOrEqual(1);
        written.set(k, v);
      });
    })));
    expect(written.size).toBe(KEYS);
  }, 120000);

  let killed: RedisServer;
  let promoted: ClusterNode;

  test(`a replica takes over a killed master within the node timeout (${NODE_TIMEOUT_MS} ms) + ${FAILOVER_MARGIN_MS} ms`, async () => {
    const topology = await clusterNodes(nodes[0]);
    const victim = topology.find((n) => n.flags.includes('master') && n.hasSlots)!;
    promoted = topology.find((n) => n.masterId === victim.id)!;
    killed = byPort(victim.port);
    const survivors = nodes.filter((n) => n !== killed);

    const start = Date.now();
    await servers.kill(killed);
    await waitFor('the replica to be promoted and the cluster to be ok', async () => {
      const view = await clusterNodes(survivors[0]);
      const newMaster = view.find((n) => n.id === promoted.id);
      const old = view.find((n) => n.id === victim.id);
      if (!newMaster?.flags.includes('master') || !newMaster.hasSlots || !old?.flags.includes('fail')) return undefined;
      for (const node of survivors) if ((await clusterInfo(node)).cluster_state !== 'ok') return undefined;
      return true;
    }, NODE_TIMEOUT_MS + FAILOVER_MARGIN_MS + 5000, 100);
    const elapsed = Date.now() - start;
    console.info(`redis failover after kill -9 of a master: ${elapsed} ms (node timeout ${NODE_TIMEOUT_MS} ms)`);
    expect(elapsed).toBeLessThanOrEqual(NODE_TIMEOUT_MS + FAILOVER_MARGIN_MS);
  }, 120000);

  test('every acknowledged key is readable from the new topology', async () => {
    const survivor = nodes.find((n) => n !== killed)!;
    const owners = await slotOwners(survivor);
    expect(owners).not.toContain(killed.port);
    expect(owners).toContain(promoted.port);
    expect(await readAll(survivor)).toEqual([]);
  }, 120000);

  test('the killed master restarts with the same conf and nodes.conf and rejoins as a replica', async () => {
    await servers.start(killed);
    await waitFor('the restarted node to replicate the promoted one', async () => {
      const info = parseInfo(await withClient(killed, (c) => c.call('INFO', 'replication')));
      if (info.role !== 'slave' || info.master_port !== String(promoted.port) || info.master_link_status !== 'up') return undefined;
      const view = await clusterNodes(nodes.find((n) => n !== killed)!);
      const me = view.find((n) => n.port === killed.port);
      if (!me?.flags.includes('slave') || me.flags.some((f) => f.startsWith('fail')) || me.masterId !== promoted.id) return undefined;
      return (await healthy(nodes)) ? true : undefined;
    }, 90000);
    expect((await clusterNodes(killed)).map((n) => n.id).sort()).toEqual(idsAfterCreate);
  }, 120000);

  test('after a restart of every node with stale IPs in nodes.conf, the startup script restores them and all keys are back', async () => {
    await Promise.all(nodes.map((n) => servers.kill(n)));
    // Simulate pods rescheduled with new IPs: every address in nodes.conf points to an unreachable IP
    // (TEST-NET-1); only the hostnames recorded beside them are right.
    for (const node of nodes) {
      const file = path.join(node.dir, 'data', 'nodes.conf');
      const stale = fs.readFileSync(file, 'utf8').replace(/^(\S+) 127\.0\.0\.1:/gm, '$1 192.0.2.1:');
      expect(stale).toContain(' 192.0.2.1:');
      fs.writeFileSync(file, stale);
    }
    await Promise.all(nodes.map((n) => servers.start(n)));
    for (const node of nodes) {
      expect(fs.readFileSync(node.logPath, 'utf8')).toContain('nodes.conf: 127.0.0.1 moved from 192.0.2.1 to 127.0.0.1');
    }
    await waitFor('the cluster to be ok again', async () => ((await healthy(nodes)) ? true : undefined), 90000);
    expect(await readAll(nodes[0])).toEqual([]);
    await everyMasterReplicates(nodes[0]);
  }, 180000);
});
