/**
 * The generated nginx.conf on a real nginx (Debian sid's, >= 1.27.3 for `server ... resolve`; installed by
 * `bash test/integration/setup/nginx.sh`, which also installs dnsmasq).
 *
 * Every representative config passes `nginx -t`; then nginx runs the tiers' configs in front of three tiny
 * backends on 127.0.0.2-4 (same port), discovered through a private dnsmasq that plays the cluster DNS, and shows
 * balancing, least_conn, retries past a dead backend, websocket affinity, rate limiting and DNS discovery.
 *
 * Overrides of the tiers' configs, and only these (see `onLoopback`): the app's DNS name, its port and the
 * resolver address (the test's dnsmasq on loopback, with `valid=1s` instead of 5 s so that DNS changes show
 * within the test's time), the listen address and port (127.0.0.1, a free port), and the file paths (pid, temp
 * and access log in a temp dir; the error log stays on stderr, captured for diagnostics).
 *
 * nginx runs as a child process with `-p <tmpdir>` and `-g 'daemon off;'`. The config has no `user` directive
 * (it runs as non-root in the pod); the test runs as root here, so nginx starts its workers as `nobody`: the temp
 * dirs are made world-readable (0755) so that the workers can reach the temp paths nginx creates for them.
 */
import { TIERS } from '../../tiers';
import { named, synthTier } from '../_synth';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NginxConfigProps, renderNginxConfig } from '../../lib/nginx/nginx-conf';
import {
  Answer,
  Backend,
  Client,
  Dns,
  NGINX_BIN,
  Nginx,
  ProcessRegistry,
  hitsOf,
  requireTools,
  startBackends,
  waitFor,
} from './_nginx-harness';
import {
  REPRESENTATIVE_NGINX_CONFIGS,
  departmentNginxProps,
  enterpriseNginxProps,
  teamNginxProps,
} from './_nginx-fixtures';
import { WebSocketClient, openWebSocket } from './_nginx-websocket';

/** The name the test's dnsmasq answers, standing in for the headless Service's FQDN. */
const APP_NAME = 'app.svc.test';
const ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
const TEST_TIMEOUT_MS = 180_000;

const procs = new ProcessRegistry();
const cleanups: Array<() => Promise<void> | void> = [];
let workDir: string;

beforeAll(() => {
  requireTools(); // fails (not skips) with "run `bash test/integration/setup/nginx.sh` first"
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-it-'));
  fs.chmodSync(workDir, 0o755);
});

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await procs.stopAll();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}, 60_000);

/** A fresh world-readable directory for one nginx. */
function scenarioDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(workDir, `${name}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** The tier's config with only addresses, ports, the resolver and file paths changed (see the file comment). */
function onLoopback(
  props: NginxConfigProps,
  o: { listenPort: number; appPort: number; dnsPort: number; dir: string },
): NginxConfigProps {
  return {
    ...props,
    listenAddress: '127.0.0.1',
    listenPort: o.listenPort,
    upstream: {
      ...props.upstream,
      servers: props.upstream.servers.map((s) => ({ ...s, host: s.resolve ? APP_NAME : s.host, port: o.appPort })),
    },
    resolver: props.resolver && { ...props.resolver, addresses: [`127.0.0.1:${o.dnsPort}`], validSeconds: 1 },
    tempDir: o.dir,
    accessLogPath: path.join(o.dir, 'access.log'),
  };
}

/** Backends on `backendAddresses`, dnsmasq answering `dnsAddresses`, and nginx running the tier's config. */
interface Scenario {
  readonly dir: string;
  readonly backends: Backend[];
  readonly byAddress: Record<string, Backend>;
  readonly dns: Dns;
  readonly nginx: Nginx;
  readonly client: Client;
  /** Stops nginx, dnsmasq and the backends. */
  stop(): Promise<void>;
}

async function startScenario(
  name: string,
  props: NginxConfigProps,
  backendAddresses: readonly string[] = ADDRESSES,
  dnsAddresses: readonly string[] = backendAddresses,
): Promise<Scenario> {
  const dir = scenarioDir(name);
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  cleanups.push(stop);
  const { port: appPort, backends } = await startBackends(backendAddresses);
  stops.push(async () => {
    await Promise.all(backends.map((b) => b.kill()));
  });
  const dns = await Dns.start(procs, dir, APP_NAME, dnsAddresses);
  stops.push(() => dns.stop());
  const nginx = await Nginx.start(procs, dir, (listenPort) =>
    renderNginxConfig(onLoopback(props, { listenPort, appPort, dnsPort: dns.port, dir })),
  );
  stops.push(() => nginx.stop());
  const client = new Client(nginx.port);
  stops.push(() => Promise.resolve(client.close()));
  const byAddress = Object.fromEntries(backends.map((b) => [b.address, b]));
  return { dir, backends, byAddress, dns, nginx, client, stop };
}

/**
 * Polls the app's health endpoint (proxied to the upstream, never rate limited) until every address in `want`
 * has answered: nginx has resolved the name and reaches those backends.
 */
async function waitUntilServing(s: Scenario, want: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  await waitFor(
    `nginx to reach ${want.join(', ')}`,
    async () => {
      const a = await s.client.get('/health').catch(() => undefined);
      if (a?.backend) seen.add(a.backend);
      return want.every((w) => seen.has(w)) ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 20, attempts: 1500 },
    () => `seen: ${[...seen].join(', ')}\n${s.nginx.output()}`,
  );
  for (const b of s.backends) b.reset();
}

function statuses(answers: readonly Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

async function withScenario<T>(s: Scenario, body: (s: Scenario) => Promise<T>): Promise<T> {
  try {
    return await body(s);
  } finally {
    await s.stop();
  }
}

describe('generated nginx.conf on a real nginx', () => {
  test.each(REPRESENTATIVE_NGINX_CONFIGS)('%s passes nginx -t', (name, props) => {
    // GIVEN the tier's config, only the file paths moved to a temp dir (nginx -t creates the temp paths)
    const dir = scenarioDir(`t-${name.replace(/\W+/g, '-')}`);
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, renderNginxConfig({ ...props(), tempDir: dir, accessLogPath: path.join(dir, 'access.log') }));
    // WHEN
    const r = spawnSync(NGINX_BIN, ['-t', '-p', `${dir}/`, '-c', conf], { encoding: 'utf8', timeout: 30_000 });
    // THEN (the message carries nginx's own output when it fails)
    expect(`${r.stderr}exit ${r.status}`).toMatch(/test is successful\n(.*\n)*exit 0$/);
  });

  test.each(TIERS.filter((t) => t.nginx).map((t) => [t.name, t]))(
    "%s: the ConfigMap's nginx.conf, byte for byte as synthesised, passes nginx -t",
    (_name, tier) => {
      // GIVEN the nginx.conf exactly as the tier's ConfigMap carries it (cluster DNS resolver, cluster-local names,
      // /tmp paths): nothing overridden, since `nginx -t` resolves no `resolve` server and only creates temp dirs
      const { objects } = synthTier(tier);
      const text: string = named(objects, 'ConfigMap', 'nginx-config').data['nginx.conf'];
      const dir = scenarioDir(`cm-${tier.name}`);
      const conf = path.join(dir, 'nginx.conf');
      fs.writeFileSync(conf, text);
      // WHEN nginx -t runs with its stdout on a file (the config logs to /dev/stdout, which must be openable;
      // under jest the inherited stdout is a socket that cannot be reopened, in a container it is a pipe)
      const stdout = fs.openSync(path.join(dir, 'stdout.log'), 'w');
      const r = spawnSync(NGINX_BIN, ['-t', '-p', `${dir}/`, '-c', conf], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', stdout, 'pipe'] });
      fs.closeSync(stdout);
      // THEN
      expect(`${r.stderr}exit ${r.status}`).toMatch(/test is successful\n(.*\n)*exit 0$/);
    },
  );

  test(
    'team: /healthz answers without the upstream; round robin spreads requests over all backends',
    async () => {
      // GIVEN
      const s = await startScenario('team', teamNginxProps());
      await withScenario(s, async () => {
        await waitUntilServing(s, ADDRESSES);
        // WHEN nginx's own health endpoint is asked
        const healthz = await s.client.get('/healthz');
        // THEN it answers 200 without any backend
        expect(healthz).toMatchObject({ status: 200, body: 'ok\n', backend: undefined });
        expect(hitsOf(s.backends)).toEqual({ '127.0.0.2': 0, '127.0.0.3': 0, '127.0.0.4': 0 });

        // WHEN 60 requests are sent one after the other
        const answers = await s.client.getMany('/api/items', 60, 1);
        // THEN all succeed and every backend serves a fair share (round robin: 20 each)
        expect(statuses(answers)).toEqual({ 200: 60 });
        for (const b of s.backends) expect(b.hits).toBeGreaterThanOrEqual(12);
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'department: least_conn sends fewer requests to a slow backend (round robin does not)',
    async () => {
      const load = async (props: NginxConfigProps, name: string): Promise<Record<string, number>> => {
        const s = await startScenario(name, props);
        return withScenario(s, async () => {
          await waitUntilServing(s, ADDRESSES);
          s.byAddress['127.0.0.2'].delayMs = 300;
          // 90 requests, 6 in flight at a time
          const answers = await s.client.getMany('/work', 90, 6);
          expect(statuses(answers)).toEqual({ 200: 90 });
          return hitsOf(s.backends);
        });
      };
      // GIVEN backend 127.0.0.2 answers after 300 ms, the others at once
      // WHEN the same concurrent load goes through least_conn (department) and round robin (team)
      const leastConn = await load(departmentNginxProps(), 'least-conn');
      const roundRobin = await load(teamNginxProps(), 'round-robin');
      // THEN least_conn gives the slow backend far less than each fast one ...
      const fastLeast = Math.min(leastConn['127.0.0.3'], leastConn['127.0.0.4']);
      expect(leastConn['127.0.0.2']).toBeLessThanOrEqual(fastLeast / 3);
      // ... while round robin (the control: same load, same backends) gives it its full third
      expect(roundRobin['127.0.0.2']).toBeGreaterThanOrEqual(25);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'department: with one backend killed, 200 consecutive requests all succeed (proxy_next_upstream)',
    async () => {
      // GIVEN
      const s = await startScenario('next-upstream', departmentNginxProps());
      await withScenario(s, async () => {
        await waitUntilServing(s, ADDRESSES);
        // WHEN 127.0.0.3 dies (its address stays in DNS, like a crashed pod not yet removed from the endpoints)
        await s.byAddress['127.0.0.3'].kill();
        const answers: Answer[] = [];
        for (let i = 0; i < 200; i++) answers.push(await s.client.get(`/orders/${i}`));
        // THEN every request succeeded, served by the two live backends
        expect(statuses(answers)).toEqual({ 200: 200 });
        expect(s.byAddress['127.0.0.2'].hits + s.byAddress['127.0.0.4'].hits).toBe(200);
        // ... and nginx did try the dead one and passed those requests on (so the retry is what saved them)
        const log = fs.readFileSync(path.join(s.dir, 'access.log'), 'utf8');
        const retried = log
          .split('\n')
          .filter((l) => l.includes('/orders/'))
          .map((l) => JSON.parse(l) as { status: number; upstream_addr: string })
          .filter((e) => e.upstream_addr.startsWith('127.0.0.3:') && e.upstream_addr.includes(', '));
        expect(retried.length).toBeGreaterThanOrEqual(1);
        expect(retried.every((e) => e.status === 200)).toBe(true);
        expect(s.nginx.output()).toMatch(/connect\(\) failed \(111: Connection refused\)/);
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "department: a websocket upgrade passes and a client's websockets all stay on one backend",
    async () => {
      // GIVEN
      const s = await startScenario('websocket', departmentNginxProps());
      await withScenario(s, async () => {
        await waitUntilServing(s, ADDRESSES);
        const sockets: WebSocketClient[] = [];
        try {
          // WHEN one client opens 6 websockets and keeps them all open (least_conn alone would spread them)
          for (let i = 0; i < 6; i++) sockets.push(await openWebSocket(s.nginx.port, '/ws/chat', 15_000));
          const backendsOf: string[][] = [];
          for (const [i, ws] of sockets.entries()) {
            const seen: string[] = [];
            for (let m = 0; m < 3; m++) {
              const echo = await ws.exchange(`socket ${i} message ${m}`, 15_000);
              const [backend, text] = echo.split('|');
              expect(text).toBe(`socket ${i} message ${m}`);
              seen.push(backend);
            }
            backendsOf.push(seen);
          }
          // THEN every message of a websocket comes back from the same backend ...
          for (const seen of backendsOf) expect(new Set(seen).size).toBe(1);
          // ... and every websocket of the client is on the same backend (affinity), which accepted all 6
          const all = new Set(backendsOf.flat());
          expect(all.size).toBe(1);
          const [only] = [...all];
          expect(ADDRESSES).toContain(only);
          expect(s.byAddress[only].websockets).toBe(6);
        } finally {
          for (const ws of sockets) ws.close();
        }
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'enterprise: requests beyond the burst are refused with the configured status (429)',
    async () => {
      // GIVEN the seed's limits: 1000/min per client and 5000/min in all, burst 100, nodelay
      const s = await startScenario('rate-limit', enterpriseNginxProps());
      await withScenario(s, async () => {
        await waitUntilServing(s, ADDRESSES); // through /health, which is not rate limited
        // WHEN one client sends 250 requests, 25 at a time
        const started = Date.now();
        const answers = await s.client.getMany('/search', 250, 25);
        const elapsedMs = Date.now() - started;
        // THEN the burst (1 + 100) plus what refilled meanwhile (1000/min) passed, the rest got 429
        const refilled = Math.ceil((elapsedMs / 60_000) * 1000) + 1;
        const counts = statuses(answers);
        expect(Object.keys(counts).sort()).toEqual(['200', '429']);
        expect(counts[200]).toBeGreaterThanOrEqual(100);
        expect(counts[200]).toBeLessThanOrEqual(101 + refilled);
        expect(counts[429]).toBe(250 - counts[200]);
        // the refused requests never reached the app
        expect(s.backends.reduce((n, b) => n + b.hits, 0)).toBe(counts[200]);
        // and the health endpoints still answer
        expect((await s.client.get('/healthz')).status).toBe(200);
        expect((await s.client.get('/health')).status).toBe(200);
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'department: nginx follows the DNS answer of the headless Service (server ... resolve)',
    async () => {
      // GIVEN three live backends, of which DNS answers only 127.0.0.2 and 127.0.0.3
      const s = await startScenario('discovery', departmentNginxProps(), ADDRESSES, ['127.0.0.2', '127.0.0.3']);
      await withScenario(s, async () => {
        await waitUntilServing(s, ['127.0.0.2', '127.0.0.3']);
        const before = await s.client.getMany('/before', 40, 1);
        expect(statuses(before)).toEqual({ 200: 40 });
        expect(s.byAddress['127.0.0.4'].hits).toBe(0);

        // WHEN a pod is added to the answer
        await s.dns.setAddresses(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
        // THEN nginx starts sending it traffic
        await waitFor(
          'traffic to the added backend 127.0.0.4',
          async () => ((await s.client.get('/added')).status === 200 && s.byAddress['127.0.0.4'].hits > 0 ? true : undefined),
          { timeoutMs: 30_000, intervalMs: 20, attempts: 1500 },
          () => JSON.stringify(hitsOf(s.backends)),
        );

        // WHEN a pod is removed from the answer (the backend itself keeps running)
        await s.dns.setAddresses(['127.0.0.3', '127.0.0.4']);
        // THEN nginx stops sending it traffic: 30 requests in a row without it ...
        let streak = 0;
        await waitFor(
          '30 consecutive requests without the removed backend 127.0.0.2',
          async () => {
            const a = await s.client.get('/removed');
            streak = a.status === 200 && a.backend !== '127.0.0.2' ? streak + 1 : 0;
            return streak >= 30 ? true : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 10, attempts: 3000 },
          () => JSON.stringify(hitsOf(s.backends)),
        );
        // ... and from then on none of 60 reaches it, while both remaining backends get traffic
        for (const b of s.backends) b.reset();
        const after = await s.client.getMany('/after', 60, 1);
        expect(statuses(after)).toEqual({ 200: 60 });
        expect(hitsOf(s.backends)['127.0.0.2']).toBe(0);
        expect(s.byAddress['127.0.0.3'].hits).toBeGreaterThan(0);
        expect(s.byAddress['127.0.0.4'].hits).toBeGreaterThan(0);
      });
    },
    TEST_TIMEOUT_MS,
  );
});
