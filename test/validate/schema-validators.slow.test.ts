import * as fs from 'node:fs';
import { formats as packageFormats } from '@kubernetes-models/validate';
import { types } from 'node:util';
import { kubernetes, customResources, fields } from '../../imports/schema-validators';
import { CompactFieldTrees, CompiledValidator, seedFields, validateStrictly } from '../../lib/validate/_known-fields';
import { formats as bundledFormats } from '../tools/kubernetes-models-formats';
import { GENERATED_FILE, OPERATOR_MODULES_DIR, PRECOMPILED_KINDS, generateOperatorCrdModules, generateSchemaValidators } from '../tools/generate-schema-validators';
import { OPERATOR_CRD_MODULES } from './_operator-crd-modules';
import * as path from 'node:path';
import { tierManifests } from './_baseline';

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string }[] | null };
type ModelClass = { prototype: { validate(this: unknown): void } };

/** The verdict and error locations of kubernetes-models' own class for the kind. */
function packageVerdict(apiVersion: string, kind: string, object: unknown): { valid: boolean; errors: string[] } {
  const model = (require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass>)[kind];
  try {
    model.prototype.validate.call(object);
    return { valid: true, errors: [] };
  } catch (e) {
    return { valid: false, errors: ((e as { errors: { instancePath: string; keyword: string }[] }).errors).map((x) => `${x.instancePath} ${x.keyword}`) };
  }
}

function bundledVerdict(validate: Validate, object: unknown): { valid: boolean; errors: string[] } {
  const valid = validate(object);
  return { valid, errors: valid ? [] : (validate.errors ?? []).map((x) => `${x.instancePath} ${x.keyword}`) };
}

describe('imports/schema-validators.ts', () => {
  test('is what the generator writes from the installed packages (run `npm run generate:validators` after an upgrade)', async () => {
    expect(fs.readFileSync(GENERATED_FILE, 'utf8')).toBe(await generateSchemaValidators());
  }, 30_000);

  test('imports/crd-validators/ is what the generator writes from imports/crds (run `npm run generate:validators`)', async () => {
    const modules = await generateOperatorCrdModules();
    expect(fs.readdirSync(OPERATOR_MODULES_DIR).sort()).toEqual(Object.keys(modules).sort());
    for (const [file, text] of Object.entries(modules)) expect(fs.readFileSync(path.join(OPERATOR_MODULES_DIR, file), 'utf8')).toBe(text);
  }, 60_000);

  test('each operator CRD module is keyed as the gate looks it up', () => {
    for (const [key, load] of Object.entries(OPERATOR_CRD_MODULES)) {
      expect(load().key).toBe(key);
      expect(typeof load().validate).toBe('function');
    }
  });

  test('has a validator for each precompiled kind and each built-in CRD', () => {
    expect(Object.keys(kubernetes).sort()).toEqual(PRECOMPILED_KINDS.map(([apiVersion, kind]) => `${apiVersion}/${kind}`).sort());
    expect(Object.keys(customResources).sort()).toEqual([
      'autoscaling.k8s.io/v1/VerticalPodAutoscaler',
      'cert-manager.io/v1/Certificate',
      'elbv2.k8s.aws/v1beta1/TargetGroupBinding',
      'keda.sh/v1alpha1/ScaledObject',
      'keda.sh/v1alpha1/TriggerAuthentication',
      'monitoring.coreos.com/v1/PrometheusRule',
      'monitoring.coreos.com/v1/ServiceMonitor',
    ]);
  });

  // Each object of the enterprise tier, and copies broken in ways that reach the formats and nested schemas.
  const objects = tierManifests().map((m) => m.object).filter((o) => `${String(o.apiVersion)}/${String(o.kind)}` in kubernetes);
  const broken = (o: Record<string, unknown>): Record<string, unknown>[] => {
    const copy = () => JSON.parse(JSON.stringify(o)) as Record<string, any>;
    const out: Record<string, any>[] = [];
    let c = copy();
    c.metadata.labels = { ok: 7 };
    out.push(c);
    c = copy();
    if (c.spec?.replicas !== undefined) {
      c.spec.replicas = 2 ** 31; // past int32
      out.push(c);
    }
    c = copy();
    const container = c.spec?.template?.spec?.containers?.[0];
    if (container) {
      container.resources = { limits: { cpu: '1 core' } }; // not a quantity
      container.ports = [{ containerPort: 'http' }];
      out.push(c);
    }
    c = copy();
    if (c.kind === 'Secret' || c.kind === 'ConfigMap') {
      c.binaryData = { blob: 'not base64!' }; // format byte
      out.push(c);
    }
    return out;
  };

  test.each(objects.map((o) => [`${String(o.kind)}/${o.metadata?.name}`, o] as const))('%s: the same verdict and errors as the kubernetes-models class, valid and broken', (_, object) => {
    const validate = kubernetes[`${String(object.apiVersion)}/${String(object.kind)}` as keyof typeof kubernetes] as Validate;
    for (const o of [object, ...broken(object)]) {
      expect(bundledVerdict(validate, o)).toEqual(packageVerdict(object.apiVersion as string, object.kind as string, o));
    }
    expect(bundledVerdict(validate, object).valid).toBe(true);
    for (const o of broken(object)) expect(bundledVerdict(validate, o).valid).toBe(false);
  });

  /** The validator of a kind behind a new function: `watched` tells whether it was ever handed a proxy. */
  function spied(key: string): { validate: CompiledValidator; watched: () => boolean } {
    const inner = kubernetes[key as keyof typeof kubernetes] as Validate;
    let watched = false;
    const validate: CompiledValidator = (data: unknown) => {
      watched ||= types.isProxy(data);
      const ok = inner(data);
      validate.errors = inner.errors as CompiledValidator['errors'];
      return ok;
    };
    return { validate, watched: () => watched };
  }

  /** Copies of an object with a field no schema defines, at the root and at each object place inside it. */
  function withUnknownFields(o: Record<string, unknown>): { object: Record<string, unknown>; pointer: string }[] {
    const out: { object: Record<string, unknown>; pointer: string }[] = [];
    const visit = (value: unknown, pointer: string[]) => {
      if (value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) return value.forEach((item, i) => visit(item, [...pointer, String(i)]));
      const copy = JSON.parse(JSON.stringify(o)) as Record<string, unknown>;
      const target = pointer.reduce<any>((v, k) => v[k], copy);
      target.notAField = 1;
      out.push({ object: copy, pointer: `/${[...pointer, 'notAField'].join('/')}` });
      for (const [k, v] of Object.entries(value)) if (!['labels', 'annotations', 'data', 'matchLabels', 'selector', 'limits', 'requests'].includes(k)) visit(v, [...pointer, k]);
    };
    visit(o, []);
    return out;
  }

  test.each(objects.map((o) => [`${String(o.kind)}/${o.metadata?.name}`, o] as const))('%s: the explored field tree covers it and finds each unknown field that watching the validator finds', (_, object) => {
    const key = `${String(object.apiVersion)}/${String(object.kind)}`;
    const seeded = spied(key);
    seedFields(seeded.validate, fields as CompactFieldTrees, key);
    expect(validateStrictly(seeded.validate, object)).toEqual({ valid: true, unknown: [] });
    expect(seeded.watched()).toBe(false);
    const variants = withUnknownFields(object);
    expect(variants.length).toBeGreaterThanOrEqual(2); // the root and metadata at least
    for (const { object: broken, pointer } of variants) {
      const watching = spied(key); // learns only from what it watches
      const expected = validateStrictly(watching.validate, broken);
      expect(expected).toEqual({ valid: true, unknown: [pointer] });
      expect(validateStrictly(seeded.validate, broken)).toEqual(expected);
    }
    expect(seeded.watched()).toBe(false);
  });

  test('the five bundled formats answer as @kubernetes-models/validate does', () => {
    const samples: Record<string, unknown[]> = {
      int32: [0, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 1.5, Number.NaN],
      int64: [0, 2 ** 53, 1.5, -7, Number.POSITIVE_INFINITY],
      double: [0, 1.5, -2e300],
      byte: ['', 'aGVsbG8=', 'aGVsbG8', 'not base64!', 'YQ==', 'YWI='],
      quantity: ['1', '100m', '1.5Gi', '1e3', '2E-2', '+5', '.5', '5.', '1 core', 'Gi', '1.2.3', '10Mi ', '7da'],
    };
    const run = (f: { validate: unknown }, v: unknown) => (f.validate instanceof RegExp ? f.validate.test(v as string) : (f.validate as (x: unknown) => boolean)(v));
    const real = packageFormats as unknown as Record<string, { validate: unknown }>;
    for (const [name, values] of Object.entries(samples)) {
      const mine = (bundledFormats as Record<string, { validate: unknown }>)[name];
      expect(values.map((v) => [v, run(mine, v)])).toEqual(values.map((v) => [v, run(real[name], v)]));
    }
    expect(Object.keys(bundledFormats).sort()).toEqual(Object.keys(samples).sort());
  });
});
