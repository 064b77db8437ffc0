import { renumberIds, scalingTrace, traceChartSpec } from '../../lib/plots';
import { simulateHpa } from '../../lib/sim';
import { enterprise } from '../../tiers';
import { TIER_PROMISES } from '../../tiers/promises';

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
