import * as fs from 'node:fs';
import * as path from 'node:path';
import { TIERS } from '../../tiers';
import { replaceTierTable, tierTable } from '../../tiers/tier-table';

describe('README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

  test('its tier table is the one generated from tiers/ (run `npm run docs` after changing a tier)', () => {
    expect(readme).toContain(tierTable(TIERS));
    expect(replaceTierTable(readme, TIERS)).toBe(readme);
  });

  test('the table carries the tier figures', () => {
    const table = tierTable(TIERS);
    expect(table).toContain('| app replicas | 1 (no HPA) | HPA 2-10 | HPA 3-20 | HPA 3-50 |');
    expect(table).toContain('| replication factor | 1 | 2 | 3 | 5 |');
  });

  test('the README states the two commands a newcomer runs', () => {
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('npm test');
  });
});
