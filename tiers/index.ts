// The tiers as data, the entry `scaling-tiers/tiers`, named export by export. What the source keys [000]-[004] in
// the tier files refer to: tiers/README.md. test/api/ holds the API report of this list; `npm run api` updates it.
import { department } from './department';
import { development } from './development';
import { enterprise } from './enterprise';
import { team } from './team';
import { TierSpec } from './tier-spec';

export { deriveTier, validateTierSpec } from './tier-spec';
export type {
  TierSpec, TierApp, TierNginx, TierRedis, TierPostgres, TierMonitoringSpec, TierCdn, TierSla, TierRegion, TierCapacity,
  Range, DeepPartial,
} from './tier-spec';
export { development, team, department, enterprise };

/** The four built-in tiers, smallest first. */
export const TIERS: readonly TierSpec[] = [development, team, department, enterprise];
export { hasCloudIngress } from './cloud';
export { TIER_DAYS, tierDay } from './days';
