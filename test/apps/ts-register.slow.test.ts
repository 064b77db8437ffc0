import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const register = path.join(__dirname, '../../apps/_ts-register.js');
/** apps/_ts-bundle.js's RACY_MS: a file changed this recently before a build is not trusted by its stat. */
const RACY_MS = 1000;

describe('apps/_ts-register.js', () => {
  let tmp: string;
  let src: string;
  let cache: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-register-'));
    src = path.join(tmp, 'src');
    cache = path.join(tmp, 'cache');
    fs.mkdirSync(src);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const spawn = (file: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['-r', register, file], { encoding: 'utf8', env: { ...process.env, SCALING_TIERS_TS_CACHE: cache, ...env } });
  const run = (file: string, env: Record<string, string> = {}) => {
    const r = spawn(file, env);
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  const fileByFile = { SCALING_TIERS_TS_BUNDLE: '0' };
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.writeFileSync(path.join(src, file), text);
    return path.join(src, file);
  };
  /** The entry manifests of the cache (`entry-*.json`). */
  const manifests = () => fs.readdirSync(cache).filter((f) => f.startsWith('entry-')).map((f) => JSON.parse(fs.readFileSync(path.join(cache, f), 'utf8')));
  /** Waits (bounded) until every source file and folder changed more than RACY_MS ago, so a build trusts their stats. */
  const settle = async () => {
    const entries = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(dir, e.name), ...entries(path.join(dir, e.name))] : [path.join(dir, e.name)]));
    const deadline = Date.now() + 10_000;
    while ([src, ...entries(src)].some((f) => fs.statSync(f).ctimeMs >= Date.now() - RACY_MS - 50)) {
      if (Date.now() > deadline) throw new Error('file times did not settle');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  describe('file by file (SCALING_TIERS_TS_BUNDLE=0)', () => {
    test('runs TypeScript, and a changed file always runs as it now reads (same size, same time stamp)', () => {
      // GIVEN a module and an entry that imports it
      const lib = write('value.ts', 'export const value: number = 1;\n');
      const main = write('main.ts', "import { value } from './value';\nconst typed: number = value;\nconsole.log(typed);\n");
      const stamp = fs.statSync(lib).mtime;
      // WHEN / THEN: cold, then from the cache
      expect(run(main, fileByFile)).toBe('1');
      expect(run(main, fileByFile)).toBe('1');
      // WHEN the imported file changes without changing its size or its time stamp
      fs.writeFileSync(lib, 'export const value: number = 2;\n');
      fs.utimesSync(lib, stamp, stamp);
      expect(run(main, fileByFile)).toBe('2');
      // and back: the old entry serves it again
      fs.writeFileSync(lib, 'export const value: number = 1;\n');
      expect(run(main, fileByFile)).toBe('1');
      expect(fs.readdirSync(cache).filter((f) => f.endsWith('.js')).length).toBe(3);
      expect(manifests()).toEqual([]);
    });
  });

  describe('the entry as one bundle', () => {
    test('is built once and served while nothing changed; a changed file is picked up even with the same size and time stamp', async () => {
      const lib = write('value.ts', 'export const value: number = 1;\n');
      const main = write('main.ts', "import { value } from './value';\nconsole.log(value, require.main === module);\n");
      await settle();
      expect(run(main)).toBe('1 true');
      const [built] = manifests();
      expect(built.bundle).toMatch(/^[0-9a-f]{40}$/);
      expect(built.inputs.map((i: { path: string }) => path.relative(src, i.path)).sort()).toEqual(['', 'main.ts', 'value.ts']);
      expect(built.inputs.every((i: { stat: string | null }) => i.stat !== null)).toBe(true);
      const manifestFile = path.join(cache, fs.readdirSync(cache).find((f) => f.startsWith('entry-'))!);
      const past = new Date('2020-01-01T00:00:00Z');
      fs.utimesSync(manifestFile, past, past);
      expect(run(main)).toBe('1 true');
      // not rebuilt: the manifest was not written again
      expect(fs.statSync(manifestFile).mtime).toEqual(past);

      // WHEN the imported file changes without changing its size or its time stamp
      const stamp = fs.statSync(lib).mtime;
      fs.writeFileSync(lib, 'export const value: number = 2;\n');
      fs.utimesSync(lib, stamp, stamp);
      expect(run(main)).toBe('2 true');
      // A file changed just before the build is recorded as unknown, so the next run checks it by building again.
      expect(manifests()[0].inputs.find((i: { path: string }) => i.path === lib).stat).toBeNull();
      fs.writeFileSync(lib, 'export const value: number = 3;\n');
      fs.utimesSync(lib, stamp, stamp);
      expect(run(main)).toBe('3 true');
      // Each rebuild removed the bundle it replaced, with its code cache.
      const current = manifests()[0].bundle;
      expect(fs.readdirSync(cache).filter((f) => !f.startsWith('entry-')).every((f) => f.startsWith(`${current}.`))).toBe(true);
    });

    test('a new file that an import now resolves to is picked up, and a removed one fails the run', async () => {
      write('dep/index.ts', "export const where = 'dep/index.ts';\n");
      const main = write('main.ts', "import { where } from './dep';\nconsole.log(where);\n");
      await settle();
      expect(run(main)).toBe('dep/index.ts');
      // node resolves ./dep to dep.ts before dep/index.ts
      const shadow = write('dep.ts', "export const where = 'dep.ts';\n");
      expect(run(main)).toBe('dep.ts');
      fs.rmSync(shadow);
      fs.rmSync(path.join(src, 'dep'), { recursive: true });
      const r = spawn(main);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/Cannot find module '\.\/dep'/);
    });

    test('an entry whose other files ask where they are runs file by file', () => {
      write('here.ts', 'export const here = __filename;\n');
      const main = write('main.ts', "import { here } from './here';\nconsole.log(here);\n");
      expect(run(main)).toBe(path.join(src, 'here.ts'));
      expect(manifests()[0].bundle).toBeNull();
      expect(run(main)).toBe(path.join(src, 'here.ts'));
    });
  });

  // Each entry with the construct deepest in its graph: the bundle holds that construct's code, not a require of it.
  test.each([['apps/k8s.ts', 'TierChart'], ['apps/cloud.ts', 'RegionalIngress']])('%s runs as one bundle (no other file of its graph asks where it is)', (entry, construct) => {
    process.env.SCALING_TIERS_TS_CACHE = cache;
    try {
      jest.isolateModules(() => {
        const { entryBundle } = require('../../apps/_ts-bundle') as { entryBundle: (file: string) => { key: string; code: string } | undefined };
        const bundle = entryBundle(path.join(__dirname, '../..', entry));
        // undefined when the entry runs file by file
        expect(bundle?.code.length).toBeGreaterThan(50_000);
        expect(bundle?.code).toContain(`var ${construct}=class extends`);
      });
    } finally {
      delete process.env.SCALING_TIERS_TS_CACHE;
    }
  }, 30_000);

  test("V8's code cache is stored per JavaScript file, and a corrupt one is rejected, not run, and rewritten", () => {
    const main = write('main.ts', 'const greet = (name: string): string => `hello ${name}`;\nconsole.log(greet("cache"));\n');
    expect(run(main, fileByFile)).toBe('hello cache');
    const [js] = fs.readdirSync(cache).filter((f) => f.endsWith('.js'));
    const v8 = fs.readdirSync(cache).filter((f) => f.endsWith('.v8'));
    expect(v8).toEqual([expect.stringMatching(new RegExp(`^${js.slice(0, -'.js'.length)}\\.${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{8}\\.v8$`))]);
    const good = fs.readFileSync(path.join(cache, v8[0]));
    expect(good.length).toBeGreaterThan(0);
    // An accepted cache is not written again.
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(path.join(cache, v8[0]), past, past);
    expect(run(main, fileByFile)).toBe('hello cache');
    expect(fs.statSync(path.join(cache, v8[0])).mtime).toEqual(past);
    // WHEN the code cache is garbage: V8 rejects it, the file runs from its source, and the cache is written again
    const garbage = Buffer.alloc(good.length, 7);
    fs.writeFileSync(path.join(cache, v8[0]), garbage);
    expect(run(main, fileByFile)).toBe('hello cache');
    expect(fs.readFileSync(path.join(cache, v8[0]))).not.toEqual(garbage);
    // and the new one is accepted
    fs.utimesSync(path.join(cache, v8[0]), past, past);
    expect(run(main, fileByFile)).toBe('hello cache');
    expect(fs.statSync(path.join(cache, v8[0])).mtime).toEqual(past);
  });
});
