import { Problems } from '../core/problems';
import { OrderedRelease, PLATFORM_RELEASE_LABEL, PlatformRelease, neededReleases } from './platform-release';
import type { KubeObject } from '../validate/manifest';

/** Where one region's overlay is deployed. */
export interface GitOpsCluster {
  /**
   * Argo CD: the destination cluster's name as registered in Argo CD (`spec.destination.name`).
   *
   * @default `<tier>-<region>`
   */
  readonly argoCdName?: string;
  /**
   * Flux: the Secret (in Flux's namespace) holding the kubeconfig of the destination cluster
   * (`spec.kubeConfig.secretRef.name` of the region's Kustomization and of its HelmReleases).
   *
   * @default `<tier>-<region>-kubeconfig`
   */
  readonly fluxKubeConfigSecret?: string;
  /**
   * Deploy the region into the cluster Argo CD / Flux run in (`https://kubernetes.default.svc`, no kubeconfig):
   * for a single-region tier run by an in-cluster Argo CD or Flux. At most one region of a tier may say so.
   *
   * @default false
   */
  readonly inCluster?: boolean;
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
   * Per region name, the cluster that applies the region's overlay. Each region has a cluster of its own: the region
   * folders hold objects of the same name with different specs (the Postgres cluster's replica role, the backup
   * bucket), so two regions synced into one cluster would overwrite each other forever.
   *
   * @default - every region in its own cluster `<tier>-<region>` (Argo CD's cluster name; Flux's kubeconfig Secret
   * `<tier>-<region>-kubeconfig`)
   */
  readonly clusters?: Readonly<Record<string, GitOpsCluster>>;
  /**
   * The operators the tier's objects need, as pinned Helm releases: each region's cluster gets those whose API
   * groups its objects use (and those they wait for), installed before the tier's own objects. An empty list for
   * none (a platform team that installs the operators itself).
   *
   * @default []
   */
  readonly platform?: readonly PlatformRelease[];
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
  /**
   * The Flux GitRepository, the HelmRepositories of the platform releases, then per region the Kustomization that
   * installs its platform releases (when it needs any) and the region's Kustomization (empty when `flux` is `false`).
   */
  readonly flux: KubeObject[];
  /** Per region, the Flux HelmReleases its platform Kustomization applies (from `fluxPlatformPath`). */
  readonly fluxPlatform: ReadonlyMap<string, KubeObject[]>;
}

/** Where a region's Flux HelmReleases are written, relative to the tier folder. */
export function fluxPlatformPath(region: string): string {
  return `gitops/flux/platform/${region}`;
}

/** The annotation Argo CD orders a sync by. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Kinds whose objects run pods: health-checked by Flux (Jobs and CronJobs excepted). */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** A kind, with its API group when the kind alone is ambiguous (`Cluster` of CloudNativePG). */
export interface KindTarget {
  readonly group?: string;
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

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const HEX_COMMIT = /^[0-9a-f]{40}$/;

/** A region's destination, resolved. */
interface Destination {
  readonly inCluster: boolean;
  readonly name: string;
  readonly kubeConfigSecret: string;
}

/**
 * The GitOps objects that deploy a tier's region overlays (`<pathPrefix>/<tier>/regions/<region>/`) from Git, each
 * region into its own cluster:
 *
 * - **Argo CD:** per region, an `Application` per platform release the region needs (`<tier>-<region>-<release>`,
 *   a Helm source, in waves 0, 1, ... by what it waits for) and the region's `Application` (`<tier>-<region>`, wave
 *   `syncWave`): automated sync with pruning and self-heal, `FailOnSharedResource`, retries, sync waves (see
 *   `ARGO_CD_SYNC_WAVES`), run-once hooks (`RUN_ONCE_KINDS`) and protected kinds (`PROTECTED_KINDS`).
 * - **Flux:** a `GitRepository` (`<tier>`), a `HelmRepository` per platform release, and per region a `Kustomization`
 *   that applies its `HelmRelease`s (`<tier>-<region>-platform`, waiting for them to be ready) and the region's
 *   `Kustomization` (`<tier>-<region>`), which `dependsOn` it, prunes (except the protected kinds), health-checks
 *   every workload within `timeout`. Within a Kustomization Flux applies Namespaces first and the rest in its kind
 *   order, Deployments and StatefulSets before custom resources (fluxcd/pkg ssa/sort.go), so a ScaledObject comes
 *   after its Deployment.
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
  const destinations = new Map(regions.map((r) => [r.name, destinationOf(tier, r.name, props.clusters?.[r.name])]));
  // Two regions in one cluster overwrite each other's objects (same names, different specs): one cluster per region.
  const seen = new Map<string, string>();
  for (const [region, d] of destinations) {
    for (const key of d.inCluster ? ['in-cluster'] : [`argo:${d.name}`, `flux:${d.kubeConfigSecret}`]) {
      const other = seen.get(key);
      if (other !== undefined) problems.add(`clusters.${region}`, key.replace(/^[a-z-]+:/, ''), `a cluster no other region deploys to (${other} does)`);
      seen.set(key, region);
    }
  }
  const flux = props.flux === false ? undefined : props.flux ?? {};
  for (const [field, value] of [['flux.interval', flux?.interval], ['flux.timeout', flux?.timeout]] as const) {
    if (value !== undefined && !GO_DURATION.test(value)) problems.add(field, value, 'a Go duration such as "10m" or "1h30m"');
  }
  const argoCd = props.argoCd === false ? undefined : props.argoCd ?? {};
  const syncWave = argoCd?.syncWave ?? 10;
  problems.throwIfAny();

  const releases = new Map(regions.map((r) => [r.name, neededReleases(where, props.platform ?? [], r.objects)]));
  const deepest = Math.max(-1, ...[...releases.values()].flatMap((list) => list.map((r) => r.depth)));
  if (argoCd && deepest >= syncWave) {
    problems.add('argoCd.syncWave', syncWave, `a wave after the platform releases' (0-${deepest}), so the operators are installed first`);
  }
  problems.throwIfAny();

  const path = (region: string) => `${pathPrefix}/${tier}/regions/${region}`;
  const context: Context = { tier, namespace, revision, pathPrefix, props, destinations, releases };
  return {
    argoCd: argoCd ? regions.flatMap((r) => [...argoCdPlatformApplications(context, r.name, argoCd), argoCdApplication(context, r, path(r.name), argoCd)]) : [],
    flux: flux ? fluxObjects(context, regions, path, flux) : [],
    fluxPlatform: new Map(flux ? regions.filter((r) => releases.get(r.name)?.length).map((r) => [r.name, fluxHelmReleases(context, r.name, flux)]) : []),
  };
}

interface Context {
  readonly tier: string;
  readonly namespace: string;
  readonly revision: string;
  readonly pathPrefix: string;
  readonly props: GitOpsProps;
  readonly destinations: ReadonlyMap<string, Destination>;
  readonly releases: ReadonlyMap<string, readonly OrderedRelease[]>;
}

function destinationOf(tier: string, region: string, cluster: GitOpsCluster | undefined): Destination {
  return {
    inCluster: cluster?.inCluster === true,
    name: cluster?.argoCdName ?? `${tier}-${region}`,
    kubeConfigSecret: cluster?.fluxKubeConfigSecret ?? `${tier}-${region}-kubeconfig`,
  };
}

function argoDestination(d: Destination, namespace: string): Record<string, string> {
  return d.inCluster ? { server: 'https://kubernetes.default.svc', namespace } : { name: d.name, namespace };
}

/** A strategic merge patch adding annotations to every object of a kind (kustomize names the target). */
function annotationPatch(target: KindTarget, annotations: Record<string, string>): { target: Record<string, string>; patch: string } {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return {
    target: { ...(target.group ? { group: target.group } : {}), kind: target.kind },
    patch: `kind: ${target.kind}\nmetadata:\n  name: any\n  annotations:\n${lines.join('\n')}\n`,
  };
}

const labelsOf = (tier: string, region: string, release?: string) => ({
  'scaling-tiers.io/tier': tier,
  'scaling-tiers.io/region': region,
  ...(release ? { [PLATFORM_RELEASE_LABEL]: release } : {}),
});

const ARGO_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

function argoCdApplication(c: Context, region: GitOpsRegion, path: string, argoCd: ArgoCdProps): KubeObject {
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

/** The value of a release's values, with the destination cluster's name under `clusterNameValue`. */
function valuesOf(r: PlatformRelease, clusterName: string): Record<string, unknown> | undefined {
  const values = { ...(r.values ?? {}), ...(r.clusterNameValue ? { [r.clusterNameValue]: clusterName } : {}) };
  return Object.keys(values).length > 0 ? values : undefined;
}

function argoCdPlatformApplications(c: Context, region: string, argoCd: ArgoCdProps): KubeObject[] {
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

function fluxRef(revision: string): Record<string, string> {
  return HEX_COMMIT.test(revision) ? { commit: revision } : revision.startsWith('refs/') ? { name: revision } : { branch: revision };
}

function fluxObjects(c: Context, regions: readonly GitOpsRegion[], path: (region: string) => string, flux: FluxProps): KubeObject[] {
  const namespace = flux.namespace ?? 'flux-system';
  const interval = flux.interval ?? '10m';
  const timeout = flux.timeout ?? '10m';
  const source: KubeObject = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: c.tier, namespace, labels: { 'scaling-tiers.io/tier': c.tier } },
    spec: { url: c.props.repoURL, ref: fluxRef(c.revision), interval },
  };
  const releases = new Map([...c.releases.values()].flat().map((r) => [r.release.name, r.release]));
  const helmRepositories = [...releases.values()].map((r): KubeObject => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: `${c.tier}-${r.name}`, namespace, labels: { 'scaling-tiers.io/tier': c.tier, [PLATFORM_RELEASE_LABEL]: r.name } },
    spec: { url: r.repoURL, interval: '1h' },
  }));
  return [
    source,
    ...helmRepositories,
    ...regions.flatMap((r): KubeObject[] => {
      const d = c.destinations.get(r.name) as Destination;
      const kubeConfig = d.inCluster ? {} : { kubeConfig: { secretRef: { name: d.kubeConfigSecret } } };
      const platformName = `${c.tier}-${r.name}-platform`;
      const hasPlatform = (c.releases.get(r.name) ?? []).length > 0;
      const platform: KubeObject[] = hasPlatform
        ? [{
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: platformName, namespace, labels: labelsOf(c.tier, r.name) },
          spec: {
            interval,
            retryInterval: '1m',
            sourceRef: { kind: 'GitRepository', name: c.tier },
            path: `./${c.pathPrefix}/${c.tier}/${fluxPlatformPath(r.name)}`,
            // The HelmReleases live in Flux's cluster and install into the region's (their own kubeConfig); ready
            // only when every release is (wait), which the region's Kustomization waits for (dependsOn).
            prune: true,
            wait: true,
            timeout,
          },
        }]
        : [];
      const dependsOn = [...(hasPlatform ? [platformName] : []), ...(flux.dependsOn ?? [])];
      return [
        ...platform,
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: `${c.tier}-${r.name}`, namespace, labels: labelsOf(c.tier, r.name) },
          spec: {
            interval,
            retryInterval: '1m',
            sourceRef: { kind: 'GitRepository', name: c.tier },
            path: `./${path(r.name)}`,
            prune: true,
            ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((name) => ({ name })) } : {}),
            ...kubeConfig,
            patches: [
              ...RUN_ONCE_KINDS.map((target) => annotationPatch(target, { 'kustomize.toolkit.fluxcd.io/force': 'enabled' })),
              ...PROTECTED_KINDS.map((target) => annotationPatch(target, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' })),
            ],
            healthChecks: r.objects
              .filter((o) => typeof o.kind === 'string' && WORKLOAD_KINDS.has(o.kind) && o.kind !== 'Job' && o.kind !== 'CronJob')
              .map((o) => ({ apiVersion: String(o.apiVersion), kind: String(o.kind), name: String(o.metadata?.name), namespace: String(o.metadata?.namespace) })),
            timeout,
          },
        },
      ];
    }),
  ];
}

function fluxHelmReleases(c: Context, region: string, flux: FluxProps): KubeObject[] {
  const d = c.destinations.get(region) as Destination;
  const namespace = flux.namespace ?? 'flux-system';
  return (c.releases.get(region) ?? []).map(({ release: r }): KubeObject => {
    const values = valuesOf(r, d.name);
    return {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: {
        name: `${c.tier}-${region}-${r.name}`,
        namespace,
        labels: labelsOf(c.tier, region, r.name),
        // Deleting the platform Kustomization leaves the release (and its CRDs, and so the data of their resources).
        annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      },
      spec: {
        interval: flux.interval ?? '10m',
        releaseName: r.name,
        targetNamespace: r.namespace,
        storageNamespace: r.namespace,
        chart: { spec: { chart: r.chart, version: r.version, sourceRef: { kind: 'HelmRepository', name: `${c.tier}-${r.name}` } } },
        install: { createNamespace: true, crds: 'CreateReplace', remediation: { retries: 3 } },
        upgrade: { crds: 'CreateReplace', remediation: { retries: 3 } },
        ...(r.after && r.after.length > 0 ? { dependsOn: r.after.map((name) => ({ name: `${c.tier}-${region}-${name}` })) } : {}),
        ...(d.inCluster ? {} : { kubeConfig: { secretRef: { name: d.kubeConfigSecret } } }),
        ...(values ? { values } : {}),
      },
    };
  });
}
