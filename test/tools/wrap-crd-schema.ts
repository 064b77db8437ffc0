/**
 * Writes a CustomResourceDefinition for the validation gate (imports/crds/) from a custom resource's strict JSON
 * schema as the datree CRDs catalog publishes it (datreeio/CRDs-catalog, the source of the VPA and
 * TargetGroupBinding CRDs too). The catalog makes schemas strict by adding `additionalProperties: false`, which a
 * structural CRD schema may not carry; the gate is strict on its own (unknown fields are `unknown-field` findings),
 * so this removes them. It also drops the few `pattern`s written in Go's regular-expression syntax that JavaScript
 * cannot compile (PrometheusRule's `partial_response_strategy` pattern `^(?i)(abort|warn)?$`, an inline case-insensitive flag), printing each; the schema is
 * otherwise unchanged, but for descriptions (dropped from the CRDs only the gate reads: `compact-crds.ts`).
 *
 *   node -r ./apps/_ts-register.js test/tools/wrap-crd-schema.ts <catalog schema.json> <group> <Kind> <plural> <version> <out.json>
 *
 * Used for the Prometheus operator's PodMonitor, ServiceMonitor and PrometheusRule (monitoring.coreos.com/v1).
 * Run `npm run generate:validators` afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CDK8S_IMPORT_SOURCES, compactCrd } from './compact-crds';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function loosen(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(loosen);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'pattern' && typeof v === 'string' && !compiles(v)) {
      console.log(`dropped pattern ${v} (not a JavaScript regular expression)`);
      continue;
    }
    out[k] = loosen(v);
  }
  return out;
}

if (require.main === module) {
  const [input, group, kind, plural, version, output] = process.argv.slice(2);
  if (!output) {
    console.error('usage: wrap-crd-schema.ts <schema.json> <group> <Kind> <plural> <version> <out.json>');
    process.exit(2);
  }
  const schema = loosen(JSON.parse(fs.readFileSync(input, 'utf8')));
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
  const gateOnly = !CDK8S_IMPORT_SOURCES.includes(path.basename(output));
  fs.writeFileSync(output, `${JSON.stringify(gateOnly ? compactCrd(crd) : crd)}\n`);
  console.log(`wrote ${output}`);
}
