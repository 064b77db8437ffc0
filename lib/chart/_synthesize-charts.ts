import { ApiObject, Chart, DependencyGraph } from 'cdk8s';

/**
 * `chart.toJson()` for several charts of one app, with the app prepared once instead of once per chart.
 *
 * cdk8s's `Chart.toJson()` first infers the dependencies between constructs and validates every construct, on the
 * whole app (dependencies are an app-level matter), then lists the chart's API objects in dependency order. A tier
 * has a chart per component, so calling `toJson()` on each walks the app once per component. Here the first chart's
 * `toJson()` prepares the app, and the others only list their objects, as cdk8s does after its preparation
 * (`chartToKube` in cdk8s's app.ts). `test/chart/synthesize-components.test.ts` checks that the result is the objects,
 * in the order, that `toJson()` gives for each chart.
 */
export function synthesizeCharts(charts: readonly Chart[]): unknown[][] {
  const [first, ...rest] = charts;
  if (!first) return [];
  return [first.toJson(), ...rest.map(apiObjectsJson)];
}

/** The chart's own API objects (not its child charts'), in dependency order, as JSON. */
function apiObjectsJson(chart: Chart): unknown[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((o): unknown => o.toJson());
}
