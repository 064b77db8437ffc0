/**
 * Helpers of test/integration/postgres.test.ts: find the PostgreSQL binaries, run processes as the pods' uid
 * (postgres refuses to run as root, and CI runs as root), start the generated scripts, query with psql, wait on
 * conditions with bounded polling, and kill everything at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const SETUP_HINT = 'run `bash test/integration/setup/postgres.sh` (installs Debian\'s postgresql, pgbouncer and libnss-wrapper)';

/** The newest installed PostgreSQL server's bin directory (Debian layout), or undefined. */
export function findPostgresBin(): { dir: string; version: number } | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^[0-9]+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
    .map(Number)
    .sort((a, b) => b - a);
  return versions.length > 0 ? { dir: join(root, String(versions[0]), 'bin'), version: versions[0] } : undefined;
}

/** The pgbouncer binary, or undefined. */
export function findPgBouncer(): string | undefined {
  return ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));
}

/** The uid and gid the pods run PostgreSQL and PgBouncer as (PostgresReplicated's POSTGRES_UID). */
export const POD_UID = 10001;

/**
 * uid/gid to run servers as: when we are root, the pods' uid 10001, which must have no passwd entry (as in the
 * image), so the start script has to name it `postgres` through nss_wrapper; ourselves otherwise, if we are the
 * postgres user.
 */
export function serverIdentity(): { uid?: number; gid?: number; describe: string } {
  if (process.getuid?.() !== 0) {
    const me = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
    if (me !== 'postgres') {
      throw new Error(`run this test as root (it runs the servers as uid ${POD_UID}) or as the postgres user, not ${me}`);
    }
    return { describe: 'postgres (self)' };
  }
  if (spawnSync('getent', ['passwd', String(POD_UID)]).status === 0) {
    throw new Error(`uid ${POD_UID} has a passwd entry on this machine; the test needs it unnamed, as in the pod`);
  }
  if (!findNssWrapper()) throw new Error(`libnss_wrapper.so not found: ${SETUP_HINT}`);
  return { uid: POD_UID, gid: POD_UID, describe: `uid ${POD_UID} (no passwd entry, named by nss_wrapper)` };
}

/**
 * The environment that names the server uid `postgres` through nss_wrapper, as the image's entrypoint (and the
 * generated start script) does, for tests that run PostgreSQL's binaries directly: initdb and the peer checks look
 * the uid up by name. Writes the passwd and group files into `dir` (readable by the server uid). Empty when the
 * servers run as ourselves (a real postgres user).
 */
export function nssWrapperEnv(dir: string, id: { uid?: number; gid?: number }): Record<string, string> {
  if (id.uid === undefined) return {};
  const lib = findNssWrapper();
  if (!lib) throw new Error(`libnss_wrapper.so not found: ${SETUP_HINT}`);
  const passwd = join(dir, 'nss-passwd');
  const group = join(dir, 'nss-group');
  writeFileSync(passwd, `postgres:x:${id.uid}:${id.gid ?? id.uid}:PostgreSQL:${dir}:/bin/false\n`, { mode: 0o644 });
  writeFileSync(group, `postgres:x:${id.gid ?? id.uid}:\n`, { mode: 0o644 });
  return { LD_PRELOAD: lib, NSS_WRAPPER_PASSWD: passwd, NSS_WRAPPER_GROUP: group };
}

/** libnss_wrapper.so, where the start script looks for it, or undefined. */
export function findNssWrapper(): string | undefined {
  for (const dir of ['/usr/lib', '/lib']) {
    if (!existsSync(dir)) continue;
    for (const sub of ['', ...readdirSync(dir)]) {
      const candidate = join(dir, sub, 'libnss_wrapper.so');
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** chown -R to the server identity. */
export function chownTree(path: string, id: { uid?: number; gid?: number }): void {
  if (id.uid === undefined || id.gid === undefined) return;
  chownSync(path, id.uid, id.gid);
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), id);
}

/** The result of a finished process. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (as the server identity), with a hard timeout. */
export function run(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; id: { uid?: number; gid?: number }; timeoutMs?: number; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      uid: options.id.uid,
      gid: options.id.gid,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60000} ms\n${stderr}`));
    }, options.timeoutMs ?? 60000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running process started detached (its own process group) with output appended to a log file. */
export function startDetached(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; id: { uid?: number; gid?: number }; logFile: string; cwd?: string },
): ChildProcess {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      env: options.env,
      uid: options.id.uid,
      gid: options.id.gid,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.on('error', () => undefined);
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Waits until the process has exited (or the timeout passes). */
export function waitForExit(child: ChildProcess | undefined, timeoutMs: number): Promise<boolean> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined/false, or fails after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: { timeoutMs: number; intervalMs?: number; diagnostics?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `\nlast error: ${last.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${detail}\n${options.diagnostics?.() ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

/** The last lines of a log file, for failure messages. */
export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(${file} does not exist)`;
  return `--- ${file} ---\n${readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`;
}

/** Parses a PostgreSQL LSN ("16/B374D848") into a comparable number. */
export function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn.trim());
  if (!m) throw new Error(`not an LSN: ${JSON.stringify(lsn)}`);
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

/** SIGKILLs every process whose command line mentions `marker` (our temp dir), by pid. */
export function killProcessesMentioning(marker: string): number[] {
  const killed: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(marker)) {
      try {
        process.kill(Number(entry), 'SIGKILL');
        killed.push(Number(entry));
      } catch {
        // already gone
      }
    }
  }
  return killed;
}

/** Writes files into a directory (created if needed). */
export function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o644 });
}
