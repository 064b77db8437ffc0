import { ScalingRules } from '../lib/app';

/**
 * The application image of the built-in tiers: a placeholder that platform repos replace with their own
 * (`deriveTier(team, { app: { image: 'registry.example.com/shop:2.3.1' } })`).
 */
export const PLACEHOLDER_IMAGE = 'registry.example.com/app:1.0.0';

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
