/** What each entry point loads, seen from a fresh node process: a slow suite (two processes), run by `npm run test:all`. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** The packages (under node_modules) whose files a fresh node process has loaded after requiring `entry`. */
function loadedBy(entry: string, then = ''): string[] {
  const script = `require(${JSON.stringify(entry)});${then}
    console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('node_modules')).map((f) => f.replace(/^.*?node_modules[\\\\/]/, '').replace(/\\\\/g, '/'))));`;
  const r = spawnSync(process.execPath, ['--require', './apps/_ts-register.js', '-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
}

describe('entry points', () => {
  test('the tiers entry loads no aws-cdk-lib (the tier validation uses only the pure checks of lib/cloud)', () => {
    expect(loadedBy('./tiers').filter((f) => f.startsWith('aws-cdk-lib/'))).toEqual([]);
  });

  test('the root entry loads neither aws-cdk-lib nor the yaml package, and of cdk8s-plus-28 only its k8s bindings', () => {
    const files = loadedBy('./lib');
    expect(files.filter((f) => f.startsWith('aws-cdk-lib/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('yaml/'))).toEqual([]); // cdk8s's own bundled copy lives under cdk8s/
    expect(files.filter((f) => f.startsWith('cdk8s-plus-28/'))).toEqual(['cdk8s-plus-28/lib/imports/k8s.js']);
  });

  test('synthesis with the validation gate (GitOps objects included) loads neither ajv nor kubernetes-models: its validators are precompiled', () => {
    const synth = `
      const os = require('node:os'), fs = require('node:fs'), path = require('node:path');
      const { App } = require('cdk8s');
      const { TierChart, writeTierManifests } = require('./lib');
      const { TIERS, hasCloudIngress } = require('./tiers');
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'entry-'));
      const app = new App({ outdir: out });
      for (const tier of TIERS) writeTierManifests(new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined }), path.join(out, tier.name),
        { regions: tier.regions.map((r) => r.name), gitops: { repoURL: 'https://git.example.com/platform.git' } });
      fs.rmSync(out, { recursive: true, force: true });`;
    const files = loadedBy('./lib', synth);
    expect(files.filter((f) => /^(ajv|ajv-[a-z0-9-]+|kubernetes-models|@kubernetes-models\/[a-z-]+)\//.test(f))).toEqual([]);
  });
});
