import { deriveTier, department, enterprise } from '../../tiers';

describe('the monitoring fields of the tier data', () => {
  test('a latency bucket above the p95 target is refused', () => {
    expect(() => deriveTier(department, { name: 'slow-bucket', sla: { latencyBucketSeconds: 0.5 } })).toThrow(
      "[tier slow-bucket] 'sla.latencyBucketSeconds' must be a bucket bound above 0 and at most 'p95LatencyMs' / 1000 (0.3): a higher bound would count slow requests as fast, got: 0.5",
    );
  });

  test('an availability target that could never page is refused', () => {
    expect(() => deriveTier(department, { name: 'lax', sla: { availabilityPercent: 90 } })).toThrow("[tier lax] 'sla.availabilityPercent' must be a percentage from 93.06");
  });

  test('...unless monitoring is off', () => {
    expect(deriveTier(department, { name: 'lax', sla: { availabilityPercent: 90 }, monitoring: { enabled: false } }).sla?.availabilityPercent).toBe(90);
  });

  test('thresholds are checked', () => {
    expect(() => deriveTier(enterprise, { name: 'e2', monitoring: { thresholds: { replicationLagFor: 'soon' } } })).toThrow(
      "[tier e2] 'monitoring.thresholds.replicationLagFor' must be a Prometheus duration such as '30s', '10m' or '1h', got: \"soon\"",
    );
  });

  test('a lower latency bucket is accepted (a stricter SLO)', () => {
    expect(deriveTier(enterprise, { name: 'e3', sla: { latencyBucketSeconds: 0.025 } }).sla?.latencyBucketSeconds).toBe(0.025);
  });
});
