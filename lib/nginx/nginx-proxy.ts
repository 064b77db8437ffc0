/**
 * Props of how the generated nginx.conf proxies requests: timeouts, retries, the websocket location, the real
 * client address, rate limits and access logs. Part of the public API of lib/nginx/nginx-conf.ts.
 */

/** Timeouts of the proxied requests, in nginx time syntax (`500ms`, `5s`, `1m`, `1h30m`). */
export interface NginxProxyTimeouts {
  /**
   * Establishing a connection to a server (`proxy_connect_timeout`).
   *
   * @default '5s' - the seeds' value: a dead server is skipped quickly
   */
  readonly connect?: string;

  /**
   * Between two writes to a server (`proxy_send_timeout`).
   *
   * @default '60s' - the seeds' value
   */
  readonly send?: string;

  /**
   * Between two reads from a server (`proxy_read_timeout`).
   *
   * @default '60s' - the seeds' value
   */
  readonly read?: string;
}

/**
 * A case in which nginx passes a request to the next server (`proxy_next_upstream`). nginx never retries a
 * non-idempotent request (POST, LOCK, PATCH) that was already sent unless `non_idempotent` is listed.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream
 */
export type NginxNextUpstreamCondition =
  | 'error'
  | 'timeout'
  | 'invalid_header'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'non_idempotent';

/** Retrying a failed request on another server. */
export interface NginxNextUpstreamProps {
  /**
   * When to try the next server; an empty list turns retries off (`proxy_next_upstream off`).
   *
   * @default ['error', 'timeout', 'http_502', 'http_503', 'http_504'] - the seeds' list
   */
  readonly conditions?: readonly NginxNextUpstreamCondition[];

  /**
   * The most servers tried for one request (`proxy_next_upstream_tries`), the first included.
   *
   * @default 3 - the seeds' value
   */
  readonly tries?: number;

  /**
   * The most time spent passing one request to servers (`proxy_next_upstream_timeout`), in nginx time syntax.
   *
   * @default - no limit other than {@link NginxNextUpstreamProps.tries}
   */
  readonly timeout?: string;
}

/**
 * How websocket connections pick a server.
 *
 * - `client_hash`: a second upstream over the same servers hashed by client address (`hash $remote_addr
 *   consistent` with static servers, `hash $remote_addr` with `resolve` servers, see NginxBalancingMethod): every
 *   websocket of a client goes to the same server.
 * - `ip_hash`: the same with `ip_hash` (clients of one IPv4 /24 share a server).
 * - `none`: the main upstream, whatever its method.
 */
export type NginxWebsocketAffinity = 'client_hash' | 'ip_hash' | 'none';

/** A location that carries websocket upgrades to the app. */
export interface NginxWebsocketProps {
  /** The location's path prefix, e.g. `/ws`. */
  readonly path: string;

  /**
   * Client affinity of the websocket connections (with {@link NginxConfigProps.realIp}, on the real client address).
   *
   * @default 'client_hash'
   */
  readonly affinity?: NginxWebsocketAffinity;

  /**
   * Read and send timeout of the websocket connection: an idle websocket is closed after this long.
   *
   * @default '1h' - the proxy's 60 s read timeout would cut idle websockets every minute
   */
  readonly timeout?: string;
}

/**
 * Taking the client address from a header set by trusted proxies (the AWS ALB in front on the enterprise tier),
 * so that logs, `X-Real-IP`, affinity and per-client rate limits see the real client.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_realip_module.html
 */
export interface NginxRealIpProps {
  /** Addresses or CIDR ranges of the trusted proxies (`set_real_ip_from`), e.g. the ALB's subnets. */
  readonly trustedCidrs: readonly string[];

  /**
   * The header carrying the client address (`real_ip_header`).
   *
   * @default 'X-Forwarded-For' - what the AWS ALB sets
   */
  readonly header?: string;
}

/**
 * What a rate limit counts requests by.
 *
 * - `global`: every request together (a constant key).
 * - `client`: the client address (`$binary_remote_addr`, the real client with {@link NginxConfigProps.realIp}).
 * - `header`: the value of a request header ({@link NginxRateLimit.header}), e.g. a user id set by an auth proxy;
 *   requests without the header are not counted by this limit.
 */
export type NginxRateLimitKey = 'global' | 'client' | 'header';

/**
 * One `limit_req_zone` and its `limit_req`, applied to the app and websocket locations (not to the health
 * endpoints).
 *
 * @see https://nginx.org/en/docs/http/ngx_http_limit_req_module.html
 */
export interface NginxRateLimit {
  /** The zone name; letters, digits and `_`, unique among the config's shared-memory zones. */
  readonly name: string;

  /** What requests are counted by. */
  readonly key: NginxRateLimitKey;

  /** The header name, with key `header` (e.g. `X-User-Id`); not allowed with the other keys. */
  readonly header?: string;

  /** Allowed requests per {@link NginxRateLimit.per}, an integer >= 1. */
  readonly requests: number;

  /** The period of {@link NginxRateLimit.requests}. */
  readonly per: 'second' | 'minute';

  /**
   * Requests over the rate that are still accepted (queued, or passed at once with {@link NginxRateLimit.nodelay}).
   *
   * @default 0 - none
   */
  readonly burst?: number;

  /**
   * Pass requests within the burst at once instead of spacing them at the rate.
   *
   * @default true - a burst is served without added latency; only requests beyond it are refused
   */
  readonly nodelay?: boolean;

  /**
   * Size of the zone's shared memory (nginx size syntax, at least `32k`); 1m holds about 16,000 client states.
   *
   * @default - '64k' for the `global` key (one state), '10m' for the others
   */
  readonly zoneSize?: string;
}

/** The format of the access log. */
export type NginxAccessLogFormat = 'json' | 'main';
