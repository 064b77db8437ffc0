import { App } from 'cdk8s';
import { TierChart } from '../../lib';
import { regionalComponentsOf } from '../../lib/chart';
import { KubeObject, Manifest } from '../../lib/validate';
import { TierSpec, enterprise } from '../../tiers';

/** A synthesised object, loosely typed so tests can break any field. */
export type Obj = Record<string, any>;

/**
 * The enterprise tier with the operator-free PostgreSQL engine: the rule tests break fields of the StatefulSet
 * engine's pod templates, which CloudNativePG (the tier's engine) leaves to the operator. The CloudNativePG objects
 * are checked by test/postgres/postgres-cluster-crd.test.ts and, with the real tiers, by test/validate/tiers.test.ts.
 * Its rules ship as the operator's PrometheusRule, as every built-in tier's do (tiers/_shared.ts).
 */
export const BASELINE_TIER: TierSpec = {
  ...enterprise,
  postgres: { ...enterprise.postgres, engine: 'statefulset', backup: undefined },
  monitoring: { ...enterprise.monitoring, ruleResource: 'PrometheusRule' },
};

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
  // The primary region's overlay: its TargetGroupBinding and, where the tier runs a cluster per region, its Postgres.
  const primary = tier.regions.find((r) => r.role === 'primary')?.name ?? tier.regions[0].name;
  for (const c of regionalComponentsOf(chart).filter((r) => r.region === primary)) {
    for (const object of c.chart.toJson()) out.push({ file: `${tier.name}/regions/${c.region}/${c.name}.yaml`, object: object as KubeObject });
  }
  return out;
}

/** The object `Kind/name` among `manifests` (throws when absent). */
export function get(manifests: Manifest[], ref: string): Obj {
  const found = manifests.find((m) => `${String(m.object.kind)}/${m.object.metadata?.name}` === ref);
  if (!found) throw new Error(`no ${ref} in the baseline`);
  return found.object;
}

/** The pod spec of a workload. */
export function pod(o: Obj): Obj {
  return o.spec.template.spec;
}

/** The first container of a workload. */
export function c0(o: Obj): Obj {
  return pod(o).containers[0];
}
