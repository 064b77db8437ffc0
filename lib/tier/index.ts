// The tier model: a tier's types, its checks, and its mapping to the props of the constructs TierChart builds.
export type {
  Range, TierApp, TierCapacity, TierCapacityModel, TierCdn, TierMonitoringSpec, TierNginx, TierPostgres, TierPostgresBackup, TierPostgresEngine, TierPostgresSwitchover,
  TierRedis, TierRegion, TierSla, TierSpec,
} from './tier-spec';
export { validateTierSpec } from './validate-tier-spec';
export { deriveTier, type DeepPartial } from './derive-tier';
export { hasCloudIngress } from './tier-cloud';
export { tierScalableServiceProps } from './tier-app';
export { tierNginxAutoscaled, tierNginxLoadBalancerProps } from './tier-nginx';
export {
  POSTGRES_ENDPOINTS_CONFIG_MAP, TIER_POSTGRES_NAME, checkTierPostgresProps, runsPostgresPerRegion, tierPostgresClusterProps,
  tierPostgresReplicatedProps, type TierPostgresClusterPlacement, type TierPostgresPlacement,
} from './tier-postgres';
