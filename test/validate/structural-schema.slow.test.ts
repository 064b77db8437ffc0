/**
 * The walking validator against ajv on the GitOps CRDs, one field changed at a time: a slow suite (ajv compiles the
 * CRDs' schemas, a few hundred objects compared), run by `npm run test:all`.
 */
import Ajv from 'ajv';
import { gitOpsCrds } from '../../lib/validate/structure';
import { structuralValidator } from '../../lib/validate/_structural-schema';
import { gitOpsObjects } from '../../lib';
import { PLATFORM_RELEASES } from '../../tiers';

/** Every object with one field changed at a time: a wrong type, an unknown key, a missing required key. */
function mutations(o: unknown, at: string[] = []): { path: string[]; value: unknown }[] {
  if (typeof o !== 'object' || o === null) return [];
  const out: { path: string[]; value: unknown }[] = [];
  for (const [k, v] of Object.entries(o)) {
    out.push({ path: [...at, k], value: typeof v === 'string' ? 42 : 'x' });
    out.push({ path: [...at, k], value: undefined });
    out.push(...mutations(v, [...at, k]));
  }
  out.push({ path: [...at, 'notAField'], value: 1 });
  return out;
}

function apply(o: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(o) as Record<string, unknown>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  if (value === undefined) delete cur[path[path.length - 1]];
  else cur[path[path.length - 1]] = value;
  return copy;
}

test('the walking validator gives ajv’s verdict and error locations on GitOps objects and on every one-field mutation', () => {
  // An HPA on a Pods metric brings two platform releases (one waiting for the other, one with values): Helm sources,
  // HelmRepositories and HelmReleases too.
  const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a', namespace: 'shop' }, spec: { metrics: [{ type: 'Pods' }] } };
  const { argoCd, flux, fluxPlatform } = gitOpsObjects('shop', 'shop', [{ name: 'us-east-1', objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'shop' } }, hpa] }], {
    repoURL: 'https://g.example.com/p.git', clusters: { 'us-east-1': { fluxKubeConfigSecret: 'k' } }, platform: PLATFORM_RELEASES,
  });
  const objects = [...argoCd, ...flux, ...[...fluxPlatform.values()].flat()];
  expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(['Application', 'GitRepository', 'HelmRepository', 'Kustomization', 'HelmRelease']));
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  let compared = 0;
  for (const object of objects) {
    const crd = gitOpsCrds().find((c) => `${c.spec.group}/${c.spec.versions[0].name}` === object.apiVersion && c.spec.names.kind === object.kind)!;
    const schema = crd.spec.versions[0].schema!.openAPIV3Schema!;
    const walking = structuralValidator(schema, () => {
      throw new Error('the walk handed an object to the fallback');
    });
    const compiled = ajv.compile(schema);
    for (const candidate of [object, ...mutations(object).map((m) => apply(object, m.path, m.value))]) {
      const verdict = walking(candidate);
      expect(verdict).toBe(compiled(candidate));
      const where = (errors: typeof compiled.errors) => [...new Set((errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`))].sort();
      expect(where(walking.errors)).toEqual(where(compiled.errors));
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(200);
});
