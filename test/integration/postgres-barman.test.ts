/**
 * The enterprise tier's distributed topology on real Barman Cloud (Debian's barman-cli-cloud, the tools the Barman
 * Cloud plugin runs), a local S3-compatible server (npm s3rver) and real PostgreSQL 15 with the Clusters' generated
 * parameters. Every bucket, folder, server name and flag comes from the synthesised Cluster and ObjectStores of each
 * region; only the S3 endpoint is the local server's (EKS's Pod Identity and AWS's regional endpoints are not here).
 *
 *   1. us-east-1 (the primary) archives WAL to its own bucket and takes a base backup there;
 *   2. point-in-time recovery from that backup and archive returns exactly the rows committed before the target;
 *   3. eu-west-1 (a replica cluster) restores the base backup from us-east-1's bucket and, fed by the archive only
 *      (restore_command, no streaming), replays rows written after the backup;
 *   4. switchover drill: the tier data switches the primary to eu-west-1 and us-east-1 to generation 2; eu-west-1,
 *      promoted, archives to its own bucket under its own server name; us-east-1, re-cloned from eu-west-1's backup
 *      under its new server name (its old folder is refused as "not empty"), follows it.
 *
 * Why s3rver rather than moto: Debian bookworm has no python3-moto package (only the npm registry and Debian are
 * reachable here and in CI), while s3rver is an npm package that runs in the test's own process; it implements the
 * calls barman-cloud makes through boto3 1.26 (HeadBucket, ListObjectsV2, Put/Get/HeadObject, multipart upload).
 * It checks no signatures and no encryption headers: the bucket policy is proven by the IAM simulator tests instead.
 *
 * Run: npx jest --runInBand --testPathIgnorePatterns=/node_modules/ --testMatch='<rootDir>/test/integration/postgres-barman.test.ts'
 * (needs `bash test/integration/setup/postgres.sh` and `bash test/integration/setup/barman.sh`).
 */
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { App } from 'cdk8s';
import { TierChart, regionalComponentsOf } from '../../lib/chart';
import { deriveTier } from '../../lib/tier';
import type { TierSpec } from '../../lib/tier';
import { enterprise } from '../../tiers';
import type { Manifest } from '../_synth';
import {
  SETUP_HINT, chownTree, findPostgresBin, freePort, killProcessesMentioning, nssWrapperEnv, run, serverIdentity, startDetached, tail, waitFor,
} from './_postgres-harness';

const bin = findPostgresBin();
const BARMAN = '/usr/bin/barman-cloud-wal-archive';
// Each barman-cloud call starts a Python with boto3 (about 2 s here on a loaded machine): a WAL file costs seconds.
const LONG = 600_000;
const WAIT = 240_000;
let id: { uid?: number; gid?: number } = {};
let root = '';
let env: NodeJS.ProcessEnv = {};
let s3: S3rver | undefined;
let endpoint = '';
const servers: { dir: string; child: ChildProcess }[] = [];
/** Figures for the report: printed at the end. */
const figures: Record<string, number | string> = {};

/** The Cluster and ObjectStores of one region of a tier, as synthesised into `regions/<region>/postgres.yaml`. */
function regionObjects(tier: TierSpec, region: string): { cluster: Manifest; stores: Record<string, Manifest> } {
  const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, tier);
  const component = regionalComponentsOf(chart).find((c) => c.region === region && c.name === 'postgres');
  if (!component) throw new Error(`no postgres component in ${region}`);
  const objects = component.chart.toJson() as Manifest[];
  return {
    cluster: objects.find((o) => o.kind === 'Cluster')!,
    stores: Object.fromEntries(objects.filter((o) => o.kind === 'ObjectStore').map((o) => [o.metadata.name, o])),
  };
}

/** Where a Cluster's plugin entry (its archiver, or an external cluster's) points: the store's folder and the server name. */
interface Archive { readonly destinationPath: string; readonly serverName: string; readonly store: Manifest }
function archiveOf(objects: ReturnType<typeof regionObjects>, plugin: { parameters: { barmanObjectName: string; serverName: string } }): Archive {
  const store = objects.stores[plugin.parameters.barmanObjectName];
  if (!store) throw new Error(`no ObjectStore ${plugin.parameters.barmanObjectName}`);
  return { destinationPath: store.spec.configuration.destinationPath, serverName: plugin.parameters.serverName, store };
}
const ownArchive = (o: ReturnType<typeof regionObjects>) => archiveOf(o, o.cluster.spec.plugins[0]);
const externalArchive = (o: ReturnType<typeof regionObjects>, name: string) => archiveOf(o, o.cluster.spec.externalClusters.find((e: Manifest) => e.name === name).plugin);

/**
 * barman-cloud's flags for an ObjectStore's settings, as the plugin passes them: gzip compression (`--gzip`), the
 * encryption (`-e`, only when set: without it S3 applies the bucket's default SSE-KMS key) and the base backup's jobs.
 */
function flags(store: Manifest, part: 'wal' | 'data'): string[] {
  const c = store.spec.configuration[part] ?? {};
  const out: string[] = [];
  if (c.compression) out.push(`--${c.compression}`);
  if (c.encryption) out.push('-e', c.encryption);
  if (part === 'data' && c.jobs) out.push('-J', String(c.jobs));
  return [...out, ...(part === 'wal' ? c.archiveAdditionalCommandArgs ?? [] : c.additionalCommandArgs ?? [])];
}
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const archiveCommand = (a: Archive) => ['barman-cloud-wal-archive', '--endpoint-url', endpoint, ...flags(a.store, 'wal'), a.destinationPath, a.serverName, '%p'].map((x) => (x.startsWith('%') ? x : q(x))).join(' ');
const restoreCommand = (a: Archive) => ['barman-cloud-wal-restore', '--endpoint-url', endpoint, a.destinationPath, a.serverName, '%f', '%p'].map((x) => (x.startsWith('%') ? x : q(x))).join(' ');

async function barman(tool: string, args: string[]): Promise<string> {
  const r = await run(`/usr/bin/${tool}`, ['--endpoint-url', endpoint, ...args], { env, id, timeoutMs: LONG });
  if (r.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** The WAL files (not history or backup labels) of an archive folder in the local server's store. */
function walFiles(a: Archive): string[] {
  const [, bucket, ...path] = a.destinationPath.replace(/\/$/, '').split('/').filter(Boolean);
  const dir = join(root, 's3', bucket, ...path, a.serverName, 'wals');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => /^[0-9A-F]{24}(\.partial)?\.gz\._S3rver_object$/.test(f.split('/').pop()!));
}

function confLines(parameters: Record<string, string>): string {
  return Object.entries(parameters).map(([k, v]) => `${k} = '${v.replace(/'/g, "''")}'`).join('\n') + '\n';
}

function configure(dir: string, port: number, parameters: Record<string, string>, extra: Record<string, string>): void {
  writeFileSync(join(dir, 'cnpg.conf'), confLines(parameters));
  writeFileSync(join(dir, 'local.conf'), confLines({ port: String(port), listen_addresses: '127.0.0.1', unix_socket_directories: '', ...extra }));
  const conf = join(dir, 'postgresql.conf');
  if (!readFileSync(conf, 'utf8').includes("include 'cnpg.conf'")) appendFileSync(conf, "\ninclude 'cnpg.conf'\ninclude 'local.conf'\n");
  chownTree(dir, id);
}

function start(dir: string): void {
  servers.push({ dir, child: startDetached(join(bin!.dir, 'postgres'), ['-D', dir], { env, id, logFile: `${dir}.log` }) });
}

async function stop(dir: string): Promise<void> {
  const r = await run(join(bin!.dir, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', '-t', '120', 'stop'], { env, id, timeoutMs: LONG });
  if (r.code !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr}\n${tail(`${dir}.log`)}`);
}

async function sql(port: number, query: string): Promise<string> {
  const r = await run(join(bin!.dir, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', query], { env, id, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`psql failed (${query}): ${r.stderr}`);
  return r.stdout.trim();
}

async function until(what: string, dir: string, check: () => Promise<boolean>): Promise<void> {
  await waitFor(what, async () => check().catch(() => false), { timeoutMs: WAIT, intervalMs: 250, diagnostics: () => tail(`${dir}.log`) });
}

/** Switches to a new WAL segment and waits until the archiver has shipped it. */
async function archiveNow(port: number, dir: string): Promise<string> {
  const segment = await sql(port, 'SELECT pg_walfile_name(pg_switch_wal())');
  await until(`WAL segment ${segment} to be archived`, dir, async () => (await sql(port, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")) >= segment);
  return segment;
}

/** A server restored with barman-cloud-restore from an archive's latest base backup, set up to replay that archive. */
async function restore(dir: string, from: Archive, port: number, parameters: Record<string, string>, extra: Record<string, string>, signal: 'recovery' | 'standby'): Promise<void> {
  // barman-cloud-restore 3.4 takes a backup id (no 'latest'): the newest of the archive's list, as the plugin picks it.
  const list = JSON.parse(await barman('barman-cloud-backup-list', ['--format', 'json', from.destinationPath, from.serverName])) as { backups_list: { backup_id: string }[] };
  const newest = list.backups_list.map((b) => b.backup_id).sort().pop();
  if (!newest) throw new Error(`no base backup in ${from.destinationPath}${from.serverName}`);
  await barman('barman-cloud-restore', [from.destinationPath, from.serverName, newest, dir]);
  configure(dir, port, parameters, { restore_command: restoreCommand(from), ...extra });
  writeFileSync(join(dir, `${signal}.signal`), '');
  chownTree(dir, id);
}

const rows = (port: number) => sql(port, "SELECT coalesce(string_agg(id || ':' || phase, ',' ORDER BY id), '') FROM orders");

const switched: TierSpec = deriveTier(enterprise, { postgres: { primaryRegion: 'eu-west-1', generations: { 'us-east-1': 2 } } });
const before = { use1: regionObjects(enterprise, 'us-east-1'), euw1: regionObjects(enterprise, 'eu-west-1') };
const after = { use1: regionObjects(switched, 'us-east-1'), euw1: regionObjects(switched, 'eu-west-1') };
const parameters = (o: ReturnType<typeof regionObjects>) => o.cluster.spec.postgresql.parameters as Record<string, string>;

beforeAll(async () => {
  if (!bin) throw new Error(`PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: ${SETUP_HINT}`);
  if (!existsSync(BARMAN)) throw new Error(`barman-cloud-wal-archive not found: run \`bash test/integration/setup/barman.sh\``);
  id = serverIdentity();
  root = mkdtempSync(join(tmpdir(), 'pg-barman-it-'));
  mkdirSync(join(root, 's3'));
  chownTree(root, id);
  const buckets = [...new Set(Object.values({ ...before.use1.stores, ...before.euw1.stores }).map((s) => s.spec.configuration.destinationPath.split('/')[2] as string))];
  s3 = new S3rver({ address: '127.0.0.1', port: await freePort(), silent: true, directory: join(root, 's3'), configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
  env = {
    PATH: `${bin.dir}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: root, LC_ALL: 'C', PGCONNECT_TIMEOUT: '5', ...nssWrapperEnv(root, id),
    // What Pod Identity gives the plugin's sidecar on EKS; s3rver accepts any signature from these.
    AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1',
  };
}, LONG);

afterAll(async () => {
  for (const s of servers) {
    if (existsSync(join(s.dir, 'postmaster.pid'))) await run(join(bin!.dir, 'pg_ctl'), ['-D', s.dir, '-m', 'immediate', 'stop'], { env, id, timeoutMs: 30_000 }).catch(() => undefined);
  }
  s3?.httpServer?.closeAllConnections();
  await s3?.close();
  if (root) {
    killProcessesMentioning(root);
    if (process.env.PG_IT_KEEP !== '1') rmSync(root, { recursive: true, force: true });
  }
  console.log(`Barman Cloud figures: ${JSON.stringify(figures)}`);
}, LONG);

describe('the enterprise topology on real Barman Cloud, an S3-compatible server and PostgreSQL 15', () => {
  const dirs = { primary: () => join(root, 'use1'), pitr: () => join(root, 'pitr'), standby: () => join(root, 'euw1'), reclone: () => join(root, 'use1-g2') };
  const ports = { primary: 0, standby: 0, reclone: 0 };
  let target = '';

  test('the tier data: each member archives to its own bucket; the others read it there; the switch changes server names', () => {
    expect(ownArchive(before.use1)).toMatchObject({ destinationPath: 's3://scaling-tiers-enterprise-pg-backups-use1/enterprise/postgres/', serverName: 'postgres-us-east-1' });
    expect(ownArchive(before.euw1)).toMatchObject({ destinationPath: 's3://scaling-tiers-enterprise-pg-backups-euw1/enterprise/postgres/', serverName: 'postgres-eu-west-1' });
    expect(externalArchive(before.euw1, 'postgres-us-east-1')).toMatchObject({ destinationPath: ownArchive(before.use1).destinationPath, serverName: 'postgres-us-east-1' });
    expect(after.use1.cluster.spec.replica).toMatchObject({ primary: 'postgres-eu-west-1', source: 'postgres-eu-west-1' });
    expect(ownArchive(after.use1).serverName).toBe('postgres-us-east-1-g2');
    expect(after.use1.cluster.spec.bootstrap.recovery.source).toBe('postgres-eu-west-1');
    expect(externalArchive(after.use1, 'postgres-eu-west-1')).toMatchObject({ destinationPath: ownArchive(before.euw1).destinationPath, serverName: 'postgres-eu-west-1' });
  });

  test('us-east-1 archives WAL with barman-cloud-wal-archive and takes a base backup with barman-cloud-backup', async () => {
    const started = Date.now();
    const dir = dirs.primary();
    const r = await run(join(bin!.dir, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '--data-checksums', '-E', 'UTF8', '--locale=C'], { env, id, timeoutMs: LONG });
    expect(r.code).toBe(0);
    ports.primary = await freePort();
    // Archiving first checks the folder is empty, as the plugin does before a new cluster archives.
    await barman('barman-cloud-check-wal-archive', [ownArchive(before.use1).destinationPath, ownArchive(before.use1).serverName]);
    configure(dir, ports.primary, parameters(before.use1), { archive_mode: 'on', archive_command: archiveCommand(ownArchive(before.use1)) });
    start(dir);
    await until('us-east-1 to accept connections', dir, async () => (await sql(ports.primary, 'SELECT 1')) === '1');

    await sql(ports.primary, "CREATE TABLE orders (id int PRIMARY KEY, phase text NOT NULL); INSERT INTO orders SELECT g, 'before-backup' FROM generate_series(1, 100) g");
    await archiveNow(ports.primary, dir);
    const a = ownArchive(before.use1);
    await barman('barman-cloud-backup', [...flags(a.store, 'data'), '-h', '127.0.0.1', '-p', String(ports.primary), '-U', 'postgres', '-d', 'postgres', a.destinationPath, a.serverName]);
    const list = await barman('barman-cloud-backup-list', ['--format', 'json', a.destinationPath, a.serverName]);
    expect(JSON.parse(list).backups_list).toHaveLength(1);

    await sql(ports.primary, "INSERT INTO orders SELECT g, 'before-target' FROM generate_series(101, 200) g");
    target = await sql(ports.primary, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00')");
    await sql(ports.primary, "INSERT INTO orders SELECT g, 'after-target' FROM generate_series(201, 300) g");
    await archiveNow(ports.primary, dir);
    expect(walFiles(a).length).toBeGreaterThanOrEqual(3);
    figures.primaryRows = Number(await sql(ports.primary, 'SELECT count(*) FROM orders'));
    figures.primaryWalFiles = walFiles(a).length;
    figures.archiveAndBackupSeconds = (Date.now() - started) / 1000;
  }, LONG);

  test('point-in-time recovery from the bucket returns exactly the rows committed before the target', async () => {
    expect(target).not.toBe('');
    const started = Date.now();
    const port = await freePort();
    await restore(dirs.pitr(), ownArchive(before.use1), port, parameters(before.use1), { recovery_target_time: target, recovery_target_action: 'promote', archive_mode: 'off' }, 'recovery');
    start(dirs.pitr());
    await until('the restored server to reach the target and promote', dirs.pitr(), async () => (await sql(port, 'SELECT pg_is_in_recovery()')) === 'f');
    expect(await sql(port, "SELECT phase || ':' || count(*) FROM orders GROUP BY phase ORDER BY phase")).toBe('before-backup:100\nbefore-target:100');
    expect(readFileSync(`${dirs.pitr()}.log`, 'utf8')).toMatch(/recovery stopping before commit of transaction/);
    figures.pitrRows = Number(await sql(port, 'SELECT count(*) FROM orders'));
    figures.pitrSeconds = (Date.now() - started) / 1000;
    await stop(dirs.pitr());
  }, LONG);

  test('eu-west-1, a replica cluster fed by us-east-1\'s archive only, replays rows written after the backup', async () => {
    const started = Date.now();
    ports.standby = await freePort();
    const source = externalArchive(before.euw1, before.euw1.cluster.spec.replica.source);
    // Archiving is set to eu-west-1's own folder from the start: a standby archives nothing until it is promoted.
    await restore(dirs.standby(), source, ports.standby, parameters(before.euw1), { archive_mode: 'on', archive_command: archiveCommand(ownArchive(before.euw1)), hot_standby: 'on', recovery_target_timeline: 'latest' }, 'standby');
    start(dirs.standby());
    await until('eu-west-1 to replay the archive', dirs.standby(), async () => (await sql(ports.standby, 'SELECT count(*) FROM orders')) === '300');
    expect(await sql(ports.standby, 'SELECT pg_is_in_recovery(), (SELECT count(*) FROM pg_stat_wal_receiver)')).toBe('t|0');

    await sql(ports.primary, "INSERT INTO orders SELECT g, 'after-standby' FROM generate_series(301, 400) g");
    await archiveNow(ports.primary, dirs.primary());
    await until('eu-west-1 to replay rows written after it started', dirs.standby(), async () => (await sql(ports.standby, 'SELECT count(*) FROM orders')) === '400');
    figures.standbyRows = 400;
    figures.standbySeconds = (Date.now() - started) / 1000;
  }, LONG);

  test('switchover drill: eu-west-1 promoted archives to its own folder; us-east-1 re-cloned under generation 2 follows it', async () => {
    const started = Date.now();
    // Demotion: the last WAL of us-east-1 reaches its archive, then it stops (CloudNativePG archives a .partial).
    await sql(ports.primary, "INSERT INTO orders VALUES (401, 'last-on-us-east-1')");
    await archiveNow(ports.primary, dirs.primary());
    await stop(dirs.primary());
    await until('eu-west-1 to replay the last row of us-east-1', dirs.standby(), async () => (await sql(ports.standby, 'SELECT count(*) FROM orders')) === '401');

    // Promotion (primaryRegion: eu-west-1): a new timeline, archived to eu-west-1's own bucket and folder.
    const promote = await run(join(bin!.dir, 'pg_ctl'), ['-D', dirs.standby(), '-w', '-t', '120', 'promote'], { env, id, timeoutMs: LONG });
    expect(promote.code).toBe(0);
    await until('eu-west-1 to accept writes', dirs.standby(), async () => (await sql(ports.standby, 'SELECT pg_is_in_recovery()')) === 'f');
    const own = ownArchive(after.euw1);
    expect(own).toMatchObject({ destinationPath: ownArchive(before.euw1).destinationPath, serverName: 'postgres-eu-west-1' });
    await sql(ports.standby, "INSERT INTO orders SELECT g, 'on-eu-west-1' FROM generate_series(402, 500) g");
    await archiveNow(ports.standby, dirs.standby());
    expect(walFiles(own).length).toBeGreaterThanOrEqual(1);
    await barman('barman-cloud-backup', [...flags(own.store, 'data'), '-h', '127.0.0.1', '-p', String(ports.standby), '-U', 'postgres', '-d', 'postgres', own.destinationPath, own.serverName]);

    // The old folder holds WAL: Barman refuses to archive a new cluster there; generation 2's folder is empty.
    const old = ownArchive(before.use1);
    const refused = await run('/usr/bin/barman-cloud-check-wal-archive', ['--endpoint-url', endpoint, old.destinationPath, old.serverName], { env, id, timeoutMs: LONG });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Expected empty archive/);
    const fresh = ownArchive(after.use1);
    await barman('barman-cloud-check-wal-archive', [fresh.destinationPath, fresh.serverName]);

    // Re-clone us-east-1 from eu-west-1's backup (its Cluster's bootstrap.recovery.source), replaying eu-west-1's archive.
    ports.reclone = await freePort();
    const source = externalArchive(after.use1, after.use1.cluster.spec.replica.source);
    await restore(dirs.reclone(), source, ports.reclone, parameters(after.use1), { archive_mode: 'on', archive_command: archiveCommand(fresh), hot_standby: 'on', recovery_target_timeline: 'latest' }, 'standby');
    start(dirs.reclone());
    await until('the re-cloned us-east-1 to replay eu-west-1', dirs.reclone(), async () => (await sql(ports.reclone, 'SELECT count(*) FROM orders')) === '500');
    await sql(ports.standby, "INSERT INTO orders SELECT g, 'after-reclone' FROM generate_series(501, 600) g");
    await archiveNow(ports.standby, dirs.standby());
    await until('the re-cloned us-east-1 to follow eu-west-1', dirs.reclone(), async () => (await sql(ports.reclone, 'SELECT count(*) FROM orders')) === '600');
    expect(await sql(ports.reclone, 'SELECT pg_is_in_recovery()')).toBe('t');
    expect(await rows(ports.reclone)).toBe(await rows(ports.standby));
    figures.switchoverRows = 600;
    figures.euWest1WalFiles = walFiles(own).length;
    figures.switchoverSeconds = (Date.now() - started) / 1000;
  }, LONG);
});
