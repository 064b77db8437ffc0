import { CREDENTIAL_NAME } from './annotations';
import { Finding, arrayAt, finding, kindOf, objectAt } from './manifest';
import { handlers } from './pod-security';
import { GateContext } from './_context';
import { LabelSelector, Workload, selects } from './_workloads';
import { shown } from './_shown';


/** The operational and linter rules that look at one pod template and the objects around it. */
export function checkWorkload(w: Workload, ctx: GateContext): Finding[] {
  const out: Finding[] = [];
  const m = w.manifest;
  const kind = kindOf(m.object);
  const spec = objectAt(m.object, 'spec') ?? {};
  const at = (field: string) => `${w.specPath}.${field}`;
  const podSc = objectAt(w.spec, 'securityContext') ?? {};

  // Pod level.
  if (w.spec.automountServiceAccountToken !== false) {
    out.push(finding(m, 'service-account-token', at('automountServiceAccountToken'), `must be false (mount a projected token only where the pod calls the API), got: ${String(w.spec.automountServiceAccountToken)}`));
  }
  const sa = w.spec.serviceAccountName;
  if (sa === undefined || sa === 'default') out.push(finding(m, 'default-service-account', at('serviceAccountName'), `pods must run as their own ServiceAccount, not ${sa === undefined ? 'the default one' : 'default'}`));
  if (w.spec.serviceAccount !== undefined) out.push(finding(m, 'deprecated-service-account-field', at('serviceAccount'), 'serviceAccount is deprecated; use serviceAccountName'));
  if (w.spec.priorityClassName === undefined) out.push(finding(m, 'priority-class', at('priorityClassName'), 'pods must set priorityClassName'));

  // Containers.
  for (const { container: c, path, longRunning } of w.containers) {
    const name = String(c.name);
    const ephemeral = path.includes('ephemeralContainers');
    const sc = objectAt(c, 'securityContext') ?? {};
    if (!ephemeral) {
      const resources = objectAt(c, 'resources') ?? {};
      for (const bound of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (objectAt(resources, bound)?.[resource] === undefined) out.push(finding(m, 'resources', `${path}.resources.${bound}.${resource}`, `container ${name} must set ${bound}.${resource}`));
        }
        if (objectAt(resources, bound)?.['ephemeral-storage'] === undefined) out.push(finding(m, 'ephemeral-storage', `${path}.resources.${bound}.ephemeral-storage`, `container ${name} must set ${bound}.ephemeral-storage`));
      }
      if (sc.readOnlyRootFilesystem !== true) out.push(finding(m, 'read-only-root-fs', `${path}.securityContext.readOnlyRootFilesystem`, `container ${name} must set readOnlyRootFilesystem: true`));
    }
    if (longRunning) {
      const liveness = c.livenessProbe;
      const readiness = c.readinessProbe;
      if (!readiness) out.push(finding(m, 'probes', `${path}.readinessProbe`, `long-running container ${name} must have a readinessProbe`));
      if (!liveness) out.push(finding(m, 'probes', `${path}.livenessProbe`, `long-running container ${name} must have a livenessProbe`));
      if (liveness && readiness && JSON.stringify(liveness) === JSON.stringify(readiness)) {
        out.push(finding(m, 'probes', `${path}.livenessProbe`, `container ${name} liveness and readiness probes are identical: a pod too busy to be ready gets restarted`));
      }
    }

    const image = typeof c.image === 'string' ? c.image : '';
    const tag = imageTag(image);
    if (!image.includes('@') && (tag === undefined || tag === 'latest')) out.push(finding(m, 'image-tag', `${path}.image`, `container ${name} image ${JSON.stringify(image)} must name a version tag (not latest) or a digest`));
    if (!image.includes('@sha256:')) out.push(finding(m, 'image-digest', `${path}.image`, `container ${name} image ${JSON.stringify(image)} must be pinned by digest (@sha256:…)`));
    if (c.imagePullPolicy !== 'Always') out.push(finding(m, 'pull-policy-always', `${path}.imagePullPolicy`, `container ${name} imagePullPolicy must be Always, got: ${String(c.imagePullPolicy)}`));

    const seen = new Set<string>();
    arrayAt(c, 'env').forEach((e, i) => {
      const envName = String(e.name);
      if (seen.has(envName)) out.push(finding(m, 'duplicate-env', `${path}.env[${i}].name`, `container ${name} sets ${envName} twice`));
      seen.add(envName);
      if (CREDENTIAL_NAME.test(envName) && typeof e.value === 'string' && e.value !== '') {
        out.push(finding(m, 'env-credential-literal', `${path}.env[${i}].value`, `container ${name} env ${envName} looks like a credential and has a literal value; use a secretKeyRef`));
      }
      if (objectAt(e.valueFrom, 'secretKeyRef')) out.push(finding(m, 'secret-env', `${path}.env[${i}].valueFrom.secretKeyRef`, `container ${name} reads Secret into env ${envName}; mount it as a file`));
    });
    arrayAt(c, 'envFrom').forEach((e, i) => {
      if (objectAt(e, 'secretRef')) out.push(finding(m, 'secret-env', `${path}.envFrom[${i}].secretRef`, `container ${name} reads a whole Secret into env; mount it as a file`));
    });

    const ports = arrayAt(c, 'ports');
    ports.forEach((p, i) => {
      if (p.containerPort === 22) out.push(finding(m, 'ssh-port', `${path}.ports[${i}].containerPort`, `container ${name} exposes SSH port 22`));
      if (p.name !== undefined && !isIanaServiceName(shown(p.name))) out.push(finding(m, 'port-names', `${path}.ports[${i}].name`, `port name ${JSON.stringify(p.name)} must be at most 15 lower-case letters, digits and single hyphens, with a letter`));
    });
    for (const [handlerPath, handler] of handlers(c, path)) {
      if (!handlerPath.endsWith('Probe')) continue;
      for (const type of ['httpGet', 'tcpSocket', 'grpc']) {
        const port = objectAt(handler, type)?.port;
        if (port === undefined) continue;
        const exposed = ports.some((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
        if (!exposed) out.push(finding(m, 'probe-port', `${handlerPath}.${type}.port`, `container ${name} probe targets port ${shown(port)}, which the container does not expose`));
      }
    }

    const uid = sc.runAsUser ?? podSc.runAsUser;
    const gid = sc.runAsGroup ?? podSc.runAsGroup;
    if (typeof uid !== 'number' || uid < 10000) out.push(finding(m, 'run-as-high-uid', `${path}.securityContext.runAsUser`, `container ${name} must run as a UID of 10000 or more, got: ${String(uid)}`));
    if (gid !== undefined && (typeof gid !== 'number' || gid < 10000)) out.push(finding(m, 'run-as-high-uid', `${path}.securityContext.runAsGroup`, `container ${name} must run as a GID of 10000 or more, got: ${shown(gid)}`));
    const seccomp = objectAt(sc, 'seccompProfile')?.type ?? objectAt(podSc, 'seccompProfile')?.type;
    if (seccomp !== 'RuntimeDefault') out.push(finding(m, 'seccomp-runtime-default', `${path}.securityContext.seccompProfile.type`, `container ${name} seccompProfile.type must be RuntimeDefault, got: ${String(seccomp)}`));
  }

  // Workload level.
  const selector = spec.selector as LabelSelector | undefined;
  if (selector && kind !== 'Job' && !selects(selector, w.labels, false)) {
    out.push(finding(m, 'selector-matches-template', 'spec.selector', `the selector does not select the pod template's labels ${JSON.stringify(w.labels)}`));
  }
  if (kind === 'Job' || kind === 'CronJob') {
    const jobSpec = kind === 'Job' ? spec : objectAt(objectAt(spec, 'jobTemplate'), 'spec') ?? {};
    if (jobSpec.ttlSecondsAfterFinished === undefined) out.push(finding(m, 'job-ttl', kind === 'Job' ? 'spec.ttlSecondsAfterFinished' : 'spec.jobTemplate.spec.ttlSecondsAfterFinished', 'Jobs must set ttlSecondsAfterFinished so finished pods are cleaned up'));
  }
  if (w.longRunning) {
    const ingress = ctx.selecting(w, 'NetworkPolicy', 'podSelector', true).filter((np) => policyTypes(np.object).includes('Ingress'));
    if (ingress.length === 0) out.push(finding(m, 'network-policy', `${w.specPath.replace(/\.spec$/, '')}.metadata.labels`, 'no NetworkPolicy restricts ingress to these pods'));
    const egress = ctx.selecting(w, 'NetworkPolicy', 'podSelector', true).filter((np) => policyTypes(np.object).includes('Egress'));
    if (egress.length === 0) out.push(finding(m, 'network-policy-egress', `${w.specPath.replace(/\.spec$/, '')}.metadata.labels`, 'no NetworkPolicy restricts egress from these pods'));
    const instance = m.object.metadata?.labels?.['app.kubernetes.io/instance'];
    if (instance !== undefined && instance !== m.object.metadata?.name) {
      out.push(finding(m, 'instance-label-matches-name', 'metadata.labels.app.kubernetes.io/instance', `label app.kubernetes.io/instance ${JSON.stringify(instance)} differs from metadata.name`));
    }
  }
  if (kind === 'StatefulSet' && arrayAt(spec, 'volumeClaimTemplates').length === 0) {
    out.push(finding(m, 'stateful-volume-claim', 'spec.volumeClaimTemplates', 'a StatefulSet must keep its data in volumeClaimTemplates'));
  }
  if (kind === 'Deployment' && objectAt(spec, 'strategy')?.type !== undefined && objectAt(spec, 'strategy')?.type !== 'RollingUpdate') {
    out.push(finding(m, 'update-strategy', 'spec.strategy.type', `must be RollingUpdate, got: ${String(objectAt(spec, 'strategy')?.type)}`));
  }
  if (kind === 'StatefulSet' && objectAt(spec, 'updateStrategy')?.type !== undefined && objectAt(spec, 'updateStrategy')?.type !== 'RollingUpdate') {
    out.push(finding(m, 'update-strategy', 'spec.updateStrategy.type', `must be RollingUpdate, got: ${String(objectAt(spec, 'updateStrategy')?.type)}`));
  }
  if (w.scalable) {
    const { min, max } = ctx.replicaRange(w);
    const autoscalers = ctx.autoscalersOf(w);
    const hpa = autoscalers[0];
    const names = autoscalers.map((a) => `${kindOf(a.object)}/${a.object.metadata?.name}`);
    if (autoscalers.length > 1) {
      out.push(finding(m, 'one-autoscaler', 'metadata.name', `${names.join(' and ')} all scale this ${kind}: they fight over spec.replicas (KEDA's admission webhook refuses a ScaledObject beside an HPA); keep one`));
    }
    if (hpa && spec.replicas !== undefined) out.push(finding(m, 'hpa-replicas-conflict', 'spec.replicas', `${names[0]} scales this ${kind}; spec.replicas resets it on every apply`));
    if (kind === 'Deployment' && !hpa && min < 2) out.push(finding(m, 'min-replicas', 'spec.replicas', `a Deployment must run at least 2 replicas, got: ${min}`));
    if (max >= 2) {
      if (!objectAt(w.spec, 'affinity')?.podAntiAffinity) out.push(finding(m, 'anti-affinity', at('affinity.podAntiAffinity'), `up to ${max} replicas and no podAntiAffinity: they may all land on one node`));
      if (arrayAt(w.spec, 'topologySpreadConstraints').length === 0) out.push(finding(m, 'topology-spread', at('topologySpreadConstraints'), `up to ${max} replicas and no topologySpreadConstraints`));
      if (ctx.selecting(w, 'PodDisruptionBudget', 'selector', true).length === 0) out.push(finding(m, 'pdb-required', 'spec.selector', `up to ${max} replicas and no PodDisruptionBudget selects these pods`));
    }
  }
  return out;
}

/** The policy types of a NetworkPolicy (Ingress when unset, plus Egress when it has egress rules). */
export function policyTypes(np: Record<string, unknown>): string[] {
  const spec = objectAt(np, 'spec') ?? {};
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes.map(String);
  return spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The tag of an image reference, or undefined when it has none. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

/** IANA_SVC_NAME: 1–15 characters of [a-z0-9-], at least one letter, no leading, trailing or double hyphen. */
export function isIanaServiceName(name: string): boolean {
  return name.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}
