/** The committed chart files are fresh: a slow suite (a node process renders every chart with vega), run by `npm run test:all`. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '../..');

describe("the README's charts", () => {
  test('every chart file is the one rendered from the tiers now (a stale chart fails)', () => {
    const r = spawnSync(process.execPath, ['-r', './apps/_ts-register.js', 'tiers/tier-charts.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('charts up to date');
  });
});
