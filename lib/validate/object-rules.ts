import { Finding, Manifest, arrayAt, finding, kindOf, objectAt } from './manifest';
import { CREDENTIAL_NAME } from './annotations';
import { GateContext } from './_context';
import { checkCnpgCluster } from './cnpg-rules';
import { LabelSelector } from './_workloads';

/** The rules that look at one object's own fields (and, for PodDisruptionBudgets, the workloads they cover). */
export function checkObject(m: Manifest, ctx: GateContext, namespaced: boolean | undefined): Finding[] {
  const out = checkMetadata(m, namespaced);
  const spec = objectAt(m.object, 'spec') ?? {};
  switch (kindOf(m.object)) {
    case 'PodDisruptionBudget':
      out.push(...checkDisruptionBudget(m, spec, ctx));
      break;
    case 'Cluster':
      out.push(...checkCnpgCluster(m, ctx));
      break;
    case 'HorizontalPodAutoscaler': {
      const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
      if (min < 2) out.push(finding(m, 'min-replicas', 'spec.minReplicas', `an HPA must keep at least 2 replicas, got: ${min}`));
      if (typeof spec.maxReplicas === 'number' && spec.maxReplicas <= min) out.push(finding(m, 'min-replicas', 'spec.maxReplicas', `maxReplicas (${spec.maxReplicas}) must be greater than minReplicas (${min})`));
      out.push(...checkStabilizationWindows(m, objectAt(spec, 'behavior'), 'spec.behavior'));
      break;
    }
    case 'ScaledObject': {
      // minReplicaCount 0 is scale-to-zero, a deliberate choice for queue workers (ScalableService refuses it for a
      // service that must answer); 1 is the single pod that is down on every drain.
      const min = typeof spec.minReplicaCount === 'number' ? spec.minReplicaCount : 0;
      const max = typeof spec.maxReplicaCount === 'number' ? spec.maxReplicaCount : 100;
      if (min === 1) out.push(finding(m, 'min-replicas', 'spec.minReplicaCount', 'a ScaledObject must keep at least 2 replicas (or scale to 0), got: 1'));
      if (max <= min) out.push(finding(m, 'min-replicas', 'spec.maxReplicaCount', `maxReplicaCount (${max}) must be greater than minReplicaCount (${min})`));
      const hpaConfig = objectAt(objectAt(spec, 'advanced'), 'horizontalPodAutoscalerConfig');
      out.push(...checkStabilizationWindows(m, objectAt(hpaConfig, 'behavior'), 'spec.advanced.horizontalPodAutoscalerConfig.behavior'));
      break;
    }
    case 'Service':
      if (spec.type === 'NodePort') out.push(finding(m, 'service-type', 'spec.type', 'NodePort opens a port on every node; use ClusterIP or LoadBalancer'));
      break;
    case 'Secret':
      for (const field of ['data', 'stringData']) {
        const data = objectAt(m.object, field);
        if (data && Object.keys(data).length > 0) out.push(finding(m, 'secret-inline', field, `Secret values must not be in the output (keys: ${Object.keys(data).join(', ')}); provide the Secret outside Git (External Secrets, Sealed Secrets, the CSI driver)`));
      }
      break;
    case 'ConfigMap':
      for (const field of ['data', 'binaryData']) {
        for (const key of Object.keys(objectAt(m.object, field) ?? {})) {
          if (CREDENTIAL_NAME.test(key)) out.push(finding(m, 'configmap-credential', `${field}.${key}`, `ConfigMap key ${key} looks like a credential; keep credentials in a Secret`));
        }
      }
      break;
    case 'Ingress':
      if (arrayAt(spec, 'tls').length === 0) out.push(finding(m, 'ingress-tls', 'spec.tls', 'an Ingress must terminate TLS'));
      for (const key of Object.keys(m.object.metadata?.annotations ?? {})) {
        if (/^nginx\.ingress\.kubernetes\.io\/(server-snippet|configuration-snippet|auth-snippet|stream-snippet|modsecurity-snippet)$/.test(key)) {
          out.push(finding(m, 'ingress-snippets', `metadata.annotations.${key}`, `${key} injects raw nginx configuration (CVE-2021-25742, CVE-2025-1974)`));
        }
      }
      break;
    case 'Role':
    case 'ClusterRole':
      arrayAt(m.object, 'rules').forEach((rule, i) => {
        for (const field of ['apiGroups', 'resources', 'verbs']) {
          if (Array.isArray(rule[field]) && rule[field].includes('*')) out.push(finding(m, 'rbac', `rules[${i}].${field}`, `rules must not grant a wildcard in ${field}`));
        }
        const resources = Array.isArray(rule.resources) ? rule.resources : [];
        for (const r of ['pods/exec', 'pods/attach']) if (resources.includes(r)) out.push(finding(m, 'rbac', `rules[${i}].resources`, `rules must not grant ${r}`));
      });
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      if (objectAt(m.object, 'roleRef')?.name === 'cluster-admin') out.push(finding(m, 'rbac', 'roleRef.name', 'nothing may be bound to cluster-admin'));
      break;
  }
  return out;
}

/** The most seconds a stabilisation window may span (the HPA API's limit). */
const MAX_WINDOW_SECONDS = 3600;

/**
 * Stabilisation windows above an hour: the HPA API refuses them. KEDA copies a ScaledObject's behaviour into the HPA
 * it creates; where the installed CRD lacks the schema's `maximum: 3600` (older KEDA CRDs), the ScaledObject is
 * accepted and the HPA is then refused, so the workload silently stops scaling. The strict schema check reports the
 * bound too when the CRD has it; this rule says why it matters, for HPAs and ScaledObjects alike.
 */
function checkStabilizationWindows(m: Manifest, behavior: Record<string, unknown> | undefined, path: string): Finding[] {
  const out: Finding[] = [];
  for (const direction of ['scaleUp', 'scaleDown']) {
    const window = objectAt(behavior, direction)?.stabilizationWindowSeconds;
    if (typeof window === 'number' && window > MAX_WINDOW_SECONDS) {
      const why = kindOf(m.object) === 'ScaledObject' ? 'KEDA copies it into the HPA it creates, which the API refuses: no HPA, nothing scales' : 'the HPA API refuses it';
      out.push(finding(m, 'stabilization-window', `${path}.${direction}.stabilizationWindowSeconds`, `a stabilisation window must be at most ${MAX_WINDOW_SECONDS} s (${why}), got: ${window}`));
    }
  }
  return out;
}

function checkDisruptionBudget(m: Manifest, spec: Record<string, unknown>, ctx: GateContext): Finding[] {
  const out: Finding[] = [];
  if (spec.unhealthyPodEvictionPolicy === undefined) {
    out.push(finding(m, 'pdb-unhealthy-eviction', 'spec.unhealthyPodEvictionPolicy', 'set unhealthyPodEvictionPolicy (AlwaysAllow lets a drain evict pods that never became ready)'));
  }
  if (spec.minAvailable === undefined && spec.maxUnavailable === undefined) {
    out.push(finding(m, 'pdb-allows-eviction', 'spec', 'a PodDisruptionBudget must set minAvailable or maxUnavailable'));
  }
  for (const w of ctx.selected(m.object.metadata?.namespace, spec.selector as LabelSelector | undefined, true)) {
    if (!w.scalable) continue;
    const { min } = ctx.replicaRange(w);
    if (min < 1) continue;
    const allowed = allowedDisruptions(spec, min);
    if (allowed < 1) {
      out.push(finding(m, 'pdb-allows-eviction', spec.minAvailable !== undefined ? 'spec.minAvailable' : 'spec.maxUnavailable', `at ${kindOf(w.manifest.object)}/${w.manifest.object.metadata?.name}'s minimum of ${min} replicas this budget allows no eviction, so node drains block`));
    }
  }
  return out;
}

/** How many pods of `replicas` healthy ones a budget lets go, with the disruption controller's rounding (up). */
export function allowedDisruptions(spec: Record<string, unknown>, replicas: number): number {
  const scaled = (v: unknown) => (typeof v === 'string' && v.endsWith('%') ? Math.ceil((Number(v.slice(0, -1)) * replicas) / 100) : Number(v));
  if (spec.minAvailable !== undefined) return replicas - scaled(spec.minAvailable);
  if (spec.maxUnavailable !== undefined) return scaled(spec.maxUnavailable);
  return 0;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

function checkMetadata(m: Manifest, namespaced: boolean | undefined): Finding[] {
  const out: Finding[] = [];
  const md = m.object.metadata ?? {};
  if (typeof md.name !== 'string' || md.name.length > 253 || !DNS_SUBDOMAIN.test(md.name)) {
    out.push(finding(m, 'metadata', 'metadata.name', `name must be a DNS-1123 subdomain (lower case, digits, '-', '.', at most 253), got: ${JSON.stringify(md.name)}`));
  }
  if (namespaced === true && (md.namespace === undefined || md.namespace === 'default')) {
    out.push(finding(m, 'metadata', 'metadata.namespace', `namespaced objects must name a namespace other than default, got: ${JSON.stringify(md.namespace)}`));
  }
  const labelSets: [string, unknown][] = [['metadata.labels', md.labels]];
  const template = objectAt(objectAt(m.object, 'spec'), 'template');
  if (template) labelSets.push(['spec.template.metadata.labels', objectAt(template, 'metadata')?.labels]);
  for (const [path, labels] of labelSets) {
    for (const [k, v] of Object.entries((labels as Record<string, unknown>) ?? {})) {
      if (!isLabelKey(k)) out.push(finding(m, 'metadata', `${path}.${k}`, `label key ${JSON.stringify(k)} must be [prefix/]name with a name of at most 63 alphanumerics, '-', '_', '.'`));
      if (typeof v !== 'string' || (v !== '' && (v.length > 63 || !LABEL_NAME.test(v)))) {
        out.push(finding(m, 'metadata', `${path}.${k}`, `label value ${JSON.stringify(v)} must be empty or at most 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric`));
      }
    }
  }
  return out;
}

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}
