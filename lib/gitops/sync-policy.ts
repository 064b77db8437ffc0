/** The annotation Argo CD orders a sync by. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** A kind, with its API group when the kind alone is ambiguous (`Cluster` of CloudNativePG). */
export interface KindTarget {
  /**
   * The API group.
   *
   * @default - any group
   */
  readonly group?: string;
  /** The kind. */
  readonly kind: string;
}

/**
 * Argo CD sync waves within a region, by kind: the Namespace first (wave -1); then configuration, Services, policies
 * and the custom resources of the cluster's operators (wave 0, Argo CD's default); workloads (wave 1); and what
 * scales them last (wave 2), because KEDA's admission webhook reads a ScaledObject's target Deployment when it admits
 * it (kedacore/keda apis/keda/v1alpha1/scaledobject_webhook.go, verifyCPUMemoryScalers: a missing Deployment refuses
 * the ScaledObject) and an autoscaler of a workload that does not exist yet only reports errors. Argo CD waits for a
 * wave to be healthy before the next. Listed in the Application as kustomize patches, so the committed manifests stay
 * free of tool-specific annotations. The validation gate's `sync-order` rule checks the result against the webhooks'
 * references.
 */
export const ARGO_CD_SYNC_WAVES: readonly (KindTarget & { readonly wave: number })[] = [
  { kind: 'Namespace', wave: -1 },
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'].map((kind) => ({ kind, wave: 1 })),
  ...['HorizontalPodAutoscaler', 'ScaledObject', 'VerticalPodAutoscaler'].map((kind) => ({ kind, wave: 2 })),
];

/**
 * Run-once tasks (the Redis Cluster bootstrap Job): an Argo CD `Sync` hook in the workloads' wave, deleted before a
 * new one is created (`BeforeHookCreation`), so a changed pod template (immutable in a Job) is a new Job rather than a
 * refused update, and the Job's TTL removing it is not drift. The task runs on every sync, so it must be idempotent
 * (the bootstrap script is). Flux gets `kustomize.toolkit.fluxcd.io/force: enabled` on the same kinds: it recreates
 * the Job when an immutable field changes (after the TTL removes a finished Job, Flux creates it again at its next
 * reconciliation, which the idempotent script turns into a no-op).
 */
export const RUN_ONCE_KINDS: readonly KindTarget[] = [{ kind: 'Job' }];

/**
 * Objects that hold data or everything else: never pruned, never deleted with their Application or Kustomization
 * (Argo CD `Prune=false,Delete=false`, Flux `prune: disabled`). Deleting the Namespace deletes everything in it;
 * deleting a CloudNativePG Cluster deletes its PersistentVolumeClaims (the operator owns them); the ObjectStore is
 * where the Cluster archives its WAL.
 */
export const PROTECTED_KINDS: readonly KindTarget[] = [
  { kind: 'Namespace' },
  { kind: 'PersistentVolumeClaim' },
  { group: 'postgresql.cnpg.io', kind: 'Cluster' },
  { group: 'barmancloud.cnpg.io', kind: 'ObjectStore' },
];

/** A strategic merge patch adding annotations to every object of a kind (kustomize names the target). */
export function annotationPatch(target: KindTarget, annotations: Record<string, string>): { target: Record<string, string>; patch: string } {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return {
    target: { ...(target.group ? { group: target.group } : {}), kind: target.kind },
    patch: `kind: ${target.kind}\nmetadata:\n  name: any\n  annotations:\n${lines.join('\n')}\n`,
  };
}
