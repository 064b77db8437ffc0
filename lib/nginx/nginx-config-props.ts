/**
 * The props of the generated nginx.conf ({@link NginxConfigProps}) and what a config needs from nginx. Part of the
 * public API of lib/nginx/nginx-conf.ts; a file of its own so that the generator, its resolver and the load
 * balancer share these types without importing one another.
 */
import type {
  NginxAccessLogFormat,
  NginxNextUpstreamProps,
  NginxProxyTimeouts,
  NginxRateLimit,
  NginxRealIpProps,
  NginxWebsocketProps,
} from './nginx-proxy';
import type { NginxResolverProps, NginxUpstreamProps } from './nginx-upstream';

/** A version-dependent nginx feature that a generated config uses. */
export interface NginxFeature {
  /** The directive or parameter, e.g. `server ... resolve`. */
  readonly name: string;

  /** The first open-source nginx version that has it. */
  readonly since: string;
}

/** The nginx.conf of an {@link NginxLoadBalancer} (its `config`), as `renderNginxConfig` writes it. */
export interface NginxConfigProps {
  /**
   * The port nginx listens on; 1024-65535, because the pod runs nginx as a non-root user.
   *
   * @default 8080
   */
  readonly listenPort?: number;

  /**
   * The address nginx listens on (an IPv4 address or a bracketed IPv6 address).
   *
   * @default - every address
   */
  readonly listenAddress?: string;

  /** The app servers. */
  readonly upstream: NginxUpstreamProps;

  /**
   * The DNS resolver; required when a server uses `resolve`.
   *
   * @default - no resolver
   */
  readonly resolver?: NginxResolverProps;

  /**
   * Proxy timeouts.
   *
   * @default - connect 5s, send 60s, read 60s
   */
  readonly timeouts?: NginxProxyTimeouts;

  /**
   * Retrying on another server.
   *
   * @default - error, timeout, http_502, http_503, http_504; 3 tries
   */
  readonly nextUpstream?: NginxNextUpstreamProps;

  /**
   * A websocket location.
   *
   * @default - none: websocket upgrades are not passed on
   */
  readonly websocket?: NginxWebsocketProps;

  /**
   * Real client address from trusted proxies.
   *
   * @default - the peer address is the client address
   */
  readonly realIp?: NginxRealIpProps;

  /**
   * Rate limits, all applied to every app request.
   *
   * @default - none
   */
  readonly rateLimits?: readonly NginxRateLimit[];

  /**
   * The status of a request refused by a rate limit (`limit_req_status`), 400-599.
   *
   * @default 429 - Too Many Requests (nginx's own default, 503, reads as an outage)
   */
  readonly rateLimitStatus?: number;

  /**
   * The largest request body accepted (`client_max_body_size`, nginx size syntax; `0` means no limit).
   *
   * @default '1m' - nginx's own default, written out so the config says what it does
   */
  readonly clientMaxBodySize?: string;

  /**
   * Compress text responses (JSON, JavaScript, CSS, text) of at least 1 KiB.
   *
   * @default true
   */
  readonly gzip?: boolean;

  /**
   * The format of the access log: `json` (one object per line, for log pipelines) or `main` (nginx's combined
   * format); both include the upstream address, status and timings.
   *
   * @default 'json'
   */
  readonly accessLogFormat?: NginxAccessLogFormat;

  /**
   * Where the access log goes.
   *
   * @default '/dev/stdout' - the container's log
   */
  readonly accessLogPath?: string;

  /**
   * Where the error log goes (`stderr` or a file path).
   *
   * @default 'stderr' - the container's log
   */
  readonly errorLogPath?: string;

  /**
   * A writable directory for the pid file and the temp paths of request and response bodies: non-root nginx
   * cannot write to the compiled-in defaults under /var and /run.
   *
   * @default '/tmp' - an emptyDir in the pod
   */
  readonly tempDir?: string;

  /**
   * Number of worker processes, or `auto` (one per CPU nginx sees).
   *
   * @default 'auto'
   */
  readonly workerProcesses?: number | 'auto';

  /**
   * Connections per worker (clients and upstreams together).
   *
   * @default 1024
   */
  readonly workerConnections?: number;

  /**
   * Path of the local liveness endpoint: answers 200 without touching the upstream (for the nginx pod's probes).
   *
   * @default '/healthz'
   */
  readonly localHealthPath?: string;

  /**
   * Path of the app's health endpoint, passed to the upstream without rate limits and without access logs.
   *
   * @default '/health' - the seeds' path
   */
  readonly upstreamHealthPath?: string;
}

/** What a generated config needs from nginx. */
export interface NginxConfigRequirements {
  /** The oldest open-source nginx version that supports every feature the config uses. */
  readonly minVersion: string;

  /** The version-dependent features the config uses, oldest first. */
  readonly features: readonly NginxFeature[];
}
