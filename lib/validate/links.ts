import { USER_PROVIDED_ANNOTATION } from './annotations';
import { Finding, Manifest, arrayAt, finding, kindOf, objectAt } from './manifest';
import { GateContext } from './_context';
import { LabelSelector, Workload } from './_workloads';


/** Cross-object links: selectors that select something, targets that exist, references that resolve. */
export function checkLinks(m: Manifest, ctx: GateContext, userProvided: ReadonlySet<string> = new Set()): Finding[] {
  const out: Finding[] = [];
  const ns = m.object.metadata?.namespace;
  const spec = objectAt(m.object, 'spec') ?? {};
  const kind = kindOf(m.object);

  if (kind === 'Service' && spec.selector !== undefined) {
    const selector = spec.selector as Record<string, string>;
    const pods = ctx.selected(ns, { matchLabels: selector }, false); // a Service's selector: a plain label map
    if (pods.length === 0) out.push(finding(m, 'dangling-selector', 'spec.selector', `selects no pod template in the output: ${JSON.stringify(selector)}`));
    else out.push(...checkTargetPorts(m, spec, pods));
  }
  if (kind === 'PodDisruptionBudget' && ctx.selected(ns, spec.selector as LabelSelector | undefined, true).length === 0) {
    out.push(finding(m, 'dangling-selector', 'spec.selector', 'selects no pod template in the output'));
  }
  if (kind === 'NetworkPolicy' && ctx.selected(ns, spec.podSelector as LabelSelector | undefined, true).length === 0) {
    out.push(finding(m, 'dangling-selector', 'spec.podSelector', 'selects no pod template in the output'));
  }

  if (kind === 'PodMonitor' || kind === 'ServiceMonitor') out.push(...checkMonitor(m, spec, ctx));

  const target = (field: string, ref: Record<string, unknown> | undefined, targetKind: unknown) => {
    if (!ref || typeof targetKind !== 'string' || typeof ref.name !== 'string') return;
    if (!ctx.find(ns, targetKind, ref.name)) out.push(finding(m, 'dangling-target', field, `targets ${targetKind}/${ref.name}, which is not in the output`));
  };
  if (kind === 'HorizontalPodAutoscaler') target('spec.scaleTargetRef', objectAt(spec, 'scaleTargetRef'), objectAt(spec, 'scaleTargetRef')?.kind);
  if (kind === 'ScaledObject') {
    target('spec.scaleTargetRef', objectAt(spec, 'scaleTargetRef'), objectAt(spec, 'scaleTargetRef')?.kind ?? 'Deployment');
    arrayAt(spec, 'triggers').forEach((t, i) => {
      const ref = objectAt(t, 'authenticationRef');
      // A ClusterTriggerAuthentication is cluster-scoped and the platform's; only a namespaced one must be here.
      if ((ref?.kind ?? 'TriggerAuthentication') === 'TriggerAuthentication') target(`spec.triggers[${i}].authenticationRef`, ref, 'TriggerAuthentication');
    });
  }
  if (kind === 'TriggerAuthentication') out.push(...checkTriggerAuthenticationSecrets(m, ctx, userProvided));
  out.push(...checkStorageClasses(m, ctx, userProvided));
  if (kind === 'VerticalPodAutoscaler') target('spec.targetRef', objectAt(spec, 'targetRef'), objectAt(spec, 'targetRef')?.kind);
  if (kind === 'TargetGroupBinding') target('spec.serviceRef', objectAt(spec, 'serviceRef'), 'Service');
  if (kind === 'StatefulSet' && typeof spec.serviceName === 'string') {
    const svc = ctx.find(ns, 'Service', spec.serviceName);
    if (!svc) out.push(finding(m, 'dangling-target', 'spec.serviceName', `names Service/${spec.serviceName}, which is not in the output`));
    else if (objectAt(svc.object, 'spec')?.clusterIP !== 'None') out.push(finding(m, 'dangling-target', 'spec.serviceName', `Service/${spec.serviceName} must be headless (clusterIP: None) to give the pods stable DNS names`));
  }
  return out;
}

/**
 * A PodMonitor must select a pod template in its namespace (or `namespaceSelector.matchNames`) whose containers name
 * each endpoint's `port`; a ServiceMonitor must select a Service whose ports name each endpoint's `port`, and that
 * Service must select pods. Otherwise Prometheus silently scrapes nothing.
 */
function checkMonitor(m: Manifest, spec: Record<string, unknown>, ctx: GateContext): Finding[] {
  const out: Finding[] = [];
  const ns = m.object.metadata?.namespace;
  const matchNames = objectAt(spec, 'namespaceSelector')?.matchNames;
  const namespaces = Array.isArray(matchNames) ? matchNames.filter((n): n is string => typeof n === 'string') : [ns];
  const selector = objectAt(spec, 'selector') as LabelSelector | undefined;
  if (kindOf(m.object) === 'PodMonitor') {
    const pods = namespaces.flatMap((n) => ctx.selected(n, selector, false));
    if (pods.length === 0) return [finding(m, 'dangling-selector', 'spec.selector', 'selects no pod template in the output')];
    const portNames = new Set(pods.flatMap((w) => w.containers.flatMap((c) => arrayAt(c.container, 'ports').map((p) => p.name))));
    arrayAt(spec, 'podMetricsEndpoints').forEach((e, i) => {
      if (typeof e.port === 'string' && !portNames.has(e.port)) {
        out.push(finding(m, 'monitor-port', `spec.podMetricsEndpoints[${i}].port`, `no container of the selected pods names a port ${JSON.stringify(e.port)}`));
      }
    });
    return out;
  }
  const services = namespaces.flatMap((n) => ctx.selectedObjects('Service', n, selector, false));
  if (services.length === 0) return [finding(m, 'dangling-selector', 'spec.selector', 'selects no Service in the output')];
  const portNames = new Set(services.flatMap((svc) => arrayAt(objectAt(svc.object, 'spec'), 'ports').map((p) => p.name)));
  arrayAt(spec, 'endpoints').forEach((e, i) => {
    if (typeof e.port === 'string' && !portNames.has(e.port)) {
      out.push(finding(m, 'monitor-port', `spec.endpoints[${i}].port`, `no selected Service names a port ${JSON.stringify(e.port)}`));
    }
  });
  return out;
}

function checkTargetPorts(m: Manifest, spec: Record<string, unknown>, pods: Workload[]): Finding[] {
  const out: Finding[] = [];
  const podPorts = pods.flatMap((w) => w.containers.flatMap((c) => arrayAt(c.container, 'ports')));
  arrayAt(spec, 'ports').forEach((p, i) => {
    const targetPort = p.targetPort ?? p.port;
    const found = podPorts.some((cp) => (typeof targetPort === 'string' ? cp.name === targetPort : cp.containerPort === targetPort));
    if (!found) out.push(finding(m, 'service-target-port', `spec.ports[${i}].targetPort`, `no container of the selected pods exposes port ${JSON.stringify(targetPort)}`));
  });
  return out;
}

/** The StorageClass fields of the kinds that provision volumes: CloudNativePG's Cluster, PVCs and StatefulSets. */
function storageClassesOf(m: Manifest): { field: string; name: unknown }[] {
  const spec = objectAt(m.object, 'spec');
  switch (kindOf(m.object)) {
    case 'Cluster':
      // postgresql.cnpg.io/v1 Cluster: spec.storage and spec.walStorage (StorageConfiguration.storageClass).
      if (!String(m.object.apiVersion).startsWith('postgresql.cnpg.io/')) return [];
      return ['storage', 'walStorage'].map((f) => ({ field: `spec.${f}.storageClass`, name: objectAt(spec, f)?.storageClass }));
    case 'PersistentVolumeClaim':
      return [{ field: 'spec.storageClassName', name: spec?.storageClassName }];
    case 'StatefulSet':
      return arrayAt(spec, 'volumeClaimTemplates').map((t, i) => ({ field: `spec.volumeClaimTemplates[${i}].spec.storageClassName`, name: objectAt(t, 'spec')?.storageClassName }));
    default:
      return [];
  }
}

/**
 * Every StorageClass a volume names is in the output or declared user-provided (a cluster prerequisite): a claim
 * naming a class nobody creates stays Pending, and so does the pod (Kubernetes reports it only as an event).
 */
function checkStorageClasses(m: Manifest, ctx: GateContext, userProvided: ReadonlySet<string>): Finding[] {
  const declared = declaredUserProvided(m);
  return storageClassesOf(m).flatMap(({ field, name }) => {
    if (typeof name !== 'string' || name === '' || ctx.find(undefined, 'StorageClass', name)) return [];
    const ref = `storageclass/${name.toLowerCase()}`;
    if (declared.has(ref) || userProvided.has(ref)) return [];
    return [finding(m, 'missing-reference', field, `names StorageClass/${name}, which is neither in the output nor declared user-provided (annotation ${USER_PROVIDED_ANNOTATION}: "storageclass/${name}")`)];
  });
}

function declaredUserProvided(m: Manifest): Set<string> {
  return new Set(
    (m.object.metadata?.annotations?.[USER_PROVIDED_ANNOTATION] ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The Secrets a KEDA TriggerAuthentication reads: in the output, or declared user-provided on it. */
function checkTriggerAuthenticationSecrets(m: Manifest, ctx: GateContext, userProvided: ReadonlySet<string>): Finding[] {
  const declared = declaredUserProvided(m);
  return arrayAt(objectAt(m.object, 'spec'), 'secretTargetRef').flatMap((ref, i) => {
    const name = ref.name;
    if (typeof name !== 'string' || ctx.find(m.object.metadata?.namespace, 'Secret', name) || declared.has(`secret/${name}`) || userProvided.has(`secret/${name}`)) return [];
    return [finding(m, 'missing-reference', `spec.secretTargetRef[${i}].name`, `reads Secret/${name}, which is neither in the output nor declared user-provided (annotation ${USER_PROVIDED_ANNOTATION}: "secret/${name}")`)];
  });
}

/** References from a pod template to ConfigMaps, Secrets, claims and its ServiceAccount. */
export function checkReferences(w: Workload, ctx: GateContext, userProvided: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const m = w.manifest;
  const declared = new Set(
    (m.object.metadata?.annotations?.[USER_PROVIDED_ANNOTATION] ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const claimTemplates = new Set(arrayAt(objectAt(m.object, 'spec'), 'volumeClaimTemplates').map((t) => objectAt(t, 'metadata')?.name));
  const resolve = (field: string, kind: string, name: unknown, optional: unknown) => {
    if (typeof name !== 'string' || optional === true) return;
    const ref = `${kind.toLowerCase()}/${name}`;
    if (ctx.find(w.namespace, kind, name) || declared.has(ref) || userProvided.has(ref)) return;
    out.push(finding(m, 'missing-reference', field, `uses ${kind}/${name}, which is neither in the output nor declared user-provided (annotation ${USER_PROVIDED_ANNOTATION}: "${ref}")`));
  };
  const at = (field: string) => `${w.specPath}.${field}`;

  arrayAt(w.spec, 'volumes').forEach((v, i) => {
    resolve(at(`volumes[${i}].configMap.name`), 'ConfigMap', objectAt(v, 'configMap')?.name, objectAt(v, 'configMap')?.optional);
    resolve(at(`volumes[${i}].secret.secretName`), 'Secret', objectAt(v, 'secret')?.secretName, objectAt(v, 'secret')?.optional);
    const claim = objectAt(v, 'persistentVolumeClaim')?.claimName;
    if (!claimTemplates.has(claim)) resolve(at(`volumes[${i}].persistentVolumeClaim.claimName`), 'PersistentVolumeClaim', claim, false);
    arrayAt(objectAt(v, 'projected'), 'sources').forEach((s, j) => {
      resolve(at(`volumes[${i}].projected.sources[${j}].configMap.name`), 'ConfigMap', objectAt(s, 'configMap')?.name, objectAt(s, 'configMap')?.optional);
      resolve(at(`volumes[${i}].projected.sources[${j}].secret.name`), 'Secret', objectAt(s, 'secret')?.name, objectAt(s, 'secret')?.optional);
    });
  });
  for (const { container: c, path } of w.containers) {
    arrayAt(c, 'env').forEach((e, i) => {
      const cm = objectAt(objectAt(e, 'valueFrom'), 'configMapKeyRef');
      const secret = objectAt(objectAt(e, 'valueFrom'), 'secretKeyRef');
      resolve(`${path}.env[${i}].valueFrom.configMapKeyRef.name`, 'ConfigMap', cm?.name, cm?.optional);
      resolve(`${path}.env[${i}].valueFrom.secretKeyRef.name`, 'Secret', secret?.name, secret?.optional);
    });
    arrayAt(c, 'envFrom').forEach((e, i) => {
      resolve(`${path}.envFrom[${i}].configMapRef.name`, 'ConfigMap', objectAt(e, 'configMapRef')?.name, objectAt(e, 'configMapRef')?.optional);
      resolve(`${path}.envFrom[${i}].secretRef.name`, 'Secret', objectAt(e, 'secretRef')?.name, objectAt(e, 'secretRef')?.optional);
    });
  }
  arrayAt(w.spec, 'imagePullSecrets').forEach((s, i) => resolve(at(`imagePullSecrets[${i}].name`), 'Secret', s.name, false));
  const sa = w.spec.serviceAccountName;
  if (typeof sa === 'string' && sa !== 'default') resolve(at('serviceAccountName'), 'ServiceAccount', sa, false);
  return out;
}
