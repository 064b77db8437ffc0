import { ApiObject, App, Chart } from 'cdk8s';
import { TierChart } from '../../lib';
import { regionalComponentsOf } from '../../lib/chart';
import { runsPostgresPerRegion } from '../../lib/tier';
import { TIERS, TierSpec, hasCloudIngress } from '../../tiers';

/** A tier as the app builds it, with a platform component whose objects depend on objects of other components. */
function build(tier: TierSpec): TierChart {
  const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
  const platform = chart.addComponent('platform');
  const job = new ApiObject(platform, 'migrate', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'migrate' } });
  const first = new ApiObject(platform, 'first', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' } });
  // Written before `first`, applied after it: the order comes from the dependency, not the construct tree.
  job.node.addDependency(first);
  // A dependency on another component's construct, which cdk8s turns into a chart dependency.
  first.node.addDependency(chart.app);
  // A chart nested in a component: its objects are its own, not the component's (toJson() lists neither twice).
  new ApiObject(new Chart(platform, 'nested'), 'nested', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nested' } });
  return chart;
}

function perChart(chart: TierChart): { components: unknown[][]; regional: unknown[][] } {
  return {
    components: chart.components.map((c) => c.toJson()),
    regional: regionalComponentsOf(chart).map((c) => c.chart.toJson()),
  };
}

describe('TierChart.synthesizeComponents', () => {
  test.each(TIERS.map((t) => [t.name, t] as const))('%s: the same objects, in the same order, as toJson() on each chart', (_, tier) => {
    const once = build(tier).synthesizeComponents();
    const expected = perChart(build(tier));
    expect(once.components.map((c) => c.objects)).toEqual(expected.components);
    expect(once.regional.map((r) => r.objects)).toEqual(expected.regional);
    // Each region's TargetGroupBinding where an ALB serves the tier, then each region's PostgreSQL cluster where the tier runs one per region.
    expect(once.regional.map((r) => r.region)).toEqual([
      ...(hasCloudIngress(tier) ? tier.regions.map((r) => r.name) : []),
      ...(runsPostgresPerRegion(tier) ? tier.regions.map((r) => r.name) : []),
    ]);
    const platform = once.components.find((c) => c.chart.node.id === 'platform')!;
    expect(platform.objects.map((o) => o.metadata?.name)).toEqual(['first', 'migrate']);
  });

  test.each(TIERS.map((t) => [t.name, t] as const))('%s: the app ends with the dependencies cdk8s adds when it prepares it, in the same order', (_, tier) => {
    const ours = build(tier);
    ours.synthesizeComponents();
    const theirs = build(tier);
    theirs.components[0].toJson(); // cdk8s prepares the whole app: resolveDependencies, then validate
    const dependencyPaths = (chart: TierChart) => chart.node.findAll().map((c) => [c.node.path, c.node.dependencies.map((d) => d.node.path)]);
    const expected = dependencyPaths(theirs);
    expect(dependencyPaths(ours)).toEqual(expected);
    // Not vacuous: the chart depends on its components, and objects on objects of other components.
    expect(expected.find(([path]) => path === tier.name)?.[1]).toContain(`${tier.name}/platform`);
    expect(expected.find(([path]) => path === `${tier.name}/platform/first`)?.[1]).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${tier.name}/app/`))]));
  });

  test('a validation error of any construct of the app fails it, as toJson() does', () => {
    const chart = build(TIERS[0]);
    chart.components[chart.components.length - 1].node.addValidation({ validate: () => ['broken on purpose'] });
    expect(() => chart.synthesizeComponents()).toThrow(/broken on purpose/);
  });
});
