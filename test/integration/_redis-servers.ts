/**
 * Runs real redis-server processes for the integration tests: each one through the generated startup script (as
 * in the pod), on 127.0.0.1, with its files in a temp dir; plus polling and Redis Cluster helpers (CRC16 key
 * slots, CLUSTER SLOTS / NODES / INFO parsing).
 */
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { RespClient, RespError, RespValue } from './_redis-resp';

/** Where a node's password file is (mode 0400), as the pod mounts the auth Secret key. */
export function passwordFileOf(dir: string): string {
  return path.join(dir, 'auth', 'password');
}

/** Fails with the setup instruction when the Redis binaries are missing. */
export function requireRedisBinaries(): void {
  for (const binary of ['redis-server', 'redis-cli']) {
    const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(`${binary} not found (${probe.error?.message ?? `exit ${probe.status}`}): `
        + 'run `bash test/integration/setup/redis.sh` to install Debian\'s redis-server and redis-tools');
    }
  }
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const usedPorts = new Set<number>();

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free client port below the kernel's ephemeral range whose cluster bus port (+10000) is free too.
 * Random in 20000-29999 so that parallel runs rarely collide; checked by binding both.
 */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (usedPorts.has(port)) continue;
    if (await isFree(port) && await isFree(port + 10000)) {
      usedPorts.add(port);
      return port;
    }
  }
  throw new Error('no free port pair (p, p + 10000) found in 20000-29999');
}

/** One redis-server started through the startup script. */
export interface RedisServer {
  /** Name of the node, also its folder under the root. */
  readonly name: string;
  /** Client port on 127.0.0.1. */
  readonly port: number;
  /** The node's folder (data dir, conf, scripts, log). */
  readonly dir: string;
  /** The generated redis.conf. */
  readonly confPath: string;
  /** The generated startup script. */
  readonly startupPath: string;
  /** stdout and stderr of the startup script and redis-server. */
  readonly logPath: string;
  /** Env given to the startup script (password, announce hostname). */
  readonly env: Record<string, string>;
  /** Password clients must send, if any. */
  readonly password?: string;
  /** TLS options of the test's clients, when the node is TLS-only. */
  readonly tls?: tls.ConnectionOptions;
  /** The command the startup script execs (the conf path is part of it for redis-server). */
  readonly args: string[];
  /** The running process (the startup script execs redis-server, so this is redis-server). */
  child?: ChildProcess;
}

/** Starts, stops and restarts redis-server processes; `killAll` in afterAll, also on failure. */
export class RedisServers {
  private readonly servers: RedisServer[] = [];

  constructor(private readonly root: string) {}

  /** Writes the node's files. `files` receives the node's folder and returns the conf and startup script text. */
  public prepare(
    name: string,
    port: number,
    files: (dir: string) => { conf?: string; startup: string },
    env: Record<string, string> = {},
    password?: string,
    tlsOptions?: tls.ConnectionOptions,
  ): RedisServer {
    const dir = path.join(this.root, name);
    fs.mkdirSync(dir, { recursive: true });
    if (password !== undefined) {
      // The password as the pod gets it: a file of its own, read-only for its owner (a Secret volume, mode 0400).
      fs.mkdirSync(path.dirname(passwordFileOf(dir)), { recursive: true });
      fs.writeFileSync(passwordFileOf(dir), password, { mode: 0o400 });
    }
    const { conf, startup } = files(dir);
    const confPath = path.join(dir, 'redis.conf');
    const server: RedisServer = {
      name, port, dir, env, password, tls: tlsOptions,
      confPath,
      startupPath: path.join(dir, 'redis-startup.sh'),
      logPath: path.join(dir, 'redis.log'),
      // A Sentinel's startup script writes its own conf and execs redis-sentinel on it.
      args: conf === undefined ? [] : ['redis-server', confPath],
    };
    if (conf !== undefined) fs.writeFileSync(server.confPath, conf);
    fs.writeFileSync(server.startupPath, startup);
    this.servers.push(server);
    return server;
  }

  /** Starts (or restarts) the node the way the pod does, `sh redis-startup.sh redis-server redis.conf`, and waits for PONG. */
  public async start(server: RedisServer, timeoutMs = 30000): Promise<void> {
    const log = fs.openSync(server.logPath, 'a');
    const child = spawn('sh', [server.startupPath, ...server.args], {
      cwd: server.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...server.env },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    server.child = child;
    let exited: string | undefined;
    child.once('exit', (code, signal) => { exited = `exited (code ${code}, signal ${signal})`; });
    await waitFor(`${server.name} on port ${server.port} to answer PING`, async () => {
      if (exited) throw new Error(`${server.name} ${exited}; log:\n${this.logTail(server)}`);
      const reply = await withClient(server, (c) => c.call('PING'));
      return reply === 'PONG' ? true : undefined;
    }, timeoutMs, 100).catch((error: Error) => {
      if (exited) throw new Error(`${server.name} ${exited}; log:\n${this.logTail(server)}`);
      throw error;
    });
  }

  /** Kills the node (SIGKILL by default, like a crashed pod) and waits until the process is gone. */
  public async kill(server: RedisServer, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = server.child;
    server.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Kills every node this instance started. */
  public async killAll(): Promise<void> {
    await Promise.all(this.servers.map((s) => this.kill(s)));
  }

  /** The last lines of a node's log, for failure messages. */
  public logTail(server: RedisServer, lines = 30): string {
    try {
      return fs.readFileSync(server.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** Connects to a node (authenticating if it has a password), runs `fn`, closes. */
export async function withClient<T>(server: RedisServer, fn: (client: RespClient) => Promise<T>): Promise<T> {
  const client = await RespClient.connect(server.port, '127.0.0.1', 5000, server.tls);
  try {
    if (server.password !== undefined) await client.call('AUTH', server.password);
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Parses an INFO-style reply (`name:value` lines) into a record. */
export function parseInfo(reply: RespValue): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of String(reply).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** One line of CLUSTER NODES. */
export interface ClusterNode {
  /** Node ID. */
  readonly id: string;
  /** Client port. */
  readonly port: number;
  /** Flags: myself, master, slave, fail, fail?, ... */
  readonly flags: string[];
  /** ID of its master, for a replica. */
  readonly masterId: string | undefined;
  /** Whether it serves at least one slot. */
  readonly hasSlots: boolean;
  /** The IP address this node's view records for it (the cluster bus connects there). */
  readonly ip: string;
  /** State of the cluster bus link to it: connected or disconnected. */
  readonly link: string;
}

/** CLUSTER NODES of the given node, parsed. */
export async function clusterNodes(server: RedisServer): Promise<ClusterNode[]> {
  const text = String(await withClient(server, (c) => c.call('CLUSTER', 'NODES')));
  return text.trim().split('\n').map((line) => {
    const f = line.trim().split(' ');
    return {
      id: f[0],
      port: Number(/:(\d+)@/.exec(f[1])?.[1]),
      ip: f[1].slice(0, f[1].lastIndexOf(':')),
      link: f[7],
      flags: f[2].split(','),
      masterId: f[3] === '-' ? undefined : f[3],
      hasSlots: f.length > 8,
    };
  });
}

/** CLUSTER INFO of the given node, parsed. */
export async function clusterInfo(server: RedisServer): Promise<Record<string, string>> {
  return parseInfo(await withClient(server, (c) => c.call('CLUSTER', 'INFO')));
}

/** The client port of the master of each of the 16384 slots, from CLUSTER SLOTS of the given node. */
export async function slotOwners(server: RedisServer): Promise<number[]> {
  const reply = await withClient(server, (c) => c.call('CLUSTER', 'SLOTS'));
  const owners: number[] = new Array(16384).fill(0);
  for (const range of reply as RespValue[][]) {
    const [start, end, master] = range as [number, number, RespValue[]];
    for (let slot = start; slot <= end; slot++) owners[slot] = Number(master[1]);
  }
  return owners;
}

/** CRC16/XMODEM, the hash of Redis Cluster key slots. */
function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a key, hash tags (`{...}`) included. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key)) % 16384;
}

/** Runs a POSIX sh script with the given env; resolves with its exit code and output (never rejects on exit code). */
export function runScript(
  scriptPath: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile('sh', [scriptPath, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export { RespClient, RespError };
