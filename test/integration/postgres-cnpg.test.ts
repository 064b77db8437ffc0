/**
 * The CloudNativePG engine's PostgreSQL settings on a real PostgreSQL 15 on loopback (no Kubernetes, no operator):
 *
 *   1. every `postgresql.parameters` value each tier's `Cluster` carries is accepted by the server and applied from
 *      the configuration file (none rejected, none ignored);
 *   2. point-in-time recovery as the Cluster's `bootstrap.recovery` does it, with the same parameters: WAL archived
 *      to a local folder (`archive_command` cp, standing in for the Barman Cloud plugin), a base backup, rows before
 *      and after a timestamp, a new server restored from the base backup and the archive to that timestamp
 *      (`recovery_target_time`), which has exactly the earlier rows.
 *
 * Run: npx jest --runInBand --testPathIgnorePatterns=/node_modules/ --testMatch='<rootDir>/test/integration/postgres-cnpg.test.ts'
 * (needs Debian's postgresql: `bash test/integration/setup/postgres.sh`).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { department, enterprise, team, type TierSpec } from '../../tiers';
import { synthTier } from '../_synth';
import {
  SETUP_HINT, chownTree, findPostgresBin, freePort, killProcessesMentioning, nssWrapperEnv, run, serverIdentity, startDetached, tail, waitFor,
} from './_postgres-harness';

const bin = findPostgresBin();
const LONG = 120_000;
/** A wait inside a test: shorter than the test's timeout, so a failure shows the server's log. */
const WAIT = 90_000;
let id: { uid?: number; gid?: number } = {};
let root = '';
let env: NodeJS.ProcessEnv = {};
const servers: { dir: string; child: ChildProcess }[] = [];

/** The `postgresql.parameters` of a tier's Cluster, as synthesised. */
function clusterParameters(tier: TierSpec): Record<string, string> {
  const cluster = synthTier(tier).objects.find((o) => o.kind === 'Cluster');
  if (!cluster) throw new Error(`the ${tier.name} tier has no Cluster`);
  return cluster.spec.postgresql.parameters as Record<string, string>;
}

/** postgresql.conf lines; every value quoted, as CloudNativePG writes custom.conf. */
function confLines(parameters: Record<string, string>): string {
  return Object.entries(parameters).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`).join('\n') + '\n';
}

async function initdb(dir: string): Promise<void> {
  const r = await run(join(bin!.dir, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '--data-checksums', '-E', 'UTF8', '--locale=C'], { env, id, timeoutMs: LONG });
  if (r.code !== 0) throw new Error(`initdb failed: ${r.stderr}`);
}

/** Writes the server's own settings (port, loopback, no socket) and includes `cnpg.conf`, the Cluster's parameters. */
function configure(dir: string, port: number, parameters: Record<string, string>, extra: Record<string, string> = {}): void {
  writeFileSync(join(dir, 'cnpg.conf'), confLines(parameters));
  writeFileSync(join(dir, 'local.conf'), confLines({ port: String(port), listen_addresses: '127.0.0.1', unix_socket_directories: '', ...extra }));
  const conf = join(dir, 'postgresql.conf');
  if (!readFileSync(conf, 'utf8').includes("include 'cnpg.conf'")) appendFileSync(conf, "\ninclude 'cnpg.conf'\ninclude 'local.conf'\n");
  chownTree(dir, id);
}

function start(dir: string): ChildProcess {
  const child = startDetached(join(bin!.dir, 'postgres'), ['-D', dir], { env, id, logFile: `${dir}.log` });
  servers.push({ dir, child });
  return child;
}

async function stop(dir: string): Promise<void> {
  const r = await run(join(bin!.dir, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', '-t', '60', 'stop'], { env, id, timeoutMs: LONG });
  if (r.code !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr}\n${tail(`${dir}.log`)}`);
}

async function sql(port: number, query: string): Promise<string> {
  const r = await run(join(bin!.dir, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', query], { env, id, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`psql failed (${query}): ${r.stderr}`);
  return r.stdout.trim();
}

async function ready(port: number, dir: string): Promise<void> {
  await waitFor(`the server on ${port} to accept connections`, async () => (await sql(port, 'SELECT 1')) === '1',
    { timeoutMs: WAIT, intervalMs: 200, diagnostics: () => tail(`${dir}.log`) });
}

beforeAll(() => {
  if (!bin) throw new Error(`PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: ${SETUP_HINT}`);
  if (bin.version !== 15) console.warn(`PostgreSQL ${bin.version} found; the parameters are meant for 15 (the operand image's major)`);
  id = serverIdentity();
  root = mkdtempSync(join(tmpdir(), 'pg-cnpg-it-'));
  chownTree(root, id);
  // The pods' uid has no passwd entry; nss_wrapper names it postgres, as the image does (the only test-host change).
  env = { PATH: `${bin.dir}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: root, LC_ALL: 'C', PGCONNECT_TIMEOUT: '5', ...nssWrapperEnv(root, id) };
});

afterAll(async () => {
  for (const s of servers) {
    if (existsSync(join(s.dir, 'postmaster.pid'))) {
      await run(join(bin!.dir, 'pg_ctl'), ['-D', s.dir, '-m', 'immediate', 'stop'], { env, id, timeoutMs: 30_000 }).catch(() => undefined);
    }
    if (s.child.pid && s.child.exitCode === null && s.child.signalCode === null) {
      try {
        process.kill(-s.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  if (root) {
    killProcessesMentioning(root);
    if (process.env.PG_IT_KEEP !== '1') rmSync(root, { recursive: true, force: true });
  }
}, LONG);

describe('CloudNativePG Cluster parameters on a real PostgreSQL', () => {
  test.each([team, department, enterprise].map((t) => [t.name, t] as const))('the %s tier: every parameter is accepted and applied', async (_, tier) => {
    // GIVEN the tier's Cluster parameters in the server's configuration
    const parameters = clusterParameters(tier);
    const dir = join(root, `params-${tier.name}`);
    mkdirSync(dir);
    chownTree(dir, id);
    await initdb(dir);
    const port = await freePort();
    configure(dir, port, parameters);

    // WHEN the server starts
    start(dir);
    await ready(port, dir);

    // THEN no line of the configuration is rejected, and each parameter comes from the configuration file
    expect(await sql(port, 'SELECT count(*) FROM pg_file_settings WHERE error IS NOT NULL')).toBe('0');
    expect(await sql(port, "SELECT count(*) FROM pg_file_settings WHERE sourcefile LIKE '%/cnpg.conf' AND NOT applied")).toBe('0');
    const names = Object.keys(parameters);
    const fromFile = (await sql(port, `SELECT string_agg(lower(name), ',' ORDER BY lower(name)) FROM pg_settings WHERE source = 'configuration file' AND lower(name) IN (${names.map((n) => `'${n}'`).join(', ')})`)).split(',');
    expect(fromFile).toEqual([...names].sort());
    expect(await sql(port, 'SHOW max_connections')).toBe(parameters.max_connections);
    expect(await sql(port, 'SHOW archive_timeout')).toBe(parameters.archive_timeout === '60s' ? '1min' : '5min');
    await stop(dir);
  }, LONG);
});

describe('point-in-time recovery from a base backup and archived WAL, with the same parameters', () => {
  const archive = () => join(root, 'wal-archive');
  const primaryDir = () => join(root, 'pitr-primary');
  const baseDir = () => join(root, 'pitr-base');
  const restoredDir = () => join(root, 'pitr-restored');
  let primaryPort = 0;
  let target = '';

  test('the primary archives WAL; rows are written before and after the target time', async () => {
    const parameters = clusterParameters(department);
    for (const d of [archive(), primaryDir()]) mkdirSync(d);
    chownTree(root, id);
    await initdb(primaryDir());
    primaryPort = await freePort();
    // The Barman Cloud plugin's part: ship every completed WAL segment to the object store (here, a folder).
    configure(primaryDir(), primaryPort, parameters, { archive_mode: 'on', archive_command: `test ! -f ${archive()}/%f && cp %p ${archive()}/%f` });
    start(primaryDir());
    await ready(primaryPort, primaryDir());

    await sql(primaryPort, "CREATE TABLE orders (id int PRIMARY KEY, phase text NOT NULL); INSERT INTO orders SELECT g, 'before-backup' FROM generate_series(1, 3) g");
    // The scheduled base backup (WAL comes from the archive, as a restore from the object store does).
    const backup = await run(join(bin!.dir, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', baseDir(), '-X', 'none', '-c', 'fast'], { env, id, timeoutMs: LONG });
    expect(backup.code).toBe(0);
    expect(backup.stderr).not.toMatch(/WARNING|ERROR/);

    await sql(primaryPort, "INSERT INTO orders SELECT g, 'before-target' FROM generate_series(4, 6) g");
    // RFC 3339 as the Cluster's recoveryTarget.targetTime takes it (CloudNativePG converts it for PostgreSQL).
    target = await sql(primaryPort, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    await sql(primaryPort, "INSERT INTO orders SELECT g, 'after-target' FROM generate_series(7, 9) g");
    await sql(primaryPort, "UPDATE orders SET phase = 'changed-after-target' WHERE id = 1");

    // Close the segment holding the later rows and wait until the archive has it (what archive_timeout bounds).
    const segment = await sql(primaryPort, 'SELECT pg_walfile_name(pg_switch_wal())');
    await waitFor(`WAL segment ${segment} to be archived`, async () => {
      const last = await sql(primaryPort, 'SELECT coalesce(last_archived_wal, \'\') FROM pg_stat_archiver');
      return last >= segment;
    }, { timeoutMs: WAIT, intervalMs: 200, diagnostics: () => tail(`${primaryDir()}.log`) });
    expect(existsSync(join(archive(), segment))).toBe(true);
    expect(await sql(primaryPort, 'SELECT count(*) FROM orders')).toBe('9');
  }, LONG);

  test('a new server restored to the target time has exactly the rows written before it', async () => {
    expect(target).not.toBe('');
    // The Cluster's bootstrap.recovery: the base backup, then WAL from the archive up to recoveryTarget.targetTime.
    const copy = await run('cp', ['-a', baseDir(), restoredDir()], { env, id, timeoutMs: LONG });
    expect(copy.code).toBe(0);
    const port = await freePort();
    configure(restoredDir(), port, clusterParameters(department), {
      restore_command: `cp ${archive()}/%f %p`,
      // PostgreSQL's own form of the same instant (it rejects the RFC 3339 "T" and "Z").
      recovery_target_time: target.replace('T', ' ').replace(/Z$/, '+00'),
      recovery_target_action: 'promote',
      // A recovered cluster never archives into the archive it recovers from (the construct gives it a new server name).
      archive_mode: 'off',
    });
    writeFileSync(join(restoredDir(), 'recovery.signal'), '');
    chownTree(restoredDir(), id);

    start(restoredDir());
    await waitFor('the restored server to finish recovery and promote', async () => (await sql(port, 'SELECT pg_is_in_recovery()')) === 'f',
      { timeoutMs: WAIT, intervalMs: 200, diagnostics: () => tail(`${restoredDir()}.log`) });

    expect(await sql(port, "SELECT string_agg(id || ':' || phase, ',' ORDER BY id) FROM orders"))
      .toBe('1:before-backup,2:before-backup,3:before-backup,4:before-target,5:before-target,6:before-target');
    expect(readFileSync(`${restoredDir()}.log`, 'utf8')).toMatch(/recovery stopping before commit of transaction/);
    // The restored server is a new timeline: writable, and the old server is untouched.
    await sql(port, "INSERT INTO orders VALUES (10, 'after-restore')");
    expect(await sql(primaryPort, 'SELECT count(*) FROM orders')).toBe('9');
    await stop(restoredDir());
    await stop(primaryDir());
  }, LONG);
});
