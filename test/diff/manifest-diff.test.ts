import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffManifestFolders, formatDifferences } from '../../lib/diff/manifest-diff';
import { runDiffCommand } from '../../lib/diff/cli';

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
