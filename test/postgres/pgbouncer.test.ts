import { spawnSync } from 'node:child_process';
import { propsErrorOf } from '../_props';
import { PGBOUNCER_FILES, pgbouncerFiles, pgbouncerIni, pgbouncerStartScript, type PgBouncerConfigProps } from '../../lib/postgres/pgbouncer';

const AUTH = { secretName: 'postgres-credentials', key: 'pooler' };
const DEFAULTS: PgBouncerConfigProps = { authPassword: AUTH };

/** The settings of an ini file: "section.name" -> value. */
function ini(text: string): Map<string, string> {
  const map = new Map<string, string>();
  let section = '';
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const m = /^(\S+) = ?(.*)$/.exec(line);
    if (!m) throw new Error(`not an ini line: ${line}`);
    map.set(`${section}.${m[1]}`, m[2]);
  }
  return map;
}

describe('pgbouncerFiles', () => {
  test('holds both files, as the single-file functions render them', () => {
    expect(pgbouncerFiles(DEFAULTS)).toEqual({ [PGBOUNCER_FILES.ini]: pgbouncerIni(DEFAULTS), [PGBOUNCER_FILES.start]: pgbouncerStartScript(DEFAULTS) });
  });
});

describe('pgbouncerIni', () => {
  // GIVEN the seed's pooler: pool size 25, 200 clients
  const text = pgbouncerIni(DEFAULTS);
  const s = ini(text);

  test('matches the snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  test('pools 200 clients into 25 server connections per database and user, per transaction', () => {
    expect(s.get('pgbouncer.default_pool_size')).toBe('25');
    expect(s.get('pgbouncer.max_client_conn')).toBe('200');
    expect(s.get('pgbouncer.pool_mode')).toBe('transaction');
  });

  test('every database goes to the read-write Service', () => {
    expect(s.get('databases.*')).toBe('host=postgres-rw port=5432');
  });

  test('SCRAM with auth_query: no client password is stored', () => {
    expect(s.get('pgbouncer.auth_type')).toBe('scram-sha-256');
    expect(s.get('pgbouncer.auth_user')).toBe('pgbouncer');
    expect(s.get('pgbouncer.auth_query')).toBe('SELECT usename, passwd FROM pgbouncer.user_lookup($1)');
    expect(s.get('pgbouncer.auth_file')).toBe('/var/run/pgbouncer/userlist.txt');
    expect(s.get('pgbouncer.unix_socket_dir')).toBe('');
  });

  test('listens on 6432 by default; everything is a parameter', () => {
    expect(s.get('pgbouncer.listen_addr')).toBe('*');
    expect(s.get('pgbouncer.listen_port')).toBe('6432');
    const custom = ini(pgbouncerIni({
      ...DEFAULTS, targetHost: 'postgres-ro', targetPort: 5433, listenAddress: '127.0.0.1', listenPort: 7000,
      poolMode: 'session', defaultPoolSize: 10, maxClientConnections: 50, runtimeDirectory: '/run/pgb',
    }));
    expect(custom.get('databases.*')).toBe('host=postgres-ro port=5433');
    expect(custom.get('pgbouncer.listen_addr')).toBe('127.0.0.1');
    expect(custom.get('pgbouncer.listen_port')).toBe('7000');
    expect(custom.get('pgbouncer.pool_mode')).toBe('session');
    expect(custom.get('pgbouncer.default_pool_size')).toBe('10');
    expect(custom.get('pgbouncer.max_client_conn')).toBe('50');
    expect(custom.get('pgbouncer.auth_file')).toBe('/run/pgb/userlist.txt');
  });
});

describe('pgbouncerStartScript', () => {
  const script = pgbouncerStartScript(DEFAULTS);

  test('matches the snapshot and parses as sh', () => {
    expect(script).toMatchSnapshot();
    expect(spawnSync('sh', ['-n'], { input: script }).status).toBe(0);
  });

  test('writes the auth file from the mounted password file, mode 0600, then execs pgbouncer', () => {
    expect(script).toContain("require_secret '/var/run/secrets/pgbouncer/pooler-auth-password'");
    expect(script).toContain('umask 077');
    expect(script).toContain("\"$(sed 's/\"/\"\"/g' '/var/run/secrets/pgbouncer/pooler-auth-password')\"");
    expect(script.indexOf('umask 077')).toBeLessThan(script.indexOf('userlist.txt.new'));
    // Never through the environment or a command line.
    expect(script).not.toMatch(/PGPASSWORD|_PASSWORD\b|\bunset\b/);
    expect(pgbouncerStartScript({ ...DEFAULTS, secretsDirectory: '/run/s' })).toContain("require_secret '/run/s/pooler-auth-password'");
    expect(script).toContain("exec pgbouncer '/etc/pgbouncer/pgbouncer.ini'");
  });
});

describe('validation', () => {
  test.each<[string, PgBouncerConfigProps, string]>([
    ['the pool is larger than the server\'s max_connections', { ...DEFAULTS, defaultPoolSize: 201 },
      "[pgbouncer.ini] 'defaultPoolSize' must be an integer between 1 and 'serverMaxConnections' (200), got: 201"],
    ['the pool size is 0', { ...DEFAULTS, defaultPoolSize: 0 },
      "[pgbouncer.ini] 'defaultPoolSize' must be an integer between 1 and 'serverMaxConnections' (200), got: 0"],
    ['max client connections is 0', { ...DEFAULTS, maxClientConnections: 0 },
      "[pgbouncer.ini] 'maxClientConnections' must be an integer between 1 and 100000, got: 0"],
    ['the server max_connections is 0', { ...DEFAULTS, serverMaxConnections: 0 },
      "[pgbouncer.ini] 'serverMaxConnections' must be an integer between 1 and 10000, got: 0"],
    ['the listen port is out of range', { ...DEFAULTS, listenPort: 65536 },
      "[pgbouncer.ini] 'listenPort' must be an integer between 1 and 65535, got: 65536"],
    ['the target port is out of range', { ...DEFAULTS, targetPort: -1 },
      "[pgbouncer.ini] 'targetPort' must be an integer between 1 and 65535, got: -1"],
    ['the target host is not a host name', { ...DEFAULTS, targetHost: 'a b' },
      "[pgbouncer.ini] 'targetHost' must be a DNS name or an IPv4 address (letters, digits, \".\" and \"-\"), got: \"a b\""],
    ['the listen address is not an address', { ...DEFAULTS, listenAddress: 'localhost' },
      "[pgbouncer.ini] 'listenAddress' must be \"*\" or an IP address, got: \"localhost\""],
    ['the pool mode is unknown', { ...DEFAULTS, poolMode: 'query' as never },
      "[pgbouncer.ini] 'poolMode' must be one of \"session\", \"transaction\", \"statement\", got: \"query\""],
    ['the auth user is the superuser', { ...DEFAULTS, authUser: 'postgres' },
      "[pgbouncer.ini] 'authUser' must be a lower-case role name of letters, digits and \"_\", not \"postgres\", got: \"postgres\""],
    ['a directory is relative', { ...DEFAULTS, runtimeDirectory: 'run' },
      "[pgbouncer.ini] 'runtimeDirectory' must be an absolute path of letters, digits and \"._/-\", got: \"run\""],
    ['the auth password is missing', {} as PgBouncerConfigProps,
      "[pgbouncer.ini] 'authPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: undefined"],
  ])('throws if %s', (_, props, message) => {
    expect(propsErrorOf(() => pgbouncerIni(props))).toBe(message);
  });

  test('throws if the auth password is a literal, without echoing it', () => {
    const text = propsErrorOf(() => pgbouncerIni({ authPassword: 'hunter2' } as unknown as PgBouncerConfigProps));
    expect(text).toBe("[pgbouncer.ini] 'authPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: a string of 7 characters (not shown)");
  });

  test('the start script names its own file', () => {
    expect(propsErrorOf(() => pgbouncerStartScript({ ...DEFAULTS, listenPort: 0 }))).toMatch(/^\[pgbouncer-start\.sh\] 'listenPort'/);
  });

  test('both files at once name the caller\'s path, or the first file', () => {
    expect(propsErrorOf(() => pgbouncerFiles({ ...DEFAULTS, listenPort: 0 }, 'prod/postgres'))).toMatch(/^\[prod\/postgres\] 'listenPort'/);
    expect(propsErrorOf(() => pgbouncerFiles({ ...DEFAULTS, listenPort: 0 }))).toMatch(/^\[pgbouncer\.ini\] 'listenPort'/);
  });
});
