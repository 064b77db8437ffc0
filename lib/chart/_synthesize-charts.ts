import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import type { IConstruct } from 'constructs';

/**
 * `chart.toJson()` for several charts of one app, with the app prepared once instead of once per chart, and prepared
 * in time linear in the size of the app.
 *
 * cdk8s's `Chart.toJson()` first prepares the whole app (dependencies are an app-level matter): it infers the
 * dependencies between constructs (`resolveDependencies` in cdk8s's app.ts) and validates every construct, then lists
 * the chart's API objects in dependency order (`chartToKube`). A tier has a chart per component, so calling
 * `toJson()` on each prepared the app once per component; and cdk8s's preparation is itself quadratic in the number of
 * child charts: for the dependency of a parent chart on each child chart it walks the parent's whole subtree, asking
 * `Chart.of` of every construct, to find the parent's own API objects. With a thousand components that was most of
 * the synthesis. Here the app is prepared once, by {@link prepareApp}, which adds exactly the dependencies cdk8s's
 * preparation adds, in the same order, but finds a construct's own API objects once; then each chart's objects are
 * listed as cdk8s lists them after its preparation. `test/chart/synthesize-components.test.ts` checks that the result
 * is the objects, in the order, that `toJson()` gives for each chart, and `test/chart/synthesis-work.test.ts` that the
 * work grows linearly with the number of components.
 */
export function synthesizeCharts(charts: readonly Chart[]): unknown[][] {
  const [first] = charts;
  if (!first) return [];
  prepareApp(App.of(first));
  return charts.map(apiObjectsJson);
}

/** The chart's own API objects (not its child charts'), in dependency order, as JSON: cdk8s's `chartToKube`. */
function apiObjectsJson(chart: Chart): unknown[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((o): unknown => o.toJson());
}

/**
 * What cdk8s does to an app before it synthesises a chart (`App._synthChart`): `resolveDependencies`, then
 * `validate`, with the same dependencies added in the same order and the same error. Only the search for the API
 * objects on either side of a dependency differs: each construct's own objects are found once, not once per
 * dependency that names it.
 */
function prepareApp(app: IConstruct): void {
  const all = app.node.findAll();
  // A chart depends on its child charts.
  for (const parent of all) {
    if (!(parent instanceof Chart)) continue;
    for (const child of parent.node.children) if (child instanceof Chart) parent.node.addDependency(child);
  }
  // A dependency between constructs of two charts makes the first chart depend on the second.
  for (const { source, target } of dependencies(all)) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  // And each API object of the source (of its own chart) on each API object of the target (of its own chart).
  const own = new Map<IConstruct, IConstruct[]>();
  for (const { source, target } of dependencies(all)) {
    const targetApiObjects = ownApiObjects(target, own);
    const sourceApiObjects = ownApiObjects(source, own);
    for (const t of targetApiObjects) for (const s of sourceApiObjects) if (t !== s) s.node.addDependency(t);
  }
  const errors: string[] = [];
  for (const c of all) for (const error of c.node.validate()) errors.push(`[${c.node.path}] ${error}`);
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

/** Every dependency of every construct, as cdk8s's `buildDependencies` lists them. */
function dependencies(all: readonly IConstruct[]): { source: IConstruct; target: IConstruct }[] {
  const out: { source: IConstruct; target: IConstruct }[] = [];
  for (const source of all) for (const target of source.node.dependencies) out.push({ source, target });
  return out;
}

/**
 * The API objects of a construct's subtree whose closest chart is the construct's (`Chart.of`), in the order of
 * `node.findAll()`: the subtree without the subtrees of the charts below it. Memoised: a chart with a thousand child
 * charts is the target or source of a thousand dependencies.
 */
function ownApiObjects(c: IConstruct, memo: Map<IConstruct, IConstruct[]>): IConstruct[] {
  const known = memo.get(c);
  if (known) return known;
  const out: IConstruct[] = c instanceof ApiObject ? [c] : [];
  for (const child of c.node.children) {
    if (child instanceof Chart) continue;
    for (const o of ownApiObjects(child, memo)) out.push(o);
  }
  memo.set(c, out);
  return out;
}
