import { Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { isObjectName, objectNameAllowed } from '../core/names';
import type { SecretKeyRef } from '../core/secret-ref';
import { LoadBalancerBinding } from './load-balancer-binding';
import { NginxLoadBalancer } from '../nginx/nginx-load-balancer';
import { PostgresReplicated } from '../postgres/statefulset/postgres-replicated';
import { PostgresCluster, type PostgresClusterRecovery } from '../postgres/cnpg/postgres-cluster';
import { postgresClusterEnv } from '../postgres/cnpg/postgres-cluster-endpoints';
import { addRegionalComponent, regionalComponentsOf } from './regional-component';
import { DEFAULT_BACKUP_BUCKET_PREFIX } from '../cloud/postgres-backup-location';
import { RedisDeployment } from '../redis/redis-deployment';
import { redisClientWiring } from '../redis/redis-client';
import { ScalableService } from '../app/scalable-service';
import { PrometheusAdapterRules } from '../app/prometheus-adapter';
import { synthesizeCharts } from './_synthesize-charts';
import type { KubeObject } from '../validate/manifest';
import { TierChartMonitoringProps, addTierMonitoring, tierNginxExporter, tierRedisExporter } from '../monitoring/tier-chart-monitoring';
import type { TierMonitoring } from '../monitoring/tier-monitoring';
import type { SloTargets } from '../monitoring/slo-rules';
import type { TierApp, TierNginx, TierPostgres, TierRedis, TierRegion } from '../tier/tier-spec';
import { tierScalableServiceProps } from '../tier/tier-app';
import { tierNginxAutoscaled, tierNginxLoadBalancerProps } from '../tier/tier-nginx';
import {
  POSTGRES_ENDPOINTS_CONFIG_MAP, TIER_POSTGRES_NAME, runsPostgresPerRegion, tierPostgresPrimaryRegion, tierPostgresClusterProps, tierPostgresReplicatedProps,
  type TierPostgresClusterPlacement, type TierPostgresPlacement,
} from '../tier/tier-postgres';

/**
 * Props of {@link TierChart}. The tier's parts are typed by the tier model (lib/tier), so a `TierSpec` is assignable
 * to it as it is; the other props say where the chart puts the tier (namespace, Secrets, regions, backups).
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
  readonly app: TierApp;
  /**
   * An nginx load balancer in front of the app.
   *
   * @default - none: clients in the namespace reach the app's Service directly
   */
  readonly nginx?: TierNginx;
  /**
   * The regions whose ALB (a `RegionalIngress` of the cloud app) sends traffic to this tier: each gets a
   * TargetGroupBinding, in an overlay of its own (`regions/<region>/`) since it only works in that region's cluster.
   *
   * @default - none: the tier has no cloud load balancer
   */
  readonly loadBalancerRegions?: ReadonlyArray<Pick<TierRegion, 'name' | 'vpcCidr'>>;
  /**
   * Redis for the app.
   *
   * @default - none
   */
  readonly redis?: TierRedis;
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
  readonly postgres?: TierPostgres;
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
  readonly regions?: ReadonlyArray<Pick<TierRegion, 'name' | 'role'>>;
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
   * lib/postgres/README.md, the runbooks). With several regions only the primary region's Cluster recovers, from
   * `sourceServerName` (required: e.g. `postgres-us-east-1`) into its next generation's folder (raise
   * `postgres.generations` of every region); the replica clusters re-clone from it.
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
  /** The components' ids, so that adding the thousandth component does not compare its name with every other. */
  private readonly componentIds = new Set<string>();

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
    const redisName = 'redis';
    const redisAuth = props.redisAuth ?? { secretName: 'redis-auth', key: 'password' };
    // The app reaches Redis with its settings, the password and, with TLS, a client certificate of its own.
    const redisClient = props.redis ? redisClientWiring({ name: redisName, client: appName, auth: redisAuth, tls: props.redis.tls !== undefined }) : undefined;
    this.app = new ScalableService(appChart, appName, tierScalableServiceProps(props.name, props.app, props.nginx !== undefined, props.postgres?.engine === 'cloudnative-pg', redisClient));
    // Only the app's pods reach its state.
    const appPeers = () => [{ podLabels: this.app.selectorLabels }];

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
      this.redis = new RedisDeployment(this.addComponent('redis'), redisName, {
        ...props.redis,
        name: redisName,
        namespace,
        auth: redisAuth,
        tls: props.redis.tls && { ...props.redis.tls, clients: [...(props.redis.tls.clients ?? []), appName] },
        allowIngressFrom: appPeers(),
        exporter: tierRedisExporter(props.monitoring, props.redis.mode),
      });
    }

    const secretName = props.postgresSecretName ?? 'postgres-auth';
    if (props.postgres?.engine === 'cloudnative-pg') {
      this.postgresCluster = this.addPostgresClusters(props, props.postgres, { namespace, secretName, allowIngressFrom: appPeers() });
    } else if (props.postgres) {
      this.postgres = new PostgresReplicated(this.addComponent('postgres'), 'postgres', tierPostgresReplicatedProps(props.postgres, { namespace, secretName, allowIngressFrom: appPeers() }));
    }

    if (props.monitoring?.enabled !== false) {
      this.monitoring = addTierMonitoring(this.addComponent('monitoring'), {
        tier: props.name, namespace, monitoring: props.monitoring, sla: props.sla, app: this.app, autoscaling: props.app.autoscaling,
        nginx: this.nginx, nginxAutoscaled: props.nginx !== undefined && tierNginxAutoscaled(props.nginx), redis: this.redis, redisSettings: props.redis, postgres: props.postgres !== undefined,
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
  private addPostgresClusters(props: TierChartProps, pg: TierPostgres, at: TierPostgresPlacement): PostgresCluster {
    const regions = props.regions ?? [{ name: 'us-east-1', role: 'primary' as const }];
    const primary = props.postgresRegion ?? tierPostgresPrimaryRegion(pg, regions);
    const placement = (region: string): TierPostgresClusterPlacement => ({
      ...at, tier: props.name, region, regions, backupBucketPrefix: props.backupBucketPrefix ?? DEFAULT_BACKUP_BUCKET_PREFIX, monitoring: props.monitoring, recovery: props.postgresRecovery,
    });
    if (!runsPostgresPerRegion(props) || props.postgresRegion !== undefined) {
      const role = regions.find((r) => r.name === primary)?.role ?? 'primary';
      return this.addPostgresCluster(this.addComponent('postgres'), pg, placement(primary), role);
    }
    let primaryCluster: PostgresCluster | undefined;
    for (const r of regions) {
      // The app's endpoints follow the database: the primary cluster's region writes, the former primary region waits.
      const role = r.name === primary ? 'primary' : r.role === 'primary' ? 'secondary' : r.role;
      const cluster = this.addPostgresCluster(addRegionalComponent(this, r.name, 'postgres'), pg, placement(r.name), role);
      if (r.name === primary) primaryCluster = cluster;
    }
    return primaryCluster!;
  }

  private addPostgresCluster(scope: Chart, pg: TierPostgres, at: TierPostgresClusterPlacement, role: TierRegion['role']): PostgresCluster {
    const cluster = new PostgresCluster(scope, TIER_POSTGRES_NAME, tierPostgresClusterProps(pg, at));
    new k8s.KubeConfigMap(scope, 'Endpoints', {
      metadata: { name: POSTGRES_ENDPOINTS_CONFIG_MAP },
      data: Object.fromEntries(postgresClusterEnv({
        readWritePoolerName: cluster.readWritePoolerName,
        readOnlyPoolerName: cluster.readOnlyPoolerName,
        namespace: at.namespace,
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
    else if (this.componentIds.has(name)) problems.add('component name', name, 'a name not already used in this tier');
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
    this.componentIds.add(name);
    return chart;
  }
}
