/**
 * Representative nginx configs of the tiers that have a load balancer (the development tier has none), as the
 * NginxLoadBalancer construct will build them: the app's headless Service re-resolved through the cluster DNS.
 * Shared by the unit test (snapshots) and the integration test (real nginx).
 */
import type { NginxConfigProps } from '../../lib/nginx/nginx-conf';

/** The cluster DNS Service IP of a default cluster (kube-dns / CoreDNS). */
export const CLUSTER_DNS_IP = '10.96.0.10';

/** The app's headless Service, whose A records are the ready pods. */
export const APP_HEADLESS_SERVICE = 'web-headless.default.svc.cluster.local';

/** The app container's port. */
export const APP_PORT = 8000;

/** The enterprise VPC range that the ALB's nodes live in. */
export const ALB_CIDR = '10.0.0.0/16';

/** Team: 2 nginx replicas in round robin over the app pods, with health checks. */
export function teamNginxProps(): NginxConfigProps {
  return {
    upstream: {
      servers: [{ host: APP_HEADLESS_SERVICE, port: APP_PORT, resolve: true }],
    },
    resolver: { addresses: [CLUSTER_DNS_IP] },
  };
}

/** Department: least_conn, max_fails 3 / 30 s, keepalive 32, websocket affinity, pods discovered by DNS. */
export function departmentNginxProps(): NginxConfigProps {
  return {
    upstream: {
      method: 'least_conn',
      servers: [{ host: APP_HEADLESS_SERVICE, port: APP_PORT, resolve: true }],
      maxFails: 3,
      failTimeout: '30s',
      keepalive: 32,
    },
    resolver: { addresses: [CLUSTER_DNS_IP] },
    timeouts: { connect: '5s', send: '60s', read: '60s' },
    nextUpstream: { conditions: ['error', 'timeout', 'http_502', 'http_503', 'http_504'], tries: 3 },
    websocket: { path: '/ws', affinity: 'client_hash' },
  };
}

/**
 * Enterprise: the department's shape, plus the real client address from the ALB in front and the seed's rate
 * limits (5000 requests/min in all, 1000/min per client, burst 100).
 */
export function enterpriseNginxProps(): NginxConfigProps {
  return {
    ...departmentNginxProps(),
    realIp: { trustedCidrs: [ALB_CIDR] },
    rateLimits: [
      { name: 'global', key: 'global', requests: 5000, per: 'minute', burst: 100 },
      { name: 'per_client', key: 'client', requests: 1000, per: 'minute', burst: 100 },
    ],
  };
}

/** Seed 003's static upstream: three weighted servers and a weight-1 backup, least_conn, JSON-less `main` log. */
export function seedStaticNginxProps(): NginxConfigProps {
  const server = { port: 3000, maxFails: 3, failTimeout: '30s' };
  return {
    upstream: {
      name: 'claudebench_backend',
      method: 'least_conn',
      servers: [
        { ...server, host: '10.0.1.10', weight: 3 },
        { ...server, host: '10.0.1.11', weight: 3 },
        { ...server, host: '10.0.1.12', weight: 3 },
        { ...server, host: '10.0.1.13', weight: 1, backup: true },
      ],
    },
    accessLogFormat: 'main',
  };
}

/** Every representative config, by name. */
export const REPRESENTATIVE_NGINX_CONFIGS: ReadonlyArray<readonly [string, () => NginxConfigProps]> = [
  ['team', teamNginxProps],
  ['department', departmentNginxProps],
  ['enterprise', enterpriseNginxProps],
  ['seed 003 static', seedStaticNginxProps],
];
