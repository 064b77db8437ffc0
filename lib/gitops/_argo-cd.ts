import { Context, Destination, labelsOf, valuesOf } from './_gitops-context';
import type { ArgoCdProps, GitOpsRegion } from './gitops-props';
import { ARGO_CD_SYNC_WAVES, PROTECTED_KINDS, RUN_ONCE_KINDS, SYNC_WAVE_ANNOTATION, annotationPatch } from './sync-policy';
import type { KubeObject } from '../validate/manifest';

function argoDestination(d: Destination, namespace: string): Record<string, string> {
  return d.inCluster ? { server: 'https://kubernetes.default.svc', namespace } : { name: d.name, namespace };
}

const ARGO_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** The region's Application: its overlay from Git, with the sync waves, hooks and protection as kustomize patches. */
export function argoCdApplication(c: Context, region: GitOpsRegion, path: string, argoCd: ArgoCdProps): KubeObject {
  const d = c.destinations.get(region.name) as Destination;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${c.tier}-${region.name}`,
      namespace: argoCd.namespace ?? 'argocd',
      labels: labelsOf(c.tier, region.name),
      annotations: { [SYNC_WAVE_ANNOTATION]: String(argoCd.syncWave ?? 10) },
      // Deleting the Application deletes what it deployed, except the protected kinds (Delete=false).
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: argoCd.project ?? 'default',
      source: {
        repoURL: c.props.repoURL,
        targetRevision: c.revision,
        path,
        kustomize: {
          patches: [
            ...ARGO_CD_SYNC_WAVES.map(({ wave, ...target }) => annotationPatch(target, { [SYNC_WAVE_ANNOTATION]: String(wave) })),
            ...RUN_ONCE_KINDS.map((target) => annotationPatch(target, {
              'argocd.argoproj.io/hook': 'Sync',
              'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
              [SYNC_WAVE_ANNOTATION]: '1',
            })),
            ...PROTECTED_KINDS.map((target) => annotationPatch(target, { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' })),
          ],
        },
      },
      destination: argoDestination(d, c.namespace),
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // Prune only after every wave is synced and healthy; the manifests create their own Namespace; an object that
        // another Application already manages is an error, not a takeover.
        syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true', 'FailOnSharedResource=true'],
        retry: ARGO_RETRY,
      },
    },
  };
}

/** The Applications of a region's platform releases, each a Helm source in the wave of its install depth. */
export function argoCdPlatformApplications(c: Context, region: string, argoCd: ArgoCdProps): KubeObject[] {
  const d = c.destinations.get(region) as Destination;
  return (c.releases.get(region) ?? []).map(({ release: r, depth }): KubeObject => {
    const values = valuesOf(r, d.name);
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: `${c.tier}-${region}-${r.name}`,
        namespace: argoCd.namespace ?? 'argocd',
        labels: labelsOf(c.tier, region, r.name),
        // Installed in the order the releases wait for each other, all before the region (wave `syncWave`). No
        // resources finalizer: deleting this Application leaves the operator and its CRDs (and so the data of their
        // custom resources) in place.
        annotations: { [SYNC_WAVE_ANNOTATION]: String(depth) },
      },
      spec: {
        project: argoCd.project ?? 'default',
        source: { repoURL: r.repoURL, chart: r.chart, targetRevision: r.version, helm: { releaseName: r.name, ...(values ? { valuesObject: values } : {}) } },
        destination: argoDestination(d, r.namespace),
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          // Server-side apply: the operators' CRDs exceed the client-side last-applied annotation's 256 KiB.
          syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'FailOnSharedResource=true'],
          retry: ARGO_RETRY,
        },
      },
    };
  });
}
