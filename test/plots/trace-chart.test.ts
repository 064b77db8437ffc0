import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { TRACE_CHART_SIZE, TRACE_SERIES, renumberIds, scalingTrace, traceChartSpec, traceYMax } from '../../lib/plots';
import { simulateHpa } from '../../lib/sim';
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

describe('the trace as data', () => {
  test('matches simulateHpa run directly on the same load', () => {
    // GIVEN the same warm-up the trace uses: steady at 3 pods x 70 % until the step at 315 s (300 s window + a sync)
    const stepAt = 315;
    const sim = simulateHpa({ hpa, initialReplicas: 3, podStartupSeconds: 30, durationSeconds: stepAt + 300, loadSteps: [{ atSeconds: 0, demandPercent: 210 }, { atSeconds: stepAt, demandPercent: 420 }] });
    // THEN every sample of the simulation from 60 s before the step is a point of the trace
    for (const s of sim.timeline.filter((x) => x.t >= stepAt - 60)) {
      expect(trace.series['ready replicas']).toContainEqual({ t: s.t - stepAt, value: s.readyReplicas });
      expect(trace.series['capacity (replicas the HPA set)']).toContainEqual({ t: s.t - stepAt, value: s.replicas });
    }
    expect(trace.series['load (pods needed at the target)'].find((p) => p.t === -15)?.value).toBe(3);
    expect(trace.series['load (pods needed at the target)'].find((p) => p.t === 0)?.value).toBe(6);
  });

  test('marks the change and the promise deadline; a pulse adds the scale-down deadline', () => {
    expect(trace.changes).toEqual([{ t: 0, label: 'load x2' }]);
    expect(trace.deadlines).toEqual([{ t: 60, label: 'scale-up promise: ready within 60 s' }]);
    const pulse = scalingTrace({ name: 'team', hpa, shape: { kind: 'pulse', factor: 2, holdSeconds: 600 }, promise: TIER_PROMISES.team });
    expect(pulse.deadlines).toEqual([
      { t: 60, label: 'scale-up promise: ready within 60 s' },
      { t: 900, label: 'scale-down promise: first pod removed within 300 s' },
    ]);
  });

  test('schedule windows, when a trace has them, become shaded bands', () => {
    const spec = traceChartSpec({ ...trace, windows: [{ from: 100, to: 200, label: 'cron 02:00-06:00' }] }) as { layer: Array<{ mark: { type: string } }> };
    expect(spec.layer[0].mark.type).toBe('rect');
    expect((traceChartSpec(trace) as { layer: Array<{ mark: { type: string } }> }).layer.map((l) => l.mark.type)).not.toContain('rect');
  });

  test('ids are renumbered in document order', () => {
    expect(renumberIds('<clipPath id="clip7"/><g clip-path="url(#clip7)"/><clipPath id="clip9"/>')).toBe('<clipPath id="clip1"/><g clip-path="url(#clip1)"/><clipPath id="clip2"/>');
  });
});

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
