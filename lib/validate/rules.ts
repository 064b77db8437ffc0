/**
 * Every rule of the validation gate: what it checks, which upstream checks it stands for, and whether it is on by
 * default. Rules that users commonly find noisy are off by default and documented here; turn them on with
 * `ValidateOptions.rules`.
 */
export interface RuleInfo {
  /** What the rule requires, in one sentence. */
  readonly summary: string;
  /** The family: schema, restricted Pod Security Standard, operational, linter default, or cross-object link. */
  readonly group: 'structure' | 'pod-security' | 'operational' | 'linter' | 'links';
  /** The upstream checks this rule covers (kube-linter, kube-score, Polaris, Checkov, PSS control names). */
  readonly covers: readonly string[];
  /** Whether the gate runs the rule unless told otherwise. */
  readonly enabledByDefault: boolean;
  /** For rules off by default: why. */
  readonly offBecause?: string;
}

const on = (group: RuleInfo['group'], summary: string, covers: string[]): RuleInfo => ({ group, summary, covers, enabledByDefault: true });
const off = (group: RuleInfo['group'], summary: string, covers: string[], offBecause: string): RuleInfo => ({
  group,
  summary,
  covers,
  enabledByDefault: false,
  offBecause,
});

/** The rule catalogue, keyed by rule id. */
export const RULES = {
  // Structure
  'yaml': on('structure', 'Every file parses as YAML and every document is a mapping with apiVersion and kind.', []),
  'schema': on('structure', "Every object matches its kind's OpenAPI schema (types, required fields, enums, formats).", ['kubeconform']),
  'unknown-field': on('structure', "No field that the kind's schema does not define (strict decoding).", ['kubeconform -strict']),
  'unknown-kind': on('structure', 'Every apiVersion/kind has a schema: a Kubernetes kind or a CRD the gate knows.', ['kubeconform']),
  'deprecated-api': on('structure', 'No apiVersion that Kubernetes has removed.', ['kube-linter no-extensions-v1beta', 'kube-score deprecated APIs']),
  'metadata': on('structure', 'Names are DNS-1123, label keys and values are valid, namespaced objects set a namespace other than default.', ['kube-score label-values', 'CKV_K8S_21']),

  // Restricted Pod Security Standard (pod-security-admission, every control of baseline and restricted)
  'pss-host-namespaces': on('pod-security', 'hostNetwork, hostPID and hostIPC are unset or false.', ['PSS baseline hostNamespaces', 'kube-linter host-network/host-pid/host-ipc', 'Polaris hostNetworkSet/hostPIDSet/hostIPCSet', 'CKV_K8S_17/18/19']),
  'pss-privileged': on('pod-security', 'No container is privileged.', ['PSS baseline privileged', 'kube-linter privileged-container', 'kube-score container-security-context-privileged', 'Polaris runAsPrivileged', 'CKV_K8S_16']),
  'pss-capabilities': on('pod-security', 'Every container drops ALL capabilities and adds none but NET_BIND_SERVICE.', ['PSS baseline+restricted capabilities', 'kube-linter drop-net-raw-capability', 'Polaris dangerousCapabilities/insecureCapabilities/linuxHardening', 'CKV_K8S_25/28/37/39']),
  'pss-host-path': on('pod-security', 'No hostPath volume (which also rules out the Docker socket and sensitive host mounts).', ['PSS baseline hostPathVolumes', 'kube-linter docker-sock/sensitive-host-mounts', 'Polaris hostPathSet', 'CKV_K8S_27']),
  'pss-host-ports': on('pod-security', 'No container port sets hostPort.', ['PSS baseline hostPorts', 'Polaris hostPortSet', 'CKV_K8S_26']),
  'pss-apparmor': on('pod-security', 'AppArmor is unset, RuntimeDefault or Localhost (annotation or field), never Unconfined.', ['PSS baseline appArmorProfile']),
  'pss-selinux': on('pod-security', 'SELinux type is unset or a container type; user and role are unset.', ['PSS baseline seLinuxOptions']),
  'pss-proc-mount': on('pod-security', 'procMount is unset or Default.', ['PSS baseline procMount', 'Polaris procMount']),
  'pss-seccomp': on('pod-security', 'seccompProfile.type is RuntimeDefault or Localhost for the pod or every container.', ['PSS restricted seccompProfile', 'Polaris linuxHardening']),
  'pss-sysctls': on('pod-security', 'Only the safe sysctls.', ['PSS baseline sysctls', 'kube-linter unsafe-sysctls']),
  'pss-windows-host-process': on('pod-security', 'windowsOptions.hostProcess is unset or false.', ['PSS baseline windowsHostProcess', 'Polaris hostProcess']),
  'pss-probe-host': on('pod-security', 'Probes and lifecycle handlers do not set host.', ['PSS baseline probe/lifecycle host (1.34)']),
  'pss-volume-types': on('pod-security', 'Volumes are only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret.', ['PSS restricted volumes']),
  'pss-privilege-escalation': on('pod-security', 'Every container sets allowPrivilegeEscalation: false.', ['PSS restricted allowPrivilegeEscalation', 'kube-linter privilege-escalation-container', 'Polaris privilegeEscalationAllowed', 'CKV_K8S_20']),
  'pss-run-as-non-root': on('pod-security', 'runAsNonRoot is true for the pod or every container.', ['PSS restricted runAsNonRoot', 'kube-linter run-as-non-root', 'Polaris runAsRootAllowed', 'CKV_K8S_23/29/30']),
  'pss-run-as-user': on('pod-security', 'runAsUser is never 0.', ['PSS restricted runAsUser']),

  // Operational
  'resources': on('operational', 'Every container requests and limits CPU and memory.', ['kube-linter unset-cpu-requirements/unset-memory-requirements', 'kube-score container-resources', 'Polaris cpu/memory requests and limits', 'CKV_K8S_10/11/12/13']),
  'probes': on('operational', 'Every long-running container has readiness and liveness probes, and they differ.', ['kube-linter no-liveness-probe/no-readiness-probe', 'kube-score pod-probes', 'Polaris readinessProbeMissing/livenessProbeMissing', 'CKV_K8S_8/9']),
  'image-tag': on('operational', 'Every image names a tag other than latest (or a digest).', ['kube-linter latest-tag', 'kube-score container-image-tag', 'Polaris tagNotSpecified', 'CKV_K8S_14']),
  'pdb-required': on('operational', 'Every workload that can run 2 or more replicas is selected by a PodDisruptionBudget.', ['kube-score deployment-has-poddisruptionbudget', 'Polaris missingPodDisruptionBudget']),
  'pdb-allows-eviction': on('operational', 'A PodDisruptionBudget allows at least one eviction at the minimum replica count.', ['kube-linter pdb-max-unavailable/pdb-min-available', 'Polaris pdbDisruptionsIsZero/pdbMinAvailableGreaterThanHPAMinReplicas', 'kube-score pdb-has-policy']),
  'pdb-unhealthy-eviction': on('operational', 'Every PodDisruptionBudget sets unhealthyPodEvictionPolicy.', ['kube-linter pdb-unhealthy-pod-eviction-policy']),
  'network-policy': on('operational', 'Every pod is selected by a NetworkPolicy that restricts ingress.', ['kube-score pod-networkpolicy', 'kube-linter non-isolated-pod', 'Polaris missingNetworkPolicy']),
  'stateful-volume-claim': on('operational', 'Every StatefulSet declares volumeClaimTemplates.', []),
  'secret-inline': on('operational', 'No Secret object carries data in the output (Secrets are provided outside Git).', ['Polaris sensitive content']),
  'env-credential-literal': on('operational', 'No env var whose name suggests a credential has a literal value.', ['kube-linter env-var-secret', 'Polaris sensitiveContainerEnvVar']),
  'configmap-credential': on('operational', 'No ConfigMap key whose name suggests a credential.', ['Polaris sensitiveConfigmapContent']),

  // Linter defaults
  'read-only-root-fs': on('linter', 'Every container sets readOnlyRootFilesystem: true.', ['kube-linter no-read-only-root-fs', 'kube-score container-security-context-readonlyrootfilesystem', 'Polaris notReadOnlyRootFilesystem', 'CKV_K8S_22']),
  'service-account-token': on('linter', 'Pods set automountServiceAccountToken: false.', ['Polaris automountServiceAccountToken', 'CKV_K8S_38']),
  'default-service-account': on('linter', 'Pods name a ServiceAccount other than default.', ['kube-linter default-service-account', 'CKV_K8S_41/42']),
  'deprecated-service-account-field': on('linter', 'Pods do not use the deprecated serviceAccount field.', ['kube-linter deprecated-service-account-field']),
  'ssh-port': on('linter', 'No container exposes port 22.', ['kube-linter ssh-port']),
  'duplicate-env': on('linter', 'No container sets the same env var twice.', ['kube-linter duplicate-env-var', 'kube-score environment-variable-key-duplication']),
  'selector-matches-template': on('linter', "A workload's selector matches its pod template's labels.", ['kube-linter mismatching-selector', 'kube-score deployment-selector-labels-match-template']),
  'probe-port': on('linter', 'Probes target a port the container exposes.', ['kube-linter liveness-port/readiness-port/startup-port']),
  'port-names': on('linter', 'Port names are IANA service names (at most 15 characters, lower case, a letter).', ['kube-linter invalid-target-ports']),
  'anti-affinity': on('linter', 'Workloads with 2 or more replicas set podAntiAffinity.', ['kube-linter no-anti-affinity', 'kube-score deployment-has-host-podantiaffinity']),
  'topology-spread': on('linter', 'Workloads with 2 or more replicas set topologySpreadConstraints.', ['kube-score pod-topology-spread-constraints', 'Polaris topologySpreadConstraint']),
  'min-replicas': on('linter', 'Deployments, HPAs and ScaledObjects run at least 2 replicas (a ScaledObject may scale to 0), and an autoscaler can grow (max > min).', ['kube-score deployment-replicas/hpa-has-min-replicas', 'Polaris deploymentMissingReplicas/hpaMinAvailability/hpaMaxAvailability']),
  'hpa-replicas-conflict': on('linter', 'A Deployment or StatefulSet targeted by an HPA or a KEDA ScaledObject does not set spec.replicas.', ['kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured']),
  'cnpg-webhook': on('operational', "A CloudNativePG Cluster passes the operator's admission webhook rules its CRD cannot state: one bootstrap method, database with owner, sources and replica.primary/self/source naming external clusters, a replica cluster bootstrapped by recovery or pg_basebackup (never initdb), a promotion token only on a primary, synchronous number below the instances, one WAL archiver.", ['CloudNativePG internal/webhook/v1/cluster_webhook.go']),
  'one-autoscaler': on('operational', 'At most one horizontal autoscaler (HPA or KEDA ScaledObject) targets a workload.', ['KEDA admission webhook (HPA ownership)']),
  'stabilization-window': on('operational', 'Every HPA and ScaledObject behaviour keeps its stabilisation windows at or below 3600 s.', ['HPA API validation', 'KEDA: a ScaledObject with a longer window (under a CRD without the bound) creates no HPA']),
  'update-strategy': on('linter', 'Deployments and StatefulSets roll out with RollingUpdate.', ['kube-score deployment-strategy']),
  'service-type': on('linter', 'No Service of type NodePort.', ['kube-score service-type']),
  'job-ttl': on('linter', 'Jobs set ttlSecondsAfterFinished.', ['kube-linter job-ttl-seconds-after-finished']),
  'seccomp-runtime-default': on('linter', 'seccompProfile.type is RuntimeDefault (Checkov rejects Localhost).', ['CKV_K8S_31']),
  'run-as-high-uid': on('linter', 'runAsUser and runAsGroup are 10000 or more, so they collide with no host user.', ['kube-score container-security-context-user-group-id', 'CKV_K8S_40']),
  'ingress-tls': on('linter', 'Ingresses set tls.', ['Polaris tlsSettingsMissing']),
  'ingress-snippets': on('linter', 'Ingresses carry no ingress-nginx snippet annotations.', ['CKV_K8S_152/153/154']),
  'rbac': on('linter', 'Roles grant no wildcard, no pods/exec or pods/attach, and nothing binds cluster-admin.', ['CKV_K8S_49', 'Polaris clusterrolebindingClusterAdmin/rolebindingClusterAdminRole/clusterrolePodExecAttach']),
  'pull-policy-always': off('linter', 'Every container sets imagePullPolicy: Always.', ['kube-score container-image-pull-policy', 'Polaris pullPolicyNotAlways', 'CKV_K8S_15'], 'with pinned tags it only adds a registry round trip per pod start and makes pods fail to start while the registry is down; turn it on where tags are mutable or nodes are shared between tenants'),
  'image-digest': off('linter', 'Every image is pinned by digest.', ['CKV_K8S_43'], 'a digest must be resolved against a registry, which synthesis cannot reach offline; pin digests with a tool that can (Renovate, a mutating admission webhook)'),
  'ephemeral-storage': off('linter', 'Every container requests and limits ephemeral-storage.', ['kube-score container-ephemeral-storage-request-and-limit'], 'a wrong limit evicts the pod; set it once the real use of logs and emptyDir is measured'),
  'priority-class': off('linter', 'Pods set priorityClassName.', ['Polaris priorityClassNotSet'], 'PriorityClasses are cluster-scoped and owned by the cluster operator, not by a tier'),
  'instance-label-matches-name': off('linter', 'The app.kubernetes.io/instance label equals metadata.name.', ['Polaris metadataAndInstanceMismatched'], "the Kubernetes recommended labels use one instance label for every object of an application instance (a Postgres instance's primary, replicas and pooler), which this check rejects"),
  'secret-env': on('linter', 'Secrets reach containers as files, never through env (env leaks into crash dumps, /proc, child processes and debug output).', ['CKV_K8S_35']),
  'network-policy-egress': off('linter', 'Every pod is also selected by a NetworkPolicy that restricts egress.', ['Polaris missingNetworkPolicy (ingress and egress)'], "egress depends on the app's own dependencies (APIs, object stores), which a tier cannot know; the components restrict ingress"),

  // Links between objects
  'dangling-selector': on('links', 'Every Service, PodDisruptionBudget, NetworkPolicy and PodMonitor selects at least one pod template in the output, and every ServiceMonitor a Service.', ['kube-linter dangling-service/dangling-networkpolicy', 'kube-score service-targets-pod/networkpolicy-targets-pod']),
  'dangling-target': on('links', "Every HPA, ScaledObject, VPA and TargetGroupBinding targets an object in the output, a ScaledObject's TriggerAuthentication is in it, and a StatefulSet's serviceName is a headless Service in it.", ['kube-linter dangling-horizontalpodautoscaler', 'kube-score hpa-has-target/statefulset-has-servicename']),
  'service-target-port': on('links', "A Service's named targetPort is a port name of the pods it selects.", ['kube-score service-targets-pod']),
  'monitor-port': on('links', "A PodMonitor's endpoint port names a container port of the pods it selects; a ServiceMonitor's, a port of the Services it selects.", ['prometheus-operator: a monitor whose port matches nothing scrapes nothing']),
  'sync-order': on('links', "Under each Argo CD Application's sync waves, every object an admission webhook checks against another (ADMISSION_REFERENCES: a ScaledObject or VPA and its workload) syncs after it, and the Application after the platform-release Applications of its cluster.", ['KEDA admission webhook (scaleTargetRef must exist)', 'Argo CD sync waves']),
  'missing-reference': on('links', 'Every ConfigMap, Secret, PersistentVolumeClaim and ServiceAccount a pod uses, every Secret a TriggerAuthentication reads, and every StorageClass a volume (PVC, StatefulSet claim template, CloudNativePG Cluster storage) names, is in the output or declared user-provided.', ['kube-linter non-existent-service-account', 'a PVC naming a missing StorageClass stays Pending']),
} as const satisfies Record<string, RuleInfo>;

/** The id of a rule of the gate. */
export type RuleId = keyof typeof RULES;

/** Every rule id, in catalogue order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];
