/**
 * The README examples compile: every ```ts block of the root README.md and of every README.md under lib/, tiers/,
 * apps/ and test/ is written to .cache/readme-examples/ as a module of its own and type-checked against the library
 * in one `tsc` run, with the package's entries (`scaling-tiers`, `scaling-tiers/tiers`, `scaling-tiers/cloud`)
 * mapped to the sources as a user's install maps them to the build. A contributor's example of a component's
 * internals imports them relative to its README (`from '.'` in lib/nginx/README.md is lib/nginx/index.ts), which is
 * rewritten to the same file from the generated module. A block that is deliberately not a whole
 * program (an excerpt with `...`) is fenced ```ts nocompile and counted, never checked.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const out = path.join(root, '.cache', 'readme-examples');
const FENCE = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```\s*$/gm;

/** Every README.md of the repository (the root one and those beside the code), relative to the root. */
function readmes(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(rel);
      return e.name === 'README.md' ? [rel] : [];
    });
  return ['README.md', ...['lib', 'tiers', 'apps', 'test'].flatMap(walk)];
}

interface Example {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
  readonly nocompile: boolean;
}

function examples(readme: string): Example[] {
  const text = fs.readFileSync(path.join(root, readme), 'utf8');
  return [...text.matchAll(FENCE)].map((m) => ({
    readme,
    line: text.slice(0, m.index).split('\n').length,
    code: m[3],
    nocompile: m[2].split(/\s+/).includes('nocompile'),
  }));
}

describe('README examples', () => {
  const all = readmes().flatMap(examples);
  const checked = all.filter((e) => !e.nocompile);
  const skipped = all.filter((e) => e.nocompile).map((e) => `${e.readme}:${e.line}`);

  test('the READMEs carry examples', () => {
    expect(checked.length).toBeGreaterThan(0);
  });

  test(`${checked.length} examples type-check against the library in one tsc run; ${skipped.length} marked nocompile${skipped.length ? ` (${skipped.join(', ')})` : ''}`, () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const files = new Map<string, Example>();
    for (const e of checked) {
      const file = `${e.readme.replace(/[/\\.]/g, '_')}_L${e.line}.ts`;
      files.set(file, e);
      // `export {}` makes each block a module, so that two blocks may declare the same names.
      const code = e.code.replace(/(\bfrom\s*['"])(\.{1,2}(?:\/[^'"]*)?)(['"])/g, (_m, open: string, spec: string, close: string) =>
        `${open}${path.relative(out, path.join(root, path.dirname(e.readme), spec)).split(path.sep).join('/')}${close}`);
      fs.writeFileSync(path.join(out, file), `${code}\nexport {};\n`);
    }
    const rel = (p: string) => path.relative(out, path.join(root, p)).split(path.sep).join('/');
    const tsconfig = {
      extends: rel('tsconfig.json'),
      compilerOptions: {
        noEmit: true,
        rootDir: rel('.'),
        noUnusedLocals: false,
        noUnusedParameters: false,
        types: ['node'],
        paths: {
          'scaling-tiers': [rel('lib/index.ts')],
          'scaling-tiers/tiers': [rel('tiers/index.ts')],
          'scaling-tiers/cloud': [rel('lib/cloud/index.ts')],
        },
      },
      include: ['*.ts'],
      exclude: [],
    };
    fs.writeFileSync(path.join(out, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    // TypeScript 7, the compiler; the package named typescript is the TypeScript 6 API that typescript-eslint reads.
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', '@typescript', 'native', 'bin', 'tsc'), '-p', path.join(out, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
    // Name each error by its README and line rather than by the generated file.
    const errors = `${tsc.stdout}${tsc.stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const m = /readme-examples[/\\]([^(]+)\((\d+),(\d+)\)(.*)/.exec(l);
        const e = m && files.get(m[1]);
        return e ? `${e.readme}:${e.line + Number(m[2])}${m[4]}` : l;
      });
    expect(errors).toEqual([]);
    expect(tsc.status).toBe(0);
  }, 120_000);
});
