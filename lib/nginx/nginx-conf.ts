/**
 * nginx.conf for the load balancer in front of the app: a pure function from typed props to config text, so the
 * text can be checked by a real nginx (`nginx -t`, traffic) without synthesising anything.
 *
 * The config runs as a non-root user (unprivileged port, pid and temp files under a writable directory), proxies
 * to one upstream of app servers (static `host:port`, or a DNS name re-resolved at run time with `resolve` — the
 * app's headless Service, so nginx follows pods as they come and go), and adds what an operator expects: health
 * endpoints, websocket affinity, real client IP behind a load balancer, rate limits and structured access logs.
 */
import type {
  NginxAccessLogFormat,
  NginxNextUpstreamProps,
  NginxProxyTimeouts,
  NginxRateLimit,
  NginxRealIpProps,
  NginxWebsocketProps,
} from './nginx-proxy';
import { resolveNginxProps } from './nginx-props';
import type { NginxFeature } from './nginx-props';
import { renderResolvedNginxConfig } from './nginx-render';
import type { NginxResolverProps, NginxUpstreamProps } from './nginx-upstream';

export * from './nginx-proxy';
export * from './nginx-upstream';
export type { NginxFeature } from './nginx-props';

/**
 * The oldest open-source nginx that runs every config this module can generate: `server ... resolve` in an
 * upstream (re-resolving a DNS name, such as a headless Service, to pod IPs) exists since 1.27.3.
 * {@link nginxConfigRequirements} computes the minimum for one config.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_upstream_module.html#resolve
 */
export const NGINX_MIN_VERSION = '1.27.3';

/** Props of {@link renderNginxConfig}. */
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

/**
 * Renders nginx.conf. The same props always give byte-identical text.
 *
 * @throws PropsError listing every invalid prop, before any text is produced
 */
export function renderNginxConfig(props: NginxConfigProps): string {
  return renderResolvedNginxConfig(resolveNginxProps(props));
}

/**
 * The nginx version and features a config needs, computed from what {@link renderNginxConfig} generates for
 * the same props.
 *
 * @throws PropsError listing every invalid prop
 */
export function nginxConfigRequirements(props: NginxConfigProps): NginxConfigRequirements {
  const c = resolveNginxProps(props);
  return { minVersion: c.minVersion, features: c.features };
}
