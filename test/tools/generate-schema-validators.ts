/**
 * Writes `imports/schema-validators.ts`: the schema validators of the validation gate, compiled ahead of time so
 * that a synthesis does not pay for loading ajv, compiling the CRD schemas and resolving a few hundred modules of
 * kubernetes-models on every run (`npm run bench` measures the difference).
 *
 *   - Kubernetes kinds: the compiled OpenAPI validators of `kubernetes-models`, bundled into one module with the
 *     five string formats they read (`kubernetes-models-formats.ts`) in place of `@kubernetes-models/validate`.
 *   - For each of those kinds, the tree of its fields, explored by probing its validator, so that the gate finds
 *     unknown fields without watching the validator read (lib/validate/_known-fields.ts).
 *   - Custom resources: ajv's standalone code for the openAPIV3Schema of each built-in CRD, compiled with the
 *     options the gate uses when it compiles a user's CRD at run time.
 *
 * Run `npm run generate:validators` after upgrading kubernetes-models or ajv or changing a CRD in imports/crds;
 * `test/validate/schema-validators.slow.test.ts` fails until the committed file matches what this writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Ajv from 'ajv';
import * as esbuild from 'esbuild';
import { BUNDLED_CRDS, CRD_AJV_OPTIONS, CustomResourceDefinition, JsonSchema, crdValidatorKey } from '../../lib/validate/structure';
import { OPERATOR_CRDS } from './import-operator-crds';
import { compactFields, exploreFields } from '../../lib/validate/_known-fields';

/** The Kubernetes kinds with a precompiled validator: those the library emits, and the ones users add beside them. */
export const PRECOMPILED_KINDS: readonly (readonly [apiVersion: string, kind: string, schema: string])[] = [
  ['apps/v1', 'Deployment', 'IoK8sApiAppsV1Deployment'],
  ['apps/v1', 'StatefulSet', 'IoK8sApiAppsV1StatefulSet'],
  ['apps/v1', 'DaemonSet', 'IoK8sApiAppsV1DaemonSet'],
  ['batch/v1', 'Job', 'IoK8sApiBatchV1Job'],
  ['batch/v1', 'CronJob', 'IoK8sApiBatchV1CronJob'],
  ['v1', 'Service', 'IoK8sApiCoreV1Service'],
  ['v1', 'ServiceAccount', 'IoK8sApiCoreV1ServiceAccount'],
  ['v1', 'ConfigMap', 'IoK8sApiCoreV1ConfigMap'],
  ['v1', 'Secret', 'IoK8sApiCoreV1Secret'],
  ['v1', 'Namespace', 'IoK8sApiCoreV1Namespace'],
  ['v1', 'PersistentVolumeClaim', 'IoK8sApiCoreV1PersistentVolumeClaim'],
  ['policy/v1', 'PodDisruptionBudget', 'IoK8sApiPolicyV1PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'IoK8sApiNetworkingV1NetworkPolicy'],
  ['networking.k8s.io/v1', 'Ingress', 'IoK8sApiNetworkingV1Ingress'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'IoK8sApiAutoscalingV2HorizontalPodAutoscaler'],
];

export const GENERATED_FILE = path.join(__dirname, '..', '..', 'imports', 'schema-validators.ts');

/** The text of `imports/schema-validators.ts`. */
export async function generateSchemaValidators(): Promise<string> {
  const models = installedPackage('kubernetes-models', 'kubernetes-models/apps/v1/Deployment');
  const apimachinery = installedPackage('@kubernetes-models/apimachinery', '@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta', models.dir);
  const ajv = installedPackage('ajv', 'ajv');
  const crdModules = compileCrdModules();
  // The ES module builds of the validators, so that esbuild hoists them into one scope: a CommonJS module costs a
  // second parse of its whole text when its wrapper first runs.
  const entry = [
    ...PRECOMPILED_KINDS.map(([, , schema], i) => `import { validate as k${i} } from ${JSON.stringify(path.join(models.dir, '_schemas', `${schema}.mjs`))};`),
    ...crdModules.map((_, i) => `import c${i} from 'crd:${i}';`),
    `export const kubernetes = { ${PRECOMPILED_KINDS.map(([apiVersion, kind], i) => `${JSON.stringify(`${apiVersion}/${kind}`)}: k${i}`).join(', ')} };`,
    `export const customResources = { ${crdModules.map(({ key }, i) => `${JSON.stringify(key)}: c${i}`).join(', ')} };`,
    // JSON text: parsed faster than an object literal is compiled, and typed where it is read, not here.
    `export const fields = JSON.parse(${JSON.stringify(JSON.stringify(exploreKinds(models.dir)))});`,
  ].join('\n');

  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: __dirname, sourcefile: 'schema-validators-entry.js', loader: 'js' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    plugins: [{
      name: 'schema-validators',
      setup(build) {
        build.onResolve({ filter: /^@kubernetes-models\/validate$/ }, () => ({ path: path.join(__dirname, 'kubernetes-models-formats.ts') }));
        build.onResolve({ filter: /^crd:\d+$/ }, (args) => ({ path: args.path, namespace: 'crd' }));
        build.onLoad({ filter: /.*/, namespace: 'crd' }, (args) => ({
          contents: crdModules[Number(args.path.slice('crd:'.length))].code,
          loader: 'js',
          resolveDir: __dirname,
        }));
      },
    }],
  });

  const versions = `kubernetes-models ${models.version}, @kubernetes-models/apimachinery ${apimachinery.version} and ajv ${ajv.version}`;
  return [
    '// @ts-nocheck',
    '/*',
    ' * Generated by `npm run generate:validators` (test/tools/generate-schema-validators.ts) from ' + versions + '.',
    ' * Do not edit. Kubernetes kinds: the compiled validators of kubernetes-models (MIT License, Copyright Tommy Chen);',
    ' * custom resources: ajv standalone code (MIT License, Copyright Evgeny Poberezkin) for the CRDs in imports/crds.',
    ' */',
    result.outputFiles[0].text.trimEnd(),
    '',
  ].join('\n');
}

/** The field tree of each precompiled kind (see lib/validate/_known-fields.ts), explored on the package's validators. */
function exploreKinds(modelsDir: string) {
  const trees = Object.fromEntries(PRECOMPILED_KINDS.map(([apiVersion, kind, schema]) => {
    const { validate } = require(path.join(modelsDir, '_schemas', `${schema}.js`)) as { validate: (data: unknown) => boolean };
    return [`${apiVersion}/${kind}`, exploreFields(validate)];
  }));
  return compactFields(trees);
}

/** One ES module of ajv standalone code per served version of each built-in CRD. */
function compileCrdModules(): { key: string; code: string }[] {
  // A separate statement: TypeScript 7 drops the parentheses of `new (require(...) as T).default()`.
  const ajv = require('ajv') as { default: typeof Ajv };
  const standaloneCode = (require('ajv/dist/standalone') as { default: (a: Ajv, f: unknown) => string }).default;
  const modules: { key: string; code: string }[] = [];
  for (const crd of BUNDLED_CRDS) {
    for (const version of crd.spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema || version.served === false) continue;
      const compiler = new ajv.default({ ...CRD_AJV_OPTIONS, code: { source: true, esm: true } });
      modules.push({ key: crdValidatorKey(crd, version.name), code: standaloneCode(compiler, compiler.compile(schema)) });
    }
  }
  return modules;
}

/** The folder of the operator CRDs' modules. */
export const OPERATOR_MODULES_DIR = path.join(__dirname, '..', '..', 'imports', 'crd-validators');

/**
 * The text of each module of `imports/crd-validators/` (keyed by file name): one operator CRD's ajv standalone
 * validator, minified, and its structural schema (descriptions and other annotations dropped), from the CRD in
 * imports/crds (written by test/tools/import-operator-crds.ts).
 */
export async function generateOperatorCrdModules(): Promise<Record<string, string>> {
  const ajv = require('ajv') as { default: typeof Ajv };
  const standaloneCode = (require('ajv/dist/standalone') as { default: (a: Ajv, f: unknown) => string }).default;
  const version = installedPackage('ajv', 'ajv').version;
  const out: Record<string, string> = {};
  for (const c of OPERATOR_CRDS) {
    const crd = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'imports', 'crds', c.file), 'utf8')) as CustomResourceDefinition;
    const v = crd.spec.versions[0];
    const schema = v.schema?.openAPIV3Schema as JsonSchema;
    const compiler = new ajv.default({ ...CRD_AJV_OPTIONS, code: { source: true, esm: true } });
    const code = standaloneCode(compiler, compiler.compile(schema));
    const key = crdValidatorKey(crd, v.name);
    const entry = [
      "import validate from 'crd:validator';",
      `export const key = ${JSON.stringify(key)};`,
      'export { validate };',
      `export const schema = JSON.parse(${JSON.stringify(JSON.stringify(structural(schema)))});`,
    ].join('\n');
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: __dirname, sourcefile: `${c.file}-entry.js`, loader: 'js' },
      bundle: true, write: false, platform: 'node', format: 'esm', target: 'es2022', minify: true, legalComments: 'none',
      charset: 'utf8', logLevel: 'silent',
      plugins: [{
        name: 'crd-validator',
        setup(build) {
          build.onResolve({ filter: /^crd:validator$/ }, (args) => ({ path: args.path, namespace: 'crd' }));
          build.onLoad({ filter: /.*/, namespace: 'crd' }, () => ({ contents: code, loader: 'js', resolveDir: __dirname }));
        },
      }],
    });
    out[c.file.replace(/\.json$/, '.ts')] = [
      '// @ts-nocheck',
      '/*',
      ` * Generated by \`npm run generate:validators\` (test/tools/generate-schema-validators.ts) from imports/crds/${c.file}`,
      ` * with ajv ${version}. Do not edit. ajv standalone code (MIT License, Copyright Evgeny Poberezkin).`,
      ' */',
      result.outputFiles[0].text.trimEnd(),
      '',
    ].join('\n');
  }
  return out;
}

/** The schema with only what the validators' strict walk reads: properties, items and additionalProperties. */
function structural(schema: JsonSchema): JsonSchema {
  const out: Record<string, unknown> = {};
  if (schema.type !== undefined) out.type = schema.type;
  if (schema['x-kubernetes-preserve-unknown-fields']) out['x-kubernetes-preserve-unknown-fields'] = true;
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, structural(v)]));
  if (schema.items) out.items = structural(schema.items);
  if (schema.additionalProperties !== undefined) {
    out.additionalProperties = typeof schema.additionalProperties === 'object' ? structural(schema.additionalProperties) : schema.additionalProperties;
  }
  return out;
}

/** The folder and version of an installed package, found from one of its files (exports maps hide package.json). */
function installedPackage(name: string, file: string, from = __dirname): { dir: string; version: string } {
  for (let dir = path.dirname(require.resolve(file, { paths: [from] })); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const { name: found, version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version: string };
    if (found === name) return { dir, version };
  }
  throw new Error(`cannot find the package.json of ${name} above ${file}`);
}

if (require.main === module) {
  Promise.all([generateSchemaValidators(), generateOperatorCrdModules()]).then(([text, modules]) => {
    fs.writeFileSync(GENERATED_FILE, text);
    console.log(`wrote ${path.relative(process.cwd(), GENERATED_FILE)} (${Math.round(text.length / 1024)} KiB)`);
    fs.mkdirSync(OPERATOR_MODULES_DIR, { recursive: true });
    for (const [file, moduleText] of Object.entries(modules)) {
      fs.writeFileSync(path.join(OPERATOR_MODULES_DIR, file), moduleText);
      console.log(`wrote ${path.relative(process.cwd(), path.join(OPERATOR_MODULES_DIR, file))} (${Math.round(moduleText.length / 1024)} KiB)`);
    }
  }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
