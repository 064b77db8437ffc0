import type { NginxRateLimit } from '../nginx/nginx-conf';
import type { NginxLoadBalancerProps } from '../nginx/nginx-load-balancer';
import type { TierNginx } from './tier-spec';

/**
 * The props of a tier's `NginxLoadBalancer` (all but its backend): what `TierChart` builds, and what the tier
 * validation checks with `checkNginxLoadBalancerProps`.
 */
export function tierNginxLoadBalancerProps(n: TierNginx): Omit<NginxLoadBalancerProps, 'backend' | 'backendNamespace'> {
  const rateLimits: NginxRateLimit[] = n.rateLimits
    ? [
        { name: 'global', key: 'global', requests: n.rateLimits.globalPerMinute, per: 'minute', burst: n.rateLimits.burst },
        { name: 'per_client', key: 'client', requests: n.rateLimits.perClientPerMinute, per: 'minute', burst: n.rateLimits.burst },
      ]
    : [];
  return {
    replicas: n.replicas,
    maxReplicas: n.maxReplicas,
    serviceType: n.serviceType ?? 'LoadBalancer',
    upstream: n.upstream,
    config: {
      websocket: { path: '/ws', affinity: n.websocketAffinity ? 'client_hash' : 'none' },
      realIp: n.trustedProxyCidrs ? { trustedCidrs: n.trustedProxyCidrs } : undefined,
      rateLimits,
    },
    allowIngressFrom: n.trustedProxyCidrs ? n.trustedProxyCidrs.map((cidr) => ({ cidr })) : undefined,
  };
}

/** Whether a tier's nginx has an HPA: a `maxReplicas` above `replicas`. */
export function tierNginxAutoscaled(n: TierNginx): boolean {
  return (n.maxReplicas ?? n.replicas) > n.replicas;
}
