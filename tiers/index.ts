// The tiers as data. What the source keys [000]-[004] in the tier files refer to: tiers/README.md.
import { department } from './department';
import { development } from './development';
import { enterprise } from './enterprise';
import { team } from './team';
import { TierSpec } from './tier-spec';

export * from './tier-spec';
export { development, team, department, enterprise };

/** The four built-in tiers, smallest first. */
export const TIERS: readonly TierSpec[] = [development, team, department, enterprise];
export * from './cloud';
export * from './days';
