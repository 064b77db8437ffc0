import { Problems } from '../core/problems';
import type { KubeObject } from '../validate/manifest';

/**
 * One operator (or API service) a tier's objects need, installed from a pinned Helm chart into each region's cluster
 * before the tier's own objects: an Argo CD Application with a Helm source, or a Flux HelmRepository + HelmRelease.
 */
export interface PlatformRelease {
  /** The Helm release's name; also the suffix of its Argo CD Application and Flux HelmRelease. */
  readonly name: string;
  /** The namespace the release runs in (created when missing). */
  readonly namespace: string;
  /** The Helm repository (`https://...`, the folder holding `index.yaml`). */
  readonly repoURL: string;
  /** The chart's name in the repository. */
  readonly chart: string;
  /** The chart's version, pinned exactly (no range): the API versions the tier emits are checked against it. */
  readonly version: string;
  /**
   * What the release serves at this version: the apiVersions of the custom resources its CRDs define
   * (`keda.sh/v1alpha1`), or of an aggregated API (`custom.metrics.k8s.io/v1beta2`). A tier gets the release when one
   * of its objects uses one of them; an object of the same API group in a version the release does not serve is an
   * error (the tier and the pinned chart disagree).
   */
  readonly provides: readonly string[];
  /**
   * Releases (by name) that must be installed and ready first (the Barman Cloud plugin needs cert-manager and
   * CloudNativePG).
   *
   * @default - none
   */
  readonly after?: readonly string[];
  /**
   * The Helm values.
   *
   * @default - the chart's own
   */
  readonly values?: Readonly<Record<string, unknown>>;
  /**
   * A top-level values key that receives the destination cluster's name (the AWS Load Balancer Controller's
   * `clusterName`).
   *
   * @default - none
   */
  readonly clusterNameValue?: string;
}

/** The label that marks a GitOps object as installing a platform release (value: the release's name). */
export const PLATFORM_RELEASE_LABEL = 'scaling-tiers.io/platform-release';

/**
 * The apiVersions that a set of objects needs served: each object's, plus `custom.metrics.k8s.io/v1beta2` for an HPA
 * with a `Pods` or `Object` metric and `external.metrics.k8s.io/v1beta1` for one with an `External` metric (the HPA
 * controller reads those through the aggregated metrics APIs, which an adapter serves).
 */
export function apiVersionsUsed(objects: readonly KubeObject[]): Set<string> {
  const used = new Set<string>();
  for (const o of objects) {
    if (typeof o.apiVersion === 'string') used.add(o.apiVersion);
    if (o.kind !== 'HorizontalPodAutoscaler') continue;
    const metrics = (o.spec as { metrics?: { type?: string }[] } | undefined)?.metrics ?? [];
    for (const m of metrics) {
      if (m.type === 'Pods' || m.type === 'Object') used.add('custom.metrics.k8s.io/v1beta2');
      if (m.type === 'External') used.add('external.metrics.k8s.io/v1beta1');
    }
  }
  return used;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** A release with its install depth: 0 for one that waits for nothing, else one more than the deepest it waits for. */
export interface OrderedRelease {
  /** The release. */
  readonly release: PlatformRelease;
  /** Its install depth: its Argo CD sync wave, 0 for a release that waits for none. */
  readonly depth: number;
}

/**
 * The releases `objects` need (those providing an API group they use, and every release those wait for), in install
 * order (by depth, then list order).
 *
 * @throws PropsError when a release is invalid, named twice, or waits for an unknown release or (transitively) itself,
 * or when the objects use an apiVersion of a release's API group that the release does not serve
 */
export function neededReleases(where: string, releases: readonly PlatformRelease[], objects: readonly KubeObject[]): OrderedRelease[] {
  checkReleases(where, releases);
  const byName = new Map(releases.map((r) => [r.name, r]));
  const used = apiVersionsUsed(objects);
  const needed = new Set<string>();
  const add = (r: PlatformRelease) => {
    if (needed.has(r.name)) return;
    needed.add(r.name);
    for (const name of r.after ?? []) add(byName.get(name) as PlatformRelease);
  };
  const p = new Problems(where);
  for (const apiVersion of used) {
    const serving = releases.filter((r) => r.provides.includes(apiVersion));
    if (serving.length > 0) serving.forEach(add);
    for (const r of releases.filter((x) => !serving.includes(x) && x.provides.some((v) => groupOf(v) === groupOf(apiVersion)))) {
      if (serving.length === 0) p.add(`platform.${r.name}.version`, r.version, `a chart version that serves ${apiVersion}, which the tier emits (${r.version} serves ${r.provides.join(', ')})`);
    }
  }
  p.throwIfAny();
  const depth = new Map<string, number>();
  const depthOf = (r: PlatformRelease): number => {
    const known = depth.get(r.name);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(r.after ?? []).map((n) => depthOf(byName.get(n) as PlatformRelease))) + 1;
    depth.set(r.name, d);
    return d;
  };
  return releases
    .filter((r) => needed.has(r.name))
    .map((release) => ({ release, depth: depthOf(release) }))
    .sort((a, b) => a.depth - b.depth);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const EXACT_VERSION = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/;

function checkReleases(where: string, releases: readonly PlatformRelease[]): void {
  const p = new Problems(where);
  const names = new Set<string>();
  releases.forEach((r, i) => {
    const at = `platform[${i}]`;
    if (!DNS_LABEL.test(r.name) || r.name.length > 40) p.add(`${at}.name`, r.name, 'a DNS label of at most 40 characters');
    if (names.has(r.name)) p.add(`${at}.name`, r.name, 'a name not already used by another release');
    names.add(r.name);
    if (!DNS_LABEL.test(r.namespace)) p.add(`${at}.namespace`, r.namespace, 'a DNS label');
    if (!/^https:\/\/\S+$/.test(r.repoURL)) p.add(`${at}.repoURL`, r.repoURL, 'an https:// Helm repository URL');
    if (!EXACT_VERSION.test(r.version)) p.add(`${at}.version`, r.version, 'an exact chart version such as "2.17.2" (no range: the tier is checked against it)');
    if (r.provides.length === 0) p.add(`${at}.provides`, r.provides, 'at least one API group');
  });
  const byName = new Map(releases.map((r) => [r.name, r]));
  releases.forEach((r, i) => {
    for (const name of r.after ?? []) if (!byName.has(name)) p.add(`platform[${i}].after`, name, `one of the releases (${[...byName.keys()].join(', ')})`);
  });
  // A release that waits for itself, directly or not, would never install.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: PlatformRelease): boolean => {
    if (state.get(r.name) === 'done') return false;
    if (state.get(r.name) === 'visiting') return true;
    state.set(r.name, 'visiting');
    const cycle = (r.after ?? []).some((n) => byName.has(n) && visit(byName.get(n) as PlatformRelease));
    state.set(r.name, 'done');
    return cycle;
  };
  for (const r of releases) if (visit(r)) p.add('platform', r.name, 'releases whose `after` lists form no cycle');
  p.throwIfAny();
}
