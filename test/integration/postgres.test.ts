/**
 * The generated PostgreSQL configuration and scripts on real PostgreSQL servers, on loopback: a primary and two hot
 * standbys with synchronous replication ANY 1, PgBouncer in front of the primary, then a failover.
 *
 * Every server runs the generated postgresql.conf, pg_hba.conf and scripts unchanged, except for what cannot be
 * the same on one machine: hosts (127.0.0.1 instead of the read-write Service), ports and directories (data,
 * config, socket, secrets, runtime), passed as props. As in the pod, servers and PgBouncer run as uid/gid 10001,
 * which /etc/passwd does not know (when the test runs as root; otherwise as the postgres user): the start script
 * names it `postgres` through nss_wrapper, which initdb and peer authentication need. The servers read their
 * passwords only from files: the test writes them (random by default, with characters that need escaping; or
 * PG_TEST_REPLICATION_PASSWORD, PG_TEST_APP_PASSWORD, PG_TEST_POOLER_PASSWORD) into a temporary secrets directory,
 * mode 0400 and owned by the server uid (in a pod the kubelet mounts them read-only, root:fsGroup). Nothing the
 * servers run gets a password in its environment. The test's own psql clients play the application and pass their
 * password in PGPASSWORD; every application connection uses scram-sha-256 over TCP, as in a cluster.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgbouncerIni, pgbouncerStartScript, PGBOUNCER_FILES } from '../../lib/postgres/pgbouncer';
import { POSTGRES_PORT, SOCKET_DIR, serverContainer } from '../../lib/postgres/statefulset/_postgres-server';
import { postgresConfigFiles } from '../../lib/postgres/postgres-conf';
import {
  POSTGRES_FILES,
  POSTGRES_SECRET_FILES,
  type PostgresConfigProps,
  type PostgresRole,
} from '../../lib/postgres/postgres-props';
import {
  chownTree,
  findPgBouncer,
  findPostgresBin,
  freePort,
  killProcessesMentioning,
  parseLsn,
  run,
  serverIdentity,
  SETUP_HINT,
  startDetached,
  tail,
  waitFor,
  waitForExit,
  writeFiles,
  type RunResult,
} from './_postgres-harness';

const password = (name: string): string =>
  process.env[name] ?? `p:w\\'"d ${randomBytes(12).toString('base64url')}`;
const REPLICATION_PASSWORD = password('PG_TEST_REPLICATION_PASSWORD');
const APP_PASSWORD = password('PG_TEST_APP_PASSWORD');
const POOLER_PASSWORD = password('PG_TEST_POOLER_PASSWORD');

/** The enterprise-tier shape, with 2 replicas to keep the machine load reasonable. */
const CLUSTER: PostgresConfigProps = {
  replicas: 2,
  synchronous: { number: 1, method: 'ANY' },
  replicationPassword: { secretName: 'postgres', key: 'replication' },
  appPassword: { secretName: 'postgres', key: 'app' },
  poolerAuthPassword: { secretName: 'postgres', key: 'pooler' },
};

const bin = findPostgresBin();
const pgbouncerBinary = findPgBouncer();
const LONG = 180_000;

interface Node {
  readonly name: string;
  readonly role: PostgresRole;
  readonly ordinal: number;
  readonly dir: string;
  readonly port: number;
  readonly log: string;
  child?: ChildProcess;
}

let root = '';
let id: { uid?: number; gid?: number } = {};
let env: NodeJS.ProcessEnv = {};
const nodes: Node[] = [];
let bouncer: { port: number; dir: string; log: string; child?: ChildProcess } | undefined;

const dataDir = (n: Node): string => join(n.dir, 'data', 'pgdata');
const confDir = (n: Node): string => join(n.dir, 'conf');
const socketDir = (n: Node): string => join(n.dir, 'run');
const runtimeDir = (n: Node): string => join(n.dir, 'tmp');
const secretsDir = (): string => join(root, 'secrets');

/** The props of one server: the cluster's, with only hosts, ports and directories changed for loopback. */
function propsOf(n: Node, upstream: Node): PostgresConfigProps {
  return {
    ...CLUSTER,
    port: n.port,
    primaryHost: '127.0.0.1',
    primaryPort: upstream.port,
    dataDirectory: dataDir(n),
    configDirectory: confDir(n),
    socketDirectory: socketDir(n),
    secretsDirectory: secretsDir(),
    runtimeDirectory: runtimeDir(n),
  };
}

/** Writes password files as the kubelet mounts a Secret key: the password alone, mode 0400, readable by the server. */
function writeSecretFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [name, value] of Object.entries(files)) {
    writeFileSync(join(dir, name), `${value}\n`, { mode: 0o400 });
    if (id.uid !== undefined && id.gid !== undefined) chownSync(join(dir, name), id.uid, id.gid);
  }
  if (id.uid !== undefined && id.gid !== undefined) chownSync(dir, id.uid, id.gid);
}

/** The pids of the processes whose command line mentions the test's temporary directory. */
function ourProcesses(): number[] {
  return readdirSync('/proc').filter((e) => /^[0-9]+$/.test(e) && Number(e) !== process.pid).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(root);
    } catch {
      return false;
    }
  });
}

/** Writes the generated files of `n` (streaming from `upstream`) and runs its start script. */
function start(n: Node, upstream: Node): void {
  writeFiles(confDir(n), postgresConfigFiles(propsOf(n, upstream)));
  mkdirSync(socketDir(n), { recursive: true });
  chownTree(n.dir, id);
  const script = n.role === 'primary' ? POSTGRES_FILES.primaryStart : POSTGRES_FILES.replicaStart;
  n.child = startDetached('sh', [join(confDir(n), script)], {
    env: { ...env, PG_ORDINAL: String(n.ordinal) },
    id,
    logFile: n.log,
  });
}

function diagnostics(): string {
  return [...nodes.map((n) => tail(n.log)), ...(bouncer ? [tail(bouncer.log)] : [])].join('\n');
}

/** psql as the superuser through the server's socket (peer authentication); throws on error. */
async function admin(n: Node, sql: string, db = 'postgres'): Promise<string> {
  const r = await run(join(bin!.dir, 'psql'),
    ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', socketDir(n), '-p', String(n.port), '-U', 'postgres',
      '-d', db, '-c', sql], { env, id, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`psql on ${n.name} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** psql over TCP to 127.0.0.1 with scram-sha-256, as the application (or another role); never throws. */
function client(port: number, sql: string, user = 'app', pass = APP_PASSWORD, timeoutMs = 30_000): Promise<RunResult> {
  return run(join(bin!.dir, 'psql'),
    ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d',
      `host=127.0.0.1 port=${port} user=${user} dbname=app sslmode=disable connect_timeout=5`, '-c', sql],
    { env: { ...env, PGPASSWORD: pass }, id, timeoutMs });
}

async function clientOk(port: number, sql: string): Promise<string> {
  const r = await client(port, sql);
  if (r.code !== 0) throw new Error(`psql to port ${port} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

async function stop(n: Node, mode: 'fast' | 'immediate'): Promise<void> {
  await run(join(bin!.dir, 'pg_ctl'), ['-D', dataDir(n), '-m', mode, '-w', '-t', '60', 'stop'], { env, id, timeoutMs: 90_000 })
    .catch(() => undefined);
  expect(await waitForExit(n.child, 60_000)).toBe(true);
}

async function replication(n: Node): Promise<string[]> {
  const out = await admin(n, "SELECT application_name || ' ' || state || ' ' || sync_state FROM pg_stat_replication "
    + "WHERE application_name NOT LIKE '%probe' ORDER BY 1");
  return out === '' ? [] : out.split('\n');
}

const acknowledged = new Set<number>();

async function ids(port: number): Promise<Set<number>> {
  const out = await clientOk(port, 'SELECT id FROM items ORDER BY id');
  return new Set(out === '' ? [] : out.split('\n').map(Number));
}

function missing(have: Set<number>): number[] {
  return [...acknowledged].filter((i) => !have.has(i));
}

describe('PostgreSQL primary + 2 hot standbys (synchronous ANY 1) from the generated config', () => {
  const [primary, replica0, replica1] = ['primary', 'replica0', 'replica1'].map((name, i): Node => ({
    name,
    role: i === 0 ? 'primary' : 'replica',
    ordinal: i === 0 ? 0 : i - 1,
    dir: '',
    port: 0,
    log: '',
  }));
  let promoted: Node;
  let other: Node;

  beforeAll(async () => {
    if (!bin) throw new Error(`PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: ${SETUP_HINT}`);
    id = serverIdentity();
    root = mkdtempSync(join(tmpdir(), 'pg-it-'));
    for (const n of [primary, replica0, replica1]) {
      Object.assign(n, { dir: join(root, n.name), port: await freePort(), log: join(root, `${n.name}.log`) });
      mkdirSync(n.dir, { recursive: true });
      nodes.push(n);
    }
    chownTree(root, id);
    writeSecretFiles(secretsDir(), {
      [POSTGRES_SECRET_FILES.replication]: REPLICATION_PASSWORD,
      [POSTGRES_SECRET_FILES.app]: APP_PASSWORD,
      [POSTGRES_SECRET_FILES.poolerAuth]: POOLER_PASSWORD,
    });
    // No password in the environment of anything the servers or PgBouncer run.
    env = { PATH: `${bin.dir}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: root, LC_ALL: 'C' };
  });

  afterAll(async () => {
    for (const n of nodes) {
      for (const d of [dataDir(n), `${dataDir(n)}.new`]) {
        if (existsSync(join(d, 'postmaster.pid'))) {
          await run(join(bin!.dir, 'pg_ctl'), ['-D', d, '-m', 'immediate', 'stop'], { env, id, timeoutMs: 30_000 })
            .catch(() => undefined);
        }
      }
    }
    for (const child of [...nodes.map((n) => n.child), bouncer?.child]) {
      if (child?.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (root) {
      killProcessesMentioning(root);
      if (process.env.PG_IT_KEEP !== '1') rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  test('the primary initialises itself and the replicas bootstrap and stream from it', async () => {
    start(primary, primary);
    await waitFor('the primary to accept the application over TCP', async () => (await client(primary.port, 'SELECT 1')).code === 0,
      { timeoutMs: LONG, intervalMs: 200, diagnostics });
    expect(readFileSync(primary.log, 'utf8')).toContain('initialising a new cluster');
    if (id.uid !== undefined) expect(readFileSync(primary.log, 'utf8')).toContain(`uid ${id.uid} has no passwd entry named postgres`);
    // The passfile lives in the runtime directory, mode 0600; no copy on the data volume.
    expect(statSync(join(runtimeDir(primary), 'pgpass')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(primary.dir, 'data', '.pgpass'))).toBe(false);

    start(replica0, primary);
    start(replica1, primary);
    // ANY 1 (replica_0, replica_1): both are quorum candidates once they have reported a flush position.
    const expected = ['replica_0 streaming quorum', 'replica_1 streaming quorum'];
    await waitFor('both replicas to stream as quorum candidates', async () =>
      JSON.stringify(await replication(primary)) === JSON.stringify(expected),
    { timeoutMs: LONG, intervalMs: 200, diagnostics });
    expect(await admin(primary, 'SHOW synchronous_standby_names')).toBe('ANY 1 (replica_0, replica_1)');
    expect(await admin(primary, "SELECT string_agg(slot_name || ':' || active, ',' ORDER BY slot_name) FROM pg_replication_slots"))
      .toBe('replica_0:true,replica_1:true');
    for (const r of [replica0, replica1]) expect(await admin(r, 'SELECT pg_is_in_recovery()')).toBe('t');
  }, LONG);

  test('the pods\' probes pass as the server uid, without nss_wrapper in their environment (as kubelet execs them)', async () => {
    const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    for (const n of [primary, replica0]) {
      const c = serverContainer(n.role, 'postgres', resources);
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
        const command = probe!.exec!.command!.map((a) => a.split(SOCKET_DIR).join(socketDir(n)).split(String(POSTGRES_PORT)).join(String(n.port)));
        const [cmd, ...args] = command;
        const result = await run(cmd, args, { env, id, timeoutMs: 30_000 });
        expect({ command: command.join(' '), ...result }).toMatchObject({ code: 0 });
      }
    }
  }, LONG);

  test('a restarted replica keeps its data and streams again without a new base backup', async () => {
    const systemBefore = await admin(replica0, 'SELECT system_identifier FROM pg_control_system()');
    await stop(replica0, 'fast');
    start(replica0, primary);
    await waitFor('replica_0 to stream again', async () =>
      (await replication(primary)).includes('replica_0 streaming quorum'),
    { timeoutMs: LONG, intervalMs: 200, diagnostics });
    const log = readFileSync(replica0.log, 'utf8');
    expect(log.match(/bootstrapping from/g)).toHaveLength(1);
    expect(log.match(/starting as standby replica_0/g)).toHaveLength(2);
    expect(await admin(replica0, 'SELECT system_identifier FROM pg_control_system()')).toBe(systemBefore);
  }, LONG);

  test('pg_hba.conf: scram over TCP for the application; the superuser and wrong passwords are refused', async () => {
    expect(await admin(primary, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'app'")).toBe('t');
    const superuser = await client(primary.port, 'SELECT 1', 'postgres', APP_PASSWORD);
    expect(superuser.code).not.toBe(0);
    expect(superuser.stderr).toContain('pg_hba.conf rejects connection');
    const wrong = await client(primary.port, 'SELECT 1', 'app', 'not the password');
    expect(wrong.stderr).toContain('password authentication failed');
    const replicationToApp = await client(primary.port, 'SELECT 1', 'replicator', REPLICATION_PASSWORD);
    expect(replicationToApp.stderr).toContain('pg_hba.conf rejects connection');
  }, LONG);

  test('rows written on the primary are replayed on both replicas within 5 s', async () => {
    await clientOk(primary.port, 'CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL)');
    const t0 = Date.now();
    await clientOk(primary.port, "INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 100) g");
    for (let i = 1; i <= 100; i++) acknowledged.add(i);
    for (const r of [replica0, replica1]) {
      await waitFor(`${r.name} to replay 100 rows`, async () => (await clientOk(r.port, 'SELECT count(*) FROM items')) === '100',
        { timeoutMs: 5000, intervalMs: 50, diagnostics });
    }
    expect(Date.now() - t0).toBeLessThan(5000);
  }, LONG);

  test('a replica refuses writes', async () => {
    for (const r of [replica0, replica1]) {
      const write = await client(r.port, "INSERT INTO items VALUES (-1, 'must fail')");
      expect(write.code).not.toBe(0);
      expect(write.stderr).toContain('cannot execute INSERT in a read-only transaction');
    }
  }, LONG);

  test('synchronous ANY 1: every acknowledged commit is already on at least one replica\'s disk at the ack', async () => {
    await admin(primary, 'CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    const from = await admin(primary, 'SELECT pg_current_wal_insert_lsn()');
    for (let i = 1; i <= 20; i++) {
      const xid = await clientOk(primary.port, `INSERT INTO items VALUES (${1000 + i}, 'sync') RETURNING pg_current_xact_id()`);
      // The ack has just arrived: read how far each replica has flushed WAL, before anything else happens.
      const flushed = await Promise.all([replica0, replica1].map((r) => admin(r, 'SELECT pg_last_wal_receive_lsn()')));
      acknowledged.add(1000 + i);
      const commitEnd = await admin(primary, `SELECT end_lsn FROM pg_get_wal_records_info('${from}', pg_current_wal_flush_lsn()) `
        + `WHERE resource_manager = 'Transaction' AND record_type = 'COMMIT' AND xid = '${BigInt(xid) % 2n ** 32n}'::xid`);
      expect(commitEnd).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      const best = flushed.map(parseLsn).reduce((a, b) => (a > b ? a : b));
      expect(best >= parseLsn(commitEnd)).toBe(true);
    }
  }, LONG);

  (pgbouncerBinary ? test : test.skip)('PgBouncer: scram clients reach the primary; superusers and the replication role cannot log in', async () => {
    const dir = join(root, 'pgbouncer');
    bouncer = { port: await freePort(), dir, log: join(root, 'pgbouncer.log') };
    const props = {
      targetHost: '127.0.0.1',
      targetPort: primary.port,
      listenAddress: '127.0.0.1',
      listenPort: bouncer.port,
      authPassword: { secretName: 'postgres', key: 'pooler' },
      configDirectory: join(dir, 'conf'),
      secretsDirectory: join(dir, 'secrets'),
      runtimeDirectory: join(dir, 'run'),
    };
    writeFiles(join(dir, 'conf'), { [PGBOUNCER_FILES.ini]: pgbouncerIni(props), [PGBOUNCER_FILES.start]: pgbouncerStartScript(props) });
    chownTree(dir, id);
    // Only the lookup role's password, as its own Secret volume would hold it.
    writeSecretFiles(join(dir, 'secrets'), { [POSTGRES_SECRET_FILES.poolerAuth]: POOLER_PASSWORD });
    bouncer.child = startDetached('sh', [join(dir, 'conf', PGBOUNCER_FILES.start)], { env, id, logFile: bouncer.log });
    const port = bouncer.port;
    const answer = await waitFor('PgBouncer to pass a query to the primary', async () => {
      const r = await client(port, 'SELECT inet_server_port(), pg_is_in_recovery()');
      return r.code === 0 ? r.stdout.trim() : undefined;
    }, { timeoutMs: LONG, intervalMs: 200, diagnostics });
    expect(answer).toBe(`${primary.port}|f`);
    await expect(clientOk(port, "INSERT INTO items VALUES (5000, 'through pgbouncer')")).resolves.toBe('');
    acknowledged.add(5000);
    // The lookup function never returns the replication role (nor superusers): PgBouncer does not know them.
    const replicator = await client(port, 'SELECT 1', 'replicator', REPLICATION_PASSWORD);
    expect(replicator.code).not.toBe(0);
    expect(replicator.stderr).toMatch(/no such user|authentication failed/);
    const wrong = await client(port, 'SELECT 1', 'app', 'not the password');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/authentication failed/);
    expect(statSync(join(dir, 'run', 'userlist.txt')).mode & 0o777).toBe(0o600);
  }, LONG);

  test('no server, script or pooler process has a password in its environment or command line', () => {
    const pids = ourProcesses();
    // The primary, two standbys, their walsenders and walreceivers, and PgBouncer when installed.
    expect(pids.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    for (const pid of pids) {
      let environ: string;
      let cmdline: string;
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      seen.push(cmdline.split('\0')[0]);
      for (const secret of [REPLICATION_PASSWORD, APP_PASSWORD, POOLER_PASSWORD]) {
        expect(environ.includes(secret)).toBe(false);
        expect(cmdline.includes(secret)).toBe(false);
      }
      expect(environ).not.toMatch(/(^|\0)(PGPASSWORD|POSTGRES_PASSWORD|PG_[A-Z_]*PASSWORD)=/);
    }
    expect(seen.some((c) => /postgres/.test(c))).toBe(true);
  }, LONG);

  test('failover: the most advanced replica is promoted with every acknowledged row', async () => {
    await stop(primary, 'immediate');
    const lsns = await Promise.all([replica0, replica1].map(async (r) => parseLsn(await admin(r, 'SELECT pg_last_wal_receive_lsn()'))));
    [promoted, other] = lsns[1] > lsns[0] ? [replica1, replica0] : [replica0, replica1];
    const result = await run('sh', [join(confDir(promoted), POSTGRES_FILES.promote)], { env, id, timeoutMs: 120_000 });
    expect(result).toMatchObject({ code: 0 });
    expect(await admin(promoted, 'SELECT pg_is_in_recovery()')).toBe('f');
    expect(missing(await ids(promoted.port))).toEqual([]);
    // promote.sh created the other replica's slot on the new primary (not its own).
    const otherSlot = `replica_${other.ordinal}`;
    expect(await admin(promoted, 'SELECT string_agg(slot_name, \',\') FROM pg_replication_slots')).toBe(otherSlot);
  }, LONG);

  test('writes on the new primary wait for a standby, and resume once the other replica re-attaches', async () => {
    let settled = false;
    const write = client(promoted.port, "INSERT INTO items VALUES (6000, 'after failover')", 'app', APP_PASSWORD, LONG)
      .finally(() => (settled = true));
    await waitFor('the write to wait for synchronous replication', async () =>
      (await admin(promoted, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep' "
        + "AND query LIKE 'INSERT INTO items VALUES (6000,%'")) === '1',
    { timeoutMs: 60_000, diagnostics });
    expect(settled).toBe(false);

    // In Kubernetes the read-write Service now selects the promoted pod and the replica's walreceiver reconnects
    // through the same name. On loopback the "Service" is a port, so simulate the switch: restart the replica with
    // its start script now pointing at the new primary's port.
    await stop(other, 'fast');
    start(other, promoted);
    await waitFor(`${other.name} to stream from the new primary`, async () =>
      (await replication(promoted)).includes(`replica_${other.ordinal} streaming quorum`),
    { timeoutMs: LONG, intervalMs: 200, diagnostics });
    expect(readFileSync(other.log, 'utf8')).toMatch(/a failover happened/);

    expect(await write).toMatchObject({ code: 0 });
    acknowledged.add(6000);
    for (let i = 1; i <= 10; i++) {
      await clientOk(promoted.port, `INSERT INTO items VALUES (${6000 + i}, 'resumed')`);
      acknowledged.add(6000 + i);
    }
    expect(missing(await ids(promoted.port))).toEqual([]);
    await waitFor(`${other.name} to have every acknowledged row`, async () => missing(await ids(other.port)).length === 0,
      { timeoutMs: 30_000, intervalMs: 200, diagnostics });
    const write2 = await client(other.port, "INSERT INTO items VALUES (-2, 'must fail')");
    expect(write2.stderr).toContain('read-only transaction');
  }, LONG);

  test('the former primary rejoins as a standby of the new primary through pg_rewind', async () => {
    start(primary, promoted);
    await waitFor('the former primary to stream from the new primary', async () =>
      (await replication(promoted)).includes('primary_0 streaming async'),
    { timeoutMs: LONG, intervalMs: 200, diagnostics });
    expect(readFileSync(primary.log, 'utf8')).toContain('running pg_rewind');
    // Streaming starts before the rewound server has replayed up to a consistent state and accepts queries.
    await waitFor('the former primary to accept read-only queries', async () =>
      (await admin(primary, 'SELECT pg_is_in_recovery()')) === 't',
    { timeoutMs: 60_000, intervalMs: 200, diagnostics });
    await waitFor('the former primary to have every acknowledged row', async () => missing(await ids(primary.port)).length === 0,
      { timeoutMs: 30_000, intervalMs: 200, diagnostics });
    expect(missing(await ids(promoted.port))).toEqual([]);
  }, LONG);
});
