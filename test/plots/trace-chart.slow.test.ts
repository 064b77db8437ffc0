/**
 * The bin renders the trace and the planner chart as SVG: a slow suite (three node processes, each loading vega), run
 * by `npm run test:all`.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { TRACE_CHART_SIZE, TRACE_SERIES, scalingTrace, traceYMax } from '../../lib/plots';
import { enterprise } from '../../tiers';
import { TIER_PROMISES } from '../../tiers/promises';
import { XmlElement, allElements, parseXml } from '../_xml';

const root = path.join(__dirname, '../..');

type Run = { status: number | null; stdout: string; stderr: string };

/**
 * Runs the bin from source (vega is ESM with top-level await: jest cannot import it, a child node can). Async, so
 * that the runs of this file (about 1 s each, mostly loading vega) overlap.
 */
function bin(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './apps/_ts-register.js', 'tiers/cli.ts', ...args], { cwd: root });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

const hpa = enterprise.app.autoscaling!;
const trace = scalingTrace({ name: 'enterprise', hpa, shape: { kind: 'step', factor: 2 }, promise: TIER_PROMISES.enterprise });

describe('simulate renders SVG', () => {
  let r: Run;
  let again: Run;
  let planner: Run;
  let svg: string;
  beforeAll(async () => {
    [r, again, planner] = await Promise.all([bin('simulate', '--tier', 'enterprise', '--load', 'step:2x'), bin('simulate', '--tier', 'enterprise', '--load', 'step:2x'), bin('plan', '--chart', '--users', '600')]);
    svg = r.stdout;
  }, 60_000); // an async hook has jest's 5 s default timeout; three node processes on a busy machine can take longer

  test('exits 0 and the SVG parses as XML, at the fixed size', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = parseXml(svg);
    expect(doc.name).toBe('svg');
    expect(svg).toBe(again.stdout); // deterministic: a second run, in its own process, writes the same bytes
  });

  test('holds one line per series, and its points are the trace at chosen times', () => {
    const lines = allElements(parseXml(svg)).filter((e) => e.name === 'path' && e.attrs['aria-roledescription'] === 'line mark');
    expect(lines).toHaveLength(TRACE_SERIES.length);
    const [x0, x1] = trace.domain;
    const yMax = traceYMax(trace);
    const px = (t: number) => ((t - x0) / (x1 - x0)) * TRACE_CHART_SIZE.width;
    const py = (v: number) => TRACE_CHART_SIZE.height - (v / yMax) * TRACE_CHART_SIZE.height;
    for (const series of TRACE_SERIES) {
      const line = lines.find((l: XmlElement) => (l.attrs['aria-label'] ?? '').includes(series));
      expect(line).toBeDefined();
      const vertices = [...line!.attrs.d.matchAll(/[ML](-?[\d.e+-]+),(-?[\d.e+-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      for (const t of [-60, 0, 15, 45, 60, 120]) {
        const point = trace.series[series].find((p) => p.t === t);
        expect(point).toBeDefined();
        const hit = vertices.some(([x, y]) => Math.abs(x - px(t)) < 0.01 && Math.abs(y - py(point!.value)) < 0.01);
        if (!hit) throw new Error(`${series}: no vertex at t=${t} (${px(t)}, ${py(point!.value)}) for value ${point!.value}`);
      }
    }
  });

  test('marks the promise deadline', () => {
    expect(allElements(parseXml(svg)).some((e) => e.name === 'text' && e.text === 'scale-up promise: ready within 60 s')).toBe(true);
  });

  test('plan --chart renders the planner chart with the tier boundaries', () => {
    expect(planner.status).toBe(0);
    const texts = allElements(parseXml(planner.stdout)).filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['development ends', 'team ends', 'department ends', '600 users']));
  });
});
