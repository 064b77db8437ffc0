import { Construct } from 'constructs';
import type { ScalableService } from '../app/scalable-service';
import type { HorizontalScaling } from '../app/horizontal-scaling';
import type { NginxLoadBalancer } from '../nginx/nginx-load-balancer';
import type { RedisDeployment, RedisExporter } from '../redis/redis-deployment';
import type { HealthThresholds } from './health-rules';
import type { SloTargets } from './slo-rules';
import { DEFAULT_PROMETHEUS, PrometheusSelection, TierMonitoring } from './tier-monitoring';
import { NGINX_EXPORTER_PORT } from '../nginx/nginx-status';
import { hpaNameOf } from '../app/keda-scaling';

/** How a TierChart watches its tier (`TierChartProps.monitoring`, the tier data's `monitoring`). */
export interface TierChartMonitoringProps {
  /**
   * Set false to emit no monitors, rules or dashboard (a cluster without the Prometheus operator's CRDs).
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * How the rules are shipped: the operator's `PrometheusRule`, or a `ConfigMap` holding the plain rule file.
   *
   * @default 'PrometheusRule'
   * @see TierMonitoringProps.ruleResource
   */
  readonly ruleResource?: 'PrometheusRule' | 'ConfigMap';
  /**
   * The Prometheus that watches the tier.
   *
   * @default DEFAULT_PROMETHEUS
   */
  readonly prometheus?: PrometheusSelection;
  /**
   * The app container's metrics port name and path.
   *
   * @default { port: 'http', path: '/metrics' }
   */
  readonly appMetrics?: { readonly port?: string; readonly path?: string };
  /**
   * The app's request counter (with a `code` label) and latency histogram bucket series.
   *
   * @default { requests: 'http_requests_total', latencyBucket: 'http_request_duration_seconds_bucket' }
   */
  readonly appMetricNames?: { readonly requests?: string; readonly latencyBucket?: string };
  /**
   * A redis_exporter sidecar in every Redis pod, scraped by the Prometheus.
   *
   * @default - on unless Redis is standalone (the team tier and up)
   */
  readonly redisExporter?: boolean;
  /**
   * An nginx-prometheus-exporter sidecar in every nginx pod, scraped by the Prometheus.
   *
   * @default true
   */
  readonly nginxExporter?: boolean;
  /**
   * Hours between scheduled Postgres backups, for the backup-age alert (CloudNativePG engine only).
   *
   * @default - no backup-age alert
   */
  readonly backupIntervalHours?: number;
  /**
   * Thresholds of the health alerts.
   *
   * @default HEALTH_DEFAULTS
   */
  readonly thresholds?: HealthThresholds;
}

/** The redis_exporter sidecar a TierChart gives its Redis, or undefined. */
export function tierRedisExporter(monitoring: TierChartMonitoringProps | undefined, redisMode: string): RedisExporter | undefined {
  if (monitoring?.enabled === false) return undefined;
  if (!(monitoring?.redisExporter ?? redisMode !== 'standalone')) return undefined;
  return { allowScrapeFrom: [monitoring?.prometheus?.scrapers ?? DEFAULT_PROMETHEUS.scrapers] };
}

/** The nginx exporter a TierChart gives its NginxLoadBalancer, or undefined. */
export function tierNginxExporter(monitoring: TierChartMonitoringProps | undefined): { image?: string } | undefined {
  return monitoring?.enabled === false || monitoring?.nginxExporter === false ? undefined : {};
}

/** What a TierChart hands over: its props and the components it built. */
export interface TierChartParts {
  readonly tier: string;
  readonly namespace: string;
  readonly monitoring?: TierChartMonitoringProps;
  readonly sla?: SloTargets;
  readonly app: ScalableService;
  readonly autoscaling?: HorizontalScaling;
  readonly nginx?: NginxLoadBalancer;
  /** Whether nginx has an HPA (named like nginx). */
  readonly nginxAutoscaled?: boolean;
  readonly redis?: RedisDeployment;
  readonly redisSettings?: { readonly mode: string; readonly use: 'cache' | 'data' };
  readonly postgres: boolean;
  /**
   * The tier's CloudNativePG cluster, scraped by its own PodMonitor (the operator's exporter): its replication-lag,
   * WAL-archiving and backup-age alerts join the rule.
   *
   * @default - none
   */
  readonly postgresCluster?: { readonly backupIntervalHours?: number };
}

/** The tier's {@link TierMonitoring}, in `scope`, from the components a TierChart built; undefined when disabled. */
export function addTierMonitoring(scope: Construct, parts: TierChartParts): TierMonitoring | undefined {
  const m = parts.monitoring;
  if (m?.enabled === false) return undefined;
  const redisScraped = parts.redis !== undefined && parts.redisSettings !== undefined && tierRedisExporter(m, parts.redisSettings.mode) !== undefined;
  return new TierMonitoring(scope, 'monitoring', {
    tier: parts.tier,
    namespace: parts.namespace,
    prometheus: m?.prometheus,
    ruleResource: m?.ruleResource,
    sla: parts.sla,
    app: {
      selectorLabels: parts.app.selectorLabels,
      port: m?.appMetrics?.port ?? 'http',
      path: m?.appMetrics?.path,
      containerPort: parts.app.containerPort,
      hpaName: parts.autoscaling ? hpaNameOf(parts.app.name, parts.autoscaling.engine) : undefined,
      scalingMetric: parts.autoscaling?.podsMetric?.name,
      requestsMetric: m?.appMetricNames?.requests,
      latencyBucketMetric: m?.appMetricNames?.latencyBucket,
    },
    nginx: parts.nginx?.metricsPort
      ? { selectorLabels: parts.nginx.selectorLabels, port: parts.nginx.metricsPort, containerPort: NGINX_EXPORTER_PORT, hpaName: parts.nginxAutoscaled ? parts.nginx.service.name : undefined }
      : undefined,
    redis: redisScraped && parts.redis && parts.redisSettings
      ? { selectorLabels: parts.redis.selectorLabels, port: 'metrics', cluster: parts.redisSettings.mode === 'cluster', use: parts.redisSettings.use }
      : undefined,
    // CloudNativePG: its own PodMonitor scrapes the operator's exporter; the alerts join the rule. The StatefulSet
    // engine runs no postgres_exporter sidecar yet: no monitor, no Postgres alerts.
    postgres: parts.postgresCluster ? { engine: 'cloudnative-pg', backupIntervalHours: parts.postgresCluster.backupIntervalHours } : undefined,
    thresholds: m?.thresholds,
  });
}
