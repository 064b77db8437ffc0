import { Context, Destination, labelsOf, valuesOf } from './_gitops-context';
import { FluxProps, GitOpsRegion, fluxPlatformPath } from './gitops-props';
import { PLATFORM_RELEASE_LABEL } from './platform-release';
import { PROTECTED_KINDS, RUN_ONCE_KINDS, annotationPatch } from './sync-policy';
import type { KubeObject } from '../validate/manifest';

/** Kinds whose objects run pods: health-checked by Flux (Jobs and CronJobs excepted). */
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

const HEX_COMMIT = /^[0-9a-f]{40}$/;

function fluxRef(revision: string): Record<string, string> {
  return HEX_COMMIT.test(revision) ? { commit: revision } : revision.startsWith('refs/') ? { name: revision } : { branch: revision };
}

/** The GitRepository, the HelmRepositories, and per region its platform Kustomization and its own. */
export function fluxObjects(c: Context, regions: readonly GitOpsRegion[], path: (region: string) => string, flux: FluxProps): KubeObject[] {
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

/** A region's platform releases as HelmReleases into its cluster. */
export function fluxHelmReleases(c: Context, region: string, flux: FluxProps): KubeObject[] {
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
