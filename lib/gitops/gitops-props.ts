import type { PlatformRelease } from './platform-release';
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
