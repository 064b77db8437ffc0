import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { ScalableService, TierChart, validateManifests, writeTierManifests } from '../../lib';
import { gateFailure, tierOutput, tierOutputManifests, writeTierOutput } from '../../lib/chart';
import { TIERS, team } from '../../tiers';

function writeAll(outdir: string): Record<string, string> {
  const app = new App({ outdir });
  const out: Record<string, string> = {};
  for (const tier of TIERS) {
    const dir = path.join(outdir, tier.name);
    for (const file of writeTierManifests(new TierChart(app, tier.name, tier), dir)) {
      out[`${tier.name}/${file}`] = fs.readFileSync(path.join(dir, file), 'utf8');
    }
  }
  return out;
}

describe('TierChart and writeTierManifests', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tier-chart-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('two synths give byte-identical files', () => {
    const first = writeAll(path.join(tmp, 'a'));
    const second = writeAll(path.join(tmp, 'b'));
    expect(Object.keys(first).length).toBeGreaterThanOrEqual(TIERS.length * 3);
    expect(second).toEqual(first);
  });

  test('each tier folder holds a base with one file per component and a Kustomization listing them in apply order', () => {
    const files = writeAll(tmp);
    expect(files['team/base/Kustomization']).toContain('kind: Kustomization');
    const listed = files['team/base/Kustomization'].split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
    expect(listed[0]).toBe('namespace.yaml');
    expect(listed).toEqual(Object.keys(files).filter((f) => f.startsWith('team/base/') && f.endsWith('.yaml')).map((f) => f.slice('team/base/'.length)));
    // Without regions, the tier folder renders the base.
    expect(files['team/Kustomization']).toContain('resources:\n  - base\n');
  });

  test('stale files from an earlier synth are removed', () => {
    const dir = path.join(tmp, 'team');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'old.yaml'), 'stale');
    writeTierManifests(new TierChart(new App(), 'team', team), dir);
    expect(fs.existsSync(path.join(dir, 'old.yaml'))).toBe(false);
  });

  test('a second synthesis leaves unchanged files untouched, rewrites changed ones and removes stale files and folders', () => {
    const dir = path.join(tmp, 'team');
    writeTierManifests(new TierChart(new App(), 'team', team), dir);
    const app = path.join(dir, 'base/app.yaml');
    const redis = path.join(dir, 'base/redis.yaml');
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(app, past, past);
    fs.writeFileSync(redis, 'edited by hand');
    fs.utimesSync(redis, past, past);
    fs.mkdirSync(path.join(dir, 'regions/gone'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'regions/gone/x.yaml'), 'stale');
    fs.rmSync(path.join(dir, 'base/nginx.yaml'));
    fs.mkdirSync(path.join(dir, 'base/nginx.yaml')); // a folder where a file belongs

    const files = writeTierManifests(new TierChart(new App(), 'team', team), dir);
    expect(fs.statSync(app).mtime).toEqual(past);
    expect(fs.statSync(redis).mtime).not.toEqual(past);
    expect(fs.readFileSync(redis, 'utf8')).toContain('kind: StatefulSet');
    expect(fs.statSync(path.join(dir, 'base/nginx.yaml')).isFile()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'regions'))).toBe(false);
    const onDisk = (d: string): string[] => fs.readdirSync(path.join(dir, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? onDisk(path.join(d, e.name)) : [path.join(d, e.name)]));
    expect(onDisk('').sort()).toEqual([...files].sort());
  });

  test('a platform component lands in the tier namespace and in the Kustomization', () => {
    const chart = new TierChart(new App(), 'team', team);
    new ScalableService(chart.addComponent('worker'), 'worker', {
      image: 'registry.example.com/worker:1.0.0',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    });
    const files = writeTierManifests(chart, tmp);
    expect(files).toEqual(['base/namespace.yaml', 'base/app.yaml', 'base/nginx.yaml', 'base/redis.yaml', 'base/postgres.yaml', 'base/monitoring.yaml', 'base/worker.yaml', 'base/Kustomization', 'Kustomization']);
    expect(fs.readFileSync(path.join(tmp, 'base/worker.yaml'), 'utf8')).toContain('namespace: team');
  });

  test('writes nothing when the validation gate finds a problem, and lists every finding', () => {
    const chart = new TierChart(new App(), 'team', team);
    new ApiObject(chart.addComponent('secrets'), 'db', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } });
    const dir = path.join(tmp, 'gated');
    expect(() => writeTierManifests(chart, dir)).toThrow(
      /found 1 problem\(s\); nothing was written[^\n]*\nteam\/base\/secrets\.yaml: Secret\/team\/db stringData \[secret-inline\] Secret values must not be in the output/,
    );
    expect(fs.existsSync(dir)).toBe(false);
    expect(writeTierManifests(chart, dir, { validation: { rules: { 'secret-inline': false } } })).toContain('base/secrets.yaml');
  });

  test('in steps: tierOutput, the gate on tierOutputManifests, writeTierOutput write what writeTierManifests writes', () => {
    const whole = path.join(tmp, 'whole');
    const steps = path.join(tmp, 'steps');
    const written = writeTierManifests(new TierChart(new App(), 'team', team), whole);
    const output = tierOutput(new TierChart(new App(), 'team', team));
    const manifests = tierOutputManifests(output);
    expect(manifests.map((m) => m.file)).toContain('team/base/app.yaml');
    expect(validateManifests(manifests)).toEqual([]);
    expect(writeTierOutput(output, steps)).toEqual(written);
    for (const file of written) expect(fs.readFileSync(path.join(steps, file), 'utf8')).toBe(fs.readFileSync(path.join(whole, file), 'utf8'));
    // writeTierOutput validates nothing: the caller's gate does, and gateFailure words its error as writeTierManifests does
    const chart = new TierChart(new App(), 'team', team);
    new ApiObject(chart.addComponent('secrets'), 'db', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } });
    const unchecked = tierOutput(chart);
    const findings = validateManifests(tierOutputManifests(unchecked));
    expect(findings.map((f) => f.rule)).toEqual(['secret-inline']);
    expect(() => writeTierManifests(chart, path.join(tmp, 'gated'))).toThrow(gateFailure(findings, path.join(tmp, 'gated')));
    expect(writeTierOutput(unchecked, path.join(tmp, 'unchecked'))).toContain('base/secrets.yaml');
  });

  test('writes nothing when a construct validation fails, and names the construct', () => {
    const chart = new TierChart(new App(), 'team', team);
    chart.addComponent('jobs').node.addValidation({ validate: () => ['needs a schedule'] });
    const dir = path.join(tmp, 'invalid');
    expect(() => writeTierManifests(chart, dir)).toThrow(/Validation failed with the following errors:\n {2}\[team\/jobs\] needs a schedule/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('the namespace can differ from the tier name', () => {
    const chart = new TierChart(new App(), 'team', { ...team, namespace: 'shop-team' });
    const objects = chart.components.flatMap((c) => c.toJson());
    expect(new Set(objects.map((o) => o.metadata.namespace ?? o.metadata.name))).toEqual(new Set(['shop-team']));
  });

  test('throws if a component name is reused or not a DNS label', () => {
    const chart = new TierChart(new App(), 'team', team);
    expect(() => chart.addComponent('app')).toThrow("[team] 'component name' must be a name not already used in this tier, got: \"app\"");
    expect(() => chart.addComponent('My_Worker')).toThrow(
      "[team] 'component name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters), got: \"My_Worker\"",
    );
  });

  test('throws if the namespace is not a DNS label', () => {
    expect(() => new TierChart(new App(), 'team', { ...team, namespace: 'Shop' })).toThrow(
      "[team] 'namespace' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters), got: \"Shop\"",
    );
  });
});

describe('manifestsToYaml', () => {
  test("writes exactly what cdk8s's Yaml.stringify writes, for every tier", () => {
    const { Yaml } = require('cdk8s') as typeof import('cdk8s');
    const { manifestsToYaml } = require('../../lib/chart') as typeof import('../../lib/chart');
    for (const tier of TIERS) {
      for (const component of new TierChart(new App(), tier.name, tier).components) {
        const objects = component.toJson();
        expect(manifestsToYaml(objects)).toBe(Yaml.stringify(...objects));
      }
    }
  });
});
