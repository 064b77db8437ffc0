/**
 * Defaults, validation and feature accounting for the generated nginx.conf: turns {@link NginxConfigProps} into a
 * fully resolved config. Internal to lib/nginx: {@link renderNginxConfig} uses it standalone (problems named after
 * nginx.conf), {@link NginxLoadBalancer} with its construct path and its own field names.
 */
import { isCidr, isIntegerIn, oneOf } from '../core/checks';
import { Problems } from '../core/problems';
import type { NginxConfigProps, NginxFeature } from './nginx-config-props';
import type {
  NginxAccessLogFormat,
  NginxNextUpstreamCondition,
  NginxRateLimitKey,
  NginxWebsocketAffinity,
} from './nginx-proxy';
import type { ResolvedNginxConfig, ResolvedRateLimit, ResolvedUpstreamServer } from './_nginx-resolved';
import {
  MIN_ZONE_BYTES,
  NGINX_TIME_ALLOWED,
  compareVersions,
  isAbsolutePath,
  isDnsName,
  isIpLiteral,
  isIpWithOptionalPort,
  isName,
  isUriPath,
  parseNginxSize,
  parseNginxTime,
} from './_nginx-syntax';
import type { NginxBalancingMethod, NginxUpstreamServer } from './nginx-upstream';

/** Where the resolver records a problem. */
type Recorder = Pick<Problems, 'add'>;

/** No upper bound but the largest exact integer. */
const ANY = Number.MAX_SAFE_INTEGER;

const METHODS: readonly NginxBalancingMethod[] = ['round_robin', 'least_conn', 'ip_hash', 'hash'];
const AFFINITIES: readonly NginxWebsocketAffinity[] = ['client_hash', 'ip_hash', 'none'];
const RATE_KEYS: readonly NginxRateLimitKey[] = ['global', 'client', 'header'];
const LOG_FORMATS: readonly NginxAccessLogFormat[] = ['json', 'main'];
const CONDITIONS: readonly NginxNextUpstreamCondition[] = [
  'error',
  'timeout',
  'invalid_header',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
  'non_idempotent',
];

const NAME_ALLOWED = 'a name of letters, digits and "_" that does not start with a digit';
const PATH_ALLOWED = 'a URI path starting with "/" (letters, digits and "/._~-")';
const ABSOLUTE_PATH_ALLOWED = 'an absolute file path without spaces, quotes, ";", "{" or "}"';

/**
 * Applies the documented defaults and checks every value. Throws one PropsError listing every problem (each named
 * after its nginx.conf prop), before any text is produced.
 */
export function resolveNginxProps(props: NginxConfigProps): ResolvedNginxConfig {
  const problems = new Problems('nginx.conf');
  const resolved = resolveNginxConfig(problems, props);
  problems.throwIfAny();
  return resolved as ResolvedNginxConfig;
}

/**
 * Applies the documented defaults and checks every value, recording each problem in `problems` under the field
 * name `fieldName` gives for the prop's own name (a construct that builds these props from its own names it).
 *
 * @returns the resolved config, or undefined when a problem was found
 */
export function resolveNginxConfig(
  problems: Problems,
  props: NginxConfigProps,
  fieldName: (field: string) => string = (field) => field,
): ResolvedNginxConfig | undefined {
  let found = false;
  const p: Recorder = {
    add(field, value, allowed) {
      found = true;
      problems.add(fieldName(field), value, allowed);
    },
  };
  const up = props.upstream ?? { servers: [] };

  // Defaults, matching the @default tags of the props.
  const listenPort = props.listenPort ?? 8080;
  const name = up.name ?? 'app';
  const method = up.method ?? 'round_robin';
  const hashKey = up.hashKey ?? '$remote_addr';
  const keepalive = up.keepalive ?? 32;
  const zoneSize = up.zoneSize ?? '64k';
  const maxFails = up.maxFails ?? 1;
  const failTimeout = up.failTimeout ?? '10s';
  const timeouts = {
    connect: props.timeouts?.connect ?? '5s',
    send: props.timeouts?.send ?? '60s',
    read: props.timeouts?.read ?? '60s',
  };
  const nextUpstream = {
    conditions: props.nextUpstream?.conditions ?? (['error', 'timeout', 'http_502', 'http_503', 'http_504'] as const),
    tries: props.nextUpstream?.tries ?? 3,
    timeout: props.nextUpstream?.timeout,
  };
  const rateLimitStatus = props.rateLimitStatus ?? 429;
  const clientMaxBodySize = props.clientMaxBodySize ?? '1m';
  const gzip = props.gzip ?? true;
  const accessLogFormat = props.accessLogFormat ?? 'json';
  const accessLogPath = props.accessLogPath ?? '/dev/stdout';
  const errorLogPath = props.errorLogPath ?? 'stderr';
  const tempDir = props.tempDir ?? '/tmp';
  const workerProcesses = props.workerProcesses ?? 'auto';
  const workerConnections = props.workerConnections ?? 1024;
  const localHealthPath = props.localHealthPath ?? '/healthz';
  const upstreamHealthPath = props.upstreamHealthPath ?? '/health';
  const websocketUpstream = `${name}_websocket`;

  // Listener and process.
  if (!isIntegerIn(listenPort, 1024, 65535)) {
    p.add('listenPort', listenPort, 'an integer between 1024 and 65535 (nginx runs as a non-root user)');
  }
  if (props.listenAddress !== undefined && !isIpLiteral(props.listenAddress)) {
    p.add('listenAddress', props.listenAddress, 'an IPv4 address or a bracketed IPv6 address');
  }
  if (workerProcesses !== 'auto' && !isIntegerIn(workerProcesses, 1, ANY)) {
    p.add('workerProcesses', workerProcesses, '"auto" or an integer >= 1');
  }
  if (!isIntegerIn(workerConnections, 16, ANY)) {
    p.add('workerConnections', workerConnections, 'an integer >= 16');
  }
  if (!isAbsolutePath(tempDir)) p.add('tempDir', tempDir, ABSOLUTE_PATH_ALLOWED);
  if (!isAbsolutePath(accessLogPath)) p.add('accessLogPath', accessLogPath, ABSOLUTE_PATH_ALLOWED);
  if (errorLogPath !== 'stderr' && !isAbsolutePath(errorLogPath)) {
    p.add('errorLogPath', errorLogPath, `"stderr" or ${ABSOLUTE_PATH_ALLOWED}`);
  }
  if (!LOG_FORMATS.includes(accessLogFormat)) p.add('accessLogFormat', accessLogFormat, oneOf(LOG_FORMATS));
  if (typeof gzip !== 'boolean') p.add('gzip', gzip, 'true or false');
  if (parseNginxSize(clientMaxBodySize) === undefined) {
    p.add('clientMaxBodySize', clientMaxBodySize, 'an nginx size such as "1m", "512k" or "0" (no limit)');
  }

  // Upstream.
  if (!isName(name)) p.add('upstream.name', name, NAME_ALLOWED);
  if (!METHODS.includes(method)) p.add('upstream.method', method, oneOf(METHODS));
  if (up.hashKey !== undefined && method !== 'hash') {
    p.add('upstream.hashKey', up.hashKey, 'unset unless \'upstream.method\' is "hash"');
  }
  if (typeof hashKey !== 'string' || !/^[A-Za-z0-9_$:./-]+$/.test(hashKey)) {
    const allowed = 'nginx variables and text without spaces, quotes, ";" or braces, e.g. "$remote_addr"';
    p.add('upstream.hashKey', hashKey, allowed);
  }
  if (!isIntegerIn(keepalive, 1, ANY)) p.add('upstream.keepalive', keepalive, 'an integer >= 1');
  checkZoneSize(p, 'upstream.zoneSize', zoneSize);
  if (!isIntegerIn(maxFails, 0, ANY)) p.add('upstream.maxFails', maxFails, 'an integer >= 0');
  checkTime(p, 'upstream.failTimeout', failTimeout);

  const servers: ResolvedUpstreamServer[] = [];
  const rawServers: readonly NginxUpstreamServer[] = Array.isArray(up.servers) ? up.servers : [];
  if (rawServers.length === 0) p.add('upstream.servers', up.servers, 'a non-empty list');
  rawServers.forEach((s, i) => {
    const f = `upstream.servers[${i}]`;
    const resolve = s.resolve ?? false;
    const backup = s.backup ?? false;
    const server: ResolvedUpstreamServer = {
      host: s.host,
      port: s.port,
      resolve,
      weight: s.weight,
      maxFails: s.maxFails ?? maxFails,
      failTimeout: s.failTimeout ?? failTimeout,
      backup,
    };
    servers.push(server);
    if (resolve) {
      if (!isDnsName(s.host)) p.add(`${f}.host`, s.host, "a DNS name when 'resolve' is true");
    } else if (!isIpLiteral(s.host) && !isDnsName(s.host)) {
      p.add(`${f}.host`, s.host, 'an IPv4 address, a bracketed IPv6 address or a DNS name');
    }
    if (!isIntegerIn(s.port, 1, 65535)) p.add(`${f}.port`, s.port, 'an integer between 1 and 65535');
    if (s.weight !== undefined && !isIntegerIn(s.weight, 1, ANY)) p.add(`${f}.weight`, s.weight, 'an integer >= 1');
    if (s.maxFails !== undefined && !isIntegerIn(s.maxFails, 0, ANY)) {
      p.add(`${f}.maxFails`, s.maxFails, 'an integer >= 0');
    }
    if (s.failTimeout !== undefined) checkTime(p, `${f}.failTimeout`, s.failTimeout);
    if (backup && (method === 'ip_hash' || method === 'hash')) {
      const why = '(nginx forbids backup servers with hash methods)';
      p.add(`${f}.backup`, backup, `false with method ${JSON.stringify(method)} ${why}`);
    }
    if (resolve && props.resolver === undefined) {
      p.add('resolver', props.resolver, `set when a server uses 'resolve' (${f})`);
    }
  });
  if (rawServers.length > 0 && rawServers.every((s) => s.backup === true)) {
    const listed = rawServers.map((s) => `${s.host}:${s.port} backup`);
    p.add('upstream.servers', listed, 'a list with at least one server that is not a backup');
  }

  // Resolver.
  let resolver: ResolvedNginxConfig['resolver'];
  if (props.resolver !== undefined) {
    const r = props.resolver;
    const addresses = Array.isArray(r.addresses) ? r.addresses : [];
    if (addresses.length === 0) p.add('resolver.addresses', r.addresses, 'a non-empty list of IP addresses');
    addresses.forEach((a, i) => {
      if (!isIpWithOptionalPort(a)) {
        p.add(
          `resolver.addresses[${i}]`,
          a,
          'an IPv4 address or a bracketed IPv6 address with an optional ":port" ' +
            "(nginx cannot resolve the resolver's own name)",
        );
      }
    });
    resolver = { addresses, validSeconds: r.validSeconds ?? 5, ipv6: r.ipv6 ?? false, timeout: r.timeout ?? '5s' };
    if (!isIntegerIn(resolver.validSeconds, 1, ANY)) {
      p.add('resolver.validSeconds', resolver.validSeconds, 'an integer >= 1');
    }
    checkTime(p, 'resolver.timeout', resolver.timeout);
  }

  // Proxying.
  checkTime(p, 'timeouts.connect', timeouts.connect);
  checkTime(p, 'timeouts.send', timeouts.send);
  checkTime(p, 'timeouts.read', timeouts.read);
  if (!Array.isArray(nextUpstream.conditions)) {
    p.add('nextUpstream.conditions', nextUpstream.conditions, `a list of ${oneOf(CONDITIONS)}`);
  } else {
    nextUpstream.conditions.forEach((cond: NginxNextUpstreamCondition, i) => {
      if (!CONDITIONS.includes(cond)) p.add(`nextUpstream.conditions[${i}]`, cond, oneOf(CONDITIONS));
    });
  }
  if (!isIntegerIn(nextUpstream.tries, 1, ANY)) p.add('nextUpstream.tries', nextUpstream.tries, 'an integer >= 1');
  if (nextUpstream.timeout !== undefined) checkTime(p, 'nextUpstream.timeout', nextUpstream.timeout);

  // Locations.
  if (!isUriPath(localHealthPath)) p.add('localHealthPath', localHealthPath, PATH_ALLOWED);
  if (!isUriPath(upstreamHealthPath)) p.add('upstreamHealthPath', upstreamHealthPath, PATH_ALLOWED);
  if (localHealthPath === upstreamHealthPath) {
    p.add('upstreamHealthPath', upstreamHealthPath, `different from 'localHealthPath' (${JSON.stringify(localHealthPath)})`);
  }
  let websocket: ResolvedNginxConfig['websocket'];
  if (props.websocket !== undefined) {
    const ws = props.websocket;
    websocket = { path: ws.path, affinity: ws.affinity ?? 'client_hash', timeout: ws.timeout ?? '1h' };
    if (!isUriPath(ws.path) || ws.path === '/') {
      p.add('websocket.path', ws.path, `${PATH_ALLOWED}, other than "/"`);
    } else if (ws.path === localHealthPath || ws.path === upstreamHealthPath) {
      p.add('websocket.path', ws.path, 'different from the health paths');
    }
    if (!AFFINITIES.includes(websocket.affinity)) p.add('websocket.affinity', websocket.affinity, oneOf(AFFINITIES));
    checkTime(p, 'websocket.timeout', websocket.timeout);
  }

  // Real IP.
  let realIp: ResolvedNginxConfig['realIp'];
  if (props.realIp !== undefined) {
    const cidrs = Array.isArray(props.realIp.trustedCidrs) ? props.realIp.trustedCidrs : [];
    realIp = { trustedCidrs: cidrs, header: props.realIp.header ?? 'X-Forwarded-For' };
    if (cidrs.length === 0) p.add('realIp.trustedCidrs', props.realIp.trustedCidrs, 'a non-empty list of CIDR ranges');
    cidrs.forEach((c, i) => {
      if (!isCidr(c, { prefixOptional: true })) p.add(`realIp.trustedCidrs[${i}]`, c, 'an IPv4 or IPv6 address or CIDR range, e.g. "10.0.0.0/16"');
    });
    if (!/^[A-Za-z0-9-]+$/.test(realIp.header)) p.add('realIp.header', realIp.header, 'an HTTP header name');
  }

  // Rate limits and shared-memory zones.
  const zones = new Map<string, string>([[name, 'upstream.name']]);
  if (websocket && websocket.affinity !== 'none') zones.set(websocketUpstream, 'the websocket affinity upstream');
  if (!isIntegerIn(rateLimitStatus, 400, 599)) {
    p.add('rateLimitStatus', rateLimitStatus, 'an HTTP status between 400 and 599');
  }
  const rateLimits: ResolvedRateLimit[] = (props.rateLimits ?? []).map((r, i) => {
    const f = `rateLimits[${i}]`;
    if (!isName(r.name)) {
      p.add(`${f}.name`, r.name, NAME_ALLOWED);
    } else if (zones.has(r.name)) {
      p.add(`${f}.name`, r.name, `unique among shared-memory zone names (already used by ${zones.get(r.name)})`);
    } else {
      zones.set(r.name, `${f}.name`);
    }
    if (!RATE_KEYS.includes(r.key)) p.add(`${f}.key`, r.key, oneOf(RATE_KEYS));
    if (r.key === 'header') {
      if (typeof r.header !== 'string' || !/^[A-Za-z0-9-]+$/.test(r.header)) {
        p.add(`${f}.header`, r.header, 'an HTTP header name with key "header"');
      }
    } else if (r.header !== undefined) {
      p.add(`${f}.header`, r.header, 'unset unless \'key\' is "header"');
    }
    if (!isIntegerIn(r.requests, 1, ANY)) p.add(`${f}.requests`, r.requests, 'an integer >= 1');
    if (r.per !== 'second' && r.per !== 'minute') p.add(`${f}.per`, r.per, oneOf(['second', 'minute']));
    const burst = r.burst ?? 0;
    if (!isIntegerIn(burst, 0, ANY)) p.add(`${f}.burst`, burst, 'an integer >= 0');
    const size = r.zoneSize ?? (r.key === 'global' ? '64k' : '10m');
    checkZoneSize(p, `${f}.zoneSize`, size);
    const nginxKey =
      r.key === 'global'
        ? 'global'
        : r.key === 'client'
          ? '$binary_remote_addr'
          : `$http_${String(r.header).toLowerCase().replace(/-/g, '_')}`;
    return { name: r.name, nginxKey, requests: r.requests, per: r.per, burst, nodelay: r.nodelay ?? true, zoneSize: size };
  });

  if (found) return undefined;

  const hashConsistent = !servers.some((s) => s.resolve);
  const features = usedFeatures(hashConsistent, {
    servers,
    method,
    websocket,
    realIp,
    rateLimits,
    resolver,
    accessLogFormat,
    nextUpstream,
  });
  const minVersion = features.reduce((v, f) => (compareVersions(f.since, v) > 0 ? f.since : v), '1.0.0');
  return {
    listenPort,
    listenAddress: props.listenAddress,
    upstream: { name, method, hashKey, hashConsistent, servers, keepalive, zoneSize },
    websocketUpstream,
    resolver,
    timeouts,
    nextUpstream: { ...nextUpstream, conditions: [...nextUpstream.conditions] },
    websocket,
    realIp,
    rateLimits,
    rateLimitStatus,
    clientMaxBodySize,
    gzip,
    accessLogFormat,
    accessLogPath,
    errorLogPath,
    tempDir,
    workerProcesses,
    workerConnections,
    localHealthPath,
    upstreamHealthPath,
    minVersion,
    features,
  };
}

function checkTime(p: Recorder, field: string, value: unknown): void {
  const ms = parseNginxTime(value);
  if (ms === undefined || ms <= 0) p.add(field, value, NGINX_TIME_ALLOWED);
}

function checkZoneSize(p: Recorder, field: string, value: unknown): void {
  const bytes = parseNginxSize(value);
  if (bytes === undefined || bytes < MIN_ZONE_BYTES) {
    p.add(field, value, 'an nginx size of at least "32k" (8 pages), such as "64k" or "10m"');
  }
}

function usedFeatures(hashConsistent: boolean, c: {
  servers: readonly ResolvedUpstreamServer[];
  method: NginxBalancingMethod;
  websocket: ResolvedNginxConfig['websocket'];
  realIp: ResolvedNginxConfig['realIp'];
  rateLimits: readonly ResolvedRateLimit[];
  resolver: ResolvedNginxConfig['resolver'];
  accessLogFormat: NginxAccessLogFormat;
  nextUpstream: { conditions: readonly NginxNextUpstreamCondition[] };
}): NginxFeature[] {
  const used: NginxFeature[] = [
    { name: 'upstream keepalive', since: '1.1.4' },
    { name: 'upstream zone', since: '1.9.0' },
  ];
  if (c.method === 'hash' || c.websocket?.affinity === 'client_hash') {
    used.push({ name: hashConsistent ? 'hash ... consistent' : 'hash', since: '1.7.2' });
  }
  if (c.nextUpstream.conditions.length > 0) used.push({ name: 'proxy_next_upstream_tries', since: '1.7.5' });
  if (c.resolver) used.push({ name: 'resolver ipv6=off', since: '1.5.8' });
  if (c.servers.some((s) => s.resolve)) used.push({ name: 'server ... resolve', since: '1.27.3' });
  if (c.realIp) {
    used.push({ name: 'real_ip_recursive', since: '1.3.0' });
    used.push({ name: '$realip_remote_addr', since: '1.9.7' });
  }
  if (c.rateLimits.length > 0) used.push({ name: 'limit_req_status', since: '1.3.15' });
  if (c.accessLogFormat === 'json') {
    used.push({ name: '$request_id', since: '1.11.0' });
    used.push({ name: 'log_format escape=json', since: '1.11.8' });
  }
  return used.sort((a, b) => compareVersions(a.since, b.since) || a.name.localeCompare(b.name));
}
