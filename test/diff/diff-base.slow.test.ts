/**
 * `npm run diff -- --base HEAD` on this repository itself, as a pull request's CI runs it on a fresh clone: a clean
 * tree exits 0; a one-line tier change exits 1 and prints the changed lines of every file and region it reaches.
 * The clone is of the committed HEAD (a local `git clone`), sharing this checkout's node_modules.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

describe('npm run diff -- --base HEAD on a clone of this repository', () => {
  let tmp: string;
  let clone: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-base-repo-'));
    clone = path.join(tmp, 'clone');
    const cloned = spawnSync('git', ['clone', '--quiet', root, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(cloned.stderr);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  });
  afterAll(() => {
    fs.rmSync(path.join(clone, 'node_modules'), { force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const diff = () => spawnSync('node', ['-r', './apps/_ts-register.js', 'lib/diff/cli.ts', '--base', 'HEAD'], { cwd: clone, encoding: 'utf8', timeout: 300_000 });

  test('a clean tree: exit 0', () => {
    const run = diff();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('no difference: HEAD is what');
  }, 300_000);

  test("a one-line tier change: exit 1, nginx.conf's changed lines as a unified diff, both department regions named", () => {
    const file = path.join(clone, 'tiers', 'department.ts');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('keepalive: 32,');
    fs.writeFileSync(file, text.replace('keepalive: 32,', 'keepalive: 64,'));
    const run = diff();
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('~ changed department/base: ConfigMap department/nginx-config (reaches department/regions/us-east-1, department/regions/us-west-2)');
    expect(lines).toContain('    data["nginx.conf"]: (changed text)');
    expect(lines.filter((l) => /^ {6}-\s+keepalive 32;$/.test(l)).length).toBeGreaterThan(0);
    expect(lines.filter((l) => /^ {6}\+\s+keepalive 64;$/.test(l)).length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/0 added, 0 removed, 2 changed \(old: HEAD, new: /);
    // The temporary worktree is gone again.
    expect(spawnSync('git', ['worktree', 'list'], { cwd: clone, encoding: 'utf8' }).stdout.trim().split('\n')).toHaveLength(1);
  }, 300_000);
});
