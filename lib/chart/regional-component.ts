import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { isObjectName, objectNameAllowed } from '../core/names';

/**
 * What a regional component belongs to: a `TierChart`. Only the parts read here are named, so this file does not
 * import the chart that imports it.
 */
export interface RegionalComponentTier extends Construct {
  /** The namespace of every object of the tier. */
  readonly namespaceName: string;
  /** The tier's component charts; the first (the namespace) carries the tier's labels. */
  readonly components: readonly Chart[];
  /** The chart's own regional charts (the ALB's TargetGroupBinding per region). */
  readonly regionalComponents: ReadonlyMap<string, Chart>;
}

/** One regional component of a tier, as {@link regionalComponentsOf} lists it. */
export interface RegionalComponent {
  /** The region whose cluster applies it. */
  readonly region: string;
  /** The component's name: its file is `regions/<region>/<name>.yaml`. */
  readonly name: string;
  /** The chart holding its objects. */
  readonly chart: Chart;
}

/** The file name of the regional component the TierChart makes for the ALB's TargetGroupBinding. */
export const LOAD_BALANCER_BINDING_COMPONENT = 'load-balancer-binding';

const registry = new WeakMap<RegionalComponentTier, RegionalComponent[]>();

/**
 * Adds a component that only one region's cluster applies, or that differs per region: a chart in the tier's
 * namespace with the tier's labels, which {@link writeTierManifests} writes to `regions/<region>/<name>.yaml` (never
 * to the base), listed in that region's Kustomization.
 *
 * An object that differs per region is built once per region under the same name, and never in a base component:
 *
 * ```ts
 * for (const region of tier.regions) {
 *   const c = addRegionalComponent(chart, region.name, 'postgres-cluster');
 *   new PostgresCluster(c, 'db', { replicaOf: region.role === 'primary' ? undefined : primaryRegion });
 * }
 * ```
 *
 * Each region overlay then renders the base plus its own `postgres-cluster.yaml`: the primary region a primary
 * Cluster, the others a replica Cluster of the same name.
 *
 * @param tier the tier chart
 * @param region the region (an AWS region name), as passed to `writeTierManifests`' `regions`
 * @param name the component's name, a DNS label unique within the region; `load-balancer-binding` is the TierChart's
 */
export function addRegionalComponent(tier: RegionalComponentTier, region: string, name: string): Chart {
  const problems = new Problems(tier.node.path);
  const existing = registry.get(tier) ?? [];
  if (!isObjectName(name)) problems.add('regional component name', name, objectNameAllowed());
  else if (name === LOAD_BALANCER_BINDING_COMPONENT || existing.some((c) => c.region === region && c.name === name)) {
    problems.add('regional component name', name, `a name not already used in region ${region}`);
  }
  if (!isObjectName(region)) problems.add('region', region, objectNameAllowed());
  problems.throwIfAny();
  // The tier's labels, as every component of the tier carries them (the namespace component is always first).
  const labels = tier.components[0]?.labels ?? {};
  const chart = new Chart(tier, `region-${region}-${name}`, { namespace: tier.namespaceName, labels, disableResourceNameHashes: true });
  registry.set(tier, [...existing, { region, name, chart }]);
  return chart;
}

/**
 * Every regional component of a tier: the TierChart's own TargetGroupBindings (`load-balancer-binding`) first, then
 * those added with {@link addRegionalComponent}, in the order added.
 */
export function regionalComponentsOf(tier: RegionalComponentTier): RegionalComponent[] {
  return [
    ...[...tier.regionalComponents].map(([region, chart]) => ({ region, name: LOAD_BALANCER_BINDING_COMPONENT, chart })),
    ...(registry.get(tier) ?? []),
  ];
}
