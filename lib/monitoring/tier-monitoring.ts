import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { Problems } from '../core/problems';
import { IngressPeer, checkIngressPeers, networkPolicyPeers } from '../core/ingress-peer';
import { tierDashboard } from './dashboard';
import { HealthThresholds, checkHealthThresholds, healthRuleGroups } from './health-rules';
import { RuleGroup } from './prometheus-rules';
import { SLO_DEFAULTS, SloTargets, checkSloTargets, sloRuleGroups } from './slo-rules';

/** The Prometheus that watches the tier: how it finds the monitors and rules, and where its pods run. */
export interface PrometheusSelection {
  /**
   * Labels on every PodMonitor and PrometheusRule, matching the Prometheus' `podMonitorSelector` and
   * `ruleSelector` (kube-prometheus-stack selects its Helm release label).
   *
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly resourceLabels?: Record<string, string>;
  /**
   * Who scrapes: the Prometheus pods, admitted to the metrics ports by the NetworkPolicies.
   *
   * @default { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } }
   */
  readonly scrapers?: IngressPeer;
}

/** The defaults of {@link PrometheusSelection}. */
export const DEFAULT_PROMETHEUS: Required<PrometheusSelection> = {
  resourceLabels: { release: 'kube-prometheus-stack' },
  scrapers: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};

/** The pod label whose value becomes the `job` label of every target (`jobLabel` of the PodMonitors). */
export const JOB_LABEL = 'app.kubernetes.io/name';

/** A scraped workload: its pods' labels and the container port name of its metrics. */
export interface ScrapeTarget {
  /** Labels that select the pods (they must include `app.kubernetes.io/name`, whose value is the `job`). */
  readonly selectorLabels: Record<string, string>;
  /** The container port's name. */
  readonly port: string;
  /**
   * The metrics path.
   *
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * The port's number: a NetworkPolicy admits the Prometheus pods to it.
   *
   * @default - no NetworkPolicy (the workload admits its scrapers itself, as RedisDeployment does)
   */
  readonly containerPort?: number;
}

/** Props of {@link TierMonitoring}. */
export interface TierMonitoringProps {
  /** The tier's name: the `tier` label of every series and alert. */
  readonly tier: string;
  /** The namespace of the watched workloads (and of these objects). */
  readonly namespace: string;
  /**
   * The Prometheus that watches the tier.
   *
   * @default DEFAULT_PROMETHEUS
   */
  readonly prometheus?: PrometheusSelection;
  /** The application service. */
  readonly app: ScrapeTarget & {
    /** The container port number, admitted to the Prometheus pods. */
    readonly containerPort: number;
    /**
     * The HPA's name.
     *
     * @default - no autoscaler alerts or panel
     */
    readonly hpaName?: string;
    /**
     * A custom metric the HPA scales on (alerted when absent).
     *
     * @default - none
     */
    readonly scalingMetric?: string;
    /**
     * The request counter, with a status-code label `code`.
     *
     * @default 'http_requests_total'
     */
    readonly requestsMetric?: string;
    /**
     * The latency histogram's bucket series.
     *
     * @default 'http_request_duration_seconds_bucket'
     */
    readonly latencyBucketMetric?: string;
  };
  /**
   * How the alert and recording rules are shipped. `PrometheusRule`: the Prometheus operator's resource, picked up by
   * the operator's `ruleSelector` (the `prometheus.resourceLabels`). `ConfigMap`: the same groups as a plain
   * Prometheus rule file (`rules.yaml`, JSON, which is YAML) in the ConfigMap `<tier>-rules`, for a Prometheus
   * that loads rule files (the prometheus-community chart's `serverFiles`, a sidecar), or for pipelines whose
   * schema validators cannot compile the PrometheusRule CRD (its `partial_response_strategy` pattern uses RE2's
   * `(?i)` flag, which JavaScript regular expressions reject).
   *
   * @default 'PrometheusRule'
   */
  readonly ruleResource?: 'PrometheusRule' | 'ConfigMap';
  /**
   * Service-level targets: adds the SLO recording rules, burn-rate alerts and dashboard panels.
   *
   * @default - health alerts only
   */
  readonly sla?: SloTargets;
  /**
   * nginx's exporter sidecar.
   *
   * @default - nginx is not scraped
   */
  readonly nginx?: ScrapeTarget & {
    /**
     * nginx's HPA.
     *
     * @default - none
     */
    readonly hpaName?: string;
  };
  /**
   * Redis. Its exporter sidecar (and the NetworkPolicy rule admitting the scrapers) belongs to RedisDeployment.
   *
   * @default - no Redis monitoring
   */
  readonly redis?: Partial<ScrapeTarget> & {
    /** Whether it is a Redis Cluster. */
    readonly cluster: boolean;
    /** `cache` or `data`. */
    readonly use: 'cache' | 'data';
  };
  /**
   * Postgres: its engine, the metrics port when an exporter runs, and the backup interval when it has backups.
   *
   * @default - no Postgres monitoring
   */
  readonly postgres?: Partial<ScrapeTarget> & {
    /** `statefulset` (postgres_exporter) or `cloudnative-pg` (the operator's exporter, scraped by its own PodMonitor). */
    readonly engine: 'statefulset' | 'cloudnative-pg';
    /**
     * Hours between scheduled backups.
     *
     * @default - no backup-age alert
     */
    readonly backupIntervalHours?: number;
  };
  /**
   * Thresholds of the health alerts.
   *
   * @default HEALTH_DEFAULTS
   */
  readonly thresholds?: HealthThresholds;
}

/**
 * Everything that watches one tier: a PodMonitor per scraped component, a NetworkPolicy admitting the Prometheus
 * pods to the app's port, one PrometheusRule (the SLO rules when the tier has an SLA, and the health alerts), and a
 * Grafana dashboard in a ConfigMap labelled `grafana_dashboard: "1"` for Grafana's dashboard sidecar.
 */
export class TierMonitoring extends Construct {
  /** The rule groups of the PrometheusRule, in order. */
  public readonly ruleGroups: readonly RuleGroup[];
  /** Metric names the rules read that the app exposes (not in the exporter catalog). */
  public readonly appMetrics: readonly string[];
  /** The PrometheusRule (or, with `ruleResource: 'ConfigMap'`, the ConfigMap of the rule file). */
  public readonly rule: ApiObject;
  /** The PodMonitors, by component. */
  public readonly monitors: Readonly<Record<string, ApiObject>>;

  constructor(scope: Construct, id: string, props: TierMonitoringProps) {
    super(scope, id);
    const prometheus = { ...DEFAULT_PROMETHEUS, ...props.prometheus };
    const p = new Problems(this.node.path);
    if (props.sla) checkSloTargets(p, 'sla', props.sla);
    checkHealthThresholds(p, 'thresholds', props.thresholds);
    checkIngressPeers(p, 'prometheus.scrapers', [prometheus.scrapers]);
    const targets: [string, Partial<ScrapeTarget> | undefined][] = [['app', props.app], ['nginx', props.nginx], ['redis', props.redis], ['postgres', props.postgres]];
    for (const [name, t] of targets) {
      if (t?.port !== undefined && typeof t.selectorLabels?.[JOB_LABEL] !== 'string') {
        p.add(`${name}.selectorLabels`, t.selectorLabels, `labels including '${JOB_LABEL}' (its value is the job label the rules select)`);
      }
    }
    if (props.postgres?.backupIntervalHours !== undefined && props.postgres.engine !== 'cloudnative-pg') {
      p.addMessage(`'postgres.backupIntervalHours' (${props.postgres.backupIntervalHours}) needs the 'cloudnative-pg' engine: the StatefulSet engine takes no scheduled backups`);
    }
    p.throwIfAny();

    const job = props.app.selectorLabels[JOB_LABEL];
    const requestsMetric = props.app.requestsMetric ?? SLO_DEFAULTS.requestsMetric;
    const latencyBucketMetric = props.app.latencyBucketMetric ?? SLO_DEFAULTS.latencyBucketMetric;
    const labels = { ...prometheus.resourceLabels, 'scaling-tiers.io/tier': props.tier };

    const monitors: Record<string, ApiObject> = {};
    for (const [name, t] of targets) {
      if (!t?.port || !t.selectorLabels) continue;
      monitors[name] = new ApiObject(this, `${name}-monitor`, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: `${props.tier}-${name}`, labels },
        spec: {
          jobLabel: JOB_LABEL,
          selector: { matchLabels: t.selectorLabels },
          podMetricsEndpoints: [{ port: t.port, path: t.path ?? '/metrics', interval: '30s' }],
        },
      });
    }
    this.monitors = monitors;

    // A workload's own NetworkPolicy admits only its clients; NetworkPolicies add up, so these admit the scrapers.
    for (const [name, t] of targets) {
      if (!t?.port || !t.selectorLabels || t.containerPort === undefined) continue;
      new k8s.KubeNetworkPolicy(this, name === 'app' ? 'scrape-policy' : `${name}-scrape-policy`, {
        metadata: { name: `${props.tier}-prometheus-to-${name}`, labels: { 'scaling-tiers.io/tier': props.tier } },
        spec: {
          podSelector: { matchLabels: t.selectorLabels },
          policyTypes: ['Ingress'],
          ingress: [{ from: networkPolicyPeers([prometheus.scrapers]), ports: [{ port: k8s.IntOrString.fromNumber(t.containerPort), protocol: 'TCP' }] }],
        },
      });
    }

    const groups: RuleGroup[] = [];
    if (props.sla) groups.push(...sloRuleGroups({ tier: props.tier, service: job, selector: { namespace: props.namespace, job }, sla: props.sla, requestsMetric, latencyBucketMetric }));
    groups.push(...healthRuleGroups({
      tier: props.tier,
      namespace: props.namespace,
      app: { job, hpaName: props.app.hpaName, scalingMetric: props.app.scalingMetric },
      nginx: props.nginx ? { hpaName: props.nginx.hpaName } : undefined,
      redis: props.redis?.port ? { cluster: props.redis.cluster, use: props.redis.use } : undefined,
      postgres: props.postgres && (props.postgres.port || props.postgres.engine === 'cloudnative-pg')
        ? { engine: props.postgres.engine, backupIntervalHours: props.postgres.backupIntervalHours }
        : undefined,
      thresholds: props.thresholds,
    }));
    this.ruleGroups = groups;
    this.appMetrics = [requestsMetric, latencyBucketMetric, ...(props.app.scalingMetric ? [props.app.scalingMetric] : [])];
    const plainGroups = groups.map((g): unknown => JSON.parse(JSON.stringify(g)));
    this.rule = props.ruleResource === 'ConfigMap'
      ? new k8s.KubeConfigMap(this, 'rules', {
        metadata: { name: `${props.tier}-rules`, labels },
        data: { 'rules.yaml': `${JSON.stringify({ groups: plainGroups }, undefined, 2)}\n` },
      })
      : new ApiObject(this, 'rules', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: `${props.tier}-rules`, labels },
        spec: { groups: plainGroups },
      });

    const dashboard = tierDashboard({
      tier: props.tier,
      namespace: props.namespace,
      app: { job, hpaName: props.app.hpaName, latencyBucketMetric },
      p95LatencyMs: props.sla?.p95LatencyMs,
      latencyBucketSeconds: props.sla?.latencyBucketSeconds,
      slo: props.sla !== undefined,
      redis: props.redis?.port !== undefined,
      postgres: props.postgres?.port || props.postgres?.engine === 'cloudnative-pg' ? props.postgres.engine : undefined,
    });
    new k8s.KubeConfigMap(this, 'dashboard', {
      metadata: { name: `${props.tier}-dashboard`, labels: { grafana_dashboard: '1', 'scaling-tiers.io/tier': props.tier } },
      data: { [`scaling-tiers-${props.tier}.json`]: JSON.stringify(dashboard, null, 2) },
    });
  }
}
