/**
 * Every Kustomization folder the built-in tiers write renders with a real kustomize (kubectl's built-in one), as
 * `kubectl apply -k`, Argo CD and Flux render it. Without kubectl the suite fails under CI=true and is skipped
 * elsewhere, saying so.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { TierChart, writeTierManifests } from '../../lib';
import { KUSTOMIZATION_FILE } from '../../lib/chart';
import { runsPostgresPerRegion } from '../../lib/tier';
import { ARGO_CD_SYNC_WAVES, PROTECTED_KINDS, RUN_ONCE_KINDS } from '../../lib/gitops';
import { ADMISSION_REFERENCES } from '../../lib/validate';
import { PLATFORM_RELEASES, TIERS, hasCloudIngress } from '../../tiers';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = kubectl.status === 0;
if (!haveKubectl) {
  if (process.env.CI === 'true') throw new Error(`kubectl (with its built-in kustomize) is required under CI=true: ${kubectl.error?.message ?? kubectl.stderr}`);
  console.warn('SKIPPED test/kustomize: kubectl is not installed, so no Kustomization folder was rendered with a real kustomize');
}
const describeWithKubectl = haveKubectl ? describe : describe.skip;

const execFileAsync = promisify(execFile);

/** The objects `kubectl kustomize dir` renders; rejects with kubectl's stderr when it fails. */
async function kustomize(dir: string): Promise<Obj[]> {
  const { stdout } = await execFileAsync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

/** `fn` over `items`, at most `limit` at a time (each kubectl is a process; one per core keeps the machine busy). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

function readObjects(file: string): Obj[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

/** The objects a Kustomization's resources hold, following folders as kustomize does. */
function objectsListed(dir: string): Obj[] {
  const text = fs.readFileSync(path.join(dir, KUSTOMIZATION_FILE), 'utf8');
  const resources = text.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
  return resources.flatMap((r) => {
    const target = path.join(dir, r);
    return fs.statSync(target).isDirectory() ? objectsListed(target) : readObjects(target);
  });
}

const key = (o: Obj) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (objects: Obj[]) => new Map(objects.map((o) => [key(o), o]));

describeWithKubectl('kustomize renders the output', () => {
  let out: string;
  let folders: string[];
  const rendered = new Map<string, Obj[]>();
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-'));
    const app = new App({ outdir: out });
    for (const tier of TIERS) {
      const chart = new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
      writeTierManifests(chart, path.join(out, tier.name), { regions: tier.regions.map((r) => r.name), gitops: { repoURL: 'https://git.example.com/platform.git', platform: PLATFORM_RELEASES } });
    }
    folders = [];
    const walk = (dir: string): void => {
      if (fs.existsSync(path.join(dir, KUSTOMIZATION_FILE))) folders.push(path.relative(out, dir));
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
    };
    walk(out);
    const objects = await mapLimit(folders, os.availableParallelism(), (f) => kustomize(path.join(out, f)));
    folders.forEach((f, i) => rendered.set(f, objects[i]));
  }, 120_000); // an async hook has jest's 5 s default timeout; 23 kubectl runs on a busy machine can take longer
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('every Kustomization folder renders, with as many objects as its files hold', () => {
    // 4 tiers x (tier, base, argocd, flux) + 7 regions + 7 regions' Flux platform releases
    expect(folders.length).toBe(4 * 4 + 7 + 7);
    for (const f of folders) {
      const listed = objectsListed(path.join(out, f));
      expect({ folder: f, count: rendered.get(f)!.length }).toEqual({ folder: f, count: listed.length });
      expect(new Set(rendered.get(f)!.map(key))).toEqual(new Set(listed.map(key)));
    }
  });

  test('a region overlay is its base plus exactly what the region adds, and the tier folder is the primary region', () => {
    for (const tier of TIERS) {
      const base = byKey(rendered.get(path.join(tier.name, 'base'))!);
      for (const region of tier.regions) {
        const dir = path.join(tier.name, 'regions', region.name);
        const overlay = byKey(rendered.get(dir)!);
        const own = fs.readdirSync(path.join(out, dir)).filter((f) => f.endsWith('.yaml')).flatMap((f) => readObjects(path.join(out, dir, f)));
        expect([...overlay.keys()].filter((k) => !base.has(k)).sort()).toEqual(own.map(key).sort());
        for (const [k, o] of base) expect(overlay.get(k)).toEqual(o);
        // What a region adds: its TargetGroupBinding where an ALB serves the tier, and its own CloudNativePG cluster (a
        // primary in the primary region, a replica cluster elsewhere) where the tier runs one per region.
        const kinds = own.map((o) => o.kind);
        expect(kinds.filter((k) => k === 'TargetGroupBinding').length).toBe(hasCloudIngress(tier) ? 1 : 0);
        expect(kinds.filter((k) => k === 'Cluster').length).toBe(runsPostgresPerRegion(tier) ? 1 : 0);
        expect(base.size > 0 && [...base.values()].some((o) => (o as { kind: string }).kind === 'Cluster')).toBe(!runsPostgresPerRegion(tier) && tier.postgres.engine === 'cloudnative-pg');
      }
      expect(rendered.get(tier.name)).toEqual(rendered.get(path.join(tier.name, 'regions', tier.regions[0].name)));
    }
  });

  test("each region Application's kustomize patches, rendered: Namespace first, ScaledObjects and VPAs after their workloads, Jobs as hooks, protected kinds, other annotations kept", () => {
    const { stringify } = require('yaml') as typeof import('yaml');
    const waves = new Map(ARGO_CD_SYNC_WAVES.map((w) => [w.kind, String(w.wave)]));
    let checkedReferences = 0;
    for (const tier of TIERS) {
      const applications = readObjects(path.join(out, tier.name, 'gitops', 'argocd', 'applications.yaml')) as unknown as (Obj & { spec: { source: { path: string; kustomize?: { patches: unknown[] } } } })[];
      for (const region of tier.regions) {
        const application = applications.find((a) => a.metadata.name === `${tier.name}-${region.name}`)!;
        const dir = path.join(out, tier.name, 'regions', region.name);
        const argo = fs.mkdtempSync(path.join(os.tmpdir(), 'argo-render-'));
        // What Argo CD does with spec.source.kustomize.patches: a Kustomization over the source folder with the patches.
        fs.writeFileSync(path.join(argo, 'kustomization.yaml'), stringify({ resources: [path.relative(argo, dir)], patches: application.spec.source.kustomize!.patches }));
        const r = spawnSync('kubectl', ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', argo], { encoding: 'utf8' });
        fs.rmSync(argo, { recursive: true, force: true });
        expect(r.stderr).toBe('');
        const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
        const plain = byKey(rendered.get(path.relative(out, dir))!);
        expect(objects.length).toBe(plain.size);
        const group = (o: Obj) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
        const matches = (o: Obj, t: { group?: string; kind: string }) => o.kind === t.kind && (t.group === undefined || t.group === group(o));
        for (const o of objects) {
          const expected: Record<string, string> = { ...(plain.get(key(o))!.metadata.annotations ?? {}) };
          if (waves.has(o.kind)) expected['argocd.argoproj.io/sync-wave'] = waves.get(o.kind)!;
          if (RUN_ONCE_KINDS.some((t) => matches(o, t))) Object.assign(expected, { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '1' });
          if (PROTECTED_KINDS.some((t) => matches(o, t))) expected['argocd.argoproj.io/sync-options'] = 'Prune=false,Delete=false';
          expect({ object: key(o), annotations: o.metadata.annotations ?? {} }).toEqual({ object: key(o), annotations: expected });
        }
        // The webhooks' references, on the rendered objects: each referring object in a later wave than its target.
        const waveOf = (o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
        for (const ref of ADMISSION_REFERENCES) {
          for (const o of objects.filter((x) => x.kind === ref.kind)) {
            const target = ref.field.split('.').reduce<any>((at, k) => at?.[k], o);
            const t = objects.find((x) => x.kind === (target.kind ?? ref.defaultKind) && x.metadata.name === target.name && x.metadata.namespace === o.metadata.namespace)!;
            expect({ object: key(o), after: waveOf(o) > waveOf(t) }).toEqual({ object: key(o), after: true });
            checkedReferences++;
          }
        }
        expect(objects.filter((o) => o.kind === 'Namespace').length).toBe(1);
      }
    }
    // Every tier has a VPA (development's is recommendation-only) and department a ScaledObject, in each region.
    expect(checkedReferences).toBeGreaterThanOrEqual(7 + 2);
  });
});
