import type { GitOpsProps } from './gitops-props';
import { OrderedRelease, PLATFORM_RELEASE_LABEL, PlatformRelease } from './platform-release';

/** A region's destination, resolved. */
export interface Destination {
  readonly inCluster: boolean;
  readonly name: string;
  readonly kubeConfigSecret: string;
}

/** What the Argo CD and Flux builders share: the tier, its Git source and each region's cluster and releases. */
export interface Context {
  readonly tier: string;
  readonly namespace: string;
  readonly revision: string;
  readonly pathPrefix: string;
  readonly props: GitOpsProps;
  readonly destinations: ReadonlyMap<string, Destination>;
  readonly releases: ReadonlyMap<string, readonly OrderedRelease[]>;
}

/** The labels of a region's GitOps objects (and of a platform release's). */
export const labelsOf = (tier: string, region: string, release?: string) => ({
  'scaling-tiers.io/tier': tier,
  'scaling-tiers.io/region': region,
  ...(release ? { [PLATFORM_RELEASE_LABEL]: release } : {}),
});

/** The value of a release's values, with the destination cluster's name under `clusterNameValue`. */
export function valuesOf(r: PlatformRelease, clusterName: string): Record<string, unknown> | undefined {
  const values = { ...(r.values ?? {}), ...(r.clusterNameValue ? { [r.clusterNameValue]: clusterName } : {}) };
  return Object.keys(values).length > 0 ? values : undefined;
}
