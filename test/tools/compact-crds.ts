/**
 * Drops the `description` of every schema node from the CRDs in `imports/crds/` that only the validation gate reads,
 * in place. Descriptions validate nothing, and they are four fifths of these files (1.2 MB of 1.5 MB): every
 * synthesis loads the gate's CRDs, so they cost load time on each run. The CRDs `cdk8s import` reads
 * (`CDK8S_IMPORT_SOURCES`) keep theirs: they become the doc comments of the generated bindings.
 *
 *   node -r ./apps/_ts-register.js test/tools/compact-crds.ts      (the import tools compact what they write)
 *
 * `test/validate/crd-files.test.ts` fails while a gate-only CRD still holds a description.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CRDS_DIR = path.join(__dirname, '..', '..', 'imports', 'crds');

/** The CRDs `cdk8s import` generates bindings from (cdk8s.yaml's `imports`, and the two KEDA CRDs it describes). */
export const CDK8S_IMPORT_SOURCES: readonly string[] = [
  'verticalpodautoscaler-v1.json',
  'targetgroupbinding-v1beta1.json',
  'scaledobject-v1alpha1.json',
  'triggerauthentication-v1alpha1.json',
];

/** Keys of a schema node whose values are schemas, and those whose values are maps or lists of schemas. */
const SCHEMA_KEYS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
const SCHEMA_LIST_KEYS = new Set(['anyOf', 'allOf', 'oneOf']);

/** A JSON schema without the `description` keyword of any node; property names (even `description`) stay. */
export function withoutDescriptions(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (SCHEMA_KEYS.has(key)) out[key] = withoutDescriptions(value);
    else if (SCHEMA_MAP_KEYS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutDescriptions(sub)]));
    } else if (SCHEMA_LIST_KEYS.has(key) && Array.isArray(value)) out[key] = value.map(withoutDescriptions);
    else out[key] = value;
  }
  return out;
}

/** A CRD with every version's openAPIV3Schema compacted. */
export function compactCrd(crd: { spec: { versions: { schema?: { openAPIV3Schema?: unknown } }[] } }): unknown {
  return {
    ...crd,
    spec: {
      ...crd.spec,
      versions: crd.spec.versions.map((v) => (v.schema?.openAPIV3Schema ? { ...v, schema: { ...v.schema, openAPIV3Schema: withoutDescriptions(v.schema.openAPIV3Schema) } } : v)),
    },
  };
}

if (require.main === module) {
  for (const file of fs.readdirSync(CRDS_DIR).filter((f) => f.endsWith('.json') && !CDK8S_IMPORT_SOURCES.includes(f))) {
    const full = path.join(CRDS_DIR, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = `${JSON.stringify(compactCrd(JSON.parse(before)))}\n`;
    if (after !== before) fs.writeFileSync(full, after);
    console.log(`${file}: ${before.length} -> ${after.length} bytes`);
  }
}
