import * as fs from 'node:fs';
import * as path from 'node:path';
import { planCapacity, planFigure, tierRangeUsers } from '../../lib/plan';
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
    expect(table).toContain('| app replicas | 1 (no HPA) | HPA 2-10 | KEDA 3-24 | HPA 3-240 |');
    expect(table).toContain('| replication factor | 1 | 2 | 3 | 5 |');
  });

  test("its capacity rows are the planner's figures on the tier data, and the tier figures cover them", () => {
    const cells = (label: string) => readme.split('\n').find((l) => l.startsWith(`| ${label} |`))!.split(' | ').slice(1).map((c) => c.replace(/ \|$/, ''));
    const planned = cells('planned at the top');
    const replicas = cells('app replicas');
    TIERS.forEach((tier, k) => {
      const plan = planCapacity({ users: tierRangeUsers(tier, TIERS).top }, TIERS);
      const pods = planFigure(plan, 'pods').value;
      expect(planned[k]).toContain(`${pods} pod`);
      expect(planned[k]).toContain(`max_connections ${planFigure(plan, 'maxConnections').value}`);
      // the replicas row shows the autoscaler's maximum, which holds the planned pods
      const max = Number(/(\d+)( \(no HPA\))?$/.exec(replicas[k])![1]);
      expect(max).toBeGreaterThanOrEqual(pods);
      expect(plan.changes).toEqual([]);
    });
    expect(planned[3]).toBe('6666 users: 19998 req/s, 240 pods, 156 cores, 312 GiB; pool 286, 7200 clients, max_connections 578; Redis 3467 MiB a master');
    expect(cells('compute envelope')[3]).toBe('64-156 cores, 128-312 GiB');
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
