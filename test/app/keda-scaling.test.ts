import { Chart, Testing } from 'cdk8s';
import { CronExpressionParser } from 'cron-parser';
import { HorizontalScaling, ScalableService, ScalableServiceProps } from '../../lib';
import { checkScalableServiceProps, dailyCron, isTimezone } from '../../lib/app';
import { Problems } from '../../lib/core/problems';
import { validateManifests } from '../../lib/validate';
import { department } from '../../tiers';
import { propsErrorOf } from '../_props';
import { Manifest, ofKind, one, synth, synthTier } from '../_synth';

const BASE: ScalableServiceProps = {
  image: 'registry.example.com/web:1.2.3',
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
};

const KEDA: HorizontalScaling = {
  engine: 'keda',
  minReplicas: 2,
  maxReplicas: 10,
  cpuUtilization: 70,
  podsMetric: { name: 'task_queue_depth', averageValue: '10' },
  prometheus: { serverAddress: 'http://prometheus-operated.monitoring.svc:9090' },
  schedule: { timezone: 'Europe/Berlin', windows: [{ start: '22:00', end: '01:30', replicas: 4 }] },
  fallbackReplicas: 5,
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] },
  scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
};

function build(props: Partial<ScalableServiceProps> = {}, namespace: string | null = 'shop'): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true, namespace: namespace ?? undefined });
  new ScalableService(chart, 'web', { ...BASE, ...props });
  return synth(chart);
}

/** The problems `checkScalableServiceProps` records for these props, one message each (without the `[x] ` prefix). */
function problemsOf(autoscaling: HorizontalScaling, extra: Partial<ScalableServiceProps> = {}): string[] {
  const p = new Problems('x');
  checkScalableServiceProps(p, 'app', { ...BASE, autoscaling, ...extra });
  if (p.ok) return [];
  return propsErrorOf(() => p.throwIfAny()).split('\n').map((line) => line.replace(/^\[x\] /, ''));
}

describe('ScalableService with engine keda', () => {
  test('emits a ScaledObject (cpu, prometheus, cron triggers, bounds, behaviour, fallback) and no HPA', () => {
    // GIVEN / WHEN
    const objects = build({ autoscaling: KEDA, verticalScaling: { updateMode: 'Initial' } });

    // THEN
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'ScaledObject', 'VerticalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']);
    const so = one(objects, 'ScaledObject');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicaCount: 2,
      maxReplicaCount: 10,
      fallback: { failureThreshold: 3, replicas: 5 },
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max' }, scaleDown: { stabilizationWindowSeconds: 300 } } } },
    });
    expect(so.spec.triggers).toEqual([
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      {
        type: 'prometheus',
        name: 'queue-depth',
        metricType: 'AverageValue',
        metadata: {
          serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
          query: 'sum(task_queue_depth{namespace="shop",pod=~"web-[a-z0-9]+-[a-z0-9]+"})',
          threshold: '10',
        },
      },
      { type: 'cron', name: 'schedule-2200-0130', metadata: { timezone: 'Europe/Berlin', start: '0 22 * * *', end: '30 1 * * *', desiredReplicas: '4' } },
    ]);
    expect(one(objects, 'Deployment').spec.replicas).toBeUndefined();
    expect(objects).toMatchSnapshot();
  });

  test('the output passes the gate (strict KEDA schema, one autoscaler, replica range from the ScaledObject)', () => {
    const objects = build({ autoscaling: KEDA, allowIngressFrom: [{ podLabels: {} }] });
    expect(validateManifests(objects.map((object) => ({ file: 'web.yaml', object })))).toEqual([]);
  });

  test('the VPA stays off CPU with a CPU trigger, and says the ScaledObject is why', () => {
    const objects = build({ autoscaling: KEDA, verticalScaling: { updateMode: 'Recreate', controlledResources: ['cpu', 'memory'] } });
    const vpa = one(objects, 'VerticalPodAutoscaler');
    expect(vpa.spec.resourcePolicy.containerPolicies[0].controlledResources).toEqual(['memory']);
    expect(vpa.metadata.annotations?.['scaling-tiers.io/vpa-resolution']).toBe('the ScaledObject scales on cpu, so the VPA controls only memory');
  });

  test('a TriggerAuthentication from the user Secret when Prometheus needs a bearer token', () => {
    const objects = build({ autoscaling: { ...KEDA, prometheus: { serverAddress: 'https://prometheus.example.com', authentication: { mode: 'bearer', secretName: 'prometheus-token' } } } });
    const auth = one(objects, 'TriggerAuthentication');
    expect(auth.metadata.name).toBe('web-prometheus');
    expect(auth.metadata.annotations?.['validate.scaling-tiers.io/user-provided']).toBe('secret/prometheus-token');
    expect(auth.spec).toEqual({ secretTargetRef: [{ parameter: 'bearerToken', name: 'prometheus-token', key: 'bearerToken' }] });
    const trigger = one(objects, 'ScaledObject').spec.triggers[1];
    expect(trigger.authenticationRef).toEqual({ name: 'web-prometheus' });
    expect(trigger.metadata.authModes).toBe('bearer');
    expect(validateManifests(objects.map((object) => ({ file: 'web.yaml', object }))).filter((f) => f.rule === 'missing-reference' || f.rule === 'dangling-target')).toEqual([]);
  });

  test('basic auth reads username and password from the Secret', () => {
    const objects = build({ autoscaling: { ...KEDA, prometheus: { serverAddress: 'https://prometheus.example.com', authentication: { mode: 'basic', secretName: 'prom' } } } });
    expect(one(objects, 'TriggerAuthentication').spec.secretTargetRef.map((r: { parameter: string }) => r.parameter)).toEqual(['username', 'password']);
  });

  test('scale-to-zero for a queue worker nothing calls: minReplicaCount 0 and an activation threshold', () => {
    const objects = build({ autoscaling: { ...KEDA, minReplicas: 0, schedule: undefined, fallbackReplicas: undefined, podsMetric: { ...KEDA.podsMetric!, activationThreshold: '5' } } });
    const so = one(objects, 'ScaledObject');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.triggers[1].metadata.activationThreshold).toBe('5');
    expect(ofKind(objects, 'NetworkPolicy')[0].spec.ingress ?? []).toEqual([]);
  });

  test('throws if a service that must answer scales to zero', () => {
    const zero = { ...KEDA, minReplicas: 0, schedule: undefined, fallbackReplicas: undefined, podsMetric: { ...KEDA.podsMetric!, activationThreshold: '5' } };
    expect(propsErrorOf(() => build({ autoscaling: zero, allowIngressFrom: [{ podLabels: { app: 'nginx' } }] }))).toBe(
      "[test/web] 'autoscaling.minReplicas' must be at least 1 for a service that must answer ('allowIngressFrom', a LoadBalancer or a headless Service lets callers in): scale-to-zero is for queue workers nothing calls, got: 0",
    );
  });

  test('throws if the tier app (always called by nginx or its namespace) scales to zero', () => {
    const s = department.app.autoscaling!;
    expect(() => synthTier({ ...department, app: { ...department.app, autoscaling: { ...s, minReplicas: 0, schedule: undefined, podsMetric: { ...s.podsMetric!, activationThreshold: '1' } } } })).toThrow(
      "'autoscaling.minReplicas' must be at least 1 for a service that must answer",
    );
  });

  test('throws on a stabilisation window above 3600 s, saying what KEDA would do', () => {
    expect(problemsOf({ ...KEDA, scaleDown: { ...KEDA.scaleDown, stabilizationWindowSeconds: 3601 } })).toEqual([
      "'app.autoscaling.scaleDown.stabilizationWindowSeconds' must be an integer between 0 and 3600 (KEDA copies it into the HPA it creates, which the API refuses: no HPA, nothing scales), got: 3601",
    ]);
  });

  test('throws on bad schedules, with the field and what is allowed', () => {
    expect(problemsOf({ ...KEDA, schedule: { timezone: 'Mars/Olympus', windows: [{ start: '6:00', end: '25:00', replicas: 2 }, { start: '02:00', end: '02:00', replicas: 11 }] } })).toEqual([
      "'app.autoscaling.schedule.timezone' must be an IANA timezone such as \"America/New_York\" or \"UTC\", got: \"Mars/Olympus\"",
      "'app.autoscaling.schedule.windows[0].start' must be a 24-hour time \"HH:MM\", got: \"6:00\"",
      "'app.autoscaling.schedule.windows[0].end' must be a 24-hour time \"HH:MM\", got: \"25:00\"",
      "'app.autoscaling.schedule.windows[0].replicas' must be an integer above 'app.autoscaling.minReplicas' (2: a lower floor does nothing) and at most 'app.autoscaling.maxReplicas' (10), got: 2",
      "'app.autoscaling.schedule.windows[1].end' must be a time other than 'app.autoscaling.schedule.windows[1].start' (KEDA refuses a window that starts and ends at once), got: \"02:00\"",
      "'app.autoscaling.schedule.windows[1].replicas' must be an integer above 'app.autoscaling.minReplicas' (2: a lower floor does nothing) and at most 'app.autoscaling.maxReplicas' (10), got: 11",
    ]);
  });

  test('throws on KEDA settings with the hpa engine, and on a queue metric without its Prometheus', () => {
    expect(problemsOf({ ...KEDA, engine: 'hpa' })).toEqual([
      "'app.autoscaling.schedule' must be unset: KEDA serves it; set 'app.autoscaling.engine' to 'keda', got: \"set\"",
      "'app.autoscaling.prometheus' must be unset: KEDA serves it; set 'app.autoscaling.engine' to 'keda', got: \"set\"",
      "'app.autoscaling.fallbackReplicas' must be unset: KEDA serves it; set 'app.autoscaling.engine' to 'keda', got: \"set\"",
    ]);
    expect(problemsOf({ ...KEDA, prometheus: undefined, podsMetric: { name: 'q', averageValue: '500m' } })).toEqual([
      "'app.autoscaling.podsMetric.averageValue' must be a positive decimal such as \"10\" or \"2.5\" (KEDA reads the threshold as a number, not a Kubernetes quantity), got: \"500m\"",
      "'app.autoscaling.prometheus' must be the Prometheus KEDA reads the queue depth from ('serverAddress'), got: undefined",
    ]);
    expect(problemsOf({ ...KEDA, podsMetric: undefined, fallbackReplicas: 3 })).toEqual([
      "'app.autoscaling.prometheus' must be unset, or a 'app.autoscaling.podsMetric' for it to measure, got: \"set\"",
      "'app.autoscaling.fallbackReplicas' must be unset, or a 'app.autoscaling.podsMetric': KEDA's fallback covers a failing external metric (the queue depth), not cpu, memory or a schedule, got: 3",
    ]);
    expect(problemsOf({ ...KEDA, minReplicas: 0, schedule: undefined, fallbackReplicas: undefined })).toEqual([
      "'app.autoscaling.podsMetric.activationThreshold' must be a queue depth above which KEDA wakes the workload from zero (needed with 'app.autoscaling.minReplicas' 0), got: undefined",
    ]);
    expect(problemsOf({ ...KEDA, engine: 'hpa', schedule: undefined, prometheus: undefined, fallbackReplicas: undefined, minReplicas: 0 })).toEqual([
      "'app.autoscaling.minReplicas' must be an integer between 1 and 'app.autoscaling.maxReplicas' - 1 (9): an HPA with equal bounds cannot scale, got: 0",
    ]);
  });

  test('throws if the default queue query has no namespace to select', () => {
    expect(propsErrorOf(() => build({ autoscaling: KEDA }, null))).toBe(
      "[test/web] 'autoscaling.prometheus.query' must be a PromQL query: the default selects the pods' series in the chart's namespace, and this chart sets none, got: undefined",
    );
    expect(one(build({ autoscaling: { ...KEDA, prometheus: { ...KEDA.prometheus!, query: 'sum(q)' } } }, null), 'ScaledObject').spec.triggers[1].metadata.query).toBe('sum(q)');
  });
});

describe('isTimezone', () => {
  const acceptedByIntl = (name: string) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      return true;
    } catch {
      return false;
    }
  };

  test('the fast path (the canonical zones) accepts only zones the runtime formats', () => {
    const canonical = Intl.supportedValuesOf('timeZone');
    expect(canonical.length).toBeGreaterThan(300);
    for (const zone of canonical) {
      expect(isTimezone(zone)).toBe(true);
      expect(acceptedByIntl(zone)).toBe(true);
    }
  });

  test('names outside the canonical list: UTC and links are zones, typos and other strings are not', () => {
    for (const zone of ['UTC', 'Etc/UTC', 'US/Eastern', 'Asia/Calcutta']) expect(isTimezone(zone)).toBe(true);
    for (const bad of ['Mars/Olympus', 'America/New_Yrok', 'GMT+25', '', 'America/', '../etc/passwd', 42, undefined]) expect(isTimezone(bad)).toBe(false);
  });
});

describe('cron triggers', () => {
  /** The next `count` fire times of `expr` in `tz` after `from`, as local wall-clock strings. */
  function fires(expr: string, tz: string, from: string, count: number): string[] {
    const it = CronExpressionParser.parse(expr, { tz, currentDate: new Date(from) });
    return Array.from({ length: count }, () => it.next().toDate().toISOString());
  }

  test.each(['00:00', '06:00', '02:00', '23:59', '09:30'])('dailyCron(%s) fires daily at that wall-clock time', (hhmm) => {
    const [h, m] = hhmm.split(':').map(Number);
    const it = CronExpressionParser.parse(dailyCron(hhmm), { tz: 'UTC', currentDate: new Date('2026-03-01T12:00:00Z') });
    const next = it.next().toDate();
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([h, m]);
  });

  test("the department tier's every cron expression parses, and fires at the window's edges in America/New_York", () => {
    const so = one(synthTier(department).objects, 'ScaledObject');
    const crons = so.spec.triggers.filter((t: { type: string }) => t.type === 'cron');
    expect(crons).toHaveLength(department.app.autoscaling!.schedule!.windows.length);
    const [w] = crons;
    expect(w.metadata).toEqual({ timezone: 'America/New_York', start: '0 6 * * *', end: '0 2 * * *', desiredReplicas: '4' });
    // Summer (EDT, UTC-4) and winter (EST, UTC-5): the same wall clock, different instants.
    expect(fires(w.metadata.start, w.metadata.timezone, '2026-06-01T00:00:00Z', 2)).toEqual(['2026-06-01T10:00:00.000Z', '2026-06-02T10:00:00.000Z']);
    expect(fires(w.metadata.start, w.metadata.timezone, '2026-01-05T00:00:00Z', 1)).toEqual(['2026-01-05T11:00:00.000Z']);
  });

  test('a window crossing midnight: the end fires the next calendar day, after the start', () => {
    const so = one(synthTier(department).objects, 'ScaledObject');
    const { start, end, timezone } = so.spec.triggers.find((t: { type: string }) => t.type === 'cron').metadata;
    const opens = CronExpressionParser.parse(start, { tz: timezone, currentDate: new Date('2026-06-01T09:00:00Z') }).next().toDate();
    const closes = CronExpressionParser.parse(end, { tz: timezone, currentDate: opens }).next().toDate();
    expect(opens.toISOString()).toBe('2026-06-01T10:00:00.000Z'); // 06:00 EDT on 1 June
    expect(closes.toISOString()).toBe('2026-06-02T06:00:00.000Z'); // 02:00 EDT on 2 June
    expect((closes.getTime() - opens.getTime()) / 3_600_000).toBe(20);
  });

  test("KEDA's rule (active while the next end comes before the next start) agrees with the windows at 01:59, 02:00, 05:59, 06:00", () => {
    const { start, end } = { start: '0 6 * * *', end: '0 2 * * *' };
    const active = (local: string): boolean => {
      const now = new Date(local);
      const nextStart = CronExpressionParser.parse(start, { tz: 'America/New_York', currentDate: now }).next().getTime();
      const nextEnd = CronExpressionParser.parse(end, { tz: 'America/New_York', currentDate: now }).next().getTime();
      return nextEnd < nextStart;
    };
    expect(active('2026-06-02T01:59:00-04:00')).toBe(true);
    expect(active('2026-06-02T02:00:00-04:00')).toBe(false);
    expect(active('2026-06-02T05:59:00-04:00')).toBe(false);
    expect(active('2026-06-02T06:00:00-04:00')).toBe(true);
  });
});
