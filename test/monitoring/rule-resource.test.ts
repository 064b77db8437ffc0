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
  const asConfigMap = synthTier(tier).objects;
  const asRule = synthTier(deriveTier(tier, { monitoring: { ruleResource: 'PrometheusRule' } })).objects;

  test('the built-in tier ships the plain rule file in the ConfigMap <tier>-rules, and no PrometheusRule', () => {
    expect(ofKind(asConfigMap, 'PrometheusRule')).toEqual([]);
    const cm = asConfigMap.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${tier.name}-rules`);
    expect(Object.keys(cm!.data)).toEqual(['rules.yaml']);
    expect((groupsOf(asConfigMap) as unknown[]).length).toBeGreaterThan(0);
  });

  test('ruleResource PrometheusRule ships the same groups in a PrometheusRule that passes the strict schema', () => {
    const [rule] = ofKind(asRule, 'PrometheusRule');
    expect(rule.metadata.name).toBe(`${tier.name}-rules`);
    expect(groupsOf(asRule)).toEqual(groupsOf(asConfigMap));
    expect(new SchemaRegistry().check({ file: 'monitoring.yaml', object: rule })).toEqual([]);
  });
});
