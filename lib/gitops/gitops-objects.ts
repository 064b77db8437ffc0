import { Problems } from '../core/problems';
import type { KubeObject } from '../validate/manifest';

/** Where one region's overlay is deployed. */
export interface GitOpsCluster {
  /**
   * Argo CD: the destination cluster's name as registered in Argo CD (`spec.destination.name`).
   *
   * @default - the cluster Argo CD runs in (`server: https://kubernetes.default.svc`)
   */
  readonly argoCdName?: string;
  /**
   * Flux: the Secret (in Flux's namespace) holding the kubeconfig of the destination cluster
   * (`spec.kubeConfig.secretRef.name`).
   *
   * @default - the cluster Flux runs in
   */
  readonly fluxKubeConfigSecret?: string;
}

/** Argo CD output of {@link GitOpsProps}. */
export interface ArgoCdProps {
  /**
   * The namespace Argo CD watches for Applications.
   *
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project of the Applications.
   *
   * @default 'default'
   */
  readonly project?: string;
  /**
   * The Applications' own sync wave, for an app-of-apps: the Applications that install the operators this tier's
   * custom resources need (VPA, AWS Load Balancer Controller, CloudNativePG) belong in a lower wave, so they are
   * synced and healthy first.
   *
   * @default 10
   */
  readonly syncWave?: number;
}

/** Flux output of {@link GitOpsProps}. */
export interface FluxProps {
  /**
   * The namespace of the GitRepository and the Kustomizations.
   *
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often Flux fetches the repository and reconciles each region, as a Go duration.
   *
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * The Flux Kustomizations (in Flux's namespace) that install the operators this tier's custom resources need;
   * every region's Kustomization waits until they are ready (`dependsOn`).
   *
   * @default - none
   */
  readonly dependsOn?: readonly string[];
  /**
   * How long a region's health checks may take before the reconciliation fails, as a Go duration.
   *
   * @default '10m'
   */
  readonly timeout?: string;
}

/**
 * Props of `gitOpsObjects` (the `gitops` option of `writeTierManifests`): where the synthesised output lives in Git and which cluster runs each region.
 */
export interface GitOpsProps {
  /** The Git repository holding the synthesised output, as Argo CD and Flux clone it (`https://...` or `ssh://...`). */
  readonly repoURL: string;
  /**
   * The branch (or, for Argo CD, any revision; a 40-hex-digit commit or a `refs/...` name works for both) to deploy.
   *
   * @default 'main'
   */
  readonly revision?: string;
  /**
   * The folder in the repository that holds the output (what `writeTierManifests` writes to, without the tier).
   *
   * @default 'dist'
   */
  readonly pathPrefix?: string;
  /**
   * Per region name, the cluster that applies the region's overlay.
   *
   * @default - every region in the cluster Argo CD / Flux run in
   */
  readonly clusters?: Readonly<Record<string, GitOpsCluster>>;
  /**
   * Argo CD Applications, one per region; `false` for none.
   *
   * @default {}
   */
  readonly argoCd?: ArgoCdProps | false;
  /**
   * A Flux GitRepository and one Flux Kustomization per region; `false` for none.
   *
   * @default {}
   */
  readonly flux?: FluxProps | false;
}

/** One region overlay as the GitOps objects deploy it. */
export interface GitOpsRegion {
  /** The region's name. */
  readonly name: string;
  /** The objects the overlay renders (base + region), whose workloads are health-checked. */
  readonly objects: readonly KubeObject[];
}

/** What `gitOpsObjects` returns. */
export interface GitOpsObjects {
  /** One Argo CD Application per region (empty when `argoCd` is `false`). */
  readonly argoCd: KubeObject[];
  /** The Flux GitRepository, then one Flux Kustomization per region (empty when `flux` is `false`). */
  readonly flux: KubeObject[];
}

/** The annotation Argo CD orders a sync by. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Kinds whose objects run pods: applied last, and health-checked. */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * Argo CD sync waves within a region, by kind: the Namespace first (wave -1); then configuration, Services, policies
 * and the custom resources of the cluster's operators (wave 0, Argo CD's default); workloads and what scales them
 * last (wave 1). Argo CD waits for a wave to be healthy before the next. Listed in the Application as kustomize
 * patches, so the committed manifests stay free of tool-specific annotations.
 */
export const ARGO_CD_SYNC_WAVES: readonly { readonly kind: string; readonly wave: number }[] = [
  { kind: 'Namespace', wave: -1 },
  ...[...WORKLOAD_KINDS, 'HorizontalPodAutoscaler'].map((kind) => ({ kind, wave: 1 })),
];

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const HEX_COMMIT = /^[0-9a-f]{40}$/;

/**
 * The GitOps objects that deploy a tier's region overlays (`<pathPrefix>/<tier>/regions/<region>/`) from Git:
 *
 * - **Argo CD:** an `Application` per region (`<tier>-<region>`), automated sync with pruning and self-heal, retries,
 *   and sync waves (see `ARGO_CD_SYNC_WAVES`); Argo CD's built-in health checks gate each wave.
 * - **Flux:** a `GitRepository` (`<tier>`) and a `Kustomization` per region (`<tier>-<region>`) with pruning,
 *   `dependsOn` the operators' Kustomizations, and health checks on every workload of the region, within `timeout`.
 *   Flux applies Namespaces (and CRDs) before everything else, and the rest in kind order.
 *
 * @param tier the tier's name (names the objects and the folder)
 * @param namespace the tier's namespace (Argo CD's destination namespace)
 * @param regions the region overlays, primary first
 * @param props where the output is and which cluster runs each region
 * @throws PropsError when a prop is invalid
 */
export function gitOpsObjects(tier: string, namespace: string, regions: readonly GitOpsRegion[], props: GitOpsProps): GitOpsObjects {
  const where = `${tier}/gitops`;
  const problems = new Problems(where);
  if (!/^(https?|ssh):\/\/\S+$/.test(props.repoURL)) problems.add('repoURL', props.repoURL, 'an https://, http:// or ssh:// URL');
  const revision = props.revision ?? 'main';
  if (revision.trim() === '' || /\s/.test(revision)) problems.add('revision', revision, 'a branch, tag, commit or refs/... name without spaces');
  const pathPrefix = (props.pathPrefix ?? 'dist').replace(/^\.\//, '');
  if (pathPrefix.startsWith('/') || pathPrefix.endsWith('/') || pathPrefix.split('/').includes('..')) {
    problems.add('pathPrefix', props.pathPrefix, "a relative folder of the repository without '..' or a trailing '/'");
  }
  if (regions.length === 0) problems.addMessage('a tier needs at least one region overlay to deploy');
  for (const name of Object.keys(props.clusters ?? {})) {
    if (!regions.some((r) => r.name === name)) problems.add(`clusters.${name}`, name, `one of the tier's regions (${regions.map((r) => r.name).join(', ')})`);
  }
  const flux = props.flux === false ? undefined : props.flux ?? {};
  for (const [field, value] of [['flux.interval', flux?.interval], ['flux.timeout', flux?.timeout]] as const) {
    if (value !== undefined && !GO_DURATION.test(value)) problems.add(field, value, 'a Go duration such as "10m" or "1h30m"');
  }
  problems.throwIfAny();

  const path = (region: string) => `${pathPrefix}/${tier}/regions/${region}`;
  const argoCd = props.argoCd === false ? undefined : props.argoCd ?? {};
  return {
    argoCd: argoCd ? regions.map((r) => argoCdApplication(tier, namespace, r, path(r.name), revision, props, argoCd)) : [],
    flux: flux ? fluxObjects(tier, regions, path, revision, props, flux) : [],
  };
}

function argoCdApplication(tier: string, namespace: string, region: GitOpsRegion, path: string, revision: string, props: GitOpsProps, argoCd: ArgoCdProps): KubeObject {
  const cluster = props.clusters?.[region.name]?.argoCdName;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `${tier}-${region.name}`,
      namespace: argoCd.namespace ?? 'argocd',
      labels: { 'scaling-tiers.io/tier': tier, 'scaling-tiers.io/region': region.name },
      annotations: { [SYNC_WAVE_ANNOTATION]: String(argoCd.syncWave ?? 10) },
      // Deleting the Application deletes what it deployed.
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: argoCd.project ?? 'default',
      source: {
        repoURL: props.repoURL,
        targetRevision: revision,
        path,
        kustomize: {
          patches: ARGO_CD_SYNC_WAVES.map(({ kind, wave }) => ({
            target: { kind },
            // A strategic merge patch: adds the annotation and keeps the object's others (kustomize names the target).
            patch: `kind: ${kind}\nmetadata:\n  name: any\n  annotations:\n    ${SYNC_WAVE_ANNOTATION}: "${wave}"\n`,
          })),
        },
      },
      destination: cluster ? { name: cluster, namespace } : { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // Prune only after every wave is synced and healthy; the manifests create their own Namespace.
        syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      },
    },
  };
}

function fluxObjects(tier: string, regions: readonly GitOpsRegion[], path: (region: string) => string, revision: string, props: GitOpsProps, flux: FluxProps): KubeObject[] {
  const namespace = flux.namespace ?? 'flux-system';
  const interval = flux.interval ?? '10m';
  const ref = HEX_COMMIT.test(revision) ? { commit: revision } : revision.startsWith('refs/') ? { name: revision } : { branch: revision };
  const source: KubeObject = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: tier, namespace, labels: { 'scaling-tiers.io/tier': tier } },
    spec: { url: props.repoURL, ref, interval },
  };
  return [
    source,
    ...regions.map((r): KubeObject => {
      const kubeConfigSecret = props.clusters?.[r.name]?.fluxKubeConfigSecret;
      return {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: `${tier}-${r.name}`, namespace, labels: { 'scaling-tiers.io/tier': tier, 'scaling-tiers.io/region': r.name } },
        spec: {
          interval,
          retryInterval: '1m',
          sourceRef: { kind: 'GitRepository', name: tier },
          path: `./${path(r.name)}`,
          prune: true,
          ...(flux.dependsOn && flux.dependsOn.length > 0 ? { dependsOn: flux.dependsOn.map((name) => ({ name })) } : {}),
          ...(kubeConfigSecret ? { kubeConfig: { secretRef: { name: kubeConfigSecret } } } : {}),
          healthChecks: r.objects
            .filter((o) => typeof o.kind === 'string' && WORKLOAD_KINDS.has(o.kind) && o.kind !== 'Job' && o.kind !== 'CronJob')
            .map((o) => ({ apiVersion: String(o.apiVersion), kind: String(o.kind), name: String(o.metadata?.name), namespace: String(o.metadata?.namespace) })),
          timeout: flux.timeout ?? '10m',
        },
      };
    }),
  ];
}
