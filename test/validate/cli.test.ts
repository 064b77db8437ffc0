import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { readManifests } from '../../lib/validate';
import { runValidateCommand } from '../../lib/validate/cli';
import { tierManifests } from './_baseline';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeTier(): void {
  const byFile = new Map<string, unknown[]>();
  for (const m of tierManifests()) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m.object]);
  for (const [file, objects] of byFile) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), objects.map((o) => stringify(o)).join('---\n'));
  }
}

describe('readManifests', () => {
  test('reads every YAML and JSON document under a folder, skipping Kustomizations and empty documents', () => {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: x}\n');
    fs.writeFileSync(path.join(dir, 'sub', 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } }));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest');
    const read = readManifests(dir);
    expect(read.findings).toEqual([]);
    expect(read.manifests.map((m) => `${m.file}:${m.object.metadata?.name}`)).toEqual(['a.yaml:a', 'a.yaml:b', path.join('sub', 'c.json') + ':c']);
  });

  test('a document that does not parse is a yaml finding naming the file', () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: [ConfigMap\n');
    const read = readManifests(dir);
    expect(read.findings).toHaveLength(1);
    expect(read.findings[0]).toMatchObject({ rule: 'yaml', file: 'bad.yaml' });
  });
});

describe('npm run validate', () => {
  test('passes a tier written to disk and exits 0', () => {
    writeTier();
    const result = runValidateCommand([dir]);
    expect(result.output).toMatch(/^validate: \d+ objects, 0 findings$/);
    expect(result.exitCode).toBe(0);
  });

  test('lists every finding with file, object, field and rule, and exits 1', () => {
    writeTier();
    const file = path.join(dir, 'enterprise', 'app.yaml');
    const docs = fs.readFileSync(file, 'utf8').split('---\n');
    const i = docs.findIndex((d) => d.includes('kind: Deployment'));
    docs[i] = docs[i].replace(/image: (.*):v1\.11\.0/, 'image: $1:latest');
    fs.writeFileSync(file, docs.join('---\n'));
    const result = runValidateCommand([dir]);
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('enterprise/app.yaml: Deployment/enterprise/app spec.template.spec.containers[0].image [image-tag]');
    expect(result.output).toMatch(/validate: \d+ objects, 1 finding$/);
  });

  test('--enable, --disable, --user-provided and --json', () => {
    writeTier();
    expect(runValidateCommand(['--enable', 'pull-policy-always', dir]).exitCode).toBe(1);
    const json = runValidateCommand(['--json', '--enable', 'image-digest', '--disable', 'image-digest', dir]);
    expect(JSON.parse(json.output)).toEqual([]);
    const redis = path.join(dir, 'enterprise', 'redis.yaml');
    fs.writeFileSync(redis, fs.readFileSync(redis, 'utf8').replace(/^ +validate\.scaling-tiers\.io\/user-provided: .*\n/gm, ''));
    const missing = runValidateCommand(['--json', dir]);
    expect(new Set(JSON.parse(missing.output).map((f: { rule: string }) => f.rule))).toEqual(new Set(['missing-reference']));
    expect(runValidateCommand(['--user-provided', 'secret/redis-auth', '--user-provided', 'secret/redis-tls', dir]).exitCode).toBe(0);
  });

  test('--crd teaches it a custom resource', () => {
    const crd = { spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget' }, versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }] } };
    fs.writeFileSync(path.join(dir, 'crd.json'), JSON.stringify(crd));
    fs.mkdirSync(path.join(dir, 'out'));
    fs.writeFileSync(path.join(dir, 'out', 'w.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: x}\nspec: {size: big}\n');
    expect(runValidateCommand([path.join(dir, 'out')]).output).toContain('[unknown-kind]');
    const known = runValidateCommand(['--crd', path.join(dir, 'crd.json'), path.join(dir, 'out')]);
    expect(known.output).toContain('w.yaml: Widget/x/w spec.size [schema] spec.size must be integer');
  });

  test('rejects an unknown rule or option with exit code 2', () => {
    expect(runValidateCommand(['--enable', 'no-such-rule'])).toEqual({ exitCode: 2, output: expect.stringContaining('unknown rule "no-such-rule"') });
    expect(runValidateCommand(['--frobnicate']).exitCode).toBe(2);
    expect(runValidateCommand(['--rules']).output).toContain('image-digest (off by default)');
  });
});
