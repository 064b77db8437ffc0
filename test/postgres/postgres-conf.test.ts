import { spawnSync } from 'node:child_process';
import { propsErrorOf } from '../_props';
import {
  pgHbaConf,
  postgresConfigFiles,
  postgresMemorySettings,
  postgresqlConf,
} from '../../lib/postgres/postgres-conf';
import {
  POSTGRES_FILES,
  POSTGRES_ORDINAL_ENV,
  postgresStandbyName,
  type PostgresConfigProps,
} from '../../lib/postgres/postgres-props';
import { resolvePostgresProps } from '../../lib/postgres/postgres-resolve';
import {
  postgresPrimaryInitScript,
  postgresPromoteScript,
  postgresStartScript,
} from '../../lib/postgres/postgres-scripts';

const REPLICATION = { secretName: 'postgres-credentials', key: 'replication' };
const APP = { secretName: 'postgres-credentials', key: 'app' };
const POOLER = { secretName: 'postgres-credentials', key: 'pooler' };

/** The tiers' PostgreSQL shapes (the root README's tier table, seeds 003/004). */
const DEPARTMENT: PostgresConfigProps = { replicas: 2, replicationPassword: REPLICATION, appPassword: APP, poolerAuthPassword: POOLER };
const ENTERPRISE: PostgresConfigProps = { ...DEPARTMENT, replicas: 3, synchronous: { number: 1, method: 'ANY' } };
const MINIMAL: PostgresConfigProps = { replicationPassword: REPLICATION };

/** The settings of a postgresql.conf: name -> value (quotes kept). */
function settings(conf: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of conf.split('\n')) {
    const m = /^([a-z_]+) = (.*)$/.exec(line);
    if (m) {
      expect(map.has(m[1])).toBe(false);
      map.set(m[1], m[2]);
    } else {
      expect(line === '' || line.startsWith('#')).toBe(true);
    }
  }
  return map;
}

/** The non-comment lines of pg_hba.conf, split into fields. */
function hbaRows(hba: string): string[][] {
  return hba.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(/\s+/));
}

/** `sh -n`: the script parses as POSIX sh (dash on Debian). */
function shSyntaxError(script: string): string {
  const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

describe('postgresqlConf', () => {
  describe('enterprise tier: 3 replicas, synchronous ANY 1', () => {
    // GIVEN the enterprise tier's cluster
    const primary = postgresqlConf(ENTERPRISE, 'primary');
    const replica = postgresqlConf(ENTERPRISE, 'replica');
    const p = settings(primary);
    const r = settings(replica);

    test('matches the snapshots', () => {
      expect(primary).toMatchSnapshot('primary');
      expect(replica).toMatchSnapshot('replica');
    });

    test('synchronous replication waits for any 1 of the named replicas, flushed to disk', () => {
      expect(p.get('synchronous_standby_names')).toBe("'ANY 1 (replica_0, replica_1, replica_2)'");
      expect(p.get('synchronous_commit')).toBe('on');
      // A standby may be promoted: it carries the same setting.
      expect(r.get('synchronous_standby_names')).toBe(p.get('synchronous_standby_names'));
    });

    test('streams WAL to hot standbys through slots, with bounded retention', () => {
      expect(p.get('listen_addresses')).toBe("'*'");
      expect(p.get('port')).toBe('5432');
      expect(p.get('wal_level')).toBe('replica');
      expect(p.get('max_wal_senders')).toBe('10');
      expect(p.get('max_replication_slots')).toBe('10');
      expect(p.get('wal_keep_size')).toBe('1024MB');
      expect(p.get('max_slot_wal_keep_size')).toBe('10240MB');
      expect(p.get('hot_standby')).toBe('on');
      expect(p.get('hot_standby_feedback')).toBe('on');
      expect(p.get('wal_log_hints')).toBe('on');
      expect(p.get('recovery_target_timeline')).toBe("'latest'");
      expect(p.get('primary_conninfo')).toBeUndefined();
    });

    test('connections: 200, SCRAM passwords, the mounted pg_hba.conf and socket directory', () => {
      expect(p.get('max_connections')).toBe('200');
      expect(p.get('password_encryption')).toBe("'scram-sha-256'");
      expect(p.get('hba_file')).toBe("'/etc/postgresql/pg_hba.conf'");
      expect(p.get('unix_socket_directories')).toBe("'/var/run/postgresql'");
    });

    test('memory follows each role\'s limit: primary 8Gi, replica 4Gi', () => {
      expect(p.get('shared_buffers')).toBe('2048MB');
      expect(p.get('effective_cache_size')).toBe('6144MB');
      expect(p.get('work_mem')).toBe('10MB');
      expect(p.get('maintenance_work_mem')).toBe('512MB');
      expect(r.get('shared_buffers')).toBe('1024MB');
      expect(r.get('effective_cache_size')).toBe('3072MB');
      expect(r.get('work_mem')).toBe('5MB');
      expect(r.get('maintenance_work_mem')).toBe('256MB');
      expect(p.get('huge_pages')).toBe('off');
    });

    test('the two roles differ only in memory', () => {
      const memory = ['shared_buffers', 'effective_cache_size', 'work_mem', 'maintenance_work_mem'];
      for (const [key, value] of p) if (!memory.includes(key)) expect([key, r.get(key)]).toEqual([key, value]);
      expect([...r.keys()].sort()).toEqual([...p.keys()].sort());
    });

    test('logs to stderr for the container runtime and never logs statements', () => {
      expect(p.get('logging_collector')).toBe('off');
      expect(p.get('log_destination')).toBe("'stderr'");
      expect(p.get('log_statement')).toBe("'none'");
    });
  });

  describe('department tier: 2 replicas, asynchronous', () => {
    const p = settings(postgresqlConf(DEPARTMENT, 'primary'));

    test('does not wait for standbys', () => {
      expect(p.get('synchronous_standby_names')).toBe("''");
      expect(p.get('synchronous_commit')).toBe('on');
    });
  });

  test('FIRST 2 with remote_apply', () => {
    const p = settings(postgresqlConf({ ...ENTERPRISE, synchronous: { number: 2, method: 'FIRST', commit: 'remote_apply' } }, 'primary'));
    expect(p.get('synchronous_standby_names')).toBe("'FIRST 2 (replica_0, replica_1, replica_2)'");
    expect(p.get('synchronous_commit')).toBe('remote_apply');
  });

  test('more replicas raise the WAL sender and slot limits', () => {
    const p = settings(postgresqlConf({ ...MINIMAL, replicas: 12 }, 'primary'));
    expect(p.get('max_wal_senders')).toBe('16');
    expect(p.get('max_replication_slots')).toBe('16');
  });

  test('ports, paths and retention are parameters', () => {
    const p = settings(postgresqlConf({
      ...MINIMAL, port: 6543, configDirectory: '/cfg/', socketDirectory: '/sock', walKeepSizeMiB: 0, maxSlotWalKeepSizeMiB: 1,
    }, 'replica'));
    expect(p.get('port')).toBe('6543');
    expect(p.get('hba_file')).toBe("'/cfg/pg_hba.conf'");
    expect(p.get('unix_socket_directories')).toBe("'/sock'");
    expect(p.get('wal_keep_size')).toBe('0MB');
    expect(p.get('max_slot_wal_keep_size')).toBe('1MB');
  });
});

describe('postgresMemorySettings', () => {
  test.each([
    ['8Gi, 200 connections', 8 * 1024 ** 3, 200, { sharedBuffersMiB: 2048, effectiveCacheSizeMiB: 6144, workMemKiB: 10485, maintenanceWorkMemMiB: 512 }],
    ['4Gi, 200 connections', 4 * 1024 ** 3, 200, { sharedBuffersMiB: 1024, effectiveCacheSizeMiB: 3072, workMemKiB: 5242, maintenanceWorkMemMiB: 256 }],
    ['256Mi, 1000 connections: work_mem at its 64 kB floor', 256 * 1024 ** 2, 1000, { sharedBuffersMiB: 64, effectiveCacheSizeMiB: 192, workMemKiB: 65, maintenanceWorkMemMiB: 16 }],
    ['64Gi: maintenance_work_mem capped at 1 GiB', 64 * 1024 ** 3, 200, { sharedBuffersMiB: 16384, effectiveCacheSizeMiB: 49152, workMemKiB: 83886, maintenanceWorkMemMiB: 1024 }],
  ])('%s', (_, bytes, connections, expected) => {
    expect(postgresMemorySettings(bytes, connections)).toEqual(expected);
  });

  test('work_mem is printed in kB below 4 MB', () => {
    const p = settings(postgresqlConf({ ...MINIMAL, primaryMemoryLimit: '1Gi', maxConnections: 500 }, 'primary'));
    expect(p.get('work_mem')).toBe('524kB');
    expect(p.get('shared_buffers')).toBe('256MB');
  });

  test('decimal quantities work too (1G = 953 MiB)', () => {
    const p = settings(postgresqlConf({ ...MINIMAL, replicaMemoryLimit: '1G' }, 'replica'));
    expect(p.get('shared_buffers')).toBe('238MB');
  });
});

describe('pgHbaConf', () => {
  // GIVEN the default cluster
  const hba = pgHbaConf(DEPARTMENT);
  const rows = hbaRows(hba);

  test('matches the snapshot', () => {
    expect(hba).toMatchSnapshot();
  });

  test('the local socket trusts only the postgres OS user as the superuser (peer); others need a password', () => {
    expect(rows.filter((r) => r[0] === 'local')).toEqual([
      ['local', 'all', 'postgres', 'peer'],
      ['local', 'all', 'all', 'scram-sha-256'],
    ]);
    expect(hba).not.toMatch(/\b(trust|md5|password|ident)\s*$/m);
  });

  test('network: scram-sha-256 or reject, nothing else; the superuser is rejected first', () => {
    const host = rows.filter((r) => r[0] === 'host');
    expect(host.every((r) => ['scram-sha-256', 'reject'].includes(r[4]))).toBe(true);
    expect(host[0]).toEqual(['host', 'all', 'postgres', 'all', 'reject']);
  });

  test('replication only for the replication role, which otherwise reaches only the postgres database', () => {
    const replication = rows.filter((r) => r[1] === 'replication');
    expect(replication).toEqual([
      ['host', 'replication', 'replicator', '0.0.0.0/0', 'scram-sha-256'],
      ['host', 'replication', 'replicator', '::/0', 'scram-sha-256'],
      ['host', 'replication', 'all', 'all', 'reject'],
    ]);
    const replicatorRows = rows.filter((r) => r[2] === 'replicator' && r[1] !== 'replication');
    expect(replicatorRows.map((r) => `${r[1]} ${r[4]}`)).toEqual(['postgres scram-sha-256', 'postgres scram-sha-256', 'all reject']);
    // The reject comes before the general rule.
    const reject = rows.findIndex((r) => r[2] === 'replicator' && r[4] === 'reject' && r[1] === 'all');
    const general = rows.findIndex((r) => r[1] === 'all' && r[2] === 'all' && r[0] === 'host');
    expect(reject).toBeLessThan(general);
  });

  test('client networks are a parameter', () => {
    const custom = hbaRows(pgHbaConf({ ...MINIMAL, clientCidrs: ['10.0.0.0/8'] }));
    expect(custom.filter((r) => r[3] === '10.0.0.0/8')).toHaveLength(3);
    expect(custom.some((r) => r[3] === '0.0.0.0/0')).toBe(false);
  });
});

describe('postgresPrimaryInitScript', () => {
  const script = postgresPrimaryInitScript(ENTERPRISE);

  test('matches the snapshot and parses as sh', () => {
    expect(script).toMatchSnapshot();
    expect(shSyntaxError(script)).toBe('');
  });

  test('reads every password from its mounted file (psql reads it, not the environment), never a literal', () => {
    expect(script).toContain("\\set replication_password `cat '/var/run/secrets/postgresql/replication-password'`");
    expect(script).toContain("ALTER ROLE replicator WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'replication_password';");
    expect(script).toContain("require_secret '/var/run/secrets/postgresql/replication-password'");
    expect(script).toContain("\\set app_password `cat '/var/run/secrets/postgresql/app-password'`");
    expect(script).toContain("\\set pooler_password `cat '/var/run/secrets/postgresql/pooler-auth-password'`");
    expect(script).not.toMatch(/PASSWORD '[^']*'/);
    expect(script).not.toMatch(/getenv|PGPASSWORD|_PASSWORD\b/);
    expect(script).toContain("export PGOPTIONS='-c synchronous_commit=local -c log_statement=none -c log_min_error_statement=panic'");
    // The heredoc is quoted: the shell expands nothing inside the SQL.
    expect(script).toContain("<<'SQL'");
  });

  test('creates one physical slot per replica, named from its ordinal, only if missing', () => {
    expect(script).toContain("FROM (VALUES ('replica_0'), ('replica_1'), ('replica_2')) AS wanted(name)");
    expect(script).toContain('pg_create_physical_replication_slot(wanted.name, true)');
    expect(script).toContain('WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = wanted.name)');
    expect([0, 1, 2].map((i) => postgresStandbyName('replica', i))).toEqual(['replica_0', 'replica_1', 'replica_2']);
  });

  test('grants the replication role what pg_rewind needs', () => {
    expect(script).toContain('GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean) TO replicator;');
    expect(script).toContain('GRANT pg_checkpoint TO replicator;');
  });

  test('the pooler lookup never returns superusers or replication roles, and exists in template1 before the app database', () => {
    expect(script).toContain('WHERE rolname = p_username AND rolcanlogin AND NOT rolsuper AND NOT rolreplication');
    expect(script.indexOf('\\connect template1')).toBeLessThan(script.indexOf('CREATE DATABASE app OWNER app;'));
    expect(script).toContain('GRANT CONNECT ON DATABASE app TO app, pgbouncer;');
  });

  test('without app or pooler passwords it creates only the replication role and slots', () => {
    const minimal = postgresPrimaryInitScript({ ...MINIMAL, replicas: 0 });
    expect(minimal).not.toContain('CREATE DATABASE');
    expect(minimal).not.toContain('pgbouncer');
    expect(minimal).not.toContain('pg_create_physical_replication_slot');
    expect(minimal).toContain("require_secret '/var/run/secrets/postgresql/replication-password'\n");
    expect(minimal).not.toContain('app-password');
  });
});

describe('postgresStartScript', () => {
  const replica = postgresStartScript(ENTERPRISE, 'replica');
  const primary = postgresStartScript(ENTERPRISE, 'primary');

  test('match the snapshots and parse as sh', () => {
    expect(replica).toMatchSnapshot('replica');
    expect(primary).toMatchSnapshot('primary');
    expect(shSyntaxError(replica)).toBe('');
    expect(shSyntaxError(primary)).toBe('');
  });

  test('a replica bootstraps with pg_basebackup -X stream through its own slot, from the read-write Service', () => {
    expect(replica).toContain("PRIMARY_HOST='postgres-rw'");
    expect(replica).toContain('pg_basebackup --pgdata="$PGDATA.new" --dbname="$BASE_CONNINFO" --wal-method=stream --slot="$NAME"');
    expect(replica).toContain('NAME="${ROLE}_$ORDINAL"');
    // The script (lib/postgres/scripts/postgres-start.sh) reads the variable the StatefulSet sets.
    expect(replica).toContain(`ORDINAL=\${${POSTGRES_ORDINAL_ENV}:-}`);
    // A replica never initialises (its comments may still name initdb).
    expect(replica).not.toContain('initdb --pgdata');
    expect(replica).not.toContain('initialize_primary');
  });

  test('every start re-points primary_conninfo at the read-write address, with a passfile', () => {
    expect(replica).toMatch(/exec postgres -D "\$PGDATA" -c config_file="\$CONFIG_FILE" \\\n {2}-c primary_conninfo="\$STREAM_CONNINFO" -c primary_slot_name="\$NAME"/);
    expect(replica).toContain('BASE_CONNINFO="host=$PRIMARY_HOST port=$PRIMARY_PORT user=$REPLICATION_USER passfile=$PASSFILE');
    expect(replica).toContain("CONFIG_FILE='/etc/postgresql/postgresql-replica.conf'");
  });

  test('a diverged server is rewound, and rebuilt when that cannot be trusted', () => {
    expect(replica).toContain('pg_rewind --target-pgdata="$PGDATA"');
    expect(replica).toContain('rebuild_standby "pg_rewind failed"');
    expect(replica).toContain('"shut down in recovery"');
  });

  test('only the primary may initialise, once per volume', () => {
    expect(primary).toContain('initdb --pgdata="$PGDATA.new" --username=postgres --auth-local=peer --auth-host=scram-sha-256');
    expect(primary).toContain('if [ ! -e "$INITIALIZED" ] && ! identify_primary; then');
    expect(primary).toContain('sh "$(dirname "$CONFIG_FILE")/primary-init.sh"');
  });

  test('hosts, ports and paths are parameters', () => {
    const s = postgresStartScript({
      ...ENTERPRISE, primaryHost: '127.0.0.1', primaryPort: 6000, port: 6001, dataDirectory: '/tmp/x/data/pgdata', configDirectory: '/tmp/x/conf',
    }, 'replica');
    expect(s).toContain("PRIMARY_HOST='127.0.0.1'\nPRIMARY_PORT=6000");
    expect(s).toContain('PORT=6001');
    expect(s).toContain("PGDATA='/tmp/x/data/pgdata'");
    expect(s).toContain("CONFIG_FILE='/tmp/x/conf/postgresql-replica.conf'");
  });

  test('the password goes from its file to a passfile in the runtime directory, never into env or a command line', () => {
    expect(replica).not.toMatch(/(conninfo|CONNINFO)=.*password/i);
    expect(replica).toContain('passfile=$PASSFILE');
    expect(replica).toContain("REPLICATION_PASSWORD_FILE='/var/run/secrets/postgresql/replication-password'");
    expect(replica).toContain('PASSFILE="$RUNTIME_DIR/pgpass"');
    expect(replica).toContain("RUNTIME_DIR='/tmp'");
    expect(replica).toContain('"$(sed -e \'s/[\\\\:]/\\\\&/g\' "$REPLICATION_PASSWORD_FILE")" >"$PASSFILE.new"');
    // umask 077 before the passfile is written: mode 0600.
    expect(replica.indexOf('umask 077')).toBeLessThan(replica.indexOf('>"$PASSFILE.new"'));
    expect(replica).not.toMatch(/PGPASSWORD|_PASSWORD\b|getenv/);
  });

  test('names an unknown uid postgres through nss_wrapper, as the official image does', () => {
    for (const s of [primary, replica]) {
      expect(s).toContain('if [ "$(id -un 2>/dev/null)" != postgres ]; then');
      expect(s).toContain('for lib in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so /lib/*/libnss_wrapper.so; do');
      expect(s).toContain('export LD_PRELOAD="$nss_wrapper${LD_PRELOAD:+ $LD_PRELOAD}" NSS_WRAPPER_PASSWD="$RUNTIME_DIR/passwd" NSS_WRAPPER_GROUP="$RUNTIME_DIR/group"');
      // Before anything that needs the name (initdb, the server's peer authentication).
      expect(s.indexOf('NSS_WRAPPER_PASSWD=')).toBeLessThan(s.indexOf('exec postgres'));
    }
    expect(primary.indexOf('NSS_WRAPPER_PASSWD=')).toBeLessThan(primary.indexOf('initdb --pgdata'));
  });

  test('the secrets and runtime directories are parameters, and checked', () => {
    const s = postgresStartScript({ ...ENTERPRISE, secretsDirectory: '/run/s', runtimeDirectory: '/run/t/' }, 'replica');
    expect(s).toContain("REPLICATION_PASSWORD_FILE='/run/s/replication-password'");
    expect(s).toContain("RUNTIME_DIR='/run/t'");
    expect(() => postgresStartScript({ ...ENTERPRISE, secretsDirectory: 'relative' }, 'replica'))
      .toThrow('[replica-start.sh] \'secretsDirectory\' must be an absolute path of letters, digits and "._/-", got: "relative"');
    expect(() => postgresStartScript({ ...ENTERPRISE, runtimeDirectory: "/tmp/x'y" }, 'replica'))
      .toThrow('\'runtimeDirectory\' must be an absolute path');
  });
});

describe('postgresPromoteScript', () => {
  const script = postgresPromoteScript(ENTERPRISE);

  test('matches the snapshot and parses as sh', () => {
    expect(script).toMatchSnapshot();
    expect(shSyntaxError(script)).toBe('');
  });

  test('promotes, checkpoints, and creates the other replicas\' slots', () => {
    expect(script).toContain('pg_catalog.pg_promote(true, 60)');
    expect(script).toContain('CHECKPOINT;');
    expect(script).toContain("AND wanted.name <> pg_catalog.current_setting('primary_slot_name');");
    expect(script).toContain("-h '/var/run/postgresql' -p 5432 -U postgres");
  });
});

describe('postgresConfigFiles', () => {
  test('has every file under its documented name', () => {
    expect(Object.keys(postgresConfigFiles(ENTERPRISE)).sort()).toEqual(Object.values(POSTGRES_FILES).sort());
  });

  test('renders each file as its own function does', () => {
    expect(postgresConfigFiles(ENTERPRISE)).toEqual({
      [POSTGRES_FILES.primaryConf]: postgresqlConf(ENTERPRISE, 'primary'),
      [POSTGRES_FILES.replicaConf]: postgresqlConf(ENTERPRISE, 'replica'),
      [POSTGRES_FILES.hba]: pgHbaConf(ENTERPRISE),
      [POSTGRES_FILES.primaryStart]: postgresStartScript(ENTERPRISE, 'primary'),
      [POSTGRES_FILES.replicaStart]: postgresStartScript(ENTERPRISE, 'replica'),
      [POSTGRES_FILES.primaryInit]: postgresPrimaryInitScript(ENTERPRISE),
      [POSTGRES_FILES.promote]: postgresPromoteScript(ENTERPRISE),
    });
  });
});

describe('validation', () => {
  test.each<[string, PostgresConfigProps, string]>([
    ['replicas is negative', { ...MINIMAL, replicas: -1 },
      "[postgresql.conf] 'replicas' must be an integer between 0 and 32, got: -1"],
    ['replicas is not an integer', { ...MINIMAL, replicas: 1.5 },
      "[postgresql.conf] 'replicas' must be an integer between 0 and 32, got: 1.5"],
    ['the synchronous count is above the replica count', { ...MINIMAL, replicas: 2, synchronous: { number: 3 } },
      "[postgresql.conf] 'synchronous.number' must be an integer between 1 and 'replicas' (2), got: 3"],
    ['the synchronous count is 0', { ...MINIMAL, synchronous: { number: 0 } },
      "[postgresql.conf] 'synchronous.number' must be an integer between 1 and 'replicas' (2), got: 0"],
    ['synchronous replication has no replica', { ...MINIMAL, replicas: 0, synchronous: { number: 1 } },
      "[postgresql.conf] 'synchronous' must be unset when 'replicas' is 0 (no standby could ever confirm a commit), got: {\"number\":1}"],
    ['the synchronous method is unknown', { ...MINIMAL, synchronous: { number: 1, method: 'SOME' as never } },
      "[postgresql.conf] 'synchronous.method' must be one of \"ANY\", \"FIRST\", got: \"SOME\""],
    ['the synchronous commit level is unknown', { ...MINIMAL, synchronous: { number: 1, commit: 'off' as never } },
      "[postgresql.conf] 'synchronous.commit' must be one of \"on\", \"remote_write\", \"remote_apply\", got: \"off\""],
    ['a memory size does not parse', { ...MINIMAL, primaryMemoryLimit: '8 GB' },
      "[postgresql.conf] 'primaryMemoryLimit' must be a positive Kubernetes memory quantity such as \"512Mi\", \"2Gi\" or \"1G\", got: \"8 GB\""],
    ['a memory size is too small', { ...MINIMAL, replicaMemoryLimit: '128Mi' },
      "[postgresql.conf] 'replicaMemoryLimit' must be at least \"256Mi\" (25 % of it becomes shared_buffers), got: \"128Mi\""],
    ['max_connections is below 1', { ...MINIMAL, maxConnections: 0 },
      "[postgresql.conf] 'maxConnections' must be an integer between 1 and 10000, got: 0"],
    ['the pool size exceeds max_connections', { ...MINIMAL, maxConnections: 20, poolSize: 25 },
      "[postgresql.conf] 'poolSize' must be an integer between 1 and 'maxConnections' (20), got: 25"],
    ['the port is out of range', { ...MINIMAL, port: 70000 },
      "[postgresql.conf] 'port' must be an integer between 1 and 65535, got: 70000"],
    ['the primary port is out of range', { ...MINIMAL, primaryPort: 0 },
      "[postgresql.conf] 'primaryPort' must be an integer between 1 and 65535, got: 0"],
    ['the primary host is not a host name', { ...MINIMAL, primaryHost: 'rw; rm -rf /' },
      "[postgresql.conf] 'primaryHost' must be a DNS name or an IPv4 address (letters, digits, \".\" and \"-\"), got: \"rw; rm -rf /\""],
    ['a role name needs quoting', { ...MINIMAL, replicationUser: 'Repl User' },
      "[postgresql.conf] 'replicationUser' must be a lower-case name of letters, digits and \"_\" (at most 63, not starting with a digit), got: \"Repl User\""],
    ['a role is the superuser', { ...MINIMAL, appPassword: APP, appUser: 'postgres' },
      "[postgresql.conf] 'appUser' must be a role name different from the superuser, got: \"postgres\""],
    ['two roles share a name', { ...DEPARTMENT, poolerAuthUser: 'app' },
      "[postgresql.conf] 'poolerAuthUser' must be a role name different from 'appUser', got: \"app\""],
    ['the app database is a system database', { ...MINIMAL, appPassword: APP, appDatabase: 'template1' },
      "[postgresql.conf] 'appDatabase' must be a new database, not \"postgres\", \"template0\" or \"template1\", got: \"template1\""],
    ['a path needs quoting', { ...MINIMAL, configDirectory: "/etc/post gres'" },
      "[postgresql.conf] 'configDirectory' must be an absolute path of letters, digits and \"._/-\", got: \"/etc/post gres'\""],
    ['the data directory is the volume mount itself', { ...MINIMAL, dataDirectory: '/pgdata' },
      "[postgresql.conf] 'dataDirectory' must be a sub-directory of the volume mount, at least two levels deep (e.g. \"/var/lib/postgresql/data/pgdata\"), got: \"/pgdata\""],
    ['the socket path is too long', { ...MINIMAL, socketDirectory: `/${'s'.repeat(80)}` },
      `[postgresql.conf] 'socketDirectory' must be at most 80 characters (unix socket paths are limited to 107), got: "/${'s'.repeat(80)}"`],
    ['wal_keep_size is negative', { ...MINIMAL, walKeepSizeMiB: -1 },
      "[postgresql.conf] 'walKeepSizeMiB' must be an integer between 0 and 1048576, got: -1"],
    ['slot retention is unlimited', { ...MINIMAL, maxSlotWalKeepSizeMiB: -1 },
      "[postgresql.conf] 'maxSlotWalKeepSizeMiB' must be an integer between 1 and 1048576 (unlimited would let a vanished standby fill the volume), got: -1"],
    ['a client network is not a CIDR', { ...MINIMAL, clientCidrs: ['10.0.0.0'] },
      "[postgresql.conf] 'clientCidrs' must be a non-empty list of CIDRs such as \"10.0.0.0/8\" or \"::/0\", got: [\"10.0.0.0\"]"],
    ['the replication password is missing', {} as PostgresConfigProps,
      "[postgresql.conf] 'replicationPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: undefined"],
    ['a Secret reference has a bad name', { replicationPassword: { secretName: 'Bad_Name', key: 'replication' } },
      "[postgresql.conf] 'replicationPassword.secretName' must be a Kubernetes Secret name (a DNS subdomain), got: \"Bad_Name\""],
    ['a Secret reference has a bad key', { replicationPassword: { secretName: 'pg', key: 'a/b' } },
      "[postgresql.conf] 'replicationPassword.key' must be a Secret key (letters, digits, \"-\", \"_\" and \".\"), got: \"a/b\""],
  ])('throws if %s', (_, props, message) => {
    expect(propsErrorOf(() => postgresqlConf(props, 'primary'))).toBe(message);
  });

  describe('a literal password is rejected without being echoed', () => {
    test.each<[string, unknown, string]>([
      ['passed as the reference through a cast', 'hunter2-secret',
        "[postgresql.conf] 'replicationPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: a string of 14 characters (not shown)"],
      ['hidden in the reference object', { secretName: 'pg', key: 'replication', value: 'hunter2-secret' },
        "[postgresql.conf] 'replicationPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: an object with the unexpected key(s) \"value\" (values not shown)"],
    ])('throws if the password is %s', (_, replicationPassword, message) => {
      const text = propsErrorOf(() => postgresqlConf({ replicationPassword } as unknown as PostgresConfigProps, 'primary'));
      expect(text).toBe(message);
      expect(text).not.toContain('hunter2');
    });

    test('throws if a password field is added through a cast', () => {
      const text = propsErrorOf(() => postgresqlConf({ ...MINIMAL, password: 'hunter2-secret' } as unknown as PostgresConfigProps, 'primary'));
      expect(text).toBe("[postgresql.conf] 'password' must not be set: the superuser has no password (it logs in only through the local socket, as the postgres OS user), got: a string of 14 characters (not shown)");
    });

    test('throws if the replication password is added as a value through a cast', () => {
      const text = propsErrorOf(() => postgresqlConf({ ...MINIMAL, replicationPasswordValue: 'hunter2-secret' } as unknown as PostgresConfigProps, 'primary'));
      expect(text).toBe("[postgresql.conf] 'replicationPasswordValue' must not be set: pass the secret as a Secret reference in 'replicationPassword' ({ secretName, key }), never literally, got: a string of 14 characters (not shown)");
    });

    test('throws if the app password is a literal', () => {
      const text = propsErrorOf(() => postgresqlConf({ ...MINIMAL, appPassword: 'hunter2' } as unknown as PostgresConfigProps, 'primary'));
      expect(text).toBe("[postgresql.conf] 'appPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: a string of 7 characters (not shown)");
    });
  });

  test('lists every problem at once', () => {
    const text = propsErrorOf(() => postgresqlConf({ ...MINIMAL, replicas: -1, maxConnections: 0, port: 0 }, 'primary'));
    expect(text.split('\n')).toEqual([
      "[postgresql.conf] 'replicas' must be an integer between 0 and 32, got: -1",
      "[postgresql.conf] 'port' must be an integer between 1 and 65535, got: 0",
      "[postgresql.conf] 'maxConnections' must be an integer between 1 and 10000, got: 0",
    ]);
  });

  test('each generator names its own file', () => {
    const bad = { ...MINIMAL, port: 0 };
    expect(propsErrorOf(() => postgresqlConf(bad, 'replica'))).toMatch(/^\[postgresql\.conf\] 'port'/);
    expect(propsErrorOf(() => pgHbaConf(bad))).toMatch(/^\[pg_hba\.conf\] 'port'/);
    expect(propsErrorOf(() => postgresStartScript(bad, 'replica'))).toMatch(/^\[replica-start\.sh\] 'port'/);
    expect(propsErrorOf(() => postgresStartScript(bad, 'primary'))).toMatch(/^\[primary-start\.sh\] 'port'/);
    expect(propsErrorOf(() => postgresPrimaryInitScript(bad))).toMatch(/^\[primary-init\.sh\] 'port'/);
    expect(propsErrorOf(() => postgresPromoteScript(bad))).toMatch(/^\[promote\.sh\] 'port'/);
    expect(propsErrorOf(() => resolvePostgresProps(bad, 'prod/postgres'))).toMatch(/^\[prod\/postgres\] 'port'/);
    expect(propsErrorOf(() => postgresConfigFiles(bad))).toMatch(/^\[postgresql\.conf\] 'port'/);
    expect(propsErrorOf(() => postgresConfigFiles(bad, 'prod/postgres'))).toMatch(/^\[prod\/postgres\] 'port'/);
  });

  test('applies the documented defaults', () => {
    expect(resolvePostgresProps(MINIMAL)).toMatchObject({
      replicas: 2,
      port: 5432,
      primaryHost: 'postgres-rw',
      primaryPort: 5432,
      maxConnections: 200,
      poolSize: 25,
      memoryLimit: { primary: '8Gi', replica: '4Gi' },
      replicationUser: 'replicator',
      dataDirectory: '/var/lib/postgresql/data/pgdata',
      configDirectory: '/etc/postgresql',
      socketDirectory: '/var/run/postgresql',
      walKeepSizeMiB: 1024,
      maxSlotWalKeepSizeMiB: 10240,
      clientCidrs: ['0.0.0.0/0', '::/0'],
    });
    expect(resolvePostgresProps(MINIMAL).synchronous).toBeUndefined();
    expect(resolvePostgresProps({ ...MINIMAL, synchronous: { number: 1 } }).synchronous).toEqual({ number: 1, method: 'ANY', commit: 'on' });
  });
});
