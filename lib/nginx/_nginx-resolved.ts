/**
 * {@link NginxConfigProps} with every default applied and every value checked: what the resolver produces and the
 * renderer reads. Internal to lib/nginx.
 */
import type { NginxFeature } from './nginx-config-props';
import type { NginxAccessLogFormat, NginxNextUpstreamCondition, NginxWebsocketAffinity } from './nginx-proxy';
import type { NginxBalancingMethod } from './nginx-upstream';

/** A server with every default applied. */
export interface ResolvedUpstreamServer {
  readonly host: string;
  readonly port: number;
  readonly resolve: boolean;
  readonly weight?: number;
  readonly maxFails: number;
  readonly failTimeout: string;
  readonly backup: boolean;
}

/** A rate limit with every default applied. */
export interface ResolvedRateLimit {
  readonly name: string;
  /** The `limit_req_zone` key: a constant, `$binary_remote_addr` or `$http_<header>`. */
  readonly nginxKey: string;
  readonly requests: number;
  readonly per: 'second' | 'minute';
  readonly burst: number;
  readonly nodelay: boolean;
  readonly zoneSize: string;
}

/**
 * {@link NginxConfigProps} with every default applied and every value checked: each field is the prop of the same
 * name (documented there) or its default, plus what the renderer derives (zone names, hash kind, features).
 */
export interface ResolvedNginxConfig {
  readonly listenPort: number;
  readonly listenAddress?: string;
  readonly upstream: {
    readonly name: string;
    readonly method: NginxBalancingMethod;
    readonly hashKey: string;
    /**
     * Whether a hash is `consistent`: only without `resolve` servers (nginx's consistent hash rings servers by
     * name, so the addresses of one resolved name would share a point and be picked in round robin).
     */
    readonly hashConsistent: boolean;
    readonly servers: readonly ResolvedUpstreamServer[];
    readonly keepalive: number;
    readonly zoneSize: string;
  };
  readonly websocketUpstream: string;
  readonly resolver?: {
    readonly addresses: readonly string[];
    readonly validSeconds: number;
    readonly ipv6: boolean;
    readonly timeout: string;
  };
  readonly timeouts: { readonly connect: string; readonly send: string; readonly read: string };
  readonly nextUpstream: {
    readonly conditions: readonly NginxNextUpstreamCondition[];
    readonly tries: number;
    readonly timeout?: string;
  };
  readonly websocket?: { readonly path: string; readonly affinity: NginxWebsocketAffinity; readonly timeout: string };
  readonly realIp?: { readonly trustedCidrs: readonly string[]; readonly header: string };
  readonly rateLimits: readonly ResolvedRateLimit[];
  readonly rateLimitStatus: number;
  readonly clientMaxBodySize: string;
  readonly gzip: boolean;
  readonly accessLogFormat: NginxAccessLogFormat;
  readonly accessLogPath: string;
  readonly errorLogPath: string;
  readonly tempDir: string;
  readonly workerProcesses: number | 'auto';
  readonly workerConnections: number;
  readonly localHealthPath: string;
  readonly upstreamHealthPath: string;
  /** The oldest nginx that has every feature in {@link features}. */
  readonly minVersion: string;
  /** The version-dependent features used, oldest first. */
  readonly features: readonly NginxFeature[];
}
