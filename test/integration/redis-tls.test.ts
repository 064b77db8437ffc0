/**
 * The enterprise tier's TLS-only Redis on real redis-server 7.0 processes (Debian's build has TLS), each started
 * through its generated conf and startup script as in its pod. The test mints a CA and one certificate for every
 * node with openssl (as cert-manager issues one Certificate for the deployment: server and client auth, EC P-256).
 * Loopback overrides as in redis.test.ts: ports, directories, the password file and TLS file paths, the announce
 * hostname (127.0.0.1).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { redisConf } from '../../lib/redis/redis-conf';
import { REDIS_CLUSTER_SLOTS, RedisConfProps, resolveRedisProps } from '../../lib/redis/redis-props';
import { redisClusterBootstrapScript, redisStartupScript, redisTlsReloaderScript } from '../../lib/redis/redis-scripts';
import { RedisTlsFiles } from '../../lib/redis/redis-tls';
import { enterprise } from '../../tiers';
import { makeCa, mint as mintCertificate } from './_redis-pki';
import {
  RedisServer,
  RedisServers,
  RespClient,
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
const PASSWORD = 'tls "pw" \\ $x';
const ENTERPRISE: RedisConfProps = {
  mode: 'cluster', masters: enterprise.redis.masters, replicasPerMaster: enterprise.redis.replicasPerMaster,
  maxMemory: enterprise.redis.maxMemory, use: enterprise.redis.use, appendOnly: enterprise.redis.appendOnly, auth: AUTH,
};
const AUTH_CLIENTS = enterprise.redis.tls?.authClients ?? 'yes';
const NODE_TIMEOUT_MS = resolveRedisProps(ENTERPRISE).clusterNodeTimeout;
/** As in redis.test.ts: node timeout + gossip agreement + election, on a loaded machine. */
const FAILOVER_MARGIN_MS = 15000;
const KEYS = 3000;

let root: string;
let servers: RedisServers;
let pki: string;

/** Mints a key and a certificate signed by the test CA (server and client auth, SAN localhost and 127.0.0.1). */
function mint(dir: string, cn: string): { certFile: string; keyFile: string } {
  return mintCertificate(pki, dir, cn);
}

function tlsFiles(dir: string): RedisTlsFiles {
  return { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key'), caFile: path.join(pki, 'ca.crt'), authClients: AUTH_CLIENTS };
}

/** The test's client TLS options: the CA, and the deployment's certificate as the client certificate. */
function clientTls(dir: string, withCertificate = true): tls.ConnectionOptions {
  const f = tlsFiles(dir);
  return {
    ca: fs.readFileSync(f.caFile as string),
    ...(withCertificate ? { cert: fs.readFileSync(f.certFile as string), key: fs.readFileSync(f.keyFile as string) } : {}),
    servername: 'localhost',
  };
}

beforeAll(() => {
  requireRedisBinaries();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-tls-it-'));
  servers = new RedisServers(root);
  pki = path.join(root, 'pki');
  makeCa(pki);
  mint(path.join(pki, 'deployment'), 'redis');
});

afterAll(async () => {
  await servers?.killAll();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

async function prepareTlsNode(name: string, props: RedisConfProps, tlsDir: string): Promise<RedisServer> {
  const port = await freePortPair();
  return servers.prepare(name, port, (dir) => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    const local: RedisConfProps = {
      ...props, tls: tlsFiles(tlsDir),
      port, bind: ['127.0.0.1'], dataDir, runtimeConfigPath: path.join(dir, 'run', 'runtime.conf'), passwordFile: passwordFileOf(dir),
    };
    return { conf: redisConf(local), startup: redisStartupScript(local) };
  }, { REDIS_ANNOUNCE_HOSTNAME: '127.0.0.1' }, PASSWORD, clientTls(tlsDir));
}

describe('cluster over TLS (enterprise tier: 3 masters x 1 replica, tls-auth-clients yes)', () => {
  const deployment = () => path.join(pki, 'deployment');
  const nodes: RedisServer[] = [];
  const written = new Map<string, string>();
  const byPort = (port: number) => nodes.find((n) => n.port === port) as RedisServer;

  async function healthy(running: RedisServer[]): Promise<boolean> {
    for (const node of running) {
      const info = await clusterInfo(node);
      if (info.cluster_state !== 'ok' || info.cluster_slots_assigned !== String(REDIS_CLUSTER_SLOTS) || info.cluster_known_nodes !== '6') return false;
      if ((await clusterNodes(node)).some((n) => n.link !== 'connected' || n.flags.some((f) => f.startsWith('fail')))) return false;
    }
    return true;
  }

  test('the generated bootstrap script forms the cluster over TLS (port 0 everywhere, tls-cluster yes)', async () => {
    for (let i = 0; i < 6; i++) nodes.push(await prepareTlsNode(`tls-node-${i}`, ENTERPRISE, deployment()));
    await Promise.all(nodes.map((n) => servers.start(n)));
    const script = path.join(root, 'bootstrap.sh');
    fs.writeFileSync(script, redisClusterBootstrapScript({
      nodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), masters: 3, replicasPerMaster: 1,
      podWaitTimeoutSeconds: 60, clusterWaitTimeoutSeconds: 120, pollIntervalSeconds: 1, commandTimeoutSeconds: 5,
      passwordFile: passwordFileOf(nodes[0].dir), tls: tlsFiles(deployment()),
    }));
    const { code, output } = await runScript(script, [], {}, 180000);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('cluster ok: 3 masters, 3 replicas, 16384 slots') });
    expect(await healthy(nodes)).toBe(true);
    for (const node of nodes) {
      const conf = await withClient(node, (c) => c.pipeline([['CONFIG', 'GET', 'port'], ['CONFIG', 'GET', 'tls-cluster'], ['CONFIG', 'GET', 'tls-replication'], ['CONFIG', 'GET', 'tls-auth-clients']]));
      expect(conf).toEqual([['port', '0'], ['tls-cluster', 'yes'], ['tls-replication', 'yes'], ['tls-auth-clients', AUTH_CLIENTS]]);
    }
  }, 240000);

  test('replication runs over TLS: every replica is linked to a master that has no plaintext port', async () => {
    const replicas = (await clusterNodes(nodes[0])).filter((n) => n.flags.includes('slave'));
    expect(replicas).toHaveLength(3);
    for (const r of replicas) {
      // After the failover test a rejoined node may still be syncing from its new master: wait (bounded) for the link.
      const info = await waitFor(`replica ${r.port} to report its master link up`, async () => {
        const i = parseInfo(await withClient(byPort(r.port), (c) => c.call('INFO', 'replication')));
        return i.master_link_status === 'up' ? i : undefined;
      }, 45000, 250);
      expect(info.master_link_status).toBe('up');
      const master = byPort(Number(info.master_port));
      expect(await withClient(master, (c) => c.call('CONFIG', 'GET', 'port'))).toEqual(['port', '0']);
    }
  }, 180000);

  test('a plaintext connection is refused', async () => {
    const plain = await RespClient.connect(nodes[0].port);
    try {
      await expect(plain.call('PING')).rejects.toThrow();
    } finally {
      plain.close();
    }
  });

  test('a client presenting no certificate is refused (tls-auth-clients yes)', async () => {
    const attempt = RespClient.connect(nodes[0].port, '127.0.0.1', 5000, clientTls(deployment(), false))
      .then(async (c) => { try { return await c.call('PING'); } finally { c.close(); } });
    await expect(attempt).rejects.toThrow();
    // The same client with the certificate is served.
    expect(await withClient(nodes[0], (c) => c.call('PING'))).toBe('PONG');
  });

  test('the app\'s client certificate (client auth only, from the same issuer) is served; one from another CA, or none, is refused', async () => {
    // What RedisDeployment's client Certificate for the app holds: usage client auth, signed by the servers' issuer.
    const app = path.join(pki, 'app-client');
    mintCertificate(pki, app, 'app', 'clientAuth');
    const foreignCa = path.join(root, 'foreign-ca');
    makeCa(foreignCa, 'another CA');
    const foreign = path.join(root, 'foreign-client');
    mintCertificate(foreignCa, foreign, 'app', 'clientAuth');
    const ca = fs.readFileSync(path.join(pki, 'ca.crt'));
    const call = async (options: tls.ConnectionOptions) => {
      const c = await RespClient.connect(nodes[0].port, '127.0.0.1', 5000, { ca, servername: 'localhost', ...options });
      try {
        await c.call('AUTH', PASSWORD);
        return await c.call('PING');
      } finally {
        c.close();
      }
    };
    const files = (dir: string) => ({ cert: fs.readFileSync(path.join(dir, 'tls.crt')), key: fs.readFileSync(path.join(dir, 'tls.key')) });
    expect(await call(files(app))).toBe('PONG');
    await expect(call(files(foreign))).rejects.toThrow();
    await expect(call({})).rejects.toThrow();
    // redis-cli with the app's files, as an app container would use the mounted Secret (ca.crt, tls.crt, tls.key).
    const cli = spawnSync('redis-cli', ['--tls', '--cacert', path.join(pki, 'ca.crt'), '--cert', path.join(app, 'tls.crt'), '--key', path.join(app, 'tls.key'),
      '--askpass', '-h', '127.0.0.1', '-p', String(nodes[0].port), 'PING'], { input: PASSWORD, encoding: 'utf8', timeout: 10000 });
    expect(cli.stdout.trim()).toBe('PONG');
  });

  test(`writes ${KEYS} keys acknowledged by WAIT 1, kills a master: its replica takes over, no key lost`, async () => {
    const owners = await slotOwners(nodes[0]);
    const byMaster = new Map<number, Array<[string, string]>>();
    for (let i = 0; i < KEYS; i++) {
      const key = `tls:${i}`;
      byMaster.set(owners[keySlot(key)], [...(byMaster.get(owners[keySlot(key)]) ?? []), [key, `v${i}`]]);
    }
    await Promise.all([...byMaster].map(([port, pairs]) => withClient(byPort(port), async (c) => {
      const replies = await c.pipeline(pairs.flatMap(([k, v]) => [['SET', k, v], ['WAIT', 1, 10000]]));
      pairs.forEach(([k, v], i) => {
        expect([k, replies[2 * i], (replies[2 * i + 1] as number) >= 1]).toEqual([k, 'OK', true]);
        written.set(k, v);
      });
    })));

    const topology = await clusterNodes(nodes[0]);
    const victim = topology.find((n) => n.flags.includes('master') && n.hasSlots)!;
    const heir = topology.find((n) => n.masterId === victim.id)!;
    const survivors = nodes.filter((n) => n.port !== victim.port);
    const start = Date.now();
    await servers.kill(byPort(victim.port));
    await waitFor('the replica to take over over TLS', async () => {
      const view = await clusterNodes(survivors[0]);
      if (!view.find((n) => n.id === heir.id)?.flags.includes('master')) return undefined;
      for (const node of survivors) if ((await clusterInfo(node)).cluster_state !== 'ok') return undefined;
      return true;
    }, NODE_TIMEOUT_MS + FAILOVER_MARGIN_MS + 5000, 100);
    const elapsed = Date.now() - start;
    console.info(`redis cluster failover over TLS after kill -9 of a master: ${elapsed} ms (node timeout ${NODE_TIMEOUT_MS} ms)`);
    expect(elapsed).toBeLessThanOrEqual(NODE_TIMEOUT_MS + FAILOVER_MARGIN_MS);

    const now = await slotOwners(survivors[0]);
    const wrong: string[] = [];
    const groups = new Map<number, string[]>();
    for (const k of written.keys()) groups.set(now[keySlot(k)], [...(groups.get(now[keySlot(k)]) ?? []), k]);
    await Promise.all([...groups].map(([port, keys]) => withClient(byPort(port), async (c) => {
      const values = await c.pipeline(keys.map((k) => ['GET', k]));
      keys.forEach((k, i) => { if (values[i] !== written.get(k)) wrong.push(k); });
    })));
    expect(wrong).toEqual([]);
  }, 180000);
});

describe('certificate rotation without a restart', () => {
  test('the generated reloader sees the renewed files and the running server presents the new certificate', async () => {
    const own = path.join(pki, 'standalone');
    mint(own, 'redis');
    const server = await prepareTlsNode('tls-standalone', { mode: 'standalone', maxMemory: '100Mi', auth: AUTH }, own);
    await servers.start(server);
    const serial = () => new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ ...clientTls(own), port: server.port, host: '127.0.0.1' }, () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.end();
      });
      socket.once('error', reject);
    });
    const before = await serial();
    const pid = server.child?.pid;

    const script = path.join(server.dir, 'redis-tls-reloader.sh');
    fs.writeFileSync(script, redisTlsReloaderScript({
      port: server.port, tls: tlsFiles(own), passwordFile: passwordFileOf(server.dir), intervalSeconds: 1,
      heartbeatFile: path.join(server.dir, 'reloader', 'alive'),
    }));
    const log: string[] = [];
    const reloader = spawn('sh', [script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
    reloader.stdout.on('data', (d: Buffer) => log.push(d.toString()));
    reloader.stderr.on('data', (d: Buffer) => log.push(d.toString()));
    try {
      await waitFor('the reloader heartbeat', () => Promise.resolve(fs.existsSync(path.join(server.dir, 'reloader', 'alive')) ? true : undefined), 20000);
      // cert-manager renews: new key and certificate, swapped in at once (as kubelet swaps a Secret volume).
      const renewed = path.join(pki, 'renewed');
      mint(renewed, 'redis');
      fs.copyFileSync(path.join(renewed, 'tls.key'), path.join(own, 'tls.key.new'));
      fs.copyFileSync(path.join(renewed, 'tls.crt'), path.join(own, 'tls.crt.new'));
      fs.renameSync(path.join(own, 'tls.key.new'), path.join(own, 'tls.key'));
      fs.renameSync(path.join(own, 'tls.crt.new'), path.join(own, 'tls.crt'));
      const after = await waitFor('the server to present the renewed certificate', async () => {
        const s = await serial();
        return s !== before ? s : undefined;
      }, 30000, 250);
      expect(after).not.toBe(before);
      // The reloader logs after its CONFIG SET returns, so the server may present the new certificate first.
      await waitFor('the reloader to log the reload', () => Promise.resolve(log.join('').includes('certificate reloaded') ? true : undefined), 10000, 100);
      expect(log.join('')).toContain('certificate reloaded');
      expect(server.child?.pid).toBe(pid); // the same process: no restart
      expect(await withClient(server, (c) => c.call('PING'))).toBe('PONG');
    } finally {
      reloader.kill('SIGKILL');
    }
  }, 90000);
});
