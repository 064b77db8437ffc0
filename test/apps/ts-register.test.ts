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
    expect(fs.readdirSync(path.join(tmp, 'cache')).filter((f) => f.endsWith('.js')).length).toBe(3);
  });

  test("V8's code cache is stored per JavaScript file, and a corrupt one is rejected, not run, and rewritten", () => {
    const main = path.join(tmp, 'main.ts');
    fs.writeFileSync(main, 'const greet = (name: string): string => `hello ${name}`;\nconsole.log(greet("cache"));\n');
    expect(run(main)).toBe('hello cache');
    const cache = path.join(tmp, 'cache');
    const [js] = fs.readdirSync(cache).filter((f) => f.endsWith('.js'));
    const v8 = fs.readdirSync(cache).filter((f) => f.endsWith('.v8'));
    expect(v8).toEqual([expect.stringMatching(new RegExp(`^${js.slice(0, -'.js'.length)}\\.${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}\\.v8$`))]);
    const good = fs.readFileSync(path.join(cache, v8[0]));
    expect(good.length).toBeGreaterThan(0);
    // An accepted cache is not written again.
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(path.join(cache, v8[0]), past, past);
    expect(run(main)).toBe('hello cache');
    expect(fs.statSync(path.join(cache, v8[0])).mtime).toEqual(past);
    // WHEN the code cache is garbage: V8 rejects it, the file runs from its source, and the cache is written again
    const garbage = Buffer.alloc(good.length, 7);
    fs.writeFileSync(path.join(cache, v8[0]), garbage);
    expect(run(main)).toBe('hello cache');
    expect(fs.readFileSync(path.join(cache, v8[0]))).not.toEqual(garbage);
    // and the new one is accepted
    fs.utimesSync(path.join(cache, v8[0]), past, past);
    expect(run(main)).toBe('hello cache');
    expect(fs.statSync(path.join(cache, v8[0])).mtime).toEqual(past);
  });
});
