import { SchemaRegistry } from '../../lib/validate';
import { TIERS, deriveTier } from '../../tiers';
import { Manifest, ofKind, synthTier } from '../_synth';

/** The rule groups a tier ships, from whichever resource carries them. */
function groupsOf(objects: Manifest[]): unknown {
  const rule = ofKind(objects, 'PrometheusRule')[0];
  if (rule) return rule.spec.groups;
  const file = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['rules.yaml'] !== undefined);
  return JSON.parse(file!.data['rules.yaml']).groups;
}

describe.each(TIERS.map((t) => [t.name, t] as const))('tier %s: the rules as a ConfigMap or as a PrometheusRule', (_name, tier) => {
  const asRule = synthTier(tier).objects;
  const asConfigMap = synthTier(deriveTier(tier, { monitoring: { ruleResource: 'ConfigMap' } })).objects;

  test('the built-in tier ships a PrometheusRule labelled for the ruleSelector of kube-prometheus-stack, passing the strict schema', () => {
    const [rule] = ofKind(asRule, 'PrometheusRule');
    expect(rule.metadata.name).toBe(`${tier.name}-rules`);
    // kube-prometheus-stack's Prometheus selects rules by its Helm release's name (ruleSelectorNilUsesHelmValues).
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(asRule.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === `${tier.name}-rules`)).toEqual([]);
    expect((groupsOf(asRule) as unknown[]).length).toBeGreaterThan(0);
    expect(new SchemaRegistry().check({ file: 'monitoring.yaml', object: rule })).toEqual([]);
  });

  test("ruleResource 'ConfigMap' ships the same groups as the plain rule file in the ConfigMap <tier>-rules", () => {
    expect(ofKind(asConfigMap, 'PrometheusRule')).toEqual([]);
    const cm = asConfigMap.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${tier.name}-rules`);
    expect(Object.keys(cm!.data)).toEqual(['rules.yaml']);
    expect(groupsOf(asConfigMap)).toEqual(groupsOf(asRule));
  });
});
