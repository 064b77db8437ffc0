import { Manifest, RULES, RULE_IDS, RuleId, SKIP_ANNOTATION_PREFIX, USER_PROVIDED_ANNOTATION, validateManifests } from '../../lib/validate';
import { Obj, c0, get, pod, tierManifests } from './_baseline';
import { PLATFORM_RELEASES, enterprise, team } from '../../tiers';
import { gitOpsObjects } from '../../lib/gitops';

/**
 * One deliberately broken manifest per rule: every case starts from the enterprise tier's real output (which passes
 * the gate), breaks one thing, and requires the rule to report that object.
 */
interface Case {
  readonly rule: RuleId;
  /** What is broken. */
  readonly defect: string;
  /** The object the finding must name, `Kind/name`. */
  readonly object: string;
  /** Breaks the baseline in place (may add or remove objects). */
  readonly breakIt: (all: Manifest[], o: (ref: string) => Obj) => void;
  /** The finding's field, when the test pins it. */
  readonly field?: string;
}

const APP = 'Deployment/app';
const add = (all: Manifest[], object: Obj) => all.push({ file: 'extra.yaml', object });
const remove = (all: Manifest[], ref: string) => all.splice(all.findIndex((m) => `${String(m.object.kind)}/${m.object.metadata?.name}` === ref), 1);
const ns = 'enterprise';

/** A replica cluster of a distributed topology (member pg, following pg-a), as PostgresCluster writes one. */
function cnpgReplica(change: (spec: Obj) => void): Obj {
  const plugin = (store: string, server: string) => ({ name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: store, serverName: server } });
  const spec: Obj = {
    instances: 2,
    storage: { size: '1Gi' },
    bootstrap: { recovery: { source: 'pg-a', database: 'app', owner: 'app', secret: { name: 'pg-app' } } },
    plugins: [{ ...plugin('pg-backups', 'pg'), isWALArchiver: true }],
    externalClusters: [{ name: 'pg-a', plugin: plugin('pg-a-archive', 'pg-a') }, { name: 'pg', plugin: plugin('pg-backups', 'pg') }],
    replica: { self: 'pg', primary: 'pg-a', source: 'pg-a' },
  };
  change(spec);
  return { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: ns }, spec };
}

const CASES: Case[] = [
  // Structure
  { rule: 'yaml', defect: 'a document without kind', object: '?/nameless', breakIt: (all) => add(all, { apiVersion: 'v1', metadata: { name: 'nameless' } }) },
  { rule: 'schema', defect: 'a string where an integer belongs', object: APP, field: 'spec.revisionHistoryLimit', breakIt: (_, o) => { o(APP).spec.revisionHistoryLimit = 'five'; } },
  { rule: 'schema', defect: 'a container without name', object: APP, field: 'spec.template.spec.containers[0]', breakIt: (_, o) => { delete c0(o(APP)).name; } },
  { rule: 'schema', defect: 'a VPA updateMode that does not exist', object: 'VerticalPodAutoscaler/app', field: 'spec.updatePolicy.updateMode', breakIt: (_, o) => { o('VerticalPodAutoscaler/app').spec.updatePolicy.updateMode = 'Sometimes'; } },
  { rule: 'unknown-field', defect: 'a misspelt container field', object: APP, field: 'spec.template.spec.containers[0].imagePullPolicyy', breakIt: (_, o) => { c0(o(APP)).imagePullPolicyy = 'Always'; } },
  { rule: 'unknown-field', defect: 'a misspelt field in a kind outside the precompiled bundle (loaded from kubernetes-models)', object: 'Role/reader', field: 'rules[0].resourceName', breakIt: (all) => add(all, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceName: ['app-config'], verbs: ['get'] }] }) },
  { rule: 'unknown-field', defect: 'an unknown field in a custom resource', object: 'TargetGroupBinding/nginx', field: 'spec.targetGroupNam', breakIt: (_, o) => { o('TargetGroupBinding/nginx').spec.targetGroupNam = 'x'; } },
  { rule: 'unknown-kind', defect: 'a kind nobody defined', object: 'Widget/w', breakIt: (all) => add(all, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns } }) },
  { rule: 'deprecated-api', defect: 'a policy/v1beta1 PodDisruptionBudget', object: 'PodDisruptionBudget/legacy', breakIt: (all, o) => add(all, { ...o('PodDisruptionBudget/app'), apiVersion: 'policy/v1beta1', metadata: { name: 'legacy', namespace: ns } }) },
  { rule: 'metadata', defect: 'an invalid label value', object: APP, field: 'metadata.labels.team', breakIt: (_, o) => { o(APP).metadata.labels.team = 'Payments Team!'; } },
  { rule: 'metadata', defect: 'a namespaced object without namespace', object: 'Service/app', field: 'metadata.namespace', breakIt: (_, o) => { delete o('Service/app').metadata.namespace; } },
  { rule: 'metadata', defect: 'an exemption without a reason', object: APP, breakIt: (_, o) => { o(APP).metadata.annotations = { [`${SKIP_ANNOTATION_PREFIX}probes`]: ' ' }; } },
  { rule: 'metadata', defect: 'an exemption from a rule that does not exist', object: APP, breakIt: (_, o) => { o(APP).metadata.annotations = { [`${SKIP_ANNOTATION_PREFIX}probe`]: 'typo' }; } },

  // Restricted Pod Security Standard
  { rule: 'pss-host-namespaces', defect: 'hostNetwork', object: APP, field: 'spec.template.spec.hostNetwork', breakIt: (_, o) => { pod(o(APP)).hostNetwork = true; } },
  { rule: 'pss-privileged', defect: 'a privileged container', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.privileged = true; } },
  { rule: 'pss-capabilities', defect: 'drops NET_RAW only', object: APP, field: 'spec.template.spec.containers[0].securityContext.capabilities.drop', breakIt: (_, o) => { c0(o(APP)).securityContext.capabilities = { drop: ['NET_RAW'] }; } },
  { rule: 'pss-capabilities', defect: 'adds SYS_ADMIN', object: APP, field: 'spec.template.spec.containers[0].securityContext.capabilities.add', breakIt: (_, o) => { c0(o(APP)).securityContext.capabilities.add = ['SYS_ADMIN']; } },
  { rule: 'pss-host-path', defect: 'mounts the Docker socket', object: APP, breakIt: (_, o) => { pod(o(APP)).volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }); } },
  { rule: 'pss-host-ports', defect: 'a hostPort', object: APP, breakIt: (_, o) => { c0(o(APP)).ports[0].hostPort = 8080; } },
  { rule: 'pss-apparmor', defect: 'an unconfined AppArmor annotation', object: APP, breakIt: (_, o) => { o(APP).spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; } },
  { rule: 'pss-apparmor', defect: 'an Unconfined appArmorProfile', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.appArmorProfile = { type: 'Unconfined' }; } },
  { rule: 'pss-selinux', defect: 'the spc_t SELinux type', object: APP, breakIt: (_, o) => { pod(o(APP)).securityContext.seLinuxOptions = { type: 'spc_t' }; } },
  { rule: 'pss-proc-mount', defect: 'an Unmasked /proc', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.procMount = 'Unmasked'; } },
  { rule: 'pss-seccomp', defect: 'an Unconfined container', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.seccompProfile = { type: 'Unconfined' }; } },
  { rule: 'pss-seccomp', defect: 'no seccomp profile anywhere', object: APP, breakIt: (_, o) => { delete c0(o(APP)).securityContext.seccompProfile; delete pod(o(APP)).securityContext.seccompProfile; } },
  { rule: 'pss-sysctls', defect: 'an unsafe sysctl', object: APP, breakIt: (_, o) => { pod(o(APP)).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; } },
  { rule: 'pss-windows-host-process', defect: 'a Windows host process', object: APP, breakIt: (_, o) => { pod(o(APP)).securityContext.windowsOptions = { hostProcess: true }; } },
  { rule: 'pss-probe-host', defect: 'a probe aimed at another host', object: APP, breakIt: (_, o) => { c0(o(APP)).livenessProbe.httpGet.host = '169.254.169.254'; } },
  { rule: 'pss-volume-types', defect: 'an NFS volume', object: APP, breakIt: (_, o) => { pod(o(APP)).volumes.push({ name: 'nfs', nfs: { server: 'nfs.example.com', path: '/' } }); } },
  { rule: 'pss-privilege-escalation', defect: 'allowPrivilegeEscalation unset', object: APP, breakIt: (_, o) => { delete c0(o(APP)).securityContext.allowPrivilegeEscalation; } },
  { rule: 'pss-run-as-non-root', defect: 'runAsNonRoot false on a container', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.runAsNonRoot = false; } },
  { rule: 'pss-run-as-user', defect: 'uid 0', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.runAsUser = 0; } },

  // Operational
  { rule: 'resources', defect: 'no CPU limit', object: APP, field: 'spec.template.spec.containers[0].resources.limits.cpu', breakIt: (_, o) => { delete c0(o(APP)).resources.limits.cpu; } },
  { rule: 'resources', defect: 'no memory request on an init container', object: 'StatefulSet/postgres-primary', breakIt: (_, o) => { pod(o('StatefulSet/postgres-primary')).initContainers = [{ ...c0(o('StatefulSet/postgres-primary')), name: 'init', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1' } } }]; } },
  { rule: 'probes', defect: 'no readiness probe', object: APP, field: 'spec.template.spec.containers[0].readinessProbe', breakIt: (_, o) => { delete c0(o(APP)).readinessProbe; } },
  { rule: 'probes', defect: 'liveness identical to readiness', object: APP, field: 'spec.template.spec.containers[0].livenessProbe', breakIt: (_, o) => { c0(o(APP)).livenessProbe = c0(o(APP)).readinessProbe; } },
  { rule: 'image-tag', defect: 'the latest tag', object: APP, breakIt: (_, o) => { c0(o(APP)).image = 'registry.example.com/app:latest'; } },
  { rule: 'image-tag', defect: 'no tag', object: APP, breakIt: (_, o) => { c0(o(APP)).image = 'registry.example.com:5000/app'; } },
  { rule: 'pdb-required', defect: 'the PDB is gone', object: APP, breakIt: (all) => remove(all, 'PodDisruptionBudget/app') },
  { rule: 'pdb-allows-eviction', defect: 'minAvailable 100%', object: 'PodDisruptionBudget/app', breakIt: (_, o) => { const s = o('PodDisruptionBudget/app').spec; delete s.maxUnavailable; s.minAvailable = '100%'; } },
  { rule: 'pdb-allows-eviction', defect: 'minAvailable equal to the HPA minimum', object: 'PodDisruptionBudget/app', breakIt: (_, o) => { const s = o('PodDisruptionBudget/app').spec; delete s.maxUnavailable; s.minAvailable = o('HorizontalPodAutoscaler/app').spec.minReplicas; } },
  { rule: 'pdb-allows-eviction', defect: 'maxUnavailable 0', object: 'PodDisruptionBudget/redis', breakIt: (_, o) => { o('PodDisruptionBudget/redis').spec.maxUnavailable = 0; } },
  { rule: 'pdb-unhealthy-eviction', defect: 'no unhealthyPodEvictionPolicy', object: 'PodDisruptionBudget/app', breakIt: (_, o) => { delete o('PodDisruptionBudget/app').spec.unhealthyPodEvictionPolicy; } },
  // The app's pods have two policies: their own (clients) and the monitoring component's (Prometheus); both count.
  { rule: 'network-policy', defect: 'the NetworkPolicies are gone', object: APP, breakIt: (all) => { remove(all, 'NetworkPolicy/app'); remove(all, 'NetworkPolicy/enterprise-prometheus-to-app'); } },
  { rule: 'network-policy', defect: 'egress-only policies', object: APP, breakIt: (_, o) => { for (const np of ['NetworkPolicy/app', 'NetworkPolicy/enterprise-prometheus-to-app']) o(np).spec.policyTypes = ['Egress']; } },
  { rule: 'stateful-volume-claim', defect: 'a StatefulSet without claims', object: 'StatefulSet/redis', breakIt: (_, o) => { delete o('StatefulSet/redis').spec.volumeClaimTemplates; } },
  { rule: 'secret-inline', defect: 'a Secret with data', object: 'Secret/db', breakIt: (all) => add(all, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: ns }, stringData: { password: 'hunter2' } }) },
  { rule: 'env-credential-literal', defect: 'a literal password in env', object: APP, breakIt: (_, o) => { c0(o(APP)).env = [{ name: 'DB_PASSWORD', value: 'hunter2' }]; } },
  { rule: 'configmap-credential', defect: 'an api key in a ConfigMap', object: 'ConfigMap/redis-config', breakIt: (_, o) => { o('ConfigMap/redis-config').data['stripe-api-key'] = 'sk_live_x'; } },

  // Linter defaults
  { rule: 'read-only-root-fs', defect: 'a writable root filesystem', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.readOnlyRootFilesystem = false; } },
  { rule: 'service-account-token', defect: 'the token mounted', object: APP, breakIt: (_, o) => { pod(o(APP)).automountServiceAccountToken = true; } },
  { rule: 'default-service-account', defect: 'no ServiceAccount', object: APP, breakIt: (_, o) => { delete pod(o(APP)).serviceAccountName; } },
  { rule: 'deprecated-service-account-field', defect: 'serviceAccount', object: APP, breakIt: (_, o) => { pod(o(APP)).serviceAccount = 'app'; } },
  { rule: 'ssh-port', defect: 'port 22', object: APP, breakIt: (_, o) => { c0(o(APP)).ports.push({ name: 'ssh', containerPort: 22, protocol: 'TCP' }); } },
  { rule: 'duplicate-env', defect: 'LOG_LEVEL twice', object: APP, breakIt: (_, o) => { c0(o(APP)).env = [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'LOG_LEVEL', value: 'debug' }]; } },
  { rule: 'selector-matches-template', defect: 'a selector label the pods lack', object: APP, breakIt: (_, o) => { o(APP).spec.selector.matchLabels.track = 'canary'; } },
  { rule: 'probe-port', defect: 'a probe on a port not exposed', object: APP, breakIt: (_, o) => { c0(o(APP)).livenessProbe.httpGet.port = 'admin'; } },
  { rule: 'port-names', defect: 'a port name too long and upper case', object: APP, breakIt: (_, o) => { c0(o(APP)).ports.push({ name: 'Metrics-Endpoint-Port', containerPort: 9090, protocol: 'TCP' }); } },
  { rule: 'anti-affinity', defect: 'no podAntiAffinity', object: APP, breakIt: (_, o) => { delete pod(o(APP)).affinity; } },
  { rule: 'topology-spread', defect: 'no topologySpreadConstraints', object: APP, breakIt: (_, o) => { delete pod(o(APP)).topologySpreadConstraints; } },
  { rule: 'min-replicas', defect: 'an HPA down to 1', object: 'HorizontalPodAutoscaler/app', breakIt: (_, o) => { o('HorizontalPodAutoscaler/app').spec.minReplicas = 1; } },
  { rule: 'min-replicas', defect: 'an HPA that cannot grow', object: 'HorizontalPodAutoscaler/app', field: 'spec.maxReplicas', breakIt: (_, o) => { const s = o('HorizontalPodAutoscaler/app').spec; s.maxReplicas = s.minReplicas; } },
  { rule: 'min-replicas', defect: 'a single-replica Deployment', object: 'Deployment/postgres-pooler', breakIt: (_, o) => { o('Deployment/postgres-pooler').spec.replicas = 1; } },
  { rule: 'hpa-replicas-conflict', defect: 'spec.replicas beside an HPA', object: APP, breakIt: (_, o) => { o(APP).spec.replicas = 3; } },
  { rule: 'hpa-replicas-conflict', defect: 'spec.replicas beside a ScaledObject', object: APP, breakIt: (all, o) => { kedaInsteadOfHpa(all); o(APP).spec.replicas = 3; } },
  { rule: 'min-replicas', defect: 'a ScaledObject down to 1', object: 'ScaledObject/app', field: 'spec.minReplicaCount', breakIt: (all, o) => { kedaInsteadOfHpa(all); o('ScaledObject/app').spec.minReplicaCount = 1; } },
  { rule: 'one-autoscaler', defect: 'an HPA and a ScaledObject on one Deployment', object: APP, breakIt: (all) => add(all, scaledObject('app-keda')) },
  { rule: 'one-autoscaler', defect: 'two HPAs on one Deployment', object: APP, breakIt: (all, o) => add(all, { ...structuredClone(o('HorizontalPodAutoscaler/app')), metadata: { name: 'app-2', namespace: ns } }) },
  { rule: 'stabilization-window', defect: 'a ScaledObject with a 4000 s scale-down window', object: 'ScaledObject/app', field: 'spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds', breakIt: (all, o) => { kedaInsteadOfHpa(all); o('ScaledObject/app').spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds = 4000; } },
  { rule: 'stabilization-window', defect: 'an HPA with a 3601 s scale-up window', object: 'HorizontalPodAutoscaler/app', field: 'spec.behavior.scaleUp.stabilizationWindowSeconds', breakIt: (_, o) => { o('HorizontalPodAutoscaler/app').spec.behavior.scaleUp.stabilizationWindowSeconds = 3601; } },
  { rule: 'update-strategy', defect: 'Recreate', object: APP, breakIt: (_, o) => { o(APP).spec.strategy = { type: 'Recreate' }; } },
  { rule: 'service-type', defect: 'a NodePort Service', object: 'Service/app', breakIt: (_, o) => { o('Service/app').spec.type = 'NodePort'; } },
  { rule: 'job-ttl', defect: 'a Job kept forever', object: 'Job/redis-bootstrap', breakIt: (_, o) => { delete o('Job/redis-bootstrap').spec.ttlSecondsAfterFinished; } },
  { rule: 'seccomp-runtime-default', defect: 'a Localhost profile', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' }; } },
  { rule: 'run-as-high-uid', defect: 'uid 1000', object: APP, breakIt: (_, o) => { c0(o(APP)).securityContext.runAsUser = 1000; } },
  { rule: 'run-as-high-uid', defect: 'Postgres back at the image\'s uid 999', object: 'StatefulSet/postgres-primary', breakIt: (_, o) => { Object.assign(c0(o('StatefulSet/postgres-primary')).securityContext, { runAsUser: 999, runAsGroup: 999 }); } },
  { rule: 'ingress-tls', defect: 'an Ingress without TLS', object: 'Ingress/web', breakIt: (all) => add(all, ingress({})) },
  { rule: 'ingress-snippets', defect: 'a server snippet', object: 'Ingress/web', breakIt: (all) => add(all, ingress({ 'nginx.ingress.kubernetes.io/server-snippet': 'location /x { return 200; }' })) },
  { rule: 'rbac', defect: 'a wildcard ClusterRole', object: 'ClusterRole/everything', breakIt: (all) => add(all, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'everything' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] }) },
  { rule: 'rbac', defect: 'pods/exec', object: 'Role/debug', breakIt: (all) => add(all, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'debug', namespace: ns }, rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }] }) },
  { rule: 'rbac', defect: 'a binding to cluster-admin', object: 'RoleBinding/oops', breakIt: (all) => add(all, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'oops', namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: ns }] }) },

  // Off by default: the baseline itself is the defect once the rule is on.
  { rule: 'pull-policy-always', defect: 'IfNotPresent', object: APP, breakIt: () => undefined },
  { rule: 'image-digest', defect: 'a tag without digest', object: APP, breakIt: () => undefined },
  { rule: 'ephemeral-storage', defect: 'no ephemeral-storage limit', object: APP, breakIt: () => undefined },
  { rule: 'priority-class', defect: 'no priorityClassName', object: APP, breakIt: () => undefined },
  { rule: 'instance-label-matches-name', defect: 'instance postgres on postgres-primary', object: 'StatefulSet/postgres-primary', breakIt: () => undefined },
  { rule: 'secret-env', defect: 'a password read from a Secret into env', object: APP, field: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef', breakIt: (_, o) => { c0(o(APP)).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]; } },
  { rule: 'secret-env', defect: 'a whole Secret read into env', object: APP, field: 'spec.template.spec.containers[0].envFrom[0].secretRef', breakIt: (_, o) => { c0(o(APP)).envFrom = [{ secretRef: { name: 'db' } }]; } },
  { rule: 'secret-env', defect: 'the Redis password back in env on a sidecar', object: 'StatefulSet/redis', breakIt: (_, o) => { pod(o('StatefulSet/redis')).containers[1].env = [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } }]; } },
  { rule: 'network-policy-egress', defect: 'ingress-only policies', object: APP, breakIt: () => undefined },

  // Links
  { rule: 'dangling-selector', defect: 'a Service selecting nothing', object: 'Service/app', breakIt: (_, o) => { o('Service/app').spec.selector = { 'app.kubernetes.io/name': 'ap' }; } },
  { rule: 'dangling-selector', defect: 'a NetworkPolicy selecting nothing', object: 'NetworkPolicy/app', breakIt: (_, o) => { o('NetworkPolicy/app').spec.podSelector.matchLabels['app.kubernetes.io/name'] = 'ap'; } },
  { rule: 'dangling-selector', defect: 'a PDB selecting nothing', object: 'PodDisruptionBudget/app', breakIt: (_, o) => { o('PodDisruptionBudget/app').spec.selector.matchLabels['app.kubernetes.io/name'] = 'ap'; } },
  { rule: 'dangling-selector', defect: 'a Service for a StatefulSet pod that does not exist', object: 'Service/redis-headless', breakIt: (_, o) => { o('Service/redis-headless').spec.selector = { ...o('Service/redis-headless').spec.selector, 'statefulset.kubernetes.io/pod-name': 'other-0' }; } },
  { rule: 'dangling-target', defect: 'an HPA for a gone Deployment', object: 'HorizontalPodAutoscaler/app', breakIt: (_, o) => { o('HorizontalPodAutoscaler/app').spec.scaleTargetRef.name = 'gone'; } },
  { rule: 'dangling-target', defect: 'a ScaledObject for a gone Deployment', object: 'ScaledObject/app', field: 'spec.scaleTargetRef', breakIt: (all, o) => { kedaInsteadOfHpa(all); o('ScaledObject/app').spec.scaleTargetRef.name = 'gone'; } },
  { rule: 'dangling-target', defect: 'a ScaledObject whose TriggerAuthentication is not in the output', object: 'ScaledObject/app', field: 'spec.triggers[0].authenticationRef', breakIt: (all, o) => { kedaInsteadOfHpa(all); o('ScaledObject/app').spec.triggers[0].authenticationRef = { name: 'prometheus-auth' }; } },
  { rule: 'dangling-target', defect: 'a VPA for a gone Deployment', object: 'VerticalPodAutoscaler/app', breakIt: (_, o) => { o('VerticalPodAutoscaler/app').spec.targetRef.name = 'gone'; } },
  { rule: 'dangling-target', defect: 'a TargetGroupBinding for a gone Service', object: 'TargetGroupBinding/nginx', breakIt: (_, o) => { o('TargetGroupBinding/nginx').spec.serviceRef.name = 'gone'; } },
  { rule: 'dangling-target', defect: 'a StatefulSet whose headless Service is not headless', object: 'StatefulSet/redis', breakIt: (_, o) => { delete o('Service/redis-headless').spec.clusterIP; } },
  { rule: 'service-target-port', defect: 'a targetPort no container names', object: 'Service/app', breakIt: (_, o) => { o('Service/app').spec.ports[0].targetPort = 'metrics'; } },
  { rule: 'dangling-selector', defect: 'a PodMonitor that selects no pod', object: 'PodMonitor/enterprise-redis', field: 'spec.selector', breakIt: (_, o) => { o('PodMonitor/enterprise-redis').spec.selector.matchLabels['app.kubernetes.io/name'] = 'valkey'; } },
  { rule: 'dangling-selector', defect: 'a ServiceMonitor that selects no Service', object: 'ServiceMonitor/app', field: 'spec.selector', breakIt: (all) => add(all, serviceMonitor({ 'app.kubernetes.io/name': 'gone' }, 'http')) },
  { rule: 'monitor-port', defect: "a PodMonitor port that no container names", object: 'PodMonitor/enterprise-app', field: 'spec.podMetricsEndpoints[0].port', breakIt: (_, o) => { o('PodMonitor/enterprise-app').spec.podMetricsEndpoints[0].port = 'metricz'; } },
  { rule: 'monitor-port', defect: "a ServiceMonitor port that the Service does not name", object: 'ServiceMonitor/app', field: 'spec.endpoints[0].port', breakIt: (all, o) => add(all, serviceMonitor(o('Service/app').metadata.labels, 'metrics')) },
  // The PodMonitor's CRD module marks every object closed (additionalProperties: false), so the schema itself finds it.
  { rule: 'schema', defect: 'a misspelt PodMonitor field (strict monitoring.coreos.com schema)', object: 'PodMonitor/enterprise-app', field: 'spec.podMetricsEndpoints[0]', breakIt: (_, o) => { o('PodMonitor/enterprise-app').spec.podMetricsEndpoints[0].intervall = '30s'; } },
  { rule: 'schema', defect: 'a PrometheusRule group without a name', object: 'PrometheusRule/enterprise-rules', field: 'spec.groups[0]', breakIt: (_, o) => { delete o('PrometheusRule/enterprise-rules').spec.groups[0].name; } },
  { rule: 'missing-reference', defect: 'the mounted ConfigMap is gone', object: 'StatefulSet/redis', breakIt: (all) => remove(all, 'ConfigMap/redis-config') },
  { rule: 'missing-reference', defect: 'an undeclared user Secret', object: 'StatefulSet/redis', breakIt: (_, o) => { delete o('StatefulSet/redis').metadata.annotations[USER_PROVIDED_ANNOTATION]; } },
  { rule: 'cnpg-webhook', defect: 'a replica cluster bootstrapped with initdb', object: 'Cluster/pg', field: 'spec.bootstrap', breakIt: (all) => add(all, cnpgReplica((s) => { s.bootstrap = { initdb: { database: 'app', owner: 'app' } }; })) },
  { rule: 'cnpg-webhook', defect: 'a recovery bootstrap with a database and no owner', object: 'Cluster/pg', field: 'spec.bootstrap.recovery.owner', breakIt: (all) => add(all, cnpgReplica((s) => { delete s.bootstrap.recovery.owner; })) },
  { rule: 'cnpg-webhook', defect: 'a replica source that is no external cluster', object: 'Cluster/pg', field: 'spec.replica.source', breakIt: (all) => add(all, cnpgReplica((s) => { s.replica.source = 'pg-b'; })) },
  { rule: 'cnpg-webhook', defect: 'a promotion token on a replica cluster', object: 'Cluster/pg', field: 'spec.replica.promotionToken', breakIt: (all) => add(all, cnpgReplica((s) => { s.replica.promotionToken = 'eyJhIjoxfQ=='; })) },
  { rule: 'cnpg-webhook', defect: 'two bootstrap methods', object: 'Cluster/pg', field: 'spec.bootstrap', breakIt: (all) => add(all, cnpgReplica((s) => { s.bootstrap.initdb = {}; })) },
  { rule: 'cnpg-webhook', defect: 'as many synchronous replicas as instances', object: 'Cluster/pg', field: 'spec.postgresql.synchronous.number', breakIt: (all) => add(all, cnpgReplica((s) => { s.postgresql = { synchronous: { method: 'any', number: 2 } }; })) },
  { rule: 'dangling-target', defect: "an external cluster's ObjectStore that is not in the output", object: 'Cluster/pg', field: 'spec.externalClusters[0].plugin.parameters.barmanObjectName', breakIt: (all) => add(all, cnpgReplica(() => undefined)) },
  { rule: 'missing-reference', defect: 'the ServiceAccount is gone', object: APP, breakIt: (all) => remove(all, 'ServiceAccount/app') },
  { rule: 'missing-reference', defect: 'a claim naming a StorageClass nobody creates or declares', object: 'PersistentVolumeClaim/scratch', field: 'spec.storageClassName', breakIt: (all) => add(all, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'scratch', namespace: ns }, spec: { storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }) },
  { rule: 'missing-reference', defect: "a CloudNativePG Cluster's WAL volume naming an undeclared StorageClass", object: 'Cluster/pg', field: 'spec.walStorage.storageClass', breakIt: (all) => add(all, { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: ns, annotations: { [USER_PROVIDED_ANNOTATION]: 'storageclass/fast-ssd' } }, spec: { instances: 1, storage: { size: '1Gi', storageClass: 'fast-ssd' }, walStorage: { size: '1Gi', storageClass: 'fast-sdd' } } }) },
  { rule: 'missing-reference', defect: 'a TriggerAuthentication reading an undeclared Secret', object: 'TriggerAuthentication/app-prometheus', field: 'spec.secretTargetRef[0].name', breakIt: (all) => add(all, { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name: 'app-prometheus', namespace: ns }, spec: { secretTargetRef: [{ parameter: 'bearerToken', name: 'prometheus-token', key: 'bearerToken' }] } }) },
  // Sync order: the region's Application as gitOpsObjects writes it, then one wave patch turned around.
  { rule: 'sync-order', defect: 'the VPA patched into a wave before its Deployment', object: 'Application/enterprise-us-east-1', field: 'spec.source.kustomize.patches', breakIt: (all) => add(all, regionApplication(all, { VerticalPodAutoscaler: 0, Deployment: 1 })) },
  { rule: 'sync-order', defect: 'a ScaledObject in the same wave as its Deployment', object: 'Application/enterprise-us-east-1', field: 'spec.source.kustomize.patches', breakIt: (all) => { kedaInsteadOfHpa(all); add(all, regionApplication(all, { ScaledObject: 1 })); } },
  { rule: 'sync-order', defect: "an operator's Application in a wave after the region's", object: 'Application/enterprise-us-east-1', field: 'metadata.annotations.argocd.argoproj.io/sync-wave', breakIt: (all) => {
    const apps = gitOps(all).argoCd;
    for (const app of apps) if (app.metadata?.labels?.['scaling-tiers.io/platform-release']) (app.metadata.annotations as Record<string, string>)['argocd.argoproj.io/sync-wave'] = '20';
    for (const app of apps) add(all, app);
  } },
];

/** The enterprise tier's GitOps objects for its primary region (objects: the baseline), with every platform release. */
function gitOps(all: Manifest[]) {
  return gitOpsObjects('enterprise', ns, [{ name: 'us-east-1', objects: all.map((m) => m.object) }], { repoURL: 'https://github.com/acme/deploy.git', platform: PLATFORM_RELEASES, flux: false });
}

/** The region's Application with the waves of some kinds replaced. */
function regionApplication(all: Manifest[], waves: Record<string, number>): Obj {
  const app = gitOps(all).argoCd.find((a) => a.metadata?.name === 'enterprise-us-east-1') as Obj;
  for (const patch of app.spec.source.kustomize.patches) {
    const wave = waves[patch.target.kind];
    if (wave !== undefined) patch.patch = patch.patch.replace(/sync-wave: "-?[0-9]+"/, `sync-wave: "${wave}"`);
  }
  return app;
}

/** A KEDA ScaledObject for Deployment/app with the enterprise HPA's bounds, CPU target and behaviour. */
function scaledObject(name: string): Obj {
  const hpa = get(baseline, 'HorizontalPodAutoscaler/app').spec;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: { name: 'app' },
      minReplicaCount: hpa.minReplicas,
      maxReplicaCount: hpa.maxReplicas,
      advanced: { horizontalPodAutoscalerConfig: { behavior: structuredClone(hpa.behavior) } },
      triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }],
    },
  };
}

/** Replaces the app's HPA by a ScaledObject of the same name (a valid output on its own). */
function kedaInsteadOfHpa(all: Manifest[]): void {
  remove(all, 'HorizontalPodAutoscaler/app');
  add(all, scaledObject('app'));
}

function serviceMonitor(matchLabels: Record<string, string>, port: string): Obj {
  return { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'app', namespace: ns }, spec: { selector: { matchLabels }, endpoints: [{ port }] } };
}

function ingress(annotations: Record<string, string>): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: ns, annotations },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { name: 'http' } } } }] } }] },
  };
}

const baseline = tierManifests();

function broken(c: Case): Manifest[] {
  const all: Manifest[] = structuredClone(baseline);
  c.breakIt(all, (ref) => get(all, ref));
  return all;
}

describe('the validation gate, rule by rule', () => {
  test('the untouched baseline passes', () => {
    expect(validateManifests(baseline)).toEqual([]);
  });

  test.each(CASES.map((c) => [c.rule, c.defect, c] as const))('%s catches %s', (rule, _defect, c) => {
    const findings = validateManifests(broken(c), { rules: { [rule]: true } });
    const hits = findings.filter((f) => f.rule === rule && `${f.kind}/${f.name}` === c.object);
    expect(hits.length).toBeGreaterThan(0);
    if (c.field) expect(hits.map((f) => f.field)).toContain(c.field);
    for (const f of hits) {
      expect(f.file).toMatch(/\.yaml$/);
      expect(f.message.length).toBeGreaterThan(10);
    }
  });

  test('a ScaledObject in place of the HPA passes (strict KEDA schema, replica range from minReplicaCount)', () => {
    const all: Manifest[] = structuredClone(baseline);
    kedaInsteadOfHpa(all);
    expect(validateManifests(all)).toEqual([]);
  });

  test('the one-autoscaler finding names both autoscalers', () => {
    const all: Manifest[] = structuredClone(baseline);
    add(all, scaledObject('app-keda'));
    expect(validateManifests(all).filter((f) => f.rule === 'one-autoscaler').map((f) => f.message)).toEqual([
      "HorizontalPodAutoscaler/app and ScaledObject/app-keda all scale this Deployment: they fight over spec.replicas (KEDA's admission webhook refuses a ScaledObject beside an HPA); keep one",
    ]);
  });

  test('the stabilization-window finding says why KEDA needs it', () => {
    const all: Manifest[] = structuredClone(baseline);
    kedaInsteadOfHpa(all);
    get(all, 'ScaledObject/app').spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds = 4000;
    // KEDA 2.17's CRD schema bounds the window too (older CRDs did not, and KEDA accepted the ScaledObject).
    expect(validateManifests(all).map((f) => `${f.rule}: ${f.message}`)).toEqual([
      'schema: spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds must be <= 3600',
      'stabilization-window: a stabilisation window must be at most 3600 s (KEDA copies it into the HPA it creates, which the API refuses: no HPA, nothing scales), got: 4000',
    ]);
  });

  test('every rule has at least one case', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    expect(RULE_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  test.each(RULE_IDS.filter((id) => !RULES[id].enabledByDefault))('%s is off by default, says why, and catches the defect once turned on', (rule) => {
    expect((RULES[rule] as { offBecause?: string }).offBecause).toMatch(/.{30,}/);
    expect(validateManifests(baseline).filter((f) => f.rule === rule)).toEqual([]);
    expect(validateManifests(baseline, { rules: { [rule]: true } }).some((f) => f.rule === rule)).toBe(true);
  });

  test('a rule turned off reports nothing', () => {
    const c = CASES.find((x) => x.rule === 'probes')!;
    expect(validateManifests(broken(c), { rules: { probes: false } }).filter((f) => f.rule === 'probes')).toEqual([]);
  });

  test('an exemption with a reason silences one rule on one object only', () => {
    const all: Manifest[] = structuredClone(baseline);
    for (const ref of [APP, 'Deployment/nginx']) delete c0(get(all, ref)).readinessProbe;
    get(all, APP).metadata.annotations = { [`${SKIP_ANNOTATION_PREFIX}probes`]: 'the app answers through nginx only' };
    const probes = validateManifests(all).filter((f) => f.rule === 'probes');
    expect(probes.map((f) => `${f.kind}/${f.name}`)).toEqual(['Deployment/nginx']);
  });

  test('user-provided objects can be declared per run', () => {
    const all: Manifest[] = structuredClone(baseline);
    delete get(all, 'StatefulSet/redis').metadata.annotations[USER_PROVIDED_ANNOTATION];
    delete get(all, 'Job/redis-bootstrap').metadata.annotations[USER_PROVIDED_ANNOTATION];
    expect(validateManifests(all).filter((f) => f.rule === 'missing-reference').length).toBeGreaterThan(0);
    expect(validateManifests(all, { userProvided: ['secret/redis-auth', 'secret/redis-tls'] })).toEqual([]);
  });

  test.each(['team', 'enterprise'] as const)('secret-env turned on: the %s tier\'s Redis (servers, Sentinels, bootstrap Job, reloader) reads no Secret through env', (name) => {
    const manifests = tierManifests(name === 'team' ? team : enterprise);
    const redis = manifests.filter((m) => m.file.endsWith('/redis.yaml'));
    expect(redis.some((m) => m.object.kind === 'StatefulSet')).toBe(true);
    expect(validateManifests(redis, { rules: { 'secret-env': true }, userProvided: ['secret/redis-auth', 'secret/redis-tls'] })).toEqual([]);
  });

  test('a finding names the file, kind, name, namespace, field and rule', () => {
    const c = CASES.find((x) => x.rule === 'pss-run-as-user')!;
    expect(validateManifests(broken(c))).toContainEqual({
      rule: 'pss-run-as-user',
      file: 'enterprise/app.yaml',
      kind: 'Deployment',
      name: 'app',
      namespace: 'enterprise',
      field: 'spec.template.spec.containers[0].securityContext.runAsUser',
      message: 'runAsUser must not be 0 (root)',
    });
  });
});
