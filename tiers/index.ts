// The tiers as data, the entry `scaling-tiers/tiers`, named export by export. What the source keys [000]-[004] in
// the tier files refer to: tiers/README.md. test/api/ holds the API report of this list; `npm run api` updates it.
import type { TierSpec } from '../lib/tier';
import { department } from './department';
import { development } from './development';
import { enterprise } from './enterprise';
import { team } from './team';

// The tier model is lib/tier's; `scaling-tiers/tiers` re-exports what a platform team needs to write or derive a tier.
export type {
  DeepPartial, Range, TierApp, TierCapacity, TierCapacityModel, TierCdn, TierMonitoringSpec, TierNginx, TierPostgres, TierPostgresBackup,
  TierPostgresEngine, TierPostgresSwitchover, TierRedis, TierRegion, TierSla, TierSpec,
} from '../lib/tier';
export { deriveTier, hasCloudIngress, validateTierSpec } from '../lib/tier';
export { development, team, department, enterprise };

/** The four built-in tiers, smallest first. */
export const TIERS: readonly TierSpec[] = [development, team, department, enterprise];
export { TIER_DAYS, tierDay } from './days';
export { PLATFORM_RELEASES } from './platform';
export type { PlatformRelease } from '../lib/gitops';
