import { propsErrorOf } from '../_props';
import { redisConf } from '../../lib/redis/redis-conf';
import { redisMemoryLimit, redisMemoryLimitForBytes } from '../../lib/redis/redis-memory';
import { REDIS_ANNOUNCE_HOSTNAME_ENV, RedisConfProps, resolveRedisProps } from '../../lib/redis/redis-props';
import { redisClusterBootstrapScript, redisStartupScript } from '../../lib/redis/redis-scripts';

const AUTH = { secretName: 'redis-auth', key: 'password' };

/** The tiers' Redis shapes (the root README's tier table, seeds 002/003). */
const DEVELOPMENT: RedisConfProps = { mode: 'standalone', maxMemory: '100Mi', bind: ['127.0.0.1'] };
const TEAM_PRIMARY: RedisConfProps = { mode: 'replicated', maxMemory: '500Mi', auth: AUTH };
const TEAM_REPLICA: RedisConfProps = { ...TEAM_PRIMARY, replicaOf: { host: 'redis-0.redis.app.svc.cluster.local' } };
const DEPARTMENT: RedisConfProps = { mode: 'cluster', maxMemory: '2Gi', auth: AUTH };
const ENTERPRISE: RedisConfProps = { mode: 'cluster', maxMemory: '8Gi', auth: AUTH };

/** The directives of a conf: name -> value (the last occurrence wins, like Redis). */
function directives(conf: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of conf.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const space = trimmed.indexOf(' ');
    map.set(trimmed.slice(0, space), trimmed.slice(space + 1));
  }
  return map;
}

/** The PropsError's message; fails unless every line names the generator (or the path given) in brackets. */
const thrown = propsErrorOf;

const clusterNodes = (n: number) => Array.from({ length: n }, (_, i) => ({
  host: `redis-${i}.redis-headless.app.svc.cluster.local`,
  port: 6379,
}));

describe('redisConf', () => {
  describe('standalone (development tier)', () => {
    // GIVEN the development tier's cache
    const conf = redisConf(DEVELOPMENT);
    const d = directives(conf);

    test('matches the snapshot', () => {
      expect(conf).toMatchSnapshot();
    });

    test('is a 100 MiB LRU cache without AOF, cluster or replication', () => {
      expect(d.get('maxmemory')).toBe(String(100 * 1024 * 1024));
      expect(d.get('maxmemory-policy')).toBe('allkeys-lru');
      expect(d.get('appendonly')).toBe('no');
      expect(d.has('cluster-enabled')).toBe(false);
      expect(d.has('replicaof')).toBe(false);
      expect(d.has('replica-read-only')).toBe(false);
    });

    test('keeps RDB snapshots on the data volume, in the foreground, logging to stdout', () => {
      expect(d.get('dir')).toBe('/data');
      expect(d.get('save')).toBe('3600 1 300 100 60 10000');
      expect(d.get('daemonize')).toBe('no');
      expect(d.get('logfile')).toBe('""');
    });

    test('keeps protected mode on a loopback bind without auth', () => {
      expect(d.get('bind')).toBe('127.0.0.1');
      expect(d.get('protected-mode')).toBe('yes');
    });

    test('ends with the include of the runtime file', () => {
      const lines = conf.trimEnd().split('\n');
      expect(lines[lines.length - 1]).toBe('include /run/redis/runtime.conf');
    });
  });

  describe('replicated (team tier)', () => {
    const primary = redisConf(TEAM_PRIMARY);
    const replica = redisConf(TEAM_REPLICA);

    test('matches the snapshots', () => {
      expect(primary).toMatchSnapshot('primary');
      expect(replica).toMatchSnapshot('replica');
    });

    test('the primary has no replicaof; the replica follows the primary and is read-only', () => {
      expect(directives(primary).has('replicaof')).toBe(false);
      expect(directives(replica).get('replicaof')).toBe('redis-0.redis.app.svc.cluster.local 6379');
      expect(directives(replica).get('replica-read-only')).toBe('yes');
    });

    test('is a 500 MiB LRU cache listening on every address', () => {
      const d = directives(primary);
      expect(d.get('maxmemory')).toBe(String(500 * 1024 * 1024));
      expect(d.get('maxmemory-policy')).toBe('allkeys-lru');
      expect(d.get('bind')).toBe('* -::*');
      expect(d.get('port')).toBe('6379');
    });

    test('never contains a password, only the include the startup script fills', () => {
      for (const conf of [primary, replica]) {
        expect(conf).not.toMatch(/^\s*(requirepass|masterauth)\b/m);
        expect(conf).not.toContain(AUTH.secretName);
        expect(directives(conf).get('include')).toBe('/run/redis/runtime.conf');
      }
    });

    test('emits min-replicas-to-write and its lag only when asked', () => {
      expect(directives(primary).has('min-replicas-to-write')).toBe(false);
      const d = directives(redisConf({ ...TEAM_PRIMARY, minReplicasToWrite: 1, minReplicasMaxLag: 5 }));
      expect(d.get('min-replicas-to-write')).toBe('1');
      expect(d.get('min-replicas-max-lag')).toBe('5');
    });
  });

  describe('cluster (department and enterprise tiers)', () => {
    const conf = redisConf(DEPARTMENT);
    const d = directives(conf);

    test('matches the snapshot', () => {
      expect(conf).toMatchSnapshot();
    });

    test('has the seed\'s cluster settings: node timeout 15000, AOF every second', () => {
      expect(d.get('cluster-enabled')).toBe('yes');
      expect(d.get('cluster-node-timeout')).toBe('15000');
      expect(d.get('appendonly')).toBe('yes');
      expect(d.get('appendfsync')).toBe('everysec');
    });

    test('keeps nodes.conf on the data volume and redirects clients to hostnames', () => {
      expect(d.get('cluster-config-file')).toBe('/data/nodes.conf');
      expect(d.get('cluster-preferred-endpoint-type')).toBe('hostname');
    });

    test('sizes the cache at 2 GiB (department) and 8 GiB (enterprise) with LRU eviction', () => {
      expect(d.get('maxmemory')).toBe(String(2 * 1024 ** 3));
      expect(d.get('maxmemory-policy')).toBe('allkeys-lru');
      expect(directives(redisConf(ENTERPRISE)).get('maxmemory')).toBe(String(8 * 1024 ** 3));
    });

    test('a cache keeps serving the covered slots; data requires full coverage and never evicts', () => {
      expect(d.get('cluster-require-full-coverage')).toBe('no');
      const data = directives(redisConf({ ...DEPARTMENT, use: 'data' }));
      expect(data.get('cluster-require-full-coverage')).toBe('yes');
      expect(data.get('maxmemory-policy')).toBe('noeviction');
    });

    test('honours the overrides: port, directories, timeout, snapshots off, fsync always', () => {
      const o = directives(redisConf({
        ...DEPARTMENT,
        port: 7000,
        dataDir: '/var/lib/redis',
        runtimeConfigPath: '/tmp/redis/runtime.conf',
        clusterNodeTimeout: 5000,
        rdbSnapshots: [],
        appendFsync: 'always',
        clusterRequireFullCoverage: true,
      }));
      expect(o.get('port')).toBe('7000');
      expect(o.get('dir')).toBe('/var/lib/redis');
      expect(o.get('cluster-config-file')).toBe('/var/lib/redis/nodes.conf');
      expect(o.get('include')).toBe('/tmp/redis/runtime.conf');
      expect(o.get('cluster-node-timeout')).toBe('5000');
      expect(o.get('save')).toBe('""');
      expect(o.get('appendfsync')).toBe('always');
      expect(o.get('cluster-require-full-coverage')).toBe('yes');
    });
  });

  test('accepts decimal quantities (100M is 100,000,000 bytes)', () => {
    expect(directives(redisConf({ ...DEVELOPMENT, maxMemory: '100M' })).get('maxmemory')).toBe('100000000');
  });

  describe('validation (throws before producing text)', () => {
    test.each<[string, Partial<RedisConfProps> & Record<string, unknown>, string]>([
      ['a cluster has fewer than 3 masters', { mode: 'cluster', masters: 2 },
        '[redis.conf] \'masters\' must be an integer between 3 and 1000 (a cluster needs a majority of masters to fail over), got: 2'],
      ['a cluster has more than 1000 masters', { mode: 'cluster', masters: 1001 },
        '[redis.conf] \'masters\' must be an integer between 3 and 1000 (a cluster needs a majority of masters to fail over), got: 1001'],
      ['replicasPerMaster is negative', { mode: 'cluster', replicasPerMaster: -1 },
        '[redis.conf] \'replicasPerMaster\' must be an integer between 0 and 100, got: -1'],
      ['replicasPerMaster is not an integer', { mode: 'cluster', replicasPerMaster: 1.5 },
        '[redis.conf] \'replicasPerMaster\' must be an integer between 0 and 100, got: 1.5'],
      ['maxmemory does not parse', { maxMemory: '2GB' },
        '[redis.conf] \'maxMemory\' must be a positive Kubernetes memory quantity such as "512Mi", "2Gi" or "1G", got: "2GB"'],
      ['maxmemory is below 1Mi', { maxMemory: '512Ki' },
        '[redis.conf] \'maxMemory\' must be at least "1Mi" (Redis needs room for its own bookkeeping), got: "512Ki"'],
      ['maxmemory is not a whole number of bytes', { maxMemory: '1.0000001Mi' },
        '[redis.conf] \'maxMemory\' must be a whole number of bytes, got: "1.0000001Mi"'],
      ['the port is out of range', { port: 70000 },
        '[redis.conf] \'port\' must be an integer between 1 and 65535, got: 70000'],
      ['the port leaves no room for the cluster bus', { mode: 'cluster', port: 60000 },
        '[redis.conf] \'port\' must be an integer between 1 and 55535 in cluster mode (the cluster bus listens on port + 10000), got: 60000'],
      ['the node timeout is 0', { mode: 'cluster', clusterNodeTimeout: 0 },
        '[redis.conf] \'clusterNodeTimeout\' must be a positive integer number of milliseconds, got: 0'],
      ['min-replicas-to-write exceeds the replicas per master', { mode: 'cluster', minReplicasToWrite: 2 },
        '[redis.conf] \'minReplicasToWrite\' must be at most the number of replicas of each primary (1), or no write would ever be accepted, got: 2'],
      ['min-replicas-to-write is set on a standalone server', { mode: 'standalone', minReplicasToWrite: 1 },
        '[redis.conf] \'minReplicasToWrite\' must be at most the number of replicas of each primary (0), or no write would ever be accepted, got: 1'],
      ['min-replicas-max-lag is 0', { mode: 'replicated', auth: AUTH, minReplicasMaxLag: 0 },
        '[redis.conf] \'minReplicasMaxLag\' must be a positive integer number of seconds, got: 0'],
      ['the mode is unknown', { mode: 'sentinel' as never },
        '[redis.conf] \'mode\' must be one of "standalone", "replicated", "cluster", got: "sentinel"'],
      ['the policy is unknown', { maxMemoryPolicy: 'lru' as never },
        '[redis.conf] \'maxMemoryPolicy\' must be one of "noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", got: "lru"'],
      ['a bind address is not an address', { bind: ['0.0.0.0 # x'] },
        '[redis.conf] \'bind\' must be a non-empty list of IP addresses, "*" or "::*", each optionally prefixed with "-", got: ["0.0.0.0 # x"]'],
      ['the data directory is not a safe absolute path', { dataDir: 'data' },
        '[redis.conf] \'dataDir\' must be an absolute path of letters, digits, ".", "_", "-" and "/", got: "data"'],
      ['a snapshot rule is not positive', { rdbSnapshots: [{ seconds: 0, changes: 1 }] },
        '[redis.conf] \'rdbSnapshots\' must be a list of { seconds, changes } with positive integers, got: [{"seconds":0,"changes":1}]'],
      ['a cluster-only prop is given to another mode', { mode: 'replicated', auth: AUTH, clusterNodeTimeout: 5000 },
        '[redis.conf] \'clusterNodeTimeout\' must be unset unless \'mode\' is "cluster", got: 5000'],
      ['masters is not 1 outside cluster mode', { mode: 'replicated', auth: AUTH, masters: 3 },
        '[redis.conf] \'masters\' must be unset or 1 unless \'mode\' is "cluster", got: 3'],
      ['a standalone server has replicas', { mode: 'standalone', replicasPerMaster: 1 },
        '[redis.conf] \'replicasPerMaster\' must be unset or 0 when \'mode\' is "standalone", got: 1'],
      ['a replicated-only prop is given to another mode', { mode: 'cluster', replicaOf: { host: 'x' } },
        '[redis.conf] \'replicaOf\' must be unset unless \'mode\' is "replicated", got: {"host":"x"}'],
      ['replicated mode has no replica', { mode: 'replicated', auth: AUTH, replicasPerMaster: 0 },
        '[redis.conf] \'replicasPerMaster\' must be an integer between 1 and 100 in replicated mode, got: 0'],
      ['the primary host is not a host name', { mode: 'replicated', auth: AUTH, replicaOf: { host: 'a b' } },
        '[redis.conf] \'replicaOf.host\' must be a DNS name or an IP address, got: "a b"'],
      ['there is neither auth nor protected mode off on a network bind', { bind: ['*'] },
        '[redis.conf] \'protectedMode\' must be false when \'auth\' is not set and \'bind\' listens beyond loopback (protected mode would refuse every client from another pod; set \'auth\' or opt out explicitly), got: true'],
    ])('throws if %s', (_, override, message) => {
      expect(thrown(() => redisConf({ ...DEVELOPMENT, ...override }))).toBe(message);
    });

    describe('throws if a password is given as a literal (and never echoes it)', () => {
      test.each<[string, Record<string, unknown>, string]>([
        ['auth is a string', { auth: 's3cr3t-pw' },
          '[redis.conf] \'auth\' must be a Secret reference { secretName, key } (secrets are never given literally), got: a string of 9 characters (not shown)'],
        ['auth carries a password field', { auth: { ...AUTH, password: 's3cr3t-pw' } },
          '[redis.conf] \'auth\' must be a Secret reference { secretName, key } (secrets are never given literally), got: an object with the unexpected key(s) "password" (values not shown)'],
        ['a top-level password is passed through a cast', { auth: AUTH, password: 's3cr3t-pw' },
          '[redis.conf] \'password\' must not be set: pass the secret as a Secret reference in \'auth\' ({ secretName, key }), never literally, got: a string of 9 characters (not shown)'],
        ['requirepass is passed through a cast', { auth: AUTH, requirepass: 's3cr3t-pw' },
          '[redis.conf] \'requirepass\' must not be set: pass the secret as a Secret reference in \'auth\' ({ secretName, key }), never literally, got: a string of 9 characters (not shown)'],
      ])('%s', (_, override, message) => {
        const text = thrown(() => redisConf({ ...TEAM_PRIMARY, ...override }));
        expect(text).toBe(message);
        expect(text).not.toContain('s3cr3t-pw');
      });

      test('the Secret reference itself must be valid', () => {
        expect(thrown(() => redisConf({ ...TEAM_PRIMARY, auth: { secretName: 'Redis_Auth', key: 'pass word' } })))
          .toBe([
            '[redis.conf] \'auth.secretName\' must be a Kubernetes Secret name (a DNS subdomain), got: "Redis_Auth"',
            '[redis.conf] \'auth.key\' must be a Secret key (letters, digits, "-", "_" and "."), got: "pass word"',
          ].join('\n'));
      });
    });

    test('collects every problem and throws once', () => {
      const text = thrown(() => redisConf({ mode: 'cluster', maxMemory: 'lots', masters: 1, clusterNodeTimeout: -5 }));
      expect(text.split('\n')).toEqual([
        expect.stringContaining('\'maxMemory\''),
        expect.stringContaining('\'protectedMode\''),
        expect.stringContaining('\'masters\''),
        expect.stringContaining('\'clusterNodeTimeout\''),
      ]);
    });
  });
});

describe('resolveRedisProps', () => {
  test('counts the pods: 3 masters x (1 + 1) = 6 for the cluster tiers', () => {
    expect(resolveRedisProps(DEPARTMENT).totalNodes).toBe(6);
    expect(resolveRedisProps({ ...DEPARTMENT, masters: 5, replicasPerMaster: 2 }).totalNodes).toBe(15);
    expect(resolveRedisProps(TEAM_PRIMARY).totalNodes).toBe(2);
    expect(resolveRedisProps(DEVELOPMENT).totalNodes).toBe(1);
  });

  test('names the construct path in errors', () => {
    expect(() => resolveRedisProps({ ...DEVELOPMENT, port: 0 }, 'team/redis'))
      .toThrow('[team/redis] \'port\' must be an integer between 1 and 65535, got: 0');
  });
});

describe('redisMemoryLimit', () => {
  test.each([
    ['100Mi', true, '207Mi'],
    ['100Mi', false, '157Mi'],
    ['500Mi', true, '907Mi'],
    ['2Gi', true, '3616Mi'],
    ['8Gi', true, '14368Mi'],
  ])('maxmemory %s (forks: %s) -> limit %s', (maxmemory, forks, limit) => {
    expect(redisMemoryLimit(maxmemory, { forks })).toBe(limit);
  });

  test('defaults to a server that forks', () => {
    expect(redisMemoryLimit('2Gi')).toBe('3616Mi');
  });

  test('gives, from the bytes, what it gives from the quantity (the construct passes the bytes it parsed once)', () => {
    expect(redisMemoryLimitForBytes(8 * 1024 ** 3)).toBe('14368Mi');
    expect(redisMemoryLimitForBytes(100 * 1024 ** 2, { forks: false })).toBe('157Mi');
  });

  test('throws if maxmemory does not parse', () => {
    expect(thrown(() => redisMemoryLimit('2 GB'))).toBe(
      '[redis memory limit] \'maxMemory\' must be a positive Kubernetes memory quantity such as "512Mi", "2Gi" or "1G", got: "2 GB"',
    );
  });
});

describe('redisStartupScript', () => {
  test('matches the snapshots (cluster, standalone)', () => {
    expect(redisStartupScript(DEPARTMENT)).toMatchSnapshot('cluster');
    expect(redisStartupScript(DEVELOPMENT)).toMatchSnapshot('standalone');
  });

  test('writes the runtime file the conf includes and refreshes nodes.conf in cluster mode only', () => {
    const cluster = redisStartupScript({ ...DEPARTMENT, runtimeConfigPath: '/run/x/rt.conf', dataDir: '/d' });
    expect(cluster).toContain('RUNTIME_CONF=\'/run/x/rt.conf\'');
    expect(cluster).toContain('NODES_CONF=\'/d/nodes.conf\'');
    expect(cluster).toContain('CLUSTER=1');
    expect(cluster).toContain('AUTH_REQUIRED=1');
    const standalone = redisStartupScript(DEVELOPMENT);
    expect(standalone).toContain('CLUSTER=0');
    expect(standalone).toContain('AUTH_REQUIRED=0');
  });

  test('reads the announced name from the variable the StatefulSet sets (the script says it literally)', () => {
    // lib/redis/scripts/redis-startup.sh names the variable in sh syntax (${NAME:-}), where no placeholder can stand.
    const cluster = redisStartupScript(DEPARTMENT);
    expect(cluster).toContain(`case "\${${REDIS_ANNOUNCE_HOSTNAME_ENV}:-}" in`);
    expect(cluster).toContain(`printf 'cluster-announce-hostname %s\\n' "$${REDIS_ANNOUNCE_HOSTNAME_ENV}"`);
  });

  test('validates like redisConf, naming the script', () => {
    expect(thrown(() => redisStartupScript({ ...DEPARTMENT, masters: 2 }))).toBe(
      '[redis-startup.sh] \'masters\' must be an integer between 3 and 1000 (a cluster needs a majority of masters to fail over), got: 2',
    );
  });
});

describe('redisClusterBootstrapScript', () => {
  const script = redisClusterBootstrapScript({ nodes: clusterNodes(6) });

  test('matches the snapshot', () => {
    expect(script).toMatchSnapshot();
  });

  test('bakes in the node list, the replica count and the bounds', () => {
    expect(script).toContain(`NODES='${clusterNodes(6).map((n) => `${n.host}:${n.port}`).join(' ')}'`);
    expect(script).toContain('EXPECTED_NODES=6');
    expect(script).toContain('MASTERS=3');
    expect(script).toContain('REPLICAS=1');
    expect(script).toContain('POD_WAIT=600');
    expect(script).toContain('CLUSTER_WAIT=300');
    expect(script).toMatch(/redis-cli \$TLS_ARGS \$auth_args --cluster create \$addrs --cluster-replicas "\$REPLICAS" --cluster-yes < "\$auth_in"/);
  });

  test('creates only when every node is empty', () => {
    expect(script).toMatch(/if \[ "\$formed" -eq 0 \]; then[\s\S]*--cluster create[\s\S]*elif \[ "\$empty" -eq 0 \]/);
  });

  test.each<[string, Partial<Parameters<typeof redisClusterBootstrapScript>[0]>, string]>([
    ['there are fewer than 3 masters', { masters: 2, nodes: clusterNodes(4) },
      '[redis-cluster-bootstrap.sh] \'masters\' must be an integer between 3 and 1000 (a cluster needs a majority of masters to fail over), got: 2'],
    ['the node count does not match masters x (1 + replicas)', { nodes: clusterNodes(7) },
      '[redis-cluster-bootstrap.sh] \'nodes\' must be \'masters\' (3) x (1 + \'replicasPerMaster\' (1)) = 6 nodes, got: "7 nodes"'],
    ['replicasPerMaster is negative', { replicasPerMaster: -1 },
      '[redis-cluster-bootstrap.sh] \'replicasPerMaster\' must be an integer between 0 and 100, got: -1'],
    ['a host is not a host name', { nodes: [...clusterNodes(5), { host: 'x;rm -rf /', port: 6379 }] },
      '[redis-cluster-bootstrap.sh] \'nodes[5].host\' must be a DNS name or an IP address, got: "x;rm -rf /"'],
    ['a port leaves no room for the cluster bus', { nodes: [...clusterNodes(5), { host: 'a', port: 60000 }] },
      '[redis-cluster-bootstrap.sh] \'nodes[5].port\' must be an integer between 1 and 55535 (the cluster bus listens on port + 10000), got: 60000'],
    ['a node is listed twice', { nodes: [...clusterNodes(5), clusterNodes(1)[0]] },
      '[redis-cluster-bootstrap.sh] \'nodes\' must be distinct host:port pairs, got: ' + JSON.stringify([...clusterNodes(5), clusterNodes(1)[0]].map((n) => `${n.host}:${n.port}`))],
    ['a timeout is not positive', { podWaitTimeoutSeconds: 0 },
      '[redis-cluster-bootstrap.sh] \'podWaitTimeoutSeconds\' must be a positive integer number of seconds, got: 0'],
  ])('throws if %s', (_, override, message) => {
    expect(thrown(() => redisClusterBootstrapScript({ nodes: clusterNodes(6), ...override }))).toBe(message);
  });

  test('accepts 3 masters without replicas', () => {
    expect(redisClusterBootstrapScript({ nodes: clusterNodes(3), replicasPerMaster: 0 })).toContain('MASTERS=3');
  });

  test('takes the shape from masters and replicasPerMaster, not from the node count', () => {
    const wide = redisClusterBootstrapScript({ nodes: clusterNodes(12), masters: 4, replicasPerMaster: 2 });
    expect(wide).toContain('MASTERS=4');
    expect(wide).toContain('REPLICAS=2');
    expect(wide).toContain('EXPECTED_REPLICAS=8');
  });

  test('waits in two bounded loops, rendered by the one shell helper', () => {
    expect(script.match(/^until_time=\$\(deadline "\$(POD_WAIT|CLUSTER_WAIT)"\)$/gm)).toEqual([
      'until_time=$(deadline "$POD_WAIT")', 'until_time=$(deadline "$CLUSTER_WAIT")',
    ]);
    expect(script).toContain('|| fail "no PONG after ${POD_WAIT}s from:$down"');
    expect(script).toContain('|| fail "cluster not ok after ${CLUSTER_WAIT}s:$pending"');
  });
});
