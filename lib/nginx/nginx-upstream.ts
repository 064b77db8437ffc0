/**
 * Props of the upstream block of the generated nginx.conf: the app servers, the balancing method and the DNS
 * resolver that re-resolves servers with `resolve`. Part of the public API of lib/nginx/nginx-conf.ts.
 */

/**
 * How nginx picks the upstream server for a request.
 *
 * - `round_robin`: in turn, by weight (nginx's default).
 * - `least_conn`: the server with the fewest active connections (by weight); a slow server gets less work.
 * - `ip_hash`: by the client's address (the first three octets of an IPv4 address): a client stays on one server.
 * - `hash`: hash of {@link NginxUpstreamProps.hashKey}: `hash <key> consistent` (ketama) with static servers.
 *   With any `resolve` server it is a plain `hash <key>`: nginx's consistent hash places servers on its ring by
 *   their configured name, so every address of one `resolve` name shares one point and nginx picks among them in
 *   round robin (no affinity at all; seen with nginx 1.30). The plain hash does spread keys over the resolved
 *   addresses, but moves most keys when an address is added or removed.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_upstream_module.html
 */
export type NginxBalancingMethod = 'round_robin' | 'least_conn' | 'ip_hash' | 'hash';

/** One `server` line of the upstream. */
export interface NginxUpstreamServer {
  /**
   * An IP address, or a DNS name. A name without {@link NginxUpstreamServer.resolve} is looked up once, when nginx starts (and
   * `nginx -t` fails if it does not resolve); with {@link NginxUpstreamServer.resolve} it is re-resolved at run time.
   */
  readonly host: string;

  /** The server's TCP port, 1-65535. */
  readonly port: number;

  /**
   * Re-resolve {@link NginxUpstreamServer.host} at run time through {@link NginxConfigProps.resolver}, following its A records as
   * they change: every address becomes a server (`server <host>:<port> resolve;`). This is how nginx follows the
   * pods of a headless Service. Needs a resolver, a shared-memory zone (always generated) and nginx >= 1.27.3.
   *
   * @default false - static server, resolved once at start-up
   */
  readonly resolve?: boolean;

  /**
   * Relative share of the requests.
   *
   * @default - no `weight` parameter: nginx's default weight, 1
   */
  readonly weight?: number;

  /**
   * Failed attempts within {@link NginxUpstreamServer.failTimeout} after which the server is considered unavailable for
   * {@link NginxUpstreamServer.failTimeout}; 0 disables the accounting.
   *
   * @default - the upstream's {@link NginxUpstreamProps.maxFails}
   */
  readonly maxFails?: number;

  /**
   * The window for counting failures and how long the server is then left out, in nginx time syntax.
   *
   * @default - the upstream's {@link NginxUpstreamProps.failTimeout}
   */
  readonly failTimeout?: string;

  /**
   * Send requests here only when every primary server is unavailable. nginx forbids backup servers with the
   * `ip_hash` and `hash` methods; they are also left out of the websocket affinity upstream (a hash method).
   *
   * @default false
   */
  readonly backup?: boolean;
}

/** The upstream block of app servers. */
export interface NginxUpstreamProps {
  /**
   * Name of the upstream (and of its shared-memory zone); letters, digits and `_`. The websocket affinity
   * upstream is named `<name>_websocket`.
   *
   * @default 'app'
   */
  readonly name?: string;

  /**
   * The balancing method.
   *
   * @default 'round_robin' - nginx's own default
   */
  readonly method?: NginxBalancingMethod;

  /**
   * The key of the `hash` method (nginx variables and text), e.g. `$remote_addr` or `$http_x_user_id`. Only
   * used with method `hash`; consistent with static servers (adding or removing a server moves few keys), plain
   * with `resolve` servers (see {@link NginxBalancingMethod}).
   *
   * @default '$remote_addr' - client affinity, like ip_hash but over the whole address
   */
  readonly hashKey?: string;

  /** The servers; at least one that is not a backup. */
  readonly servers: readonly NginxUpstreamServer[];

  /**
   * Default `max_fails` of every server (see {@link NginxUpstreamServer.maxFails}).
   *
   * @default 1 - nginx's own default, written out so the config says what it does
   */
  readonly maxFails?: number;

  /**
   * Default `fail_timeout` of every server (see {@link NginxUpstreamServer.failTimeout}).
   *
   * @default '10s' - nginx's own default, written out so the config says what it does
   */
  readonly failTimeout?: string;

  /**
   * Idle keepalive connections to the upstream servers that each worker keeps (`keepalive N`); together with
   * `proxy_http_version 1.1` and an empty `Connection` header (always generated) this avoids a TCP handshake per
   * request.
   *
   * @default 32 - the seeds' value; written out because nginx < 1.29.7 keeps no upstream connections otherwise
   */
  readonly keepalive?: number;

  /**
   * Size of the upstream's shared-memory `zone` (nginx size syntax, at least `32k`): it shares the servers'
   * state (failures, connection counts for least_conn) between workers and is required by `resolve`.
   *
   * @default '64k' - room for a few hundred servers
   */
  readonly zoneSize?: string;
}

/**
 * The DNS resolver nginx uses for servers with `resolve`. In Kubernetes this is the cluster DNS Service's IP
 * (e.g. 10.96.0.10): nginx cannot use a name such as `kube-dns.kube-system.svc.cluster.local` here.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver
 */
export interface NginxResolverProps {
  /** IP addresses of the DNS servers, each an IPv4 address or a bracketed IPv6 address, with an optional `:port`. */
  readonly addresses: readonly string[];

  /**
   * How long an answer is cached, overriding its TTL (`valid=<N>s`): how soon nginx sees pods come and go.
   *
   * @default 5 - CoreDNS's default TTL for cluster records
   */
  readonly validSeconds?: number;

  /**
   * Look up IPv6 (AAAA) addresses too.
   *
   * @default false - `ipv6=off`: pods of an IPv4 cluster have no AAAA records, and asking doubles the queries
   */
  readonly ipv6?: boolean;

  /**
   * How long a lookup may take (`resolver_timeout`), in nginx time syntax.
   *
   * @default '5s' - nginx's own default (30s) would hide a broken resolver for too long
   */
  readonly timeout?: string;
}
