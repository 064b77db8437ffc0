import { PropsError } from '../../lib/core/problems';
import {
  NGINX_MIN_VERSION,
  NginxBalancingMethod,
  NginxConfigProps,
  NginxRateLimit,
  NginxUpstreamServer,
  nginxConfigRequirements,
  renderNginxConfig,
} from '../../lib/nginx/nginx-conf';
import { parseNginxSize, parseNginxTime } from '../../lib/nginx/_nginx-syntax';
import {
  REPRESENTATIVE_NGINX_CONFIGS,
  departmentNginxProps,
  enterpriseNginxProps,
  seedStaticNginxProps,
  teamNginxProps,
} from '../integration/_nginx-fixtures';

const TIME = 'an nginx time such as "500ms", "5s", "1m" or "1h30m"';
const ZONE = 'an nginx size of at least "32k" (8 pages), such as "64k" or "10m"';

/** A minimal valid config: one static server. */
function minimal(overrides: Partial<NginxConfigProps> = {}): NginxConfigProps {
  return { upstream: { servers: [{ host: '10.0.0.1', port: 8000 }] }, ...overrides };
}

function withServer(server: Partial<NginxUpstreamServer>, upstream: Partial<NginxConfigProps['upstream']> = {}): NginxConfigProps {
  return { upstream: { servers: [{ host: '10.0.0.1', port: 8000, ...server }], ...upstream } };
}

function withRateLimit(limit: Partial<NginxRateLimit>): NginxConfigProps {
  return minimal({ rateLimits: [{ name: 'global', key: 'global', requests: 100, per: 'second', ...limit }] });
}

/** The PropsError message that rendering `props` throws. */
function errorOf(props: NginxConfigProps): string {
  try {
    renderNginxConfig(props);
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return (e as Error).message;
  }
  throw new Error('renderNginxConfig did not throw');
}

/** The `upstream <name> { ... }` block of a config. */
function upstreamBlock(conf: string, name: string): string {
  const m = new RegExp(`\\n    upstream ${name} \\{\\n([\\s\\S]*?)\\n    \\}`).exec(conf);
  if (!m) throw new Error(`no upstream ${name} in:\n${conf}`);
  return m[1];
}

/** The `location <path> { ... }` block of a config. */
function locationBlock(conf: string, path: string): string {
  const m = new RegExp(`\\n        location ${path.replace(/[/.=]/g, (c) => `\\${c}`)} \\{\\n([\\s\\S]*?)\\n        \\}`).exec(conf);
  if (!m) throw new Error(`no location ${path} in:\n${conf}`);
  return m[1];
}

describe('renderNginxConfig: representative configs', () => {
  test.each(REPRESENTATIVE_NGINX_CONFIGS)('%s matches the snapshot', (_name, props) => {
    // WHEN
    const conf = renderNginxConfig(props());
    // THEN
    expect(conf).toMatchSnapshot();
  });

  test('the same props give byte-identical output', () => {
    expect(renderNginxConfig(enterpriseNginxProps())).toBe(renderNginxConfig(enterpriseNginxProps()));
  });

  test('team: round robin over the headless Service, re-resolved through the cluster DNS', () => {
    // WHEN
    const conf = renderNginxConfig(teamNginxProps());
    // THEN
    const upstream = upstreamBlock(conf, 'app');
    expect(upstream).toContain('zone app 64k;');
    expect(upstream).toContain('server web-headless.default.svc.cluster.local:8000 resolve max_fails=1 fail_timeout=10s;');
    expect(upstream).not.toMatch(/least_conn|ip_hash|hash /);
    expect(conf).toContain('resolver 10.96.0.10 valid=5s ipv6=off;');
    expect(conf).not.toContain('location /ws');
    expect(conf).not.toContain('limit_req');
  });

  test('department: least_conn, max_fails 3 / 30s, keepalive 32, retries, websocket affinity', () => {
    // WHEN
    const conf = renderNginxConfig(departmentNginxProps());
    // THEN
    const upstream = upstreamBlock(conf, 'app');
    expect(upstream).toContain('least_conn;');
    expect(upstream).toContain('keepalive 32;');
    expect(upstream).toContain('resolve max_fails=3 fail_timeout=30s;');
    expect(conf).toContain('proxy_connect_timeout 5s;\n        proxy_send_timeout 60s;\n        proxy_read_timeout 60s;');
    expect(conf).toContain('proxy_next_upstream error timeout http_502 http_503 http_504;\n        proxy_next_upstream_tries 3;');
    expect(conf).toContain('proxy_http_version 1.1;');
    // the websocket location uses its own upstream, hashed by client, with the Upgrade/Connection map; the hash is
    // plain, not consistent: nginx's consistent hash would pick among the resolved addresses in round robin
    const wsUpstream = upstreamBlock(conf, 'app_websocket');
    expect(wsUpstream).toContain('hash $remote_addr;');
    expect(wsUpstream).not.toMatch(/hash .*consistent;/);
    const ws = locationBlock(conf, '/ws');
    expect(ws).toContain('proxy_pass http://app_websocket;');
    expect(ws).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(ws).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(ws).toContain('proxy_read_timeout 1h;');
    expect(conf).toContain("map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      '';\n    }");
    // everything else keeps upstream connections alive
    expect(locationBlock(conf, '/')).toContain('proxy_set_header Connection "";');
  });

  test('enterprise: real client IP from the ALB and rate limits', () => {
    // WHEN
    const conf = renderNginxConfig(enterpriseNginxProps());
    // THEN
    expect(conf).toContain('set_real_ip_from 10.0.0.0/16;\n    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;');
    expect(conf).toContain('limit_req_zone global zone=global:64k rate=5000r/m;');
    expect(conf).toContain('limit_req_zone $binary_remote_addr zone=per_client:10m rate=1000r/m;');
    expect(conf).toContain('limit_req_status 429;');
    const root = locationBlock(conf, '/');
    expect(root).toContain('limit_req zone=global burst=100 nodelay;');
    expect(root).toContain('limit_req zone=per_client burst=100 nodelay;');
    expect(root).toContain('proxy_set_header X-Forwarded-For $forwarded_for;');
    expect(root).toContain('proxy_set_header X-Forwarded-Proto $forwarded_proto;');
    // the health endpoints are never rate limited nor logged
    expect(locationBlock(conf, '= /healthz')).not.toContain('limit_req');
    expect(locationBlock(conf, '= /health')).not.toContain('limit_req');
    expect(locationBlock(conf, '= /health')).toContain('access_log off;');
  });

  test('seed 003: weights and a backup server', () => {
    // WHEN
    const conf = renderNginxConfig(seedStaticNginxProps());
    // THEN
    const upstream = upstreamBlock(conf, 'claudebench_backend');
    expect(upstream).toContain('server 10.0.1.10:3000 weight=3 max_fails=3 fail_timeout=30s;');
    expect(upstream).toContain('server 10.0.1.13:3000 weight=1 max_fails=3 fail_timeout=30s backup;');
    expect(conf).not.toContain('resolver');
    expect(conf).toContain('access_log /dev/stdout main;');
    expect(conf).toMatch(/log_format main .*\n.*\n.*urt="\$upstream_response_time"';/);
  });
});

describe('renderNginxConfig: operator defaults', () => {
  test('runs as non-root: port 8080, no user directive, pid and temp paths under /tmp', () => {
    // WHEN
    const conf = renderNginxConfig(minimal());
    // THEN
    expect(conf).toContain('listen 8080;');
    expect(conf).not.toMatch(/^\s*user /m);
    expect(conf).toContain('pid /tmp/nginx.pid;');
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      expect(conf).toMatch(new RegExp(`${t}_temp_path /tmp/\\w+_temp;`));
    }
  });

  test('hides the version, limits bodies, compresses text, logs JSON with upstream timing', () => {
    // WHEN
    const conf = renderNginxConfig(minimal());
    // THEN
    expect(conf).toContain('server_tokens off;');
    expect(conf).toContain('client_max_body_size 1m;');
    expect(conf).toContain('gzip on;');
    expect(conf).toContain('log_format json escape=json');
    expect(conf).toContain('"upstream_response_time":"$upstream_response_time"');
    expect(conf).toContain('access_log /dev/stdout json;');
    expect(conf).toContain('error_log stderr warn;');
  });

  test('/healthz answers locally, /health goes to the app, both without access logs', () => {
    // WHEN
    const conf = renderNginxConfig(minimal());
    // THEN
    const healthz = locationBlock(conf, '= /healthz');
    expect(healthz).toContain('return 200 "ok\\n";');
    expect(healthz).toContain('access_log off;');
    expect(healthz).not.toContain('proxy_pass');
    const health = locationBlock(conf, '= /health');
    expect(health).toContain('proxy_pass http://app;');
    expect(health).toContain('access_log off;');
  });

  test('sends X-Real-IP, X-Forwarded-For and X-Forwarded-Proto', () => {
    // WHEN
    const root = locationBlock(renderNginxConfig(minimal()), '/');
    // THEN
    expect(root).toContain('proxy_set_header X-Real-IP $remote_addr;');
    expect(root).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(root).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
  });

  test.each<[NginxConfigProps['upstream'], string]>([
    [{ method: 'ip_hash', servers: [{ host: '10.0.0.1', port: 80 }] }, 'ip_hash;'],
    [{ method: 'hash', servers: [{ host: '10.0.0.1', port: 80 }] }, 'hash $remote_addr consistent;'],
    [{ method: 'hash', hashKey: '$http_x_user_id', servers: [{ host: '10.0.0.1', port: 80 }] }, 'hash $http_x_user_id consistent;'],
  ])('balancing method %j', (upstream, line) => {
    expect(upstreamBlock(renderNginxConfig({ upstream }), 'app')).toContain(line);
  });

  test('a hash over resolve servers is plain, not consistent', () => {
    // WHEN
    const conf = renderNginxConfig({
      upstream: { method: 'hash', hashKey: '$http_x_user_id', servers: [{ host: 'app.example', port: 80, resolve: true }] },
      resolver: { addresses: ['10.96.0.10'] },
    });
    // THEN
    expect(upstreamBlock(conf, 'app')).toContain('hash $http_x_user_id;');
    expect(nginxConfigRequirements({
      upstream: { method: 'hash', servers: [{ host: 'app.example', port: 80, resolve: true }] },
      resolver: { addresses: ['10.96.0.10'] },
    }).features.map((f) => f.name)).toContain('hash');
  });

  test('websocket affinity ip_hash and none', () => {
    // WHEN
    const ipHash = renderNginxConfig(minimal({ websocket: { path: '/socket', affinity: 'ip_hash' } }));
    const none = renderNginxConfig(minimal({ websocket: { path: '/socket', affinity: 'none' } }));
    // THEN
    expect(upstreamBlock(ipHash, 'app_websocket')).toContain('ip_hash;');
    expect(none).not.toContain('app_websocket');
    expect(locationBlock(none, '/socket')).toContain('proxy_pass http://app;');
  });

  test('the websocket upstream leaves backup servers out', () => {
    // WHEN
    const conf = renderNginxConfig({
      ...seedStaticNginxProps(),
      websocket: { path: '/ws' },
    });
    // THEN
    const ws = upstreamBlock(conf, 'claudebench_backend_websocket');
    expect(ws).toContain('hash $remote_addr consistent;');
    expect(ws).toContain('10.0.1.12:3000');
    expect(ws).not.toContain('10.0.1.13:3000');
  });

  test('rate limits keyed by a header, with a custom reject status and no nodelay', () => {
    // WHEN
    const conf = renderNginxConfig(
      minimal({
        rateLimits: [{ name: 'per_user', key: 'header', header: 'X-User-Id', requests: 10, per: 'second', nodelay: false }],
        rateLimitStatus: 503,
      }),
    );
    // THEN
    expect(conf).toContain('limit_req_zone $http_x_user_id zone=per_user:10m rate=10r/s;');
    expect(conf).toContain('limit_req_status 503;');
    expect(locationBlock(conf, '/')).toContain('limit_req zone=per_user;');
  });

  test('overrides: listen address and port, paths, workers, retries off, resolver options', () => {
    // WHEN
    const conf = renderNginxConfig({
      upstream: { servers: [{ host: 'app.example', port: 80, resolve: true }], zoneSize: '1m' },
      resolver: { addresses: ['127.0.0.1:5353', '[::1]'], validSeconds: 1, ipv6: true, timeout: '2s' },
      listenAddress: '127.0.0.1',
      listenPort: 18080,
      tempDir: '/var/run/nginx',
      accessLogPath: '/var/log/access.log',
      errorLogPath: '/var/log/error.log',
      workerProcesses: 2,
      workerConnections: 4096,
      nextUpstream: { conditions: [] },
      gzip: false,
      clientMaxBodySize: '0',
    });
    // THEN
    expect(conf).toContain('listen 127.0.0.1:18080;');
    expect(conf).toContain('resolver 127.0.0.1:5353 [::1] valid=1s ipv6=on;\n    resolver_timeout 2s;');
    expect(conf).toContain('zone app 1m;');
    expect(conf).toContain('pid /var/run/nginx/nginx.pid;');
    expect(conf).toContain('access_log /var/log/access.log json;');
    expect(conf).toContain('error_log /var/log/error.log warn;');
    expect(conf).toContain('worker_processes 2;');
    expect(conf).toContain('worker_connections 4096;');
    expect(conf).toContain('proxy_next_upstream off;');
    expect(conf).not.toContain('proxy_next_upstream_tries');
    expect(conf).toContain('gzip off;');
    expect(conf).toContain('client_max_body_size 0;');
  });
});

describe('nginxConfigRequirements', () => {
  test('a config with resolve needs nginx >= 1.27.3 (NGINX_MIN_VERSION)', () => {
    // WHEN
    const req = nginxConfigRequirements(departmentNginxProps());
    // THEN
    expect(NGINX_MIN_VERSION).toBe('1.27.3');
    expect(req.minVersion).toBe(NGINX_MIN_VERSION);
    expect(req.features.map((f) => f.name)).toContain('server ... resolve');
    expect(renderNginxConfig(departmentNginxProps())).toContain('# Needs open-source nginx >= 1.27.3 (for server ... resolve).');
  });

  test('a static config needs only what it uses', () => {
    // WHEN
    const req = nginxConfigRequirements(seedStaticNginxProps());
    // THEN
    expect(req.minVersion).toBe('1.9.0');
    expect(req.features.map((f) => f.name)).toEqual(['upstream keepalive', 'proxy_next_upstream_tries', 'upstream zone']);
  });

  test('no version needed by any config is newer than NGINX_MIN_VERSION', () => {
    for (const [, props] of REPRESENTATIVE_NGINX_CONFIGS) {
      for (const f of nginxConfigRequirements(props()).features) {
        expect(f.since.localeCompare(NGINX_MIN_VERSION, undefined, { numeric: true })).toBeLessThanOrEqual(0);
      }
    }
  });
});

describe('parseNginxTime and parseNginxSize', () => {
  test.each([
    ['500ms', 500],
    ['5s', 5000],
    ['60s', 60000],
    ['1m', 60000],
    ['1h30m', 5400000],
    ['30', 30000],
    ['1d', 86400000],
  ])('time %s = %d ms', (text, ms) => expect(parseNginxTime(text)).toBe(ms));

  test.each(['', '5 s', '5sec', '1m1h', '1s1s', 's', '-5s', '1.5s', '5S'])('time %j does not parse', (text) => {
    expect(parseNginxTime(text)).toBeUndefined();
  });

  test.each([
    ['32k', 32768],
    ['10m', 10485760],
    ['1G', 1073741824],
    ['0', 0],
  ])('size %s = %d bytes', (text, bytes) => expect(parseNginxSize(text)).toBe(bytes));

  test.each(['', '10mb', '1.5m', 'k', '-1k'])('size %j does not parse', (text) => {
    expect(parseNginxSize(text)).toBeUndefined();
  });
});

describe('renderNginxConfig: invalid props', () => {
  test('throws if the balancing method is unknown', () => {
    expect(errorOf(withServer({}, { method: 'random' as NginxBalancingMethod }))).toBe(
      `[nginx.conf] 'upstream.method' must be one of "round_robin", "least_conn", "ip_hash", "hash", got: "random"`,
    );
  });

  test('throws if max_fails is negative', () => {
    expect(errorOf(withServer({ maxFails: -1 }))).toBe(
      `[nginx.conf] 'upstream.servers[0].maxFails' must be an integer >= 0, got: -1`,
    );
  });

  test('throws if max_fails is not an integer', () => {
    expect(errorOf(withServer({}, { maxFails: 1.5 }))).toBe(`[nginx.conf] 'upstream.maxFails' must be an integer >= 0, got: 1.5`);
  });

  test.each([0, -1])('throws if keepalive is %d', (keepalive) => {
    expect(errorOf(withServer({}, { keepalive }))).toBe(
      `[nginx.conf] 'upstream.keepalive' must be an integer >= 1, got: ${keepalive}`,
    );
  });

  test('throws if a timeout does not parse', () => {
    expect(errorOf(minimal({ timeouts: { connect: '5 seconds' } }))).toBe(
      `[nginx.conf] 'timeouts.connect' must be ${TIME}, got: "5 seconds"`,
    );
  });

  test('throws if a duration does not parse', () => {
    expect(errorOf(withServer({ failTimeout: '30x' }))).toBe(
      `[nginx.conf] 'upstream.servers[0].failTimeout' must be ${TIME}, got: "30x"`,
    );
  });

  test('throws if a timeout is zero', () => {
    expect(errorOf(minimal({ timeouts: { read: '0s' } }))).toBe(`[nginx.conf] 'timeouts.read' must be ${TIME}, got: "0s"`);
  });

  test.each<NginxBalancingMethod>(['ip_hash', 'hash'])('throws if a backup server is combined with %s', (method) => {
    const props: NginxConfigProps = {
      upstream: { method, servers: [{ host: '10.0.0.1', port: 80 }, { host: '10.0.0.2', port: 80, backup: true }] },
    };
    expect(errorOf(props)).toBe(
      `[nginx.conf] 'upstream.servers[1].backup' must be false with method "${method}" (nginx forbids backup servers with hash methods), got: true`,
    );
  });

  test('throws if there are no servers', () => {
    expect(errorOf({ upstream: { servers: [] } })).toBe(`[nginx.conf] 'upstream.servers' must be a non-empty list, got: []`);
  });

  test('throws if every server is a backup', () => {
    expect(errorOf(withServer({ backup: true }))).toBe(
      `[nginx.conf] 'upstream.servers' must be a list with at least one server that is not a backup, got: ["10.0.0.1:8000 backup"]`,
    );
  });

  test.each([0, 70000, 80.5])('throws if a server port is %d', (port) => {
    expect(errorOf(withServer({ port }))).toBe(
      `[nginx.conf] 'upstream.servers[0].port' must be an integer between 1 and 65535, got: ${port}`,
    );
  });

  test('throws if the listen port is privileged', () => {
    expect(errorOf(minimal({ listenPort: 80 }))).toBe(
      `[nginx.conf] 'listenPort' must be an integer between 1024 and 65535 (nginx runs as a non-root user), got: 80`,
    );
  });

  test('throws if a weight is below 1', () => {
    expect(errorOf(withServer({ weight: 0 }))).toBe(`[nginx.conf] 'upstream.servers[0].weight' must be an integer >= 1, got: 0`);
  });

  test.each([0, -5])('throws if a rate limit is %d', (requests) => {
    expect(errorOf(withRateLimit({ requests }))).toBe(
      `[nginx.conf] 'rateLimits[0].requests' must be an integer >= 1, got: ${requests}`,
    );
  });

  test('throws if a burst is negative', () => {
    expect(errorOf(withRateLimit({ burst: -1 }))).toBe(`[nginx.conf] 'rateLimits[0].burst' must be an integer >= 0, got: -1`);
  });

  test.each(['16k', 'lots'])('throws if the upstream zone size is %j', (zoneSize) => {
    expect(errorOf(withServer({}, { zoneSize }))).toBe(`[nginx.conf] 'upstream.zoneSize' must be ${ZONE}, got: "${zoneSize}"`);
  });

  test('throws if a rate limit zone size is invalid', () => {
    expect(errorOf(withRateLimit({ zoneSize: '10 MB' }))).toBe(`[nginx.conf] 'rateLimits[0].zoneSize' must be ${ZONE}, got: "10 MB"`);
  });

  test('throws if two rate limits share a zone name', () => {
    const props = minimal({
      rateLimits: [
        { name: 'limit', key: 'global', requests: 100, per: 'second' },
        { name: 'limit', key: 'client', requests: 10, per: 'second' },
      ],
    });
    expect(errorOf(props)).toBe(
      `[nginx.conf] 'rateLimits[1].name' must be unique among shared-memory zone names (already used by rateLimits[0].name), got: "limit"`,
    );
  });

  test("throws if a rate limit zone has the upstream's zone name", () => {
    expect(errorOf(withRateLimit({ name: 'app' }))).toBe(
      `[nginx.conf] 'rateLimits[0].name' must be unique among shared-memory zone names (already used by upstream.name), got: "app"`,
    );
  });

  test('throws if a server uses resolve without a resolver', () => {
    expect(errorOf(withServer({ host: 'app.svc', resolve: true }))).toBe(
      `[nginx.conf] 'resolver' must be set when a server uses 'resolve' (upstream.servers[0]), got: undefined`,
    );
  });

  test('throws if a resolve server is an IP address', () => {
    const props: NginxConfigProps = { ...withServer({ resolve: true }), resolver: { addresses: ['10.96.0.10'] } };
    expect(errorOf(props)).toBe(`[nginx.conf] 'upstream.servers[0].host' must be a DNS name when 'resolve' is true, got: "10.0.0.1"`);
  });

  test('throws if the resolver is given by name', () => {
    const props = minimal({ resolver: { addresses: ['kube-dns.kube-system.svc.cluster.local'] } });
    expect(errorOf(props)).toBe(
      `[nginx.conf] 'resolver.addresses[0]' must be an IPv4 address or a bracketed IPv6 address with an optional ":port" (nginx cannot resolve the resolver's own name), got: "kube-dns.kube-system.svc.cluster.local"`,
    );
  });

  test('throws if a hash key is given without the hash method', () => {
    expect(errorOf(withServer({}, { hashKey: '$remote_addr' }))).toBe(
      `[nginx.conf] 'upstream.hashKey' must be unset unless 'upstream.method' is "hash", got: "$remote_addr"`,
    );
  });

  test('throws if a header rate limit has no header', () => {
    expect(errorOf(withRateLimit({ key: 'header' }))).toBe(
      `[nginx.conf] 'rateLimits[0].header' must be an HTTP header name with key "header", got: undefined`,
    );
  });

  test('throws if the reject status is not an error status', () => {
    expect(errorOf(minimal({ rateLimitStatus: 200 }))).toBe(
      `[nginx.conf] 'rateLimitStatus' must be an HTTP status between 400 and 599, got: 200`,
    );
  });

  test('throws if the websocket path is "/"', () => {
    expect(errorOf(minimal({ websocket: { path: '/' } }))).toBe(
      `[nginx.conf] 'websocket.path' must be a URI path starting with "/" (letters, digits and "/._~-"), other than "/", got: "/"`,
    );
  });

  test('throws if a trusted range is not a CIDR', () => {
    expect(errorOf(minimal({ realIp: { trustedCidrs: ['10.0.0.0/33'] } }))).toBe(
      `[nginx.conf] 'realIp.trustedCidrs[0]' must be an IPv4 or IPv6 address or CIDR range, e.g. "10.0.0.0/16", got: "10.0.0.0/33"`,
    );
  });

  test('lists every problem at once', () => {
    // GIVEN
    const props: NginxConfigProps = {
      upstream: { method: 'ip_hash', keepalive: 0, servers: [{ host: '10.0.0.1', port: 0, backup: true }] },
    };
    // WHEN
    const lines = errorOf(props).split('\n');
    // THEN
    expect(lines).toEqual([
      `[nginx.conf] 'upstream.keepalive' must be an integer >= 1, got: 0`,
      `[nginx.conf] 'upstream.servers[0].port' must be an integer between 1 and 65535, got: 0`,
      `[nginx.conf] 'upstream.servers[0].backup' must be false with method "ip_hash" (nginx forbids backup servers with hash methods), got: true`,
      `[nginx.conf] 'upstream.servers' must be a list with at least one server that is not a backup, got: ["10.0.0.1:0 backup"]`,
    ]);
  });
});
