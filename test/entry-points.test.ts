import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
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

/** The names an API report (test/api/*.api.md) lists as values: classes, functions, constants and enums. */
function reportedValues(report: string): string[] {
  const text = fs.readFileSync(path.join(root, 'test', 'api', report), 'utf8');
  return [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|enum) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
}

/** The package entries (package.json "exports"), their sources and API reports. */
const ENTRIES = [
  { specifier: 'scaling-tiers', source: '../lib', report: 'scaling-tiers.api.md' },
  { specifier: 'scaling-tiers/cloud', source: '../lib/cloud', report: 'scaling-tiers-cloud.api.md' },
  { specifier: 'scaling-tiers/tiers', source: '../tiers', report: 'scaling-tiers-tiers.api.md' },
];

describe('entry points', () => {
  test.each(ENTRIES)('$specifier exports at run time exactly the values its API report lists', ({ source, report }) => {
    const keys = Object.keys(require(source) as object);
    expect([...keys].sort()).toEqual([...new Set(reportedValues(report))].sort());
  });

  test('the entries keep internals in: no prop checks, config renderers, resolvers, shell fragments or limits', () => {
    // renderSvg draws the simulator's chart for a person (lib/plots); it renders no configuration.
    const PUBLIC_RENDERERS = ['renderSvg'];
    for (const { source } of ENTRIES) {
      const keys = Object.keys(require(source) as object).filter((k) => !PUBLIC_RENDERERS.includes(k));
      expect(keys.filter((k) => /^(render|resolve|check\w*Props$|SH_)|_ALLOWED$|_MAX_LENGTH$/.test(k))).toEqual([]);
      expect(keys).not.toContain('SH_DEADLINE_FUNCTION');
      expect(keys).not.toContain('Problems');
    }
  });

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

  test("the k8s bindings are the module cdk8s-plus-28 exports as 'k8s'", () => {
    expect(require('../lib/core/k8s').k8s).toBe(require('cdk8s-plus-28').k8s);
  });

  test('the cloud constructs are the separate entry point scaling-tiers/cloud', () => {
    const pkg = require('../package.json') as { exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['./cloud']).toEqual({ types: './build/lib/cloud/index.d.ts', default: './build/lib/cloud/index.js' });
    const cloud = require('../lib/cloud') as typeof import('../lib/cloud');
    expect(Object.keys(cloud)).toEqual(expect.arrayContaining(['GlobalDns', 'RegionalIngress', 'RegionalStack', 'targetGroupNameFor']));
    expect(Object.keys(require('../lib'))).not.toContain('RegionalIngress');
  });
});
