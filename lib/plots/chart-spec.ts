/**
 * Vega-Lite specs of the charts, as plain data. Why Vega-Lite: it is a maintained grammar of graphics whose
 * runtime (Vega) renders SVG in node without a browser or a canvas, so the README's charts are generated and
 * checked like the tier table. The specs fix every size and scale domain, so the SVG is the same on every run.
 */
import { ScalingTrace, TRACE_SERIES } from './scaling-trace';

/** A Vega-Lite spec (`vega-lite`'s TopLevelSpec, kept loose: its types are ESM-only). */
export type VegaLiteSpec = Record<string, unknown>;

/** The plot area of the trace charts, in pixels. */
export const TRACE_CHART_SIZE = { width: 640, height: 240 } as const;

/** Colours of the trace series, in {@link TRACE_SERIES} order. */
const SERIES_COLOURS = ['#e45756', '#4c78a8', '#54a24b'];

/** The upper end of the y axis: the largest value with 10 % room, rounded up to a whole pod. */
export function traceYMax(trace: ScalingTrace): number {
  const max = Math.max(1, ...TRACE_SERIES.flatMap((s) => trace.series[s].map((p) => p.value)));
  return Math.ceil(max * 1.1);
}

/**
 * The chart of a {@link ScalingTrace}: one step line per series (load, capacity, ready replicas) over time, a
 * dashed rule at each load change, a red rule at each promise deadline and a shaded band per schedule window.
 */
export function traceChartSpec(trace: ScalingTrace): VegaLiteSpec {
  const [x0, x1] = trace.domain;
  const yMax = traceYMax(trace);
  const points = TRACE_SERIES.flatMap((series) => trace.series[series].map((p) => ({ t: p.t, pods: round(p.value), series })));
  const x = { field: 't', type: 'quantitative', title: 'seconds from the load change', scale: { domain: [x0, x1], nice: false, zero: false } };
  const layers: unknown[] = [];
  if (trace.windows.length > 0) {
    layers.push({
      data: { values: trace.windows.map((w) => ({ t: Math.max(x0, w.from), t2: Math.min(x1, w.to), label: w.label })) },
      mark: { type: 'rect', color: '#eeeeee' },
      encoding: { x, x2: { field: 't2' } },
    });
    layers.push({
      data: { values: trace.windows.map((w) => ({ t: Math.max(x0, w.from), label: w.label })) },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, fontSize: 9, color: '#666666' },
      encoding: { x, y: { value: 0 }, text: { field: 'label' } },
    });
  }
  layers.push({
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, clip: false },
    encoding: {
      x,
      y: { field: 'pods', type: 'quantitative', title: 'pods', scale: { domain: [0, yMax], nice: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [...TRACE_SERIES], range: SERIES_COLOURS }, legend: { orient: 'bottom' } },
    },
  });
  const rules = (marks: readonly { t: number; label: string }[], color: string, dash: number[], labelY: number) => {
    const shown = marks.filter((m) => m.t >= x0 && m.t <= x1);
    if (shown.length === 0) return;
    layers.push({ data: { values: shown }, mark: { type: 'rule', color, strokeDash: dash }, encoding: { x } });
    layers.push({
      data: { values: shown },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, fontSize: 9, color },
      encoding: { x, y: { value: labelY }, text: { field: 'label' } },
    });
  };
  rules(trace.changes, '#888888', [4, 3], 2);
  rules(trace.deadlines, '#b22222', [1, 0], 14);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: trace.title, fontSize: 12, anchor: 'start' },
    width: TRACE_CHART_SIZE.width,
    height: TRACE_CHART_SIZE.height,
    background: 'white',
    config: { font: 'sans-serif' },
    layer: layers,
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
