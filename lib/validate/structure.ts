import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import certificateCrd from '../../imports/crds/certificate-v1.json';
import targetGroupBindingCrd from '../../imports/crds/targetgroupbinding-v1beta1.json';
import verticalPodAutoscalerCrd from '../../imports/crds/verticalpodautoscaler-v1.json';
import scaledObjectCrd from '../../imports/crds/scaledobject-v1alpha1.json';
import triggerAuthenticationCrd from '../../imports/crds/triggerauthentication-v1alpha1.json';
// The Prometheus operator's ServiceMonitor and PrometheusRule (monitoring.coreos.com/v1), written by test/tools/wrap-crd-schema.ts
// (the PodMonitor is an operator CRD module, below).
import serviceMonitorCrd from '../../imports/crds/servicemonitor-v1.json';
import prometheusRuleCrd from '../../imports/crds/prometheusrule-v1.json';
// The operator CRDs the gate walks (OPERATOR_CRD_FILES): about 700 KiB of JSON, a few ms to parse.
import barmanObjectStoreCrd from '../../imports/crds/barmancloud-objectstore-v1.json';
import cnpgClusterCrd from '../../imports/crds/cnpg-cluster-v1.json';
import cnpgPoolerCrd from '../../imports/crds/cnpg-pooler-v1.json';
import cnpgScheduledBackupCrd from '../../imports/crds/cnpg-scheduledbackup-v1.json';
import podMonitorCrd from '../../imports/crds/podmonitor-v1.json';
import { Finding, Manifest, finding, kindOf } from './manifest';
import { CompactFieldTrees, CompiledValidator, escapeKey, seedFields, validateStrictly } from './_known-fields';
import { structuralValidator } from './_structural-schema';
import type { CustomResourceDefinition, JsonSchema } from './crd-types';

export type { CustomResourceDefinition, JsonSchema } from './crd-types';

/**
 * Schema checks. Kubernetes kinds are checked with the compiled OpenAPI validators of the `kubernetes-models`
 * package: the kinds in `imports/schema-validators.ts` (those this library emits and their usual neighbours) from
 * that bundle, compiled ahead of time; any other kind from the package, loaded per kind. Custom resources are
 * checked with the `openAPIV3Schema` of their CRD, precompiled for the built-in CRDs. All checks are offline and
 * strict: a field the schema does not define is a finding, as `kubectl apply --validate=strict` would reject it.
 */

/** The small built-in CRDs, whose validators are in `imports/schema-validators.ts` with the Kubernetes kinds. */
export const BUNDLED_CRDS: readonly CustomResourceDefinition[] = [
  verticalPodAutoscalerCrd,
  targetGroupBindingCrd,
  // cert-manager's Certificate (RedisDeployment with TLS): the v1 schema of datreeio/CRDs-catalog, wrapped as a CRD.
  certificateCrd,
  // KEDA 2.17+ (keda.sh/v1alpha1): the ScaledObject and TriggerAuthentication of a KEDA-scaled service.
  scaledObjectCrd,
  triggerAuthenticationCrd,
  serviceMonitorCrd,
  prometheusRuleCrd,
];

let gitOps: readonly CustomResourceDefinition[] | undefined;

/**
 * The CRDs of the GitOps objects `writeTierManifests` can write (Argo CD's Application, Flux's GitRepository and
 * Kustomization), from `imports/crds/` (the schemas of `../shared/k8s-schemas/crds/`). Known to every
 * {@link SchemaRegistry}, loaded on first use: 420 KiB of JSON that only GitOps objects need. Checked by walking
 * their schemas (`_structural-schema.ts`), which is much faster than compiling them.
 */
export function gitOpsCrds(): readonly CustomResourceDefinition[] {
  gitOps ??= (require('./_gitops-crds') as typeof import('./_gitops-crds')).GITOPS_CRDS;
  return gitOps;
}

const GITOPS_GROUPS = new Set(['argoproj.io', 'source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io']);

/**
 * The operator CRDs whose resources the library emits (CloudNativePG, its Barman Cloud plugin, the Prometheus
 * Operator), as JSON (`imports/crds/`, imported so that the compiled package ships them). Their schemas are large
 * (the Cluster's and the Pooler's hold a whole pod template), so the gate walks their structural schemas
 * (`_structural-schema.ts`, which gives ajv's verdicts and errors) instead of running compiled validators: parsing
 * the JSON and walking an object costs a few milliseconds, where loading and first running the Cluster's or the
 * Pooler's ajv standalone code (about 1 MB each, `imports/crd-validators/`) cost about 100 ms each.
 * `test/validate/operator-crd-walk.slow.test.ts` compares the walk with that code on every object of the tiers and broken
 * copies, and checks that the walker supports each of these schemas (one it did not would be compiled with ajv at
 * run time, as a user's CRD is).
 */
export const OPERATOR_CRD_FILES: Readonly<Record<string, () => CustomResourceDefinition>> = {
  'postgresql.cnpg.io/v1/Cluster': () => cnpgClusterCrd,
  'postgresql.cnpg.io/v1/Pooler': () => cnpgPoolerCrd,
  'postgresql.cnpg.io/v1/ScheduledBackup': () => cnpgScheduledBackupCrd,
  'barmancloud.cnpg.io/v1/ObjectStore': () => barmanObjectStoreCrd,
  'monitoring.coreos.com/v1/PodMonitor': () => podMonitorCrd,
};

/** The schema of one operator CRD's version, from its JSON file. */
export function operatorCrdSchema(key: string): JsonSchema | undefined {
  const crd = OPERATOR_CRD_FILES[key]();
  const version = key.split('/')[1];
  return crd.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
}

/** A CRD whose schema is read from its JSON file when first needed. */
function operatorCrd(key: string): CustomResourceDefinition {
  const [group, name, kind] = key.split('/');
  const version = { name, served: true } as { name: string; served: boolean; schema?: { openAPIV3Schema?: JsonSchema } };
  Object.defineProperty(version, 'schema', { enumerable: true, get: () => ({ openAPIV3Schema: operatorCrdSchema(key) }) });
  return { spec: { group, scope: 'Namespaced', names: { kind }, versions: [version] } };
}

/** The CRDs of the custom resources this library emits. */
export const BUILT_IN_CRDS: readonly CustomResourceDefinition[] = [
  ...BUNDLED_CRDS,
  ...Object.keys(OPERATOR_CRD_FILES).map(operatorCrd),
];

/** The ajv options of CRD schemas, at run time and in the precompiled validators alike. */
export const CRD_AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;

/** The key of a CRD version's validator: `group/version/Kind`, as `apiVersion/kind` of its resources. */
export function crdValidatorKey(crd: CustomResourceDefinition, version: string): string {
  return `${crd.spec.group}/${version}/${crd.spec.names.kind}`;
}

/** `imports/schema-validators.ts`, keyed by `apiVersion/kind`. */
interface PrecompiledValidators {
  readonly kubernetes: Readonly<Record<string, CompiledValidator>>;
  readonly customResources: Readonly<Record<string, CompiledValidator>>;
  /** The field tree of each of the `kubernetes` validators. */
  readonly fields: CompactFieldTrees;
}

let precompiled: PrecompiledValidators | undefined;

/** Loaded on first use: 600 KiB of compiled validators that only the gate needs. */
function precompiledValidators(): PrecompiledValidators {
  precompiled ??= require('../../imports/schema-validators') as PrecompiledValidators;
  return precompiled;
}

/** apiVersions Kubernetes has removed (none is served by 1.34). */
const REMOVED_API_VERSIONS = new Set([
  'extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2', 'policy/v1beta1', 'batch/v1beta1', 'autoscaling/v2beta1',
  'autoscaling/v2beta2', 'networking.k8s.io/v1beta1', 'discovery.k8s.io/v1beta1', 'events.k8s.io/v1beta1',
  'node.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1',
  'storage.k8s.io/v1alpha1', 'admissionregistration.k8s.io/v1beta1', 'apiextensions.k8s.io/v1beta1',
  'apiregistration.k8s.io/v1beta1', 'certificates.k8s.io/v1beta1', 'coordination.k8s.io/v1beta1',
  'scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
]);

/** Kubernetes kinds that are not namespaced. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding', 'FlowSchema',
  'PriorityLevelConfiguration', 'CertificateSigningRequest', 'ComponentStatus', 'DeviceClass', 'IPAddress',
  'ServiceCIDR', 'VolumeAttributesClass', 'ClusterTrustBundle',
]);

type ModelValidate = (this: unknown) => void;
interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly prototype: { validate: ModelValidate };
}

/** Validates objects against the schemas of their kinds. One instance caches the validators it loads. */
export class SchemaRegistry {
  private readonly models = new Map<string, CompiledValidator | null>();
  private readonly crds = new Map<string, { validate: CompiledValidator; schema: JsonSchema; namespaced: boolean } | undefined>();

  /** @param crds the CustomResourceDefinitions whose resources may appear, besides Kubernetes' own kinds. */
  constructor(private readonly customResourceDefinitions: readonly CustomResourceDefinition[] = BUILT_IN_CRDS) {}

  /** Whether objects of this kind live in a namespace; undefined when the kind is unknown. */
  public isNamespaced(apiVersion: string, kind: string): boolean | undefined {
    const crd = this.crd(apiVersion, kind);
    if (crd) return crd.namespaced;
    if (!this.model(apiVersion, kind)) return undefined;
    return !CLUSTER_SCOPED_KINDS.has(kind);
  }

  /** The schema findings of one object: `deprecated-api`, `unknown-kind`, `schema` and `unknown-field`. */
  public check(m: Manifest): Finding[] {
    const { apiVersion, kind } = m.object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
    if (REMOVED_API_VERSIONS.has(apiVersion)) {
      return [finding(m, 'deprecated-api', 'apiVersion', `${apiVersion} is no longer served by Kubernetes; use its GA apiVersion`)];
    }
    const crd = this.crd(apiVersion, kind);
    if (crd) return this.checkCustomResource(m, crd.validate, crd.schema);
    const model = this.model(apiVersion, kind);
    if (!model) {
      return [finding(m, 'unknown-kind', 'kind', `no schema for ${apiVersion} ${kind}: not a Kubernetes kind, and no CRD was given for it`)];
    }
    return this.checkKubernetesKind(m, model);
  }

  private checkKubernetesKind(m: Manifest, validate: CompiledValidator): Finding[] {
    const { valid, unknown } = validateStrictly(validate, m.object);
    if (!valid) return (validate.errors ?? []).map((err) => schemaFinding(m, err));
    return unknown.map((p) => finding(m, 'unknown-field', toField(p), `${toField(p)} is not a field of ${String(m.object.apiVersion)} ${kindOf(m.object)}`));
  }

  private checkCustomResource(m: Manifest, validate: CompiledValidator, schema: JsonSchema): Finding[] {
    if (!validate(m.object)) return (validate.errors ?? []).map((err) => schemaFinding(m, err));
    const unknown: string[] = [];
    // metadata is an ObjectMeta the apiserver checks itself; CRD schemas only say `type: object`.
    collectOutsideSchema(m.object, { ...schema, properties: { ...schema.properties, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }, '', unknown);
    return unknown.map((p) => finding(m, 'unknown-field', toField(p), `${toField(p)} is not a field of ${String(m.object.apiVersion)} ${kindOf(m.object)}`));
  }

  /** The precompiled validator of the kind, else the one kubernetes-models has for it (loaded per kind). */
  private model(apiVersion: string, kind: string): CompiledValidator | undefined {
    const key = `${apiVersion}/${kind}`;
    let model = this.models.get(key);
    if (model === undefined) {
      const precompiled = precompiledValidators();
      model = precompiled.kubernetes[key];
      if (model) seedFields(model, precompiled.fields, key);
      else model = loadModelValidator(apiVersion, kind);
      this.models.set(key, model);
    }
    return model ?? undefined;
  }

  private crd(apiVersion: string, kind: string) {
    const key = `${apiVersion}/${kind}`;
    if (!this.crds.has(key)) this.crds.set(key, this.findCrd(apiVersion, kind));
    return this.crds.get(key);
  }

  private findCrd(apiVersion: string, kind: string) {
    const gitOpsKind = GITOPS_GROUPS.has(apiVersion.split('/')[0]);
    for (const crd of gitOpsKind ? [...this.customResourceDefinitions, ...gitOpsCrds()] : this.customResourceDefinitions) {
      if (crd.spec.names.kind !== kind) continue;
      const version = crd.spec.versions.find((v) => `${crd.spec.group}/${v.name}` === apiVersion && v.served !== false);
      const schema = version?.schema?.openAPIV3Schema;
      if (!version || !schema) continue;
      // The smaller built-in CRDs have precompiled validators; the operator CRDs and users' CRDs are walked when
      // their schemas are structural, else compiled here.
      const key = crdValidatorKey(crd, version.name);
      const precompiledCrd = BUILT_IN_CRDS.includes(crd) ? precompiledValidators().customResources[key] : undefined;
      const validate = precompiledCrd ?? walkingValidator(schema);
      return { validate, schema, namespaced: crd.spec.scope !== 'Cluster' };
    }
    return undefined;
  }
}

/** The validator of a Kubernetes kind that has none precompiled, from its kubernetes-models class; null if none. */
function loadModelValidator(apiVersion: string, kind: string): CompiledValidator | null {
  if (!/^[A-Za-z0-9]+$/.test(kind) || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return null;
  let model: ModelClass | undefined;
  try {
    model = (require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass>)[kind];
  } catch {
    return null;
  }
  if (!model || model.apiVersion !== apiVersion || model.kind !== kind) return null;
  const modelValidate = model.prototype.validate;
  // The class's validate throws an error carrying the ajv errors; turn it into a compiled-validator call.
  const validate: CompiledValidator = (data: unknown) => {
    try {
      modelValidate.call(data);
      validate.errors = null;
      return true;
    } catch (e) {
      const errors = (e as { errors?: ErrorObject[] }).errors;
      if (!errors) throw e;
      validate.errors = errors;
      return false;
    }
  };
  return validate;
}

/** Compiled schemas of users' CRDs, shared by every registry of the process (the gate runs once per tier). */
const compiled = new WeakMap<JsonSchema, ValidateFunction>();
let sharedAjv: Ajv | undefined;

const walking = new WeakMap<JsonSchema, CompiledValidator>();

/** A walking validator for the schema (see `_structural-schema.ts`), compiling it with ajv where the walk cannot go. */
function walkingValidator(schema: JsonSchema): CompiledValidator {
  let validate = walking.get(schema);
  if (!validate) walking.set(schema, (validate = structuralValidator(schema, compileCrdSchema)));
  return validate;
}

function compileCrdSchema(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    // Loaded on first use: a run without a user's CRD never needs ajv.
    // (A separate statement: TypeScript 7 drops the parentheses of `new (require(...) as T).default()`.)
    const ajv = require('ajv') as { default: typeof Ajv };
    sharedAjv ??= new ajv.default(CRD_AJV_OPTIONS);
    validate = sharedAjv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function schemaFinding(m: Manifest, err: ErrorObject): Finding {
  const field = toField(err.instancePath) || '(root)';
  const detail = err.keyword === 'required' ? `is missing required field ${String(err.params.missingProperty)}` : `${err.message ?? 'is invalid'}${err.keyword === 'enum' ? `: ${(err.params.allowedValues as unknown[]).join(', ')}` : ''}`;
  return finding(m, 'schema', field, `${field} ${detail}`);
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image` */
export function toField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function collectOutsideSchema(value: unknown, schema: JsonSchema, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object' || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => collectOutsideSchema(item, schema.items as JsonSchema, `${path}/${i}`, out));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}/${escapeKey(key)}`;
    const property = schema.properties?.[key];
    if (property) collectOutsideSchema(child, property, childPath, out);
    else if (typeof schema.additionalProperties === 'object') collectOutsideSchema(child, schema.additionalProperties, childPath, out);
    else if (schema.additionalProperties !== true) out.push(childPath);
  }
}
