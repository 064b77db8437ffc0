import fc from 'fast-check';
import { KubeObject, Manifest, kindOf, nameOf, objectAt } from '../../lib/validate/manifest';
import { GateContext } from '../../lib/validate/_context';
import { LabelSelector, Workload, selects } from '../../lib/validate/_workloads';

/**
 * The gate's indexed lookups (lib/validate/_context.ts) answer exactly what scanning every object answered, in the
 * same order: random outputs of workloads, Services, NetworkPolicies, PodDisruptionBudgets and autoscalers with labels
 * and selectors drawn from a small alphabet (so that they often match), in a few namespaces (and none), with
 * expressions, empty selectors, a StatefulSet's controller labels and ill-typed values. The scans below are the
 * lookups as they were before the index.
 */
const scan = {
  selected: (ctx: GateContext, ns: string | undefined, selector: LabelSelector | undefined, emptyMatchesAll: boolean): Workload[] =>
    ctx.workloads.filter((w) => w.namespace === ns && selects(selector, w.labels, emptyMatchesAll, w.controllerLabel)),
  selecting: (ctx: GateContext, w: Workload, kind: string, field: string, emptyMatchesAll: boolean): Manifest[] =>
    ctx.ofKind(kind).filter((m) => m.object.metadata?.namespace === w.namespace && selects(objectAt(objectAt(m.object, 'spec'), field) as LabelSelector | undefined, w.labels, emptyMatchesAll, w.controllerLabel)),
  autoscalersOf: (ctx: GateContext, w: Workload): Manifest[] =>
    [...ctx.ofKind('HorizontalPodAutoscaler'), ...ctx.ofKind('ScaledObject')].filter((a) => {
      const ref = objectAt(objectAt(a.object, 'spec'), 'scaleTargetRef');
      const refKind = ref?.kind ?? (kindOf(a.object) === 'ScaledObject' ? 'Deployment' : undefined);
      return a.object.metadata?.namespace === w.namespace && refKind === kindOf(w.manifest.object) && ref?.name === nameOf(w.manifest.object);
    }),
  selectedObjects: (ctx: GateContext, kind: string, ns: string | undefined, selector: LabelSelector | undefined): Manifest[] =>
    ctx.ofKind(kind).filter((m) => m.object.metadata?.namespace === ns && selects(selector, m.object.metadata?.labels ?? {}, false)),
};

const namespace = fc.constantFrom<string | undefined>('a', 'b', undefined);
const labelKey = fc.constantFrom('app', 'tier', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index');
const labelValue = fc.constantFrom('x', 'y', 'web-0', '0');
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
const name = fc.constantFrom('web', 'api');
const expression = fc.record({
  key: labelKey,
  operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
  values: fc.option(fc.array(labelValue, { maxLength: 2 }), { nil: undefined }),
}, { requiredKeys: ['key', 'operator'] });
const selector: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 'app', ['app'], { matchLabels: 'app' }, { matchLabels: ['x'] }) },
);
const metadata = fc.record({ name, namespace, labels }, { requiredKeys: ['name'] });

const workload: fc.Arbitrary<KubeObject> = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet'),
  metadata,
  spec: fc.record({ template: fc.record({ metadata: fc.record({ labels: fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 }) }), spec: fc.constant({ containers: [] }) }) }),
});
const selecting: fc.Arbitrary<KubeObject> = fc.oneof(
  fc.record({ apiVersion: fc.constant('networking.k8s.io/v1'), kind: fc.constant('NetworkPolicy'), metadata, spec: fc.record({ podSelector: selector }) }),
  fc.record({ apiVersion: fc.constant('policy/v1'), kind: fc.constant('PodDisruptionBudget'), metadata, spec: fc.record({ selector }) }),
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Service'), metadata, spec: fc.record({ selector: labels }) }),
);
const autoscaler: fc.Arbitrary<KubeObject> = fc.record({
  apiVersion: fc.constantFrom('autoscaling/v2', 'keda.sh/v1alpha1'),
  kind: fc.constantFrom('HorizontalPodAutoscaler', 'ScaledObject'),
  metadata,
  spec: fc.record({ scaleTargetRef: fc.record({ kind: fc.constantFrom('Deployment', 'StatefulSet', 3), name: fc.oneof(name, fc.constant(7)) }, { requiredKeys: [] }) }, { requiredKeys: [] }),
});
// The second object listed again at the end: the same object twice in a run is answered twice, in its two places.
const output = fc
  .array(fc.oneof(workload, selecting, autoscaler), { minLength: 5, maxLength: 30 })
  .map((objects) => objects.map((object, i): Manifest => ({ file: `f${i % 3}.yaml`, object })))
  .map((manifests) => [...manifests, manifests[1]]);

describe('GateContext lookups', () => {
  test('answer what a scan of every object answers, in the same order', () => {
    fc.assert(
      fc.property(output, fc.array(fc.tuple(namespace, selector, fc.boolean()), { maxLength: 5 }), (manifests, queries) => {
        const ctx = new GateContext(manifests);
        for (const w of ctx.workloads) {
          for (const [kind, field] of [['NetworkPolicy', 'podSelector'], ['PodDisruptionBudget', 'selector']]) {
            for (const all of [true, false]) expect(ctx.selecting(w, kind, field, all)).toEqual(scan.selecting(ctx, w, kind, field, all));
          }
          expect(ctx.autoscalersOf(w)).toEqual(scan.autoscalersOf(ctx, w));
        }
        for (const m of ctx.ofKind('Service')) {
          const sel = { matchLabels: objectAt(m.object, 'spec')?.selector as Record<string, string> };
          expect(ctx.selected(m.object.metadata?.namespace, sel, false)).toEqual(scan.selected(ctx, m.object.metadata?.namespace, sel, false));
        }
        for (const [ns, sel, all] of queries) {
          expect(ctx.selected(ns, sel as LabelSelector, all)).toEqual(scan.selected(ctx, ns, sel as LabelSelector, all));
          expect(ctx.selectedObjects('Service', ns, sel as LabelSelector, false)).toEqual(scan.selectedObjects(ctx, 'Service', ns, sel as LabelSelector));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the scans are not vacuous: random outputs have matches and misses', () => {
    const matches = fc.sample(output, 200).map((manifests) => {
      const ctx = new GateContext(manifests);
      return ctx.workloads.reduce((n, w) => n + ctx.selecting(w, 'NetworkPolicy', 'podSelector', false).length + ctx.autoscalersOf(w).length, 0);
    });
    expect(matches.filter((n) => n > 0).length).toBeGreaterThan(20);
    expect(matches.filter((n) => n === 0).length).toBeGreaterThan(0);
  });
});
