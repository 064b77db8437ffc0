import type { ScalableServiceProps } from '../app/scalable-service-props';
import type { RedisClientWiring } from '../redis/redis-client';
import type { TierApp } from './tier-spec';
import { POSTGRES_ENDPOINTS_CONFIG_MAP } from './tier-postgres';

/**
 * The props of a tier's application `ScalableService`: what `TierChart` builds, and what the tier validation checks
 * with `checkScalableServiceProps` (so a rule that depends on the callers, such as scale-to-zero being refused for
 * a service that must answer, holds for the tier data too).
 *
 * @param tierName the tier's name, on the `scaling-tiers.io/tier` label
 * @param app the tier's app
 * @param nginx whether an nginx load balancer is in front (it alone may then call the app)
 * @param postgresEndpoints whether the app reads its database endpoints from {@link POSTGRES_ENDPOINTS_CONFIG_MAP}
 * (the `cloudnative-pg` engine writes it)
 * @param redis what the app mounts to reach the tier's Redis (`redisClientWiring`): its connection settings, the
 * password file and, with TLS, its client certificate
 */
export function tierScalableServiceProps(tierName: string, app: TierApp, nginx: boolean, postgresEndpoints = false, redis?: RedisClientWiring): ScalableServiceProps {
  return {
    ...app,
    labels: { 'scaling-tiers.io/tier': tierName },
    // nginx re-resolves the headless Service to reach every live pod.
    headlessService: nginx,
    // Only nginx may call the app when there is one; otherwise any pod of the tier's namespace.
    allowIngressFrom: [{ podLabels: nginx ? { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'nginx' } : {} }],
    // Where the app finds its database in its region (written beside each PostgresCluster).
    envFromConfigMaps: postgresEndpoints || redis ? [...(postgresEndpoints ? [POSTGRES_ENDPOINTS_CONFIG_MAP] : []), ...(redis ? [redis.configMapName] : [])] : undefined,
    secretFiles: redis?.secretFiles,
  };
}
