import { Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { fieldAt } from '../core/checks';
import { isObjectName, objectNameAllowed } from '../core/names';
import type { SecretKeyRef } from '../core/secret-ref';
import type { NginxRateLimit } from '../nginx/nginx-conf';
import { LoadBalancerBinding } from './load-balancer-binding';
import { NginxLoadBalancer, NginxLoadBalancerProps } from '../nginx/nginx-load-balancer';
import { PostgresReplicated, PostgresReplicatedSizing, checkPostgresReplicatedSizing } from '../postgres';
import { PostgresBackupPolicy, PostgresCluster, PostgresClusterRecovery, checkPostgresBackupPolicy } from '../postgres/cnpg/postgres-cluster';
import { postgresClusterEnv, postgresClusterTopologyFor, type PostgresRegionRole } from '../postgres/cnpg/postgres-cluster-endpoints';
import { addRegionalComponent, regionalComponentsOf } from './regional-component';
import { DEFAULT_BACKUP_BUCKET_PREFIX, postgresBackupLocationFor } from '../cloud/postgres-backup-location';
import { RedisDeployment, RedisDeploymentProps } from '../redis/redis-deployment';
import { ScalableService, ScalableServiceProps } from '../app/scalable-service';
import { PrometheusAdapterRules } from '../app/prometheus-adapter';
import { synthesizeCharts } from './_synthesize-charts';
import type { KubeObject } from '../validate/manifest';
import { TierChartMonitoringProps, addTierMonitoring, tierNginxExporter, tierRedisExporter } from '../monitoring/tier-chart-monitoring';
import { DEFAULT_PROMETHEUS, type TierMonitoring } from '../monitoring/tier-monitoring';
import type { SloTargets } from '../monitoring/slo-rules';

/** The application service of a tier: the sizing part of {@link ScalableServiceProps}. */
export type TierAppProps = Pick<ScalableServiceProps, 'image' | 'resources' | 'replicas' | 'autoscaling' | 'verticalScaling' | 'validationExemptions'>;

/**
 * The nginx load balancer of a tier: the sizing part of {@link NginxLoadBalancerProps}, plus three tier-level
 * settings that `tierNginxLoadBalancerProps` turns into the load balancer's nginx.conf and NetworkPolicy props.
 */
export interface TierNginxProps extends Pick<NginxLoadBalancerProps, 'maxReplicas' | 'serviceType' | 'upstream'> {
  /** Fixed replicas, or the minimum when `maxReplicas` is larger (an HPA then owns the count). */
  readonly replicas: number;
  /** Keep each client's websocket on one app pod (consistent hash of the client address). */
  readonly websocketAffinity: boolean;
  /**
   * Address ranges of the load balancer in front (the regional ALB's VPC) whose X-Forwarded-For nginx trusts for
   * the real client IP.
   *
   * @default - none: the client is the connecting address
   */
  readonly trustedProxyCidrs?: string[];
  /**
   * Request rate limits.
   *
   * @default - none
   */
  readonly rateLimits?: {
    /** Requests per minute across all clients. */
    readonly globalPerMinute: number;
    /** Requests per minute per client address. */
    readonly perClientPerMinute: number;
    /** Requests allowed above the rate before refusing with 429. */
    readonly burst: number;
  };
}

/**
 * The props of a tier's {@link NginxLoadBalancer} (all but its backend): what {@link TierChart} builds, and what the
 * tier validation checks with `checkNginxLoadBalancerProps`.
 */
export function tierNginxLoadBalancerProps(n: TierNginxProps): Omit<NginxLoadBalancerProps, 'backend' | 'backendNamespace'> {
  const rateLimits: NginxRateLimit[] = n.rateLimits
    ? [
        { name: 'global', key: 'global', requests: n.rateLimits.globalPerMinute, per: 'minute', burst: n.rateLimits.burst },
        { name: 'per_client', key: 'client', requests: n.rateLimits.perClientPerMinute, per: 'minute', burst: n.rateLimits.burst },
      ]
    : [];
  return {
    replicas: n.replicas,
    maxReplicas: n.maxReplicas,
    serviceType: n.serviceType ?? 'LoadBalancer',
    upstream: n.upstream,
    config: {
      websocket: { path: '/ws', affinity: n.websocketAffinity ? 'client_hash' : 'none' },
      realIp: n.trustedProxyCidrs ? { trustedCidrs: n.trustedProxyCidrs } : undefined,
      rateLimits,
    },
    allowIngressFrom: n.trustedProxyCidrs ? n.trustedProxyCidrs.map((cidr) => ({ cidr })) : undefined,
  };
}

/**
 * The props of a tier's application {@link ScalableService}: what {@link TierChart} builds, and what the tier
 * validation checks with `checkScalableServiceProps` (so a rule that depends on the callers, such as scale-to-zero
 * being refused for a service that must answer, holds for the tier data too).
 */
export function tierScalableServiceProps(tierName: string, app: TierAppProps, nginx: boolean, postgresEndpoints = false): ScalableServiceProps {
  return {
    ...app,
    labels: { 'scaling-tiers.io/tier': tierName },
    // nginx re-resolves the headless Service to reach every live pod.
    headlessService: nginx,
    // Only nginx may call the app when there is one; otherwise any pod of the tier's namespace.
    allowIngressFrom: [{ podLabels: nginx ? { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'nginx' } : {} }],
    // Where the app finds its database in its region (written beside each PostgresCluster).
    envFromConfigMaps: postgresEndpoints ? [POSTGRES_ENDPOINTS_CONFIG_MAP] : undefined,
  };
}

/**
 * Redis for a tier: the sizing part of {@link RedisDeploymentProps}, every field stated (a tier's data spells out
 * each figure; `masters` is 1 outside cluster mode), plus Sentinel (replicated mode) and TLS when the tier has them.
 * Checked by `checkRedisDeploymentProps`.
 */
export type TierRedisProps = Required<Pick<RedisDeploymentProps, 'mode' | 'masters' | 'replicasPerMaster' | 'maxMemory' | 'use' | 'appendOnly'>>
  & Pick<RedisDeploymentProps, 'sentinel' | 'tls'>;

/** The engine that runs a tier's PostgreSQL. */
export type TierPostgresEngine = 'statefulset' | 'cloudnative-pg';

/** Backups of a tier's PostgreSQL (CloudNativePG only): the schedule, the retention and how far the archive may lag. */
export type TierPostgresBackup = PostgresBackupPolicy;

/** PostgreSQL for a tier: the sizing part of PostgresReplicatedProps (the chart supplies names, Secrets and peers), the engine and the backups. */
export type TierPostgresProps = PostgresReplicatedSizing & {
  /**
   * `statefulset`: {@link PostgresReplicated}, no operator, failover by hand. `cloudnative-pg`: {@link PostgresCluster},
   * automatic failover, backups and point-in-time recovery, replica clusters in the other regions (needs the
   * CloudNativePG operator 1.27+ and, for backups, its Barman Cloud plugin).
   *
   * @default 'statefulset'
   */
  readonly engine?: TierPostgresEngine;
  /**
   * Scheduled base backups and WAL archiving to the region's S3 bucket (`cloudnative-pg` only).
   *
   * @default - none
   */
  readonly backup?: TierPostgresBackup;
};

/**
 * Whether a tier runs one CloudNativePG cluster per region (in each region's overlay, one distributed topology fed
 * from the object store) rather than one in the base: the `cloudnative-pg` engine, backups, and several regions.
 */
export function runsPostgresPerRegion(tier: { readonly postgres?: TierPostgresProps; readonly regions?: ReadonlyArray<unknown> }): boolean {
  return tier.postgres?.engine === 'cloudnative-pg' && tier.postgres.backup !== undefined && (tier.regions?.length ?? 1) > 1;
}

/** The ConfigMap of the app's database endpoints in its region (`DATABASE_RW_ENDPOINT`, `DATABASE_RO_ENDPOINT`, `DATABASE_READ_ONLY`). */
export const POSTGRES_ENDPOINTS_CONFIG_MAP = 'postgres-endpoints';

/**
 * Records every problem of a tier's PostgreSQL: the sizing rules of the engines (stated once, in
 * `checkPostgresReplicatedSizing`), the engine choice, and the backup policy, which only CloudNativePG runs.
 */
export function checkTierPostgresProps(problems: Problems, path: string, pg: TierPostgresProps): void {
  checkPostgresReplicatedSizing(problems, path, pg);
  const engine = pg.engine ?? 'statefulset';
  if (engine !== 'statefulset' && engine !== 'cloudnative-pg') problems.add(fieldAt(path, 'engine'), engine, "'statefulset' or 'cloudnative-pg'");
  if (pg.backup !== undefined) {
    if (engine !== 'cloudnative-pg') {
      problems.add(fieldAt(path, 'backup'), pg.backup, `unset unless '${fieldAt(path, 'engine')}' is 'cloudnative-pg' (backups use CloudNativePG's Barman Cloud plugin)`);
    }
    checkPostgresBackupPolicy(problems, fieldAt(path, 'backup'), pg.backup);
  }
}

/**
 * Props of {@link TierChart}. A `TierSpec` from `tiers/` is assignable to it as it is.
 */
export interface TierChartProps {
  /** The tier's name (a DNS label): labels every object, and names the namespace unless `namespace` is set. */
  readonly name: string;
  /**
   * The namespace every object goes to. The chart creates it with the restricted Pod Security Standard enforced.
   *
   * @default - the tier's name
   */
  readonly namespace?: string;
  /**
   * The name of the application service.
   *
   * @default 'app'
   */
  readonly appName?: string;
  /** The application service's sizing. */
  readonly app: TierAppProps;
  /**
   * An nginx load balancer in front of the app.
   *
   * @default - none: clients in the namespace reach the app's Service directly
   */
  readonly nginx?: TierNginxProps;
  /**
   * The regions whose ALB (a `RegionalIngress` of the cloud app) sends traffic to this tier: each gets a
   * TargetGroupBinding, in an overlay of its own (`regions/<region>/`) since it only works in that region's cluster.
   *
   * @default - none: the tier has no cloud load balancer
   */
  readonly loadBalancerRegions?: ReadonlyArray<{ readonly name: string; readonly vpcCidr: string }>;
  /**
   * Redis for the app.
   *
   * @default - none
   */
  readonly redis?: TierRedisProps;
  /**
   * The Secret (created by the platform team, not by this chart) holding the Redis password.
   *
   * @default { secretName: 'redis-auth', key: 'password' }
   */
  readonly redisAuth?: SecretKeyRef;
  /**
   * PostgreSQL for the app.
   *
   * @default - none
   */
  readonly postgres?: TierPostgresProps;
  /**
   * The Secret (created by the platform team, not by this chart) holding the Postgres passwords under the keys
   * `replication-password`, `app-password` and `pooler-password`. With the `cloudnative-pg` engine the application
   * role's credentials are instead in `<postgresSecretName>-app`, a `kubernetes.io/basic-auth` Secret (keys
   * `username`: `app`, `password`), also created by the platform team.
   *
   * @default 'postgres-auth'
   */
  readonly postgresSecretName?: string;
  /**
   * The tier's regions (a `TierSpec`'s): with the `cloudnative-pg` engine and more than one region, each region's
   * cluster is a member of one distributed topology, primary in the `primary` region.
   *
   * @default - one region, `us-east-1`, primary
   */
  readonly regions?: ReadonlyArray<{ readonly name: string; readonly role: PostgresRegionRole }>;
  /**
   * The first part of the PostgreSQL backup buckets' names (`<prefix>-<tier>-pg-backups-<short region>`): the
   * same value the cloud app is given (context `backupBucketPrefix`), so both sides compute the same names with
   * `postgresBackupLocationFor`.
   *
   * @default 'scaling-tiers' - a placeholder (`DEFAULT_BACKUP_BUCKET_PREFIX`); S3 bucket names are global
   */
  readonly backupBucketPrefix?: string;
  /**
   * Point-in-time recovery (`cloudnative-pg` engine with backups): the Cluster bootstraps from the object store up to
   * `targetTime` instead of `initdb`. Only takes effect when the Cluster is created (delete the old one first: see
   * the README's restore runbook). Refused with more than one region: recover the primary cluster alone first.
   *
   * @default - a new, empty database
   */
  readonly postgresRecovery?: PostgresClusterRecovery;
  /**
   * The region whose PostgreSQL this chart renders (`cloudnative-pg` engine): the primary cluster in the primary
   * region, a replica cluster fed from the primary's backups in every other region.
   *
   * @default - the primary region
   */
  readonly postgresRegion?: string;
  /**
   * Service-level targets: the monitoring component adds SLO burn-rate alerts for them.
   *
   * @default - health alerts only
   */
  readonly sla?: SloTargets;
  /**
   * How the tier is watched: PodMonitors, a PrometheusRule and a Grafana dashboard (`monitoring.yaml`).
   *
   * @default - on, with the defaults of TierChartMonitoringProps
   */
  readonly monitoring?: TierChartMonitoringProps;
}

/** What {@link TierChart.synthesizeComponents} returns. */
export interface TierObjects {
  /** Per component, in apply order, its objects in dependency order. */
  readonly components: readonly { readonly chart: Chart; readonly objects: KubeObject[] }[];
  /** Per regional component (a region's TargetGroupBinding, its PostgreSQL cluster), the objects only that region's cluster applies. */
  readonly regional: readonly { readonly region: string; readonly chart: Chart; readonly objects: KubeObject[] }[];
}

/**
 * Everything one tier runs in Kubernetes. Each component is a child chart, so it synthesises to a file of its
 * own (`namespace.yaml`, `app.yaml`, ...) that {@link writeTierManifests} lists in a `Kustomization`.
 */
export class TierChart extends Chart {
  /** The tier's name. */
  public readonly tierName: string;
  /** The namespace of every object. */
  public readonly namespaceName: string;
  /** The component charts, in the order they are applied. */
  public readonly components: Chart[] = [];
  /** Per region, the charts applied only in that region's cluster (on top of `components`). */
  public readonly regionalComponents: Map<string, Chart> = new Map();
  /** The application service. */
  public readonly app: ScalableService;
  /** The nginx load balancer, when the tier has one. */
  public readonly nginx?: NginxLoadBalancer;
  /** Redis, when the tier has it. */
  public readonly redis?: RedisDeployment;
  /** PostgreSQL, when the tier has it and uses the `statefulset` engine. */
  public readonly postgres?: PostgresReplicated;
  /** PostgreSQL, when the tier has it and uses the `cloudnative-pg` engine. */
  public readonly postgresCluster?: PostgresCluster;
  /** The monitors, rules and dashboard, unless monitoring is disabled. */
  public readonly monitoring?: TierMonitoring;
  private readonly tierLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: TierChartProps) {
    const namespace = props.namespace ?? props.name;
    super(scope, id, { disableResourceNameHashes: true });
    const problems = new Problems(this.node.path);
    if (!isObjectName(props.name)) problems.add('name', props.name, objectNameAllowed());
    if (!isObjectName(namespace)) problems.add('namespace', namespace, objectNameAllowed());
    problems.throwIfAny();

    this.tierName = props.name;
    this.namespaceName = namespace;
    const labels = { 'scaling-tiers.io/tier': props.name, 'app.kubernetes.io/part-of': 'scaling-tiers' };

    this.tierLabels = labels;
    const ns = this.newComponent('namespace', false);
    new k8s.KubeNamespace(ns, 'Namespace', {
      metadata: {
        name: namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });

    const appName = props.appName ?? 'app';
    const nginxName = 'nginx';
    const appChart = this.addComponent('app');
    this.app = new ScalableService(appChart, appName, tierScalableServiceProps(props.name, props.app, props.nginx !== undefined, props.postgres?.engine === 'cloudnative-pg'));

    // The plain HPA reads a custom Pods metric through prometheus-adapter: ship the adapter's rule for it.
    const scaling = props.app.autoscaling;
    if (scaling?.podsMetric !== undefined && scaling.engine !== 'keda') {
      new PrometheusAdapterRules(this.addComponent('prometheus-adapter'), 'PrometheusAdapterRules', { metrics: [scaling.podsMetric] });
    }

    if (props.nginx) {
      this.nginx = new NginxLoadBalancer(this.addComponent('nginx'), nginxName, {
        ...tierNginxLoadBalancerProps(props.nginx),
        name: nginxName,
        backend: this.app,
        backendNamespace: namespace,
        exporter: tierNginxExporter(props.monitoring),
      });
    }

    if (props.redis) {
      this.redis = new RedisDeployment(this.addComponent('redis'), 'redis', {
        ...props.redis,
        namespace,
        auth: props.redisAuth ?? { secretName: 'redis-auth', key: 'password' },
        allowIngressFrom: [{ podLabels: this.app.selectorLabels }],
        exporter: tierRedisExporter(props.monitoring, props.redis.mode),
      });
    }

    if (props.postgres?.engine === 'cloudnative-pg') {
      this.postgresCluster = this.addPostgresClusters(props, props.postgres, namespace);
    } else if (props.postgres) {
      const { engine: _engine, backup: _backup, ...pg } = props.postgres;
      const secretName = props.postgresSecretName ?? 'postgres-auth';
      this.postgres = new PostgresReplicated(this.addComponent('postgres'), 'postgres', {
        ...pg,
        namespace,
        replicationPassword: { secretName, key: 'replication-password' },
        appPassword: { secretName, key: 'app-password' },
        poolerAuthPassword: pg.pooler ? { secretName, key: 'pooler-password' } : undefined,
        allowIngressFrom: [{ podLabels: this.app.selectorLabels }],
      });
    }

    if (props.monitoring?.enabled !== false) {
      this.monitoring = addTierMonitoring(this.addComponent('monitoring'), {
        tier: props.name, namespace, monitoring: props.monitoring, sla: props.sla, app: this.app, autoscaling: props.app.autoscaling,
        nginx: this.nginx, nginxAutoscaled: props.nginx !== undefined && (props.nginx.maxReplicas ?? props.nginx.replicas) > props.nginx.replicas, redis: this.redis, redisSettings: props.redis, postgres: props.postgres !== undefined,
        postgresCluster: this.postgresCluster ? { backupIntervalHours: props.postgres?.backup?.intervalHours } : undefined,
      });
    }

    const entry = this.nginx?.service ?? this.app;
    for (const region of props.loadBalancerRegions ?? []) {
      const chart = new Chart(this, `region-${region.name}`, { namespace, labels: this.tierLabels, disableResourceNameHashes: true });
      this.regionalComponents.set(region.name, chart);
      new LoadBalancerBinding(chart, 'LoadBalancerBinding', { tier: props.name, region: region.name, vpcCidr: region.vpcCidr, service: entry });
    }
  }

  /**
   * The tier's CloudNativePG clusters. One region: a cluster in the base. Several regions with backups: a cluster per
   * region, each in that region's overlay (`regions/<region>/postgres.yaml`), the primary region's the primary and
   * the others replica clusters of one distributed topology fed from the object store, so no region ever runs a
   * second primary. Beside each cluster, the ConfigMap of the app's database endpoints for that region.
   *
   * @returns the primary region's cluster
   */
  private addPostgresClusters(props: TierChartProps, pg: TierPostgresProps, namespace: string): PostgresCluster {
    const regions = props.regions ?? [{ name: 'us-east-1', role: 'primary' as const }];
    const primary = props.postgresRegion ?? regions.find((r) => r.role === 'primary')?.name ?? regions[0].name;
    if (!runsPostgresPerRegion(props) || props.postgresRegion !== undefined) {
      const role = regions.find((r) => r.name === primary)?.role ?? 'primary';
      return this.addPostgresCluster(this.addComponent('postgres'), props, pg, namespace, primary, role);
    }
    let primaryCluster: PostgresCluster | undefined;
    for (const r of regions) {
      const cluster = this.addPostgresCluster(addRegionalComponent(this, r.name, 'postgres'), props, pg, namespace, r.name, r.role);
      if (r.name === primary) primaryCluster = cluster;
    }
    return primaryCluster!;
  }

  private addPostgresCluster(scope: Chart, props: TierChartProps, pg: TierPostgresProps, namespace: string, region: string, role: PostgresRegionRole): PostgresCluster {
    const name = 'postgres';
    const regions = props.regions ?? [{ name: 'us-east-1', role: 'primary' as const }];
    const b = pg.backup;
    const location = b ? postgresBackupLocationFor({ tier: props.name, region, bucketPrefix: props.backupBucketPrefix ?? DEFAULT_BACKUP_BUCKET_PREFIX, clusterName: name, namespace }) : undefined;
    const cluster = new PostgresCluster(scope, name, {
      name,
      namespace,
      readReplicas: pg.readReplicas,
      synchronousReplicas: pg.synchronousReplicas,
      // Every instance is sized as the primary: CloudNativePG sizes instances alike, and any replica can be promoted.
      resources: pg.primaryResources,
      storage: pg.storage,
      storageClass: pg.storageClass,
      maxConnections: pg.maxConnections,
      pooler: pg.pooler,
      appSecretName: `${props.postgresSecretName ?? 'postgres-auth'}-app`,
      // Scraped by the tier's Prometheus (its selection labels and scrapers), unless monitoring is off.
      podMonitors: props.monitoring?.enabled !== false,
      podMonitorLabels: (props.monitoring?.prometheus ?? DEFAULT_PROMETHEUS).resourceLabels,
      metricsFrom: [(props.monitoring?.prometheus ?? DEFAULT_PROMETHEUS).scrapers ?? DEFAULT_PROMETHEUS.scrapers],
      allowIngressFrom: [{ podLabels: this.app.selectorLabels }],
      backup: b && location ? {
        destinationPath: location.destinationPath,
        region,
        intervalHours: b.intervalHours,
        retentionPolicy: b.retentionPolicy,
        archiveTimeoutSeconds: b.archiveTimeoutSeconds,
      } : undefined,
      recovery: props.postgresRecovery,
      // More than one region: one distributed topology, primary in the primary region (needs the object store).
      topology: b && regions.length > 1 ? postgresClusterTopologyFor(regions, region, name) : undefined,
    });
    new k8s.KubeConfigMap(scope, 'Endpoints', {
      metadata: { name: POSTGRES_ENDPOINTS_CONFIG_MAP },
      data: Object.fromEntries(postgresClusterEnv({
        readWritePoolerName: cluster.readWritePoolerName,
        readOnlyPoolerName: cluster.readOnlyPoolerName,
        namespace,
        regionRole: role,
      }).map((e) => [e.name, e.value])),
    });
    return cluster;
  }

  /**
   * Adds a component of the platform's own (a second service, a worker): a chart in the tier's namespace with the
   * tier's labels, written to `<name>.yaml` and listed in the Kustomization.
   *
   * @param name the component's name, a DNS label, unique in this tier
   */
  public addComponent(name: string): Chart {
    const problems = new Problems(this.node.path);
    if (!isObjectName(name)) problems.add('component name', name, objectNameAllowed());
    else if (this.components.some((c) => c.node.id === name)) problems.add('component name', name, 'a name not already used in this tier');
    problems.throwIfAny();
    return this.newComponent(name, true);
  }

  /**
   * The objects of every component and regional component, each list what the chart's `toJson()` returns, from one
   * synthesis: `toJson()` on each chart would prepare and validate the whole app once per chart.
   *
   * @throws Error listing, with their paths, the constructs of the app whose validations fail
   */
  public synthesizeComponents(): TierObjects {
    const regional = regionalComponentsOf(this);
    const json = synthesizeCharts([...this.components, ...regional.map((r) => r.chart)]) as KubeObject[][];
    return {
      components: this.components.map((chart, i) => ({ chart, objects: json[i] })),
      regional: regional.map(({ region, chart }, i) => ({ region, chart, objects: json[this.components.length + i] })),
    };
  }

  private newComponent(name: string, namespaced: boolean): Chart {
    const chart = new Chart(this, name, {
      namespace: namespaced ? this.namespaceName : undefined,
      labels: this.tierLabels,
      disableResourceNameHashes: true,
    });
    this.components.push(chart);
    return chart;
  }
}
