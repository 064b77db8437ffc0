/**
 * The gate checks CloudNativePG, Barman Cloud and PodMonitor resources by walking their CRDs' structural schemas
 * (imports/crds/*.json) instead of running the generated ajv validators (imports/crd-validators/), which cost about
 * 100 ms each to load and first run. The walk must give the generated validator's verdict and errors on every such
 * object of the tiers, and on broken copies of each.
 */
import { OPERATOR_CRD_FILES, SchemaRegistry, operatorCrdSchema } from '../../lib/validate';
import { TIERS } from '../../tiers';
import { synthTier } from '../_synth';
import { isStructural, structuralValidator } from '../../lib/validate/_structural-schema';
import { OPERATOR_CRD_MODULES } from './_operator-crd-modules';

type Json = Record<string, any>;

const objects = TIERS.flatMap((t) => synthTier(t).objects).filter((o) => `${o.apiVersion}/${o.kind}` in OPERATOR_CRD_MODULES);

/** Broken copies: an unknown field in spec, a wrong type for each top-level spec field, a value outside an enum. */
function broken(o: Json): Json[] {
  const out: Json[] = [];
  const unknown = structuredClone(o);
  unknown.spec.unknownFieldForTheTest = 1;
  out.push(unknown);
  for (const field of Object.keys(o.spec)) {
    const wrongType = structuredClone(o);
    wrongType.spec[field] = typeof o.spec[field] === 'number' ? 'a string' : 12345;
    out.push(wrongType);
  }
  if (o.kind === 'Cluster') {
    const badEnum = structuredClone(o);
    badEnum.spec.primaryUpdateStrategy = 'sometimes';
    out.push(badEnum);
  }
  return out;
}

const errorsOf = (errors: unknown) => ((errors ?? []) as { instancePath: string; keyword: string }[]).map((e) => `${e.instancePath} ${e.keyword}`).sort();

describe("operator CRDs: the schema walk gives the generated validators' verdicts", () => {
  test('the tiers emit every operator kind', () => {
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(['Cluster', 'Pooler', 'ScheduledBackup', 'ObjectStore', 'PodMonitor']));
  });

  test('every operator CRD the gate knows has a generated validator here, and a schema the walker supports', () => {
    expect(Object.keys(OPERATOR_CRD_MODULES).sort()).toEqual(Object.keys(OPERATOR_CRD_FILES).sort());
    for (const key of Object.keys(OPERATOR_CRD_FILES)) expect(isStructural(operatorCrdSchema(key))).toBe(true);
  });

  test.each(Object.keys(OPERATOR_CRD_MODULES))('%s: same verdict and errors on every object and broken copy', (key) => {
    const generated = OPERATOR_CRD_MODULES[key]().validate;
    const walk = structuralValidator(operatorCrdSchema(key)!, () => {
      throw new Error('the walk handed an object to the fallback');
    });
    const cases = objects.filter((o) => `${o.apiVersion}/${o.kind}` === key).flatMap((o) => [o, ...broken(o)]);
    expect(cases.length).toBeGreaterThan(2);
    let invalid = 0;
    for (const o of cases) {
      const expected = generated(o);
      if (!expected) invalid++;
      expect(walk(o)).toBe(expected);
      expect(errorsOf(walk.errors)).toEqual(errorsOf(generated.errors));
    }
    expect(invalid).toBe(cases.length - objects.filter((o) => `${o.apiVersion}/${o.kind}` === key).length);
  });

  test('the registry finds a broken operator object by the walk', () => {
    const cluster = structuredClone(objects.find((o) => o.kind === 'Cluster')!);
    cluster.spec.instances = 'three';
    expect(new SchemaRegistry().check({ file: 'x.yaml', object: cluster }).map((f) => f.field)).toContain('spec.instances');
  });
});
