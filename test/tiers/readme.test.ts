import * as fs from 'node:fs';
import * as path from 'node:path';
import { TIERS, deriveTier, development } from '../../tiers';
import { synthTier } from '../_synth';
import { replaceTierTable, tierTable } from '../../tiers/tier-table';

describe('README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

  test('its tier table is the one generated from tiers/ (run `npm run docs` after changing a tier)', () => {
    expect(readme).toContain(tierTable(TIERS));
    expect(replaceTierTable(readme, TIERS)).toBe(readme);
  });

  test('the table carries the tier figures', () => {
    const table = tierTable(TIERS);
    expect(table).toContain('| app replicas | 1 (no HPA) | HPA 2-10 | KEDA 3-20 | HPA 3-50 |');
    expect(table).toContain('| replication factor | 1 | 2 | 3 | 5 |');
  });

  test('a tier that leaves the app replicas to the construct shows the count the construct builds', () => {
    // GIVEN a tier without 'replicas' (nor an HPA)
    const { replicas: _replicas, validationExemptions: _reason, ...app } = development.app;
    const derived = deriveTier({ ...development, app }, { name: 'preview' });
    // WHEN / THEN
    const built = synthTier(derived).objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'app');
    expect(built?.spec.replicas).toBe(2);
    expect(tierTable([derived])).toContain('| app replicas | 2 (no HPA) |');
  });

  test('the README states the two commands a newcomer runs', () => {
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('npm test');
  });
});
