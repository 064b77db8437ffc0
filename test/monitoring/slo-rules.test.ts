import { Problems } from '../../lib/core/problems';
import { AlertingRule, BURN_RATE_WINDOWS, MIN_AVAILABILITY_PERCENT, checkSloTargets, leMatcher, sloRuleGroups } from '../../lib/monitoring';

const props = { tier: 'enterprise', service: 'app', selector: { namespace: 'enterprise', job: 'app' }, sla: { availabilityPercent: 99.9, p95LatencyMs: 50, maxErrorRatePercent: 0.1 } };
const alerts = (groups = sloRuleGroups(props)) => groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);

describe('sloRuleGroups', () => {
  test('a page and a ticket alert per SLO figure', () => {
    expect(alerts().map((a) => `${a.alert}:${a.labels.severity}`)).toEqual([
      'SloAvailabilityBurnRatePage:page', 'SloAvailabilityBurnRateTicket:ticket',
      'SloLatencyBurnRatePage:page', 'SloLatencyBurnRateTicket:ticket',
      'SloErrorsBurnRatePage:page', 'SloErrorsBurnRateTicket:ticket',
    ]);
  });

  test('the workbook windows and factors, times the budget of 99.9 %', () => {
    const page = alerts().find((a) => a.alert === 'SloAvailabilityBurnRatePage')!;
    expect(page.expr).toBe(
      '(slo:sli_error:ratio_rate1h{tier="enterprise",service="app",slo="availability"} > 0.0144 and slo:sli_error:ratio_rate5m{tier="enterprise",service="app",slo="availability"} > 0.0144)'
      + ' or (slo:sli_error:ratio_rate6h{tier="enterprise",service="app",slo="availability"} > 0.006 and slo:sli_error:ratio_rate30m{tier="enterprise",service="app",slo="availability"} > 0.006)',
    );
    const ticket = alerts().find((a) => a.alert === 'SloAvailabilityBurnRateTicket')!;
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate1d{tier="enterprise",service="app",slo="availability"} > 0.003 and slo:sli_error:ratio_rate2h');
    expect(ticket.expr).toContain('slo:sli_error:ratio_rate3d{tier="enterprise",service="app",slo="availability"} > 0.001 and slo:sli_error:ratio_rate6h');
    expect(BURN_RATE_WINDOWS.map((w) => `${w.long}/${w.short}@${w.factor}`)).toEqual(['1h/5m@14.4', '6h/30m@6', '1d/2h@3', '3d/6h@1']);
  });

  test('availability 99.5 % moves the thresholds by the budget (5x)', () => {
    const page = alerts(sloRuleGroups({ ...props, sla: { ...props.sla, availabilityPercent: 99.5 } })).find((a) => a.alert === 'SloAvailabilityBurnRatePage')!;
    expect(page.expr).toContain('> 0.072 and');
    expect(page.expr).toContain('> 0.03 and');
  });

  test('latency: the fraction slower than the p95 bound, budget 5 %', () => {
    const rec = sloRuleGroups(props).find((g) => g.name === 'slo-latency')!.rules[0];
    expect(rec).toEqual({
      record: 'slo:sli_error:ratio_rate5m',
      expr: '1 - (sum(rate(http_request_duration_seconds_bucket{namespace="enterprise",job="app",le="0.05"}[5m])) / sum(rate(http_request_duration_seconds_bucket{namespace="enterprise",job="app",le="+Inf"}[5m])))',
      labels: { tier: 'enterprise', service: 'app', slo: 'latency' },
    });
    expect(alerts().find((a) => a.alert === 'SloLatencyBurnRatePage')!.expr).toContain('> 0.72 and');
  });

  test('errors count server errors and rate-limited requests; availability only server errors', () => {
    const first = (slo: string) => sloRuleGroups(props).find((g) => g.name === `slo-${slo}`)!.rules[0].expr;
    expect(first('errors')).toContain('code=~"5..|429"');
    expect(first('availability')).toContain('code=~"5.."}');
  });

  test('no error-rate SLO without maxErrorRatePercent', () => {
    const names = sloRuleGroups({ ...props, sla: { availabilityPercent: 99.9, p95LatencyMs: 300 } }).map((g) => g.name);
    expect(names.some((n) => n.includes('errors'))).toBe(false);
  });

  test('every alert has summary, description and a severity', () => {
    for (const a of alerts()) {
      expect(['page', 'ticket', 'info']).toContain(a.labels.severity);
      expect(a.annotations.summary.length).toBeGreaterThan(10);
      expect(a.annotations.description.length).toBeGreaterThan(10);
    }
  });

  test('leMatcher accepts both spellings of a whole number', () => {
    expect(leMatcher(0.3)).toBe('le="0.3"');
    expect(leMatcher(1)).toBe('le=~"1|1.0"');
  });
});

describe('checkSloTargets', () => {
  const check = (sla: Parameters<typeof checkSloTargets>[2]) => {
    const p = new Problems('t');
    checkSloTargets(p, 'sla', sla);
    return () => p.throwIfAny();
  };
  test('throws if the page burn rate is unreachable', () => {
    expect(MIN_AVAILABILITY_PERCENT).toBe(93.06);
    expect(check({ availabilityPercent: 90, p95LatencyMs: 300 })).toThrow(
      "[t] 'sla.availabilityPercent' must be a percentage from 93.06 (a lower objective's budget times the 14.4x page burn rate exceeds 100 %, so it could never page) to below 100, got: 90",
    );
  });
  test('throws if the latency bucket is above the p95 target', () => {
    expect(check({ availabilityPercent: 99.9, p95LatencyMs: 300, latencyBucketSeconds: 0.5 })).toThrow(
      "[t] 'sla.latencyBucketSeconds' must be a bucket bound above 0 and at most 'p95LatencyMs' / 1000 (0.3): a higher bound would count slow requests as fast, got: 0.5",
    );
  });
  test('throws if the error budget is too large to page', () => {
    expect(check({ availabilityPercent: 99.9, p95LatencyMs: 300, maxErrorRatePercent: 10 })).toThrow("'sla.maxErrorRatePercent' must be a percentage above 0 and at most 6.94");
  });
  test('accepts the tiers\' targets', () => {
    expect(check({ availabilityPercent: 99.9, p95LatencyMs: 50, maxErrorRatePercent: 0.1, latencyBucketSeconds: 0.05 })).not.toThrow();
  });
});
