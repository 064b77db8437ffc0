import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffManifestFolders, formatDifferences } from '../../lib/diff/manifest-diff';
import { runDiffCommand } from '../../lib/diff/cli';
import { unifiedDiff } from '../../lib/diff/_unified-diff';

const hpa = (max: number) => `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app\n  namespace: shop\nspec:\n  maxReplicas: ${max}\n  metrics:\n    - type: Resource\n`;
const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: shop\ndata:\n  a: "1"\n';

describe('diffManifestFolders', () => {
  let tmp: string;
  const write = (dir: string, files: Record<string, string>) => {
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tmp, dir, f)), { recursive: true });
      fs.writeFileSync(path.join(tmp, dir, f), text);
    }
  };
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('lists added, removed and changed objects with field paths, ignoring file names and order', () => {
    // GIVEN
    write('old', { 'shop/base/app.yaml': `${hpa(10)}---\n${cm}`, 'shop/base/Kustomization': 'resources:\n  - app.yaml\n' });
    write('new', { 'shop/base/other-name.yaml': hpa(12), 'shop/regions/us-east-1/cfg.yaml': cm, 'shop/base/Kustomization': 'resources:\n  - other-name.yaml\n' });
    // WHEN
    const d = diffManifestFolders(path.join(tmp, 'old'), path.join(tmp, 'new'));
    // THEN
    expect(formatDifferences(d)).toBe([
      '~ changed shop/base/Kustomization',
      '    text[1]: "  - app.yaml" -> "  - other-name.yaml"',
      '- removed shop/base: ConfigMap shop/cfg',
      '~ changed shop/base: HorizontalPodAutoscaler.autoscaling shop/app',
      '    spec.maxReplicas: 10 -> 12',
      '+ added shop/regions/us-east-1: ConfigMap shop/cfg',
    ].join('\n'));
  });

  test('nothing when the folders hold the same objects', () => {
    write('old', { 'a/x.yaml': `${hpa(3)}---\n${cm}` });
    write('new', { 'a/y.yaml': `${cm}---\n${hpa(3)}` });
    expect(diffManifestFolders(path.join(tmp, 'old'), path.join(tmp, 'new'))).toEqual([]);
  });

  test('the command synthesises into a temporary folder and exits 1 on a difference, 0 on none', () => {
    write('repo', { 'dist/shop/app.yaml': hpa(10) });
    const app = `node -e "const fs=require('fs'),p=require('path');const d=p.join(process.env.CDK8S_OUTDIR,'shop');fs.mkdirSync(d,{recursive:true});fs.writeFileSync(p.join(d,'app.yaml'),fs.readFileSync('next.yaml','utf8'))"`;
    fs.writeFileSync(path.join(tmp, 'repo', 'next.yaml'), hpa(11));
    const changed = runDiffCommand(['--app', app], path.join(tmp, 'repo'));
    expect(changed.exitCode).toBe(1);
    expect(changed.output).toContain('~ changed shop: HorizontalPodAutoscaler.autoscaling shop/app\n    spec.maxReplicas: 10 -> 11\n0 added, 0 removed, 1 changed');
    fs.writeFileSync(path.join(tmp, 'repo', 'next.yaml'), hpa(10));
    expect(runDiffCommand(['--app', app], path.join(tmp, 'repo'))).toEqual({ exitCode: 0, output: `no difference: dist is what ${app} writes` });
    expect(runDiffCommand(['--app', 'exit 3'], path.join(tmp, 'repo')).exitCode).toBe(2);
    expect(runDiffCommand(['--bogus'], path.join(tmp, 'repo')).exitCode).toBe(2);
  });
});

describe('multi-line values and regions', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const conf = (keepalive: number) => Array.from({ length: 40 }, (_, i) => (i === 20 ? `    keepalive ${keepalive};` : `line ${i}`)).join('\n');
  const cmWith = (text: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx\n  namespace: shop\ndata:\n  nginx.conf: ${JSON.stringify(text)}\n`;

  test("the unified diff of a multi-line value is the hunks `diff -u` prints; a base change names every region it reaches", () => {
    // GIVEN a base with two regions, and a one-line change of a multi-line value
    for (const [dir, k] of [['old', 32], ['new', 64]] as const) {
      fs.mkdirSync(path.join(tmp, dir, 'shop', 'base'), { recursive: true });
      fs.writeFileSync(path.join(tmp, dir, 'shop', 'base', 'nginx.yaml'), cmWith(conf(k)));
      for (const region of ['us-east-1', 'eu-west-1']) {
        fs.mkdirSync(path.join(tmp, dir, 'shop', 'regions', region), { recursive: true });
        fs.writeFileSync(path.join(tmp, dir, 'shop', 'regions', region, 'Kustomization'), 'resources:\n  - ../../base\n');
      }
      fs.writeFileSync(path.join(tmp, `${dir}.conf`), `${conf(k)}\n`);
    }
    // WHEN
    const [d] = diffManifestFolders(path.join(tmp, 'old'), path.join(tmp, 'new'));
    // THEN the hunks are GNU diff's, line for line
    const real = spawnSync('diff', ['-u', path.join(tmp, 'old.conf'), path.join(tmp, 'new.conf')], { encoding: 'utf8' }).stdout.split('\n').slice(2, -1);
    expect(d.fields[0].split('\n').slice(3)).toEqual(real);
    expect(real).toEqual(expect.arrayContaining(['-    keepalive 32;', '+    keepalive 64;']));
    expect(d.reaches).toEqual(['shop/regions/eu-west-1', 'shop/regions/us-east-1']);
    expect(formatDifferences([d]).split('\n').slice(0, 5)).toEqual([
      '~ changed shop/base: ConfigMap shop/nginx (reaches shop/regions/eu-west-1, shop/regions/us-east-1)',
      '    data["nginx.conf"]: (changed text)',
      '      --- old',
      '      +++ new',
      '      @@ -18,7 +18,7 @@',
    ]);
  });

  test('unified diffs of insertions, deletions and distant changes match diff -u', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const cases: [string[], string[]][] = [
      [a, [...a.slice(0, 5), 'new', ...a.slice(5)]],
      [a, [...a.slice(0, 5), ...a.slice(8)]],
      [a, a.map((l, i) => (i === 2 || i === 25 ? `${l}x` : l))],
      [a, a.map((l, i) => (i === 10 || i === 15 ? `${l}x` : l))],
      [['a'], ['b', 'c']],
    ];
    for (const [before, after] of cases) {
      fs.writeFileSync(path.join(tmp, 'a'), `${before.join('\n')}\n`);
      fs.writeFileSync(path.join(tmp, 'b'), `${after.join('\n')}\n`);
      const real = spawnSync('diff', ['-u', path.join(tmp, 'a'), path.join(tmp, 'b')], { encoding: 'utf8' }).stdout.split('\n').slice(2, -1);
      expect(unifiedDiff(before.join('\n'), after.join('\n'))).toEqual(real);
    }
  });

  test('values are shown in full, however long', () => {
    const long = 'x'.repeat(300);
    fs.mkdirSync(path.join(tmp, 'old', 'a'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'new', 'a'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'old', 'a', 'c.yaml'), cmWith(long));
    fs.writeFileSync(path.join(tmp, 'new', 'a', 'c.yaml'), cmWith(`${long}y`));
    expect(diffManifestFolders(path.join(tmp, 'old'), path.join(tmp, 'new'))[0].fields).toEqual([`data["nginx.conf"]: "${long}" -> "${long}y"`]);
  });
});

describe('--base GIT-REF', () => {
  let repo: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  // A project whose synthesis writes a tier's base and two regions from one "tier" value.
  const app = 'node synth.js';
  const synth = `const fs=require('fs'),p=require('path');const o=process.env.CDK8S_OUTDIR;const max=fs.readFileSync('tier.txt','utf8').trim();
fs.mkdirSync(p.join(o,'shop','base'),{recursive:true});fs.writeFileSync(p.join(o,'shop','base','app.yaml'),${JSON.stringify(hpa(0)).replace('maxReplicas: 0', 'maxReplicas: "+max+"')});
for(const r of ['us-east-1','eu-west-1']){fs.mkdirSync(p.join(o,'shop','regions',r),{recursive:true});fs.writeFileSync(p.join(o,'shop','regions',r,'Kustomization'),'resources:\\n  - ../../base\\n');}`;
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-base-'));
    fs.writeFileSync(path.join(repo, 'synth.js'), synth);
    fs.writeFileSync(path.join(repo, 'tier.txt'), '10\n');
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), `app: ${app}\noutput: dist\n`);
    git('init', '--quiet');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'base');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('exits 0 on a clean tree, 1 with the change and every region it reaches after a one-line change, and removes its worktree', () => {
    expect(runDiffCommand(['--base', 'HEAD'], repo)).toEqual({ exitCode: 0, output: `no difference: HEAD is what ${app} writes` });
    fs.writeFileSync(path.join(repo, 'tier.txt'), '12\n');
    const changed = runDiffCommand(['--base', 'HEAD'], repo);
    expect(changed.exitCode).toBe(1);
    expect(changed.output).toBe([
      '~ changed shop/base: HorizontalPodAutoscaler.autoscaling shop/app (reaches shop/regions/eu-west-1, shop/regions/us-east-1)',
      '    spec.maxReplicas: 10 -> 12',
      `0 added, 0 removed, 1 changed (old: HEAD, new: ${app})`,
    ].join('\n'));
    expect(spawnSync('git', ['worktree', 'list'], { cwd: repo, encoding: 'utf8' }).stdout.trim().split('\n')).toHaveLength(1);
    expect(runDiffCommand(['--base', 'no-such-ref'], repo)).toEqual({ exitCode: 2, output: '--base no-such-ref: not a commit of this repository' });
  });
});
