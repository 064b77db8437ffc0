import { Problems } from '../core/problems';
import { argoCdApplication, argoCdPlatformApplications } from './_argo-cd';
import { fluxHelmReleases, fluxObjects } from './_flux';
import { Context, Destination } from './_gitops-context';
import type { GitOpsCluster, GitOpsObjects, GitOpsProps, GitOpsRegion } from './gitops-props';
import { neededReleases } from './platform-release';

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

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

function destinationOf(tier: string, region: string, cluster: GitOpsCluster | undefined): Destination {
  return {
    inCluster: cluster?.inCluster === true,
    name: cluster?.argoCdName ?? `${tier}-${region}`,
    kubeConfigSecret: cluster?.fluxKubeConfigSecret ?? `${tier}-${region}-kubeconfig`,
  };
}
