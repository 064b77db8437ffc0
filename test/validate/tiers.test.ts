import { validateManifests } from '../../lib/validate';
import { TIERS } from '../../tiers';
import { tierManifests } from './_baseline';

describe('every built-in tier passes the validation gate', () => {
  test.each(TIERS.map((t) => [t.name, t] as const))('%s: zero findings', (_name, tier) => {
    const manifests = tierManifests(tier);
    expect(manifests.length).toBeGreaterThan(10);
    expect(validateManifests(manifests)).toEqual([]);
  });
});
