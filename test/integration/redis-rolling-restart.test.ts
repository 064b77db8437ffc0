/**
 * A rolling restart of a 3 + 3 Redis Cluster (the department tier in plaintext, the enterprise tier over TLS) on real
 * redis-server 7.0 processes, through the generated scripts as kubelet runs them: for each node, highest ordinal
 * first as a StatefulSet rolls, the preStop hook (`redis-handover.sh`), SIGTERM, a start through the startup script,
 * and the next node only once the readiness probe (`redis-ready.sh`) passes. Meanwhile a cluster client writes
 * continuously, following MOVED/ASK and retrying TRYAGAIN/CLUSTERDOWN as cluster clients do; no write may fail beyond
 * those retries, and every acknowledged write must be readable at the end. Loopback overrides as in redis.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { redisConf } from '../../lib/redis/redis-conf';
import { REDIS_CLUSTER_SLOTS, RedisConfProps } from '../../lib/redis/redis-props';
import { redisClusterBootstrapScript, redisHandoverScript, redisReadinessScript, redisStartupScript } from '../../lib/redis/redis-scripts';
import { RedisTlsFiles } from '../../lib/redis/redis-tls';
import { department, enterprise } from '../../tiers';
import { makeCa, mint } from './_redis-pki';
import {
  RedisServer,
  RedisServers,
  RespClient,
  RespError,
  clusterInfo,
  clusterNodes,
  freePortPair,
  keySlot,
  passwordFileOf,
  requireRedisBinaries,
  runScript,
  slotOwners,
  waitFor,
  withClient,
} from './_redis-servers';

const AUTH = { secretName: 'redis-auth', key: 'password' };
const PASSWORD = 'roll "pw" \\ $x';
/** A write is given up (and counted as failed) after this long of redirects and retries. */
const WRITE_RETRY_MS = 10000;

let root: string;
let servers: RedisServers;

beforeAll(() => {
  requireRedisBinaries();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-roll-it-'));
  servers = new RedisServers(root);
  makeCa(path.join(root, 'pki'));
  mint(path.join(root, 'pki'), path.join(root, 'pki', 'deployment'), 'redis');
});

afterAll(async () => {
  await servers?.killAll();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** What the writer saw. */
interface WriterFigures {
  acknowledged: number;
  moved: number;
  tryAgain: number;
  /** Connection errors (a node that stopped): the client refreshes its slot map and retries. */
  reconnects: number;
  failed: string[];
  slowestMs: number;
}

/**
 * A cluster client as ioredis or redis-py's RedisCluster behave: a slot map from CLUSTER SLOTS, one connection per
 * node, MOVED/ASK followed (and the map refreshed), TRYAGAIN/CLUSTERDOWN/LOADING retried after a short pause, a broken
 * connection retried after a map refresh from any node that answers.
 */
class ClusterWriter {
  public readonly figures: WriterFigures = { acknowledged: 0, moved: 0, tryAgain: 0, reconnects: 0, failed: [], slowestMs: 0 };
  public readonly acknowledged = new Map<string, string>();
  private owners: number[] = [];
  private readonly connections = new Map<number, RespClient>();
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(private readonly nodes: RedisServer[], private readonly tlsOptions: tls.ConnectionOptions | undefined) {}

  public start(): void {
    this.done = this.run();
  }

  public async stop(): Promise<WriterFigures> {
    this.stopped = true;
    await this.done;
    for (const c of this.connections.values()) c.close();
    return this.figures;
  }

  private async run(): Promise<void> {
    await this.refresh();
    for (let i = 0; !this.stopped; i++) {
      const key = `roll:${i}`;
      const value = `v${i}:${Date.now()}`;
      const start = Date.now();
      if (await this.write(key, value)) {
        this.acknowledged.set(key, value);
        this.figures.acknowledged++;
      } else {
        this.figures.failed.push(key);
      }
      this.figures.slowestMs = Math.max(this.figures.slowestMs, Date.now() - start);
      // One write at a time, about a thousand a second: continuous, yet light on a loaded 2-core machine.
      await pause(1);
    }
  }

  private async write(key: string, value: string): Promise<boolean> {
    const deadline = Date.now() + WRITE_RETRY_MS;
    let port = this.owners[keySlot(key)];
    let asking = false;
    while (Date.now() < deadline) {
      let reply;
      try {
        const c = await this.connection(port);
        const sent = asking ? c.pipeline([['ASKING'], ['SET', key, value]]).then((r) => r[1]) : c.pipeline([['SET', key, value]]).then((r) => r[0]);
        reply = await bounded(sent, 5000);
      } catch {
        this.figures.reconnects++;
        this.drop(port);
        await pause(100);
        await this.refresh();
        port = this.owners[keySlot(key)];
        continue;
      }
      asking = false;
      if (reply === 'OK') return true;
      const message = reply instanceof RespError ? reply.message : String(reply);
      const redirect = /^(MOVED|ASK) \d+ [^:]*:(\d+)$/.exec(message);
      if (redirect) {
        this.figures.moved++;
        port = Number(redirect[2]);
        if (redirect[1] === 'ASK') asking = true;
        else await this.refresh();
      } else if (/^(TRYAGAIN|CLUSTERDOWN|LOADING)/.test(message)) {
        this.figures.tryAgain++;
        await pause(100);
        await this.refresh();
        port = this.owners[keySlot(key)];
      } else {
        return false;
      }
    }
    return false;
  }

  private async connection(port: number): Promise<RespClient> {
    let c = this.connections.get(port);
    if (!c) {
      c = await RespClient.connect(port, '127.0.0.1', 2000, this.tlsOptions);
      await c.call('AUTH', PASSWORD);
      this.connections.set(port, c);
    }
    return c;
  }

  private drop(port: number): void {
    this.connections.get(port)?.close();
    this.connections.delete(port);
  }

  private async refresh(): Promise<void> {
    for (const node of this.nodes) {
      try {
        const owners = await slotOwners(node);
        if (owners.every((p) => p > 0)) {
          this.owners = owners;
          return;
        }
      } catch {
        // a stopped node: ask the next one
      }
    }
  }
}

/** `promise`, or a rejection after `ms` (a server that never answers counts as a broken connection). */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.each([
  ['department tier, plaintext', { mode: 'cluster', masters: department.redis.masters, replicasPerMaster: department.redis.replicasPerMaster, maxMemory: department.redis.maxMemory, use: department.redis.use, appendOnly: department.redis.appendOnly, auth: AUTH }, false],
  ['enterprise tier, TLS', { mode: 'cluster', masters: enterprise.redis.masters, replicasPerMaster: enterprise.redis.replicasPerMaster, maxMemory: enterprise.redis.maxMemory, use: enterprise.redis.use, appendOnly: enterprise.redis.appendOnly, auth: AUTH }, true],
] as const)('rolling restart of a 3 + 3 cluster (%s) through the generated preStop and readiness scripts', (name, tierProps, useTls) => {
  const nodes: RedisServer[] = [];
  const pki = () => path.join(root, 'pki');
  const tlsFiles = (): RedisTlsFiles => ({
    certFile: path.join(pki(), 'deployment', 'tls.crt'), keyFile: path.join(pki(), 'deployment', 'tls.key'), caFile: path.join(pki(), 'ca.crt'),
    authClients: enterprise.redis.tls?.authClients ?? 'yes',
  });
  const clientTls = (): tls.ConnectionOptions | undefined => (useTls
    ? { ca: fs.readFileSync(tlsFiles().caFile as string), cert: fs.readFileSync(tlsFiles().certFile as string), key: fs.readFileSync(tlsFiles().keyFile as string), servername: 'localhost' }
    : undefined);
  const hook = (node: RedisServer, script: string, timeoutMs = 60000) => runScript(path.join(node.dir, script), [], node.env, timeoutMs);
  const byPort = (port: number) => nodes.find((n) => n.port === port) as RedisServer;

  afterAll(async () => { await Promise.all(nodes.map((n) => servers.kill(n))); });

  test('the generated bootstrap script forms the cluster; every node passes the readiness probe', async () => {
    const tag = useTls ? 'tls' : 'plain';
    for (let i = 0; i < 6; i++) {
      const port = await freePortPair();
      nodes.push(servers.prepare(`${tag}-node-${i}`, port, (dir) => {
        const dataDir = path.join(dir, 'data');
        fs.mkdirSync(dataDir, { recursive: true });
        const local: RedisConfProps = {
          ...tierProps, tls: useTls ? tlsFiles() : undefined,
          port, bind: ['127.0.0.1'], dataDir, runtimeConfigPath: path.join(dir, 'run', 'runtime.conf'), passwordFile: passwordFileOf(dir),
        };
        fs.writeFileSync(path.join(dir, 'redis-ready.sh'), redisReadinessScript(local));
        fs.writeFileSync(path.join(dir, 'redis-handover.sh'), redisHandoverScript(local));
        return { conf: redisConf(local), startup: redisStartupScript(local) };
      }, { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' }, PASSWORD, clientTls()));
    }
    await Promise.all(nodes.map((n) => servers.start(n)));
    // Before the cluster exists, no node is ready (cluster_state is fail).
    expect(await hook(nodes[0], 'redis-ready.sh')).toEqual({ code: 1, output: "not ready: cluster_state is 'fail'\n" });
    const bootstrap = path.join(root, `${tag}-bootstrap.sh`);
    fs.writeFileSync(bootstrap, redisClusterBootstrapScript({
      nodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), masters: 3, replicasPerMaster: 1,
      podWaitTimeoutSeconds: 60, clusterWaitTimeoutSeconds: 120, pollIntervalSeconds: 1, commandTimeoutSeconds: 5,
      passwordFile: passwordFileOf(nodes[0].dir), tls: useTls ? tlsFiles() : undefined,
    }));
    const { code, output } = await runScript(bootstrap, [], {}, 180000);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('cluster ok: 3 masters, 3 replicas, 16384 slots') });
    for (const node of nodes) {
      await waitFor(`${node.name}'s readiness probe`, async () => ((await hook(node, 'redis-ready.sh', 10000)).code === 0 ? true : undefined), 60000, 250);
    }
  }, 240000);

  test('a replica\'s preStop hook does nothing', async () => {
    const replica = (await clusterNodes(nodes[0])).find((n) => n.flags.includes('slave'))!;
    expect(await hook(byPort(replica.port), 'redis-handover.sh')).toEqual({ code: 0, output: 'redis-handover: not a primary: nothing to hand over\n' });
  });

  test('every node in turn (highest ordinal first): preStop handover, SIGTERM, start, ready; a client writing all along loses nothing', async () => {
    const writer = new ClusterWriter(nodes, clientTls());
    writer.start();
    const steps: string[] = [];
    const start = Date.now();
    try {
      // Let the writer reach every master before the first restart.
      await waitFor('the writer to acknowledge writes', () => Promise.resolve(writer.figures.acknowledged >= 500 ? true : undefined), 30000, 100);
      for (const node of [...nodes].reverse()) {
        const wasMaster = (await clusterNodes(node)).find((n) => n.flags.includes('myself'))!.flags.includes('master');
        const t0 = Date.now();
        const handover = await hook(node, 'redis-handover.sh');
        expect({ node: node.name, ...handover }).toEqual({ node: node.name, code: 0, output: expect.stringContaining(wasMaster ? 'handed over' : 'not a primary') });
        const handoverMs = Date.now() - t0;
        await servers.kill(node, 'SIGTERM');
        await servers.start(node, 60000);
        await waitFor(`${node.name}'s readiness probe after its restart`, async () => ((await hook(node, 'redis-ready.sh', 10000)).code === 0 ? true : undefined), 120000, 250);
        steps.push(`${node.name} (${wasMaster ? `master, handover ${handoverMs} ms` : 'replica'}): ready again after ${Date.now() - t0} ms`);
        // It comes back as a replica: the role moved before it stopped.
        expect((await clusterNodes(node)).find((n) => n.flags.includes('myself'))!.flags).toContain('slave');
      }
      // Keep writing a moment on the final topology.
      const before = writer.figures.acknowledged;
      await waitFor('more writes on the final topology', () => Promise.resolve(writer.figures.acknowledged >= before + 200 ? true : undefined), 30000, 100);
    } finally {
      await writer.stop();
    }
    const f = writer.figures;
    console.info(`rolling restart (${name}) in ${Date.now() - start} ms: ${f.acknowledged} writes acknowledged, ${f.failed.length} failed, `
      + `${f.moved} MOVED/ASK followed, ${f.tryAgain} TRYAGAIN/CLUSTERDOWN retried, ${f.reconnects} reconnects, slowest write ${f.slowestMs} ms\n${steps.join('\n')}`);
    expect(f.failed).toEqual([]);

    // Every acknowledged write is readable from its slot's master in the final topology.
    const owners = await slotOwners(nodes[0]);
    expect(owners.filter((p) => p === 0)).toHaveLength(0);
    const groups = new Map<number, string[]>();
    for (const k of writer.acknowledged.keys()) {
      const port = owners[keySlot(k)];
      if (!groups.has(port)) groups.set(port, []);
      groups.get(port)!.push(k);
    }
    const lost: string[] = [];
    await Promise.all([...groups].map(([port, keys]) => withClient(byPort(port), async (c) => {
      const values = await c.pipeline(keys.map((k) => ['GET', k]));
      keys.forEach((k, i) => { if (values[i] !== writer.acknowledged.get(k)) lost.push(k); });
    })));
    expect(lost).toEqual([]);
    // The cluster is whole: 3 masters with all slots, each with a linked replica.
    const info = await clusterInfo(nodes[0]);
    expect([info.cluster_state, info.cluster_slots_assigned, info.cluster_size]).toEqual(['ok', String(REDIS_CLUSTER_SLOTS), '3']);
  }, 600000);
});
