import { Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { isObjectName, objectNameAllowed } from '../core/names';
import { NginxRateLimit } from '../nginx/nginx-conf';
import { LoadBalancerBinding } from './load-balancer-binding';
import { NginxLoadBalancer } from '../nginx/nginx-load-balancer';
import { PostgresReplicated, PostgresReplicatedProps } from '../postgres/postgres-replicated';
import { RedisDeployment } from '../redis/redis-deployment';
import { ScalableService, ScalableServiceProps } from '../app/scalable-service';
import { synthesizeCharts } from './_synthesize-charts';
import type { KubeObject } from '../validate/manifest';
import { TierChartMonitoringProps, addTierMonitoring, tierNginxExporter, tierRedisExporter } from '../monitoring/tier-chart-monitoring';
import type { TierMonitoring } from '../monitoring/tier-monitoring';
import type { SloTargets } from '../monitoring/slo-rules';

/** The application service of a tier: the sizing part of {@link ScalableServiceProps}. */
export type TierAppProps = Pick<ScalableServiceProps, 'image' | 'resources' | 'replicas' | 'autoscaling' | 'verticalScaling' | 'validationExemptions'>;

/** The nginx load balancer of a tier. */
export interface TierNginxProps {
  /** Fixed replicas, or the minimum when `maxReplicas` is larger (an HPA then owns the count). */
  readonly replicas: number;
  /**
   * The most nginx replicas; above `replicas` an HPA scales nginx on CPU.
   *
   * @default - `replicas` (no HPA)
   */
  readonly maxReplicas?: number;
  /** The balancing method across app pods. */
  readonly method: 'round_robin' | 'least_conn' | 'ip_hash' | 'hash';
  /** Passive health checks: failures within `failTimeoutSeconds` that take a server out for that long. */
  readonly maxFails: number;
  /** See `maxFails`. */
  readonly failTimeoutSeconds: number;
  /** Idle keepalive connections to the upstream per nginx worker. */
  readonly keepalive: number;
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
   * The Service type: `LoadBalancer` for a cloud load balancer of its own, `ClusterIP` behind an ALB.
   *
   * @default 'LoadBalancer'
   */
  readonly serviceType?: 'ClusterIP' | 'LoadBalancer';
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

/** Redis for a tier (the sizing part of the RedisDeployment props). */
export interface TierRedisProps {
  /** `standalone` (one server), `replicated` (a primary and replicas) or `cluster` (sharded Redis Cluster). */
  readonly mode: 'standalone' | 'replicated' | 'cluster';
  /** Shards in cluster mode (at least 3); 1 otherwise. */
  readonly masters: number;
  /** Replicas per master (per shard in cluster mode). */
  readonly replicasPerMaster: number;
  /** `maxmemory` per server, as a Kubernetes quantity. */
  readonly maxMemory: string;
  /** `cache` evicts least-recently-used keys; `data` never evicts. */
  readonly use: 'cache' | 'data';
  /** Append-only file persistence. */
  readonly appendOnly: boolean;
}

/** PostgreSQL for a tier: the sizing part of {@link PostgresReplicatedProps}. */
export type TierPostgresProps = Pick<
  PostgresReplicatedProps,
  'readReplicas' | 'synchronousReplicas' | 'primaryResources' | 'replicaResources' | 'storage' | 'storageClass' | 'maxConnections' | 'pooler'
>;

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
   * @default { secretName: 'redis-auth', secretKey: 'password' }
   */
  readonly redisAuth?: { readonly secretName: string; readonly secretKey: string };
  /**
   * PostgreSQL for the app.
   *
   * @default - none
   */
  readonly postgres?: TierPostgresProps;
  /**
   * The Secret (created by the platform team, not by this chart) holding the Postgres passwords under the keys
   * `replication-password`, `app-password` and `pooler-password`.
   *
   * @default 'postgres-auth'
   */
  readonly postgresSecretName?: string;
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
  /** Per region, the objects only that region's cluster applies. */
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
  /** PostgreSQL, when the tier has it. */
  public readonly postgres?: PostgresReplicated;
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
    this.app = new ScalableService(appChart, appName, {
      ...props.app,
      labels: { 'scaling-tiers.io/tier': props.name },
      // nginx re-resolves the headless Service to reach every live pod.
      headlessService: props.nginx !== undefined,
      // Only nginx may call the app when there is one; otherwise any pod of the tier's namespace.
      allowIngressFrom: [{ podLabels: props.nginx ? { 'app.kubernetes.io/name': nginxName, 'app.kubernetes.io/instance': nginxName } : {} }],
    });

    if (props.nginx) {
      const n = props.nginx;
      const rateLimits: NginxRateLimit[] = n.rateLimits
        ? [
            { name: 'global', key: 'global', requests: n.rateLimits.globalPerMinute, per: 'minute', burst: n.rateLimits.burst },
            { name: 'per_client', key: 'client', requests: n.rateLimits.perClientPerMinute, per: 'minute', burst: n.rateLimits.burst },
          ]
        : [];
      this.nginx = new NginxLoadBalancer(this.addComponent('nginx'), nginxName, {
        name: nginxName,
        backend: this.app,
        backendNamespace: namespace,
        replicas: n.replicas,
        maxReplicas: n.maxReplicas,
        serviceType: n.serviceType ?? 'LoadBalancer',
        upstream: { method: n.method, maxFails: n.maxFails, failTimeout: `${n.failTimeoutSeconds}s`, keepalive: n.keepalive },
        config: {
          websocket: { path: '/ws', affinity: n.websocketAffinity ? 'client_hash' : 'none' },
          realIp: n.trustedProxyCidrs ? { trustedCidrs: n.trustedProxyCidrs } : undefined,
          rateLimits,
        },
        allowIngressFrom: n.trustedProxyCidrs ? n.trustedProxyCidrs.map((cidr) => ({ cidr })) : undefined,
        exporter: tierNginxExporter(props.monitoring),
      });
    }

    if (props.redis) {
      const r = props.redis;
      this.redis = new RedisDeployment(this.addComponent('redis'), 'redis', {
        namespace,
        mode: r.mode,
        masters: r.mode === 'cluster' ? r.masters : undefined,
        replicasPerMaster: r.replicasPerMaster,
        maxMemory: r.maxMemory,
        use: r.use,
        appendOnly: r.appendOnly,
        auth: props.redisAuth ?? { secretName: 'redis-auth', secretKey: 'password' },
        allowIngressFrom: [{ podLabels: this.app.selectorLabels }],
        exporter: tierRedisExporter(props.monitoring, r.mode),
      });
    }

    if (props.postgres) {
      const pg = props.postgres;
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
    const regions = [...this.regionalComponents];
    const json = synthesizeCharts([...this.components, ...regions.map(([, chart]) => chart)]) as KubeObject[][];
    return {
      components: this.components.map((chart, i) => ({ chart, objects: json[i] })),
      regional: regions.map(([region, chart], i) => ({ region, chart, objects: json[this.components.length + i] })),
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
