import * as fs from 'node:fs';
import * as path from 'node:path';
import { TIERS } from '../../tiers';
import { CHARTS_DIR, chartsBlock, replaceChartsBlock } from '../../tiers/tier-charts';

const root = path.join(__dirname, '../..');

describe("the README's charts", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

  test('the README embeds one chart per autoscaled tier and the planner chart (run `npm run charts` after changing a tier)', () => {
    expect(readme).toContain(chartsBlock(TIERS));
    expect(replaceChartsBlock(readme, TIERS)).toBe(readme);
    for (const t of TIERS.filter((x) => x.app.autoscaling)) expect(readme).toContain(`](${CHARTS_DIR}/${t.name}.svg)`);
  });
});
