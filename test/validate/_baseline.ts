import { App } from 'cdk8s';
import { TierChart } from '../../lib';
import { KubeObject, Manifest } from '../../lib/validate';
import { TierSpec, enterprise } from '../../tiers';

/** A synthesised object, loosely typed so tests can break any field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/**
 * The enterprise tier with the operator-free PostgreSQL engine: the rule tests break fields of the StatefulSet
 * engine's pod templates, which CloudNativePG (the tier's engine) leaves to the operator. The CloudNativePG objects
 * are checked by test/postgres/postgres-cluster-crd.test.ts and, with the real tiers, by test/validate/tiers.test.ts.
 */
export const BASELINE_TIER: TierSpec = { ...enterprise, postgres: { ...enterprise.postgres, engine: 'statefulset', backup: undefined } };

/**
 * A tier's whole output as the gate sees it: every component's objects plus the first region's overlay, each with
 * the file the app would write it to.
 */
export function tierManifests(tier: TierSpec = BASELINE_TIER): Manifest[] {
  const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, { ...tier, loadBalancerRegions: tier.regions });
  const out: Manifest[] = [];
  for (const component of chart.components) {
    for (const object of component.toJson()) out.push({ file: `${tier.name}/${component.node.id}.yaml`, object: object as KubeObject });
  }
  const [region, regional] = [...chart.regionalComponents][0] ?? [];
  if (regional) for (const object of regional.toJson()) out.push({ file: `${tier.name}/regions/${region}/load-balancer-binding.yaml`, object: object as KubeObject });
  return out;
}

/** The object `Kind/name` among `manifests` (throws when absent). */
export function get(manifests: Manifest[], ref: string): Obj {
  const found = manifests.find((m) => `${m.object.kind}/${m.object.metadata?.name}` === ref);
  if (!found) throw new Error(`no ${ref} in the baseline`);
  return found.object as Obj;
}

/** The pod spec of a workload. */
export function pod(o: Obj): Obj {
  return o.spec.template.spec;
}

/** The first container of a workload. */
export function c0(o: Obj): Obj {
  return pod(o).containers[0];
}
