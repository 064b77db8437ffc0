/**
 * Renders a Vega-Lite spec to SVG in node: vega-lite compiles it to Vega, Vega's headless View renders it with
 * its SVG string renderer (no browser, no canvas: text widths are estimated, so the output is the same on every
 * machine). vega and vega-lite are ES modules with top-level await, loaded with a dynamic `import()` on first use:
 * requiring the library never loads them.
 */
import { VegaLiteSpec } from './chart-spec';

/**
 * The SVG of `spec`. Element ids (clip paths, gradients) are renumbered from 1 in document order, so the text does
 * not depend on what was rendered before in the same process.
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return `${renumberIds(svg)}\n`;
}

/** Renumbers `id="name<n>"` and the `url(#name<n>)` references to them in order of appearance. */
export function renumberIds(svg: string): string {
  const map = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const m of svg.matchAll(/\bid="([A-Za-z_-]+?)(\d+)"/g)) {
    const old = `${m[1]}${m[2]}`;
    if (map.has(old)) continue;
    const n = (counters.get(m[1]) ?? 0) + 1;
    counters.set(m[1], n);
    map.set(old, `${m[1]}${n}`);
  }
  if (map.size === 0) return svg;
  return svg.replace(/\bid="([A-Za-z_-]+?\d+)"|url\(#([A-Za-z_-]+?\d+)\)/g, (_all, id?: string, ref?: string) => {
    if (id !== undefined) return `id="${map.get(id) ?? id}"`;
    return `url(#${map.get(ref as string) ?? ref})`;
  });
}
