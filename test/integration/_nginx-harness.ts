/**
 * Test harness for the nginx integration test: tiny HTTP/websocket backends on loopback, a private dnsmasq
 * playing the cluster DNS, a real nginx child process, an HTTP client and bounded waiting. Everything listens
 * on 127.0.0.0/8 only, on ports picked at run time, and every process started is registered so the test can
 * kill it in afterAll.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { NGINX_MIN_VERSION } from '../../lib/nginx/nginx-conf';
import { acceptWebSocket } from './_nginx-websocket';

/** The wrapper that test/integration/setup/nginx.sh writes (Debian sid's nginx started with its own libraries). */
export const NGINX_BIN = path.resolve(__dirname, '.cache', 'nginx-sid', 'nginx');

const SETUP_HINT = 'run `bash test/integration/setup/nginx.sh` first';

/** Throws (the test fails, it is not skipped) unless nginx >= NGINX_MIN_VERSION and dnsmasq are available. */
export function requireTools(): string {
  if (!fs.existsSync(NGINX_BIN)) {
    throw new Error(`nginx >= ${NGINX_MIN_VERSION} not found at ${NGINX_BIN}: ${SETUP_HINT}`);
  }
  // nginx -v prints its version on stderr
  const r = spawnSync(NGINX_BIN, ['-v'], { encoding: 'utf8', timeout: 30_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${NGINX_BIN} does not run (exit ${r.status}: ${out.trim()}): ${SETUP_HINT}`);
  const version = /nginx\/([0-9.]+)/.exec(out)?.[1];
  if (!version || version.localeCompare(NGINX_MIN_VERSION, undefined, { numeric: true }) < 0) {
    throw new Error(`${NGINX_BIN} is nginx ${version ?? '?'}, older than ${NGINX_MIN_VERSION}: ${SETUP_HINT}`);
  }
  if (spawnSync('dnsmasq', ['--version'], { stdio: 'ignore', timeout: 30_000 }).status !== 0) {
    throw new Error(`dnsmasq not found: ${SETUP_HINT}`);
  }
  return version;
}

/** Resolves after `ms` (only between polls of a bounded wait, never as a wait for a condition). */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a value other than undefined, at most `attempts` times and for at most
 * `timeoutMs`; throws with `what` and the last detail otherwise.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: { timeoutMs: number; intervalMs?: number; attempts?: number },
  detail: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const attempts = opts.attempts ?? Math.ceil(opts.timeoutMs / (opts.intervalMs ?? 50)) + 1;
  for (let i = 0; i < attempts && Date.now() < deadline; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await pause(opts.intervalMs ?? 50);
  }
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}. ${detail()}`);
}

/** Every child process started, so that afterAll can kill them all, also after a failure. */
export class ProcessRegistry {
  private readonly children = new Set<ChildProcess>();

  /** Starts a process in its own process group (so its workers can be killed with it). */
  public spawn(cmd: string, args: readonly string[]): ChildProcess {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** SIGTERM, then SIGKILL to the whole process group if it has not exited within 10 s. */
  public async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    }
    // nginx workers exit shortly after their master; make sure none is left in the group.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone: nothing left to kill
    }
  }

  /** Stops every process still running. */
  public async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c)));
  }
}

/** Collects a child's output (bounded to the last 64 KiB) for error messages and assertions. */
export function collectOutput(child: ChildProcess): () => string {
  let text = '';
  const add = (b: Buffer): void => {
    text = (text + b.toString('utf8')).slice(-65536);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** One app backend: answers every request with its address in `X-Backend`, and echoes websockets. */
export class Backend {
  /** Requests answered since the last {@link reset}. */
  public hits = 0;
  /** Websockets accepted since the last {@link reset}. */
  public websockets = 0;
  /** Added latency of every HTTP answer, in ms. */
  public delayMs = 0;
  private readonly server: http.Server;
  private readonly upgraded = new Set<Duplex>();

  constructor(public readonly address: string) {
    this.server = http.createServer((req, res) => {
      this.hits++;
      req.resume();
      const answer = (): void => {
        res.setHeader('X-Backend', this.address);
        res.setHeader('Content-Type', 'text/plain');
        res.end(`backend ${this.address} ${req.method} ${req.url}\n`);
      };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs);
      else answer();
    });
    // Longer than nginx's upstream keepalive_timeout (60 s): the backend never closes an idle kept-alive
    // connection that nginx may be about to reuse (that race would count as an upstream failure).
    this.server.keepAliveTimeout = 120_000;
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
      if (acceptWebSocket(req, socket, this.address)) {
        this.websockets++;
        this.upgraded.add(socket);
        socket.on('close', () => this.upgraded.delete(socket));
      }
    });
  }

  /** Listens on `<address>:<port>`. */
  public listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.address, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Zeroes the counters. */
  public reset(): void {
    this.hits = 0;
    this.websockets = 0;
  }

  /** Stops at once: refuses new connections and cuts the open ones, like a killed pod. */
  public kill(): Promise<void> {
    for (const s of this.upgraded) s.destroy();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return this.server.listening ? closed : Promise.resolve();
  }
}

/**
 * Starts one backend per address, all on the same port (so that one DNS name with several A records and one
 * port reaches them all, like the pods of a headless Service).
 */
export async function startBackends(addresses: readonly string[]): Promise<{ port: number; backends: Backend[] }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort(addresses[0]);
    const backends = addresses.map((a) => new Backend(a));
    try {
      for (const b of backends) await b.listen(port);
      return { port, backends };
    } catch {
      await Promise.all(backends.map((b) => b.kill()));
    }
  }
  throw new Error(`no port free on all of ${addresses.join(', ')} after 20 attempts`);
}

/** A private dnsmasq answering one name from a hosts file; {@link setAddresses} changes the answer. */
export class Dns {
  private constructor(
    private readonly procs: ProcessRegistry,
    private readonly child: ChildProcess,
    public readonly port: number,
    public readonly name: string,
    private readonly hostsFile: string,
    public readonly output: () => string,
  ) {}

  /** Starts dnsmasq on 127.0.0.1:<free port>, answering `name` with `addresses`. */
  public static async start(procs: ProcessRegistry, dir: string, name: string, addresses: readonly string[]): Promise<Dns> {
    const hostsFile = path.join(dir, 'hosts');
    writeHosts(hostsFile, name, addresses);
    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const child = procs.spawn('dnsmasq', [
        '--no-daemon',
        '--conf-file=/dev/null', // not the system's /etc/dnsmasq.conf
        '--no-resolv',
        '--no-hosts',
        '--no-poll',
        `--port=${port}`,
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        `--addn-hosts=${hostsFile}`,
        '--local-ttl=0',
        '--log-facility=-',
        `--pid-file=${path.join(dir, 'dnsmasq.pid')}`,
      ]);
      const output = collectOutput(child);
      const dns = new Dns(procs, child, port, name, hostsFile, output);
      try {
        await dns.waitForAnswer(addresses, 15_000);
        return dns;
      } catch (e) {
        lastError = `${(e as Error).message}\n${output()}`;
        await procs.stop(child);
      }
    }
    throw new Error(`dnsmasq did not start: ${lastError}`);
  }

  /** The A records that dnsmasq answers for the name now (sorted), or undefined on an error. */
  public async lookup(): Promise<string[] | undefined> {
    const r = new Resolver({ timeout: 1000, tries: 1 });
    r.setServers([`127.0.0.1:${this.port}`]);
    try {
      return (await r.resolve4(this.name)).sort();
    } catch {
      return undefined;
    }
  }

  /** Waits until dnsmasq answers exactly `addresses`. */
  public async waitForAnswer(addresses: readonly string[], timeoutMs: number): Promise<void> {
    const want = [...addresses].sort().join(',');
    await waitFor(
      `dnsmasq to answer ${this.name} with ${want}`,
      async () => {
        if (this.child.exitCode !== null) throw new Error(`dnsmasq exited: ${this.output()}`);
        return (await this.lookup())?.join(',') === want ? true : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Changes the answer (dnsmasq re-reads its hosts files on SIGHUP) and waits until dnsmasq serves it. */
  public async setAddresses(addresses: readonly string[]): Promise<void> {
    writeHosts(this.hostsFile, this.name, addresses);
    this.child.kill('SIGHUP');
    await this.waitForAnswer(addresses, 15_000);
  }

  /** Stops dnsmasq. */
  public stop(): Promise<void> {
    return this.procs.stop(this.child);
  }
}

function writeHosts(file: string, name: string, addresses: readonly string[]): void {
  fs.writeFileSync(file, addresses.map((a) => `${a} ${name}\n`).join(''), { mode: 0o644 });
}

/** The answer to one HTTP request. */
export interface Answer {
  readonly status: number;
  /** The `X-Backend` header: which backend answered (undefined if nginx answered itself). */
  readonly backend?: string;
  readonly body: string;
}

/** A kept-alive HTTP client for the nginx under test. */
export class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly port: number) {}

  /** GET `path` from nginx on 127.0.0.1. */
  public get(reqPath: string, timeoutMs = 15_000): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: reqPath, agent: this.agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            backend: typeof res.headers['x-backend'] === 'string' ? res.headers['x-backend'] : undefined,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${reqPath} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
    });
  }

  /** `count` GETs, at most `concurrency` at a time, in order of completion. */
  public async getMany(reqPath: string, count: number, concurrency: number): Promise<Answer[]> {
    const answers: Answer[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next++;
        answers.push(await this.get(reqPath));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return answers;
  }

  /** Closes the kept-alive connections. */
  public close(): void {
    this.agent.destroy();
  }
}

/** A running nginx. */
export class Nginx {
  private constructor(
    private readonly procs: ProcessRegistry,
    private readonly child: ChildProcess,
    public readonly port: number,
    public readonly output: () => string,
  ) {}

  /**
   * Writes the config that `render(port)` returns into `dir/nginx.conf` and runs nginx on it in the foreground
   * (`-g 'daemon off;'`) with `-p dir/`, until `/healthz` answers. Retries with another port if the port was
   * taken between picking and binding.
   */
  public static async start(procs: ProcessRegistry, dir: string, render: (port: number) => string): Promise<Nginx> {
    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const conf = path.join(dir, 'nginx.conf');
      fs.writeFileSync(conf, render(port));
      const child = procs.spawn(NGINX_BIN, ['-p', `${dir}/`, '-c', conf, '-g', 'daemon off;']);
      const output = collectOutput(child);
      const nginx = new Nginx(procs, child, port, output);
      const client = new Client(port);
      try {
        await waitFor(
          `nginx to answer /healthz on port ${port}`,
          async () => {
            if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
            const a = await client.get('/healthz', 2000).catch(() => undefined);
            return a?.status === 200 ? true : undefined;
          },
          { timeoutMs: 20_000, intervalMs: 100 },
        );
        client.close();
        return nginx;
      } catch (e) {
        client.close();
        lastError = `${(e as Error).message}\n${output()}`;
        await procs.stop(child);
        if (!/Address already in use/.test(lastError)) break;
      }
    }
    throw new Error(`nginx did not start: ${lastError}`);
  }

  /** Stops nginx (fast shutdown: open websockets are cut). */
  public stop(): Promise<void> {
    return this.procs.stop(this.child);
  }
}

/** Requests answered per backend address. */
export function hitsOf(backends: readonly Backend[]): Record<string, number> {
  return Object.fromEntries(backends.map((b) => [b.address, b.hits]));
}
