import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const register = path.join(__dirname, '../../apps/_ts-register.js');

describe('apps/_ts-register.js', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = (file: string) => {
    const r = spawnSync(process.execPath, ['-r', register, file], { encoding: 'utf8', env: { ...process.env, SCALING_TIERS_TS_CACHE: path.join(tmp, 'cache') } });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };

  test('runs TypeScript, and a changed file always runs as it now reads (same size, same time stamp)', () => {
    // GIVEN a module and an entry that imports it
    const lib = path.join(tmp, 'value.ts');
    const main = path.join(tmp, 'main.ts');
    fs.writeFileSync(main, "import { value } from './value';\nconst typed: number = value;\nconsole.log(typed);\n");
    fs.writeFileSync(lib, 'export const value: number = 1;\n');
    const stamp = fs.statSync(lib).mtime;
    // WHEN / THEN: cold, then from the cache
    expect(run(main)).toBe('1');
    expect(run(main)).toBe('1');
    // WHEN the imported file changes without changing its size or its time stamp
    fs.writeFileSync(lib, 'export const value: number = 2;\n');
    fs.utimesSync(lib, stamp, stamp);
    expect(run(main)).toBe('2');
    // and back: the old entry serves it again
    fs.writeFileSync(lib, 'export const value: number = 1;\n');
    expect(run(main)).toBe('1');
    expect(fs.readdirSync(path.join(tmp, 'cache')).length).toBe(3);
  });
});
