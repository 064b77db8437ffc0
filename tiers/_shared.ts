import { ScalingRules } from '../lib/app';
import type { TierApp, TierCapacityModel } from '../lib/tier';

/**
 * The application the built-in tiers run: a stand-in that platform repos replace with their own
 * (`deriveTier(team, { app: { image: 'registry.example.com/shop:2.3.1', env: { ... } } })`), real so that the synthesised
 * tiers deploy and pass their probes as they are. traefik/whoami (https://github.com/traefik/whoami, README "Paths" and
 * "Flags") answers `GET /health` with 200, the path of the app's probes and of the load balancers' health checks, and
 * listens on the port its `WHOAMI_PORT_NUMBER` variable names: 8080, `ScalableService`'s default container port. A
 * static Go binary, it runs as any non-root user on a read-only root file system, as `ScalableService` runs it.
 */
export const STAND_IN_APP: Pick<TierApp, 'image' | 'env'> = {
  image: 'docker.io/traefik/whoami:v1.11.0',
  env: { WHOAMI_PORT_NUMBER: '8080' },
};

/**
 * Scale-up of the team and department tiers: the larger of +100 % and +2 pods every 30 s [000].
 * Seed 000 also sets a 60 s scale-up stabilisation window; the HPA takes the minimum recommendation over that
 * window, so it cannot add a pod before 60 s have passed and the seed's own promise ("scale up in under 60 s",
 * [000] max_scale_up_time 60s) cannot be met. The tiers use a 0 s window (the Kubernetes default for scale-up).
 */
export const FAST_SCALE_UP: ScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 30 }, // [000]
    { type: 'Pods', value: 2, periodSeconds: 30 }, // [000]
  ],
};

/** Scale-down of the team and department tiers: at most -50 % a minute after a 300 s window [000]. */
export const GENTLE_SCALE_DOWN: ScalingRules = {
  stabilizationWindowSeconds: 300, // [000]
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }], // [000]
};

/**
 * The Prometheus that KEDA reads the queue depth from: the `prometheus-operated` Service the Prometheus Operator
 * (kube-prometheus-stack) creates in `monitoring`. A platform with another Prometheus overrides
 * `app.autoscaling.prometheus` (and its `authentication` when it needs credentials).
 */
export const IN_CLUSTER_PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';

/**
 * How every built-in tier is watched: its alert and recording rules ship as the Prometheus Operator's PrometheusRule
 * (what the operator loads: it builds rule files only from the PrometheusRules its `ruleSelector` matches), and the
 * rules and PodMonitors carry the label the Prometheus selects them by: `release: kube-prometheus-stack`, which
 * kube-prometheus-stack's Prometheus selects by default (`ruleSelectorNilUsesHelmValues`, `podMonitorSelectorNilUsesHelmValues`:
 * its Helm release's name; the chart is installed under that name, tiers/platform.ts). A Prometheus with another
 * selector overrides `monitoring.prometheus.resourceLabels`; `monitoring.ruleResource: 'ConfigMap'` ships the plain
 * rule file instead, for a Prometheus that loads rule files.
 */
export const TIER_MONITORING = {
  ruleResource: 'PrometheusRule',
  prometheus: { resourceLabels: { release: 'kube-prometheus-stack' } },
} as const;

/**
 * The load the built-in tiers are sized for and the rules they are sized by (the planner's inputs, as tier data; the
 * pod size is each tier's app requests and the CPU target its HPA's). Seed 001 is the one guide that measures a load
 * and the capacity that serves it on the same system (1000 requests/s from 50 concurrent users on a 4-core instance
 * at 70 % CPU), so the request rate and the throughput per core come from it together. Each tier's figures are
 * checked against it at the top of the tier's range (tiers/promises.ts, TIER_CAPACITY_PROMISES).
 */
export const SEED_LOAD_MODEL: TierCapacityModel = {
  concurrencyPercent: 15, // [001] "15% concurrency"
  requestsPerUserPerSecond: 20, // [001] baseline: requests_per_second 1000 for concurrent_users 50
  requestsPerCoreSecond: 1000 / (4 * 0.7), // [001] baseline: 1000 requests/s on cpu_cores 4 at cpu_usage_peak 70 %
  sparePodsPercent: 20, // [001] Buffer_Instances = max(1, Required_Instances x 0.2)
  zones: 3, // the pods spread over a region's three zones; losing one must leave enough (N+1 zones)
  cpuMemoryBufferPercent: 30, // [001] "30% buffer"
  queriesPerRequest: 1, // an assumption (the seeds give no figure): one query per request
  queryMs: 10, // [000] response_time p50 10ms: a query holds its connection that long
  clientPoolPerPod: 30, // [000] "Database Connections: 20 pool size + 10 overflow"
  cacheMiBPerUser: 8, // [003] maxmemory 8gb for the enterprise tier's 1000 concurrent users [002]
};
