import { App, Chart, Testing } from 'cdk8s';
import { TierChart } from '../lib';
import { LOAD_BALANCER_BINDING_COMPONENT, regionalComponentsOf } from '../lib/chart';
import { TierSpec } from '../tiers';

/** A Kubernetes object as synthesised. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [key: string]: any };

/** Synthesises one tier into its objects, component by component, like the app does. */
export function synthTier(tier: TierSpec): { chart: TierChart; objects: Manifest[] } {
  const app = new App({ outdir: '/dev/null' });
  const chart = new TierChart(app, tier.name, tier);
  const errors = chart.node.findAll().flatMap((c) => c.node.validate());
  if (errors.length > 0) throw new Error(errors.join('\n'));
  // What the tier folder applies: the base and the primary region's own components (its CloudNativePG cluster, its
  // TargetGroupBinding).
  const primary = tier.regions.find((r) => r.role === 'primary')?.name;
  const regional = regionalComponentsOf(chart).filter((c) => c.region === primary && c.name !== LOAD_BALANCER_BINDING_COMPONENT);
  return { chart, objects: [...chart.components, ...regional.map((c) => c.chart)].flatMap((c) => c.toJson()) as Manifest[] };
}

/** A chart for unit tests of one construct. */
export function testChart(): Chart {
  return new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
}

/** Synthesises a test chart. */
export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

/** The objects of one kind. */
export function ofKind(objects: Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind (fails the test if there is not exactly one). */
export function one(objects: Manifest[], kind: string): Manifest {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}, found ${found.length}`);
  return found[0];
}

/** Every pod template (Deployments, StatefulSets, Jobs) with the object that holds it. */
export function podTemplates(objects: Manifest[]): Array<{ owner: Manifest; spec: any; labels: Record<string, string> }> {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => ({ owner: o, spec: o.spec.template.spec, labels: o.spec.template.metadata?.labels ?? {} }));
}

/** The label the StatefulSet controller puts on each of its pods: `<statefulset>-<ordinal>`. */
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/**
 * True when `labels` (a pod template's, with the name of the workload that owns it) carries every pair of
 * `selector`. The StatefulSet controller's pod-name label is not in the template; it matches pods `<owner>-<n>`.
 */
export function matches(selector: Record<string, string> | undefined, labels: Record<string, string>, owner?: Manifest): boolean {
  if (selector === undefined) return false;
  return Object.entries(selector).every(([k, v]) => {
    if (k === POD_NAME_LABEL && owner?.kind === 'StatefulSet') {
      const ordinal = v.slice(owner.metadata.name.length + 1);
      return v.startsWith(`${owner.metadata.name}-`) && /^\d+$/.test(ordinal) && Number(ordinal) < (owner.spec.replicas ?? 1);
    }
    return labels[k] === v;
  });
}

/** The object of a kind with a name (fails the test if there is none). */
export function named(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}
