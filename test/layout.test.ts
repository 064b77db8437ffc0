/**
 * The layout's two rules, read from the import statements of every file under lib/ and tiers/:
 * - a file named `_*.ts` is private to its folder: only files of the same folder (or of its subfolders, such as a
 *   component's engines in lib/postgres/cnpg and lib/postgres/statefulset) import it;
 * - tiers/ reaches the library only through a component folder's index.ts (the root lib/index.ts is the package's
 *   public entry; a folder's index.ts is the component's face inside this repository), or through the pure checks of
 *   lib/cloud, which the tier validation shares with the cloud constructs without loading aws-cdk-lib (lib/cloud's
 *   index.ts loads it; test/entry-points.test.ts checks the tiers entry never does).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The file a relative specifier resolves to, relative to the repository root. */
function resolve(from: string, spec: string): string {
  const base = path.join(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  throw new Error(`${from}: cannot resolve '${spec}'`);
}

/** Every (importer, imported file) pair under `dir`. */
export function importsUnder(dir: string): Array<{ from: string; to: string }> {
  return tsFiles(dir).flatMap((from) => {
    const text = fs.readFileSync(path.join(root, from), 'utf8');
    return [...text.matchAll(IMPORT)].map((m) => ({ from, to: resolve(from, m[1]) }));
  });
}

const edges = [...importsUnder('lib'), ...importsUnder('tiers')];

/** The modules of lib/cloud that the tier validation calls: pure, they load no aws-cdk-lib. */
const PURE_CLOUD_CHECKS = ['lib/cloud/edge-distribution-check.ts', 'lib/cloud/vpc-cidr.ts'];

describe('layout', () => {
  test('the walk finds the imports it must (it reads every kind of import statement)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ from: path.join('lib', 'index.ts'), to: path.join('lib', 'core', 'index.ts') });
  });

  test('no _*.ts file is imported from outside its folder (and its subfolders)', () => {
    const inside = (from: string, dir: string): boolean => path.dirname(from) === dir || from.startsWith(`${dir}${path.sep}`);
    const leaks = edges
      .filter((e) => path.basename(e.to).startsWith('_') && !inside(e.from, path.dirname(e.to)))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(leaks).toEqual([]);
  });

  test("tiers/ imports lib/ only through a folder's index.ts, the root index.ts or a pure check of lib/cloud", () => {
    const publicEntry = (to: string): boolean => {
      const file = to.split(path.sep).join('/');
      return file === 'lib/index.ts' || /^lib\/[a-z]+\/index\.ts$/.test(file) || PURE_CLOUD_CHECKS.includes(file);
    };
    const leaks = edges
      .filter((e) => e.from.startsWith(`tiers${path.sep}`) && e.to.startsWith(`lib${path.sep}`) && !publicEntry(e.to))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(leaks).toEqual([]);
  });

  test('lib/ never imports tiers/ (data flows one way: tiers -> constructs)', () => {
    expect(edges.filter((e) => e.from.startsWith(`lib${path.sep}`) && e.to.startsWith(`tiers${path.sep}`))).toEqual([]);
  });

  test('no import loop in lib/ or tiers/, between files or between component folders', () => {
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    /** A path of imports from `start` back to itself, or undefined. */
    const loopFrom = (start: string): string[] | undefined => {
      const seen = new Set<string>();
      const walk = (file: string, trail: string[]): string[] | undefined => {
        for (const to of next.get(file) ?? []) {
          if (to === start) return [...trail, to];
          if (seen.has(to)) continue;
          seen.add(to);
          const found = walk(to, [...trail, to]);
          if (found) return found;
        }
        return undefined;
      };
      return walk(start, [start]);
    };
    const files = [...next.keys()];
    expect(files.length).toBeGreaterThan(100);
    expect(files.map(loopFrom).filter((loop) => loop !== undefined).map((loop) => loop.join(' -> '))).toEqual([]);
    // Folders: lib/<component> (lib/postgres/cnpg counts as lib/postgres) and tiers.
    const folder = (file: string): string => file.split(path.sep).slice(0, file.startsWith(`lib${path.sep}`) ? 2 : 1).join('/');
    const folderEdges = new Set(edges.map((e) => `${folder(e.from)} ${folder(e.to)}`).filter((pair) => pair.split(' ')[0] !== pair.split(' ')[1]));
    const mutual = [...folderEdges].filter((pair) => folderEdges.has(pair.split(' ').reverse().join(' ')));
    expect(mutual).toEqual([]);
  });
});
