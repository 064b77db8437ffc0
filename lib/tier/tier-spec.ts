/**
 * The tier model: one deployment tier as plain data. Every type of a tier is declared here, once; the tiers in
 * `tiers/` are values of {@link TierSpec}, `TierChart` takes its parts as props, and the planner reads a view of it.
 */
import type { NginxLoadBalancerProps } from '../nginx/nginx-load-balancer';
import type { RedisDeploymentProps } from '../redis/redis-deployment';
import type { ScalableServiceProps } from '../app/scalable-service-props';
import type { PostgresReplicatedSizing } from '../postgres/statefulset/postgres-replicated-props';
import type { PostgresBackupPolicy } from '../postgres/cnpg/postgres-cluster-props';
import type { TierChartMonitoringProps } from '../monitoring/tier-chart-monitoring';
import type { EdgeWebAclOptions } from '../cloud/edge-distribution-props';

/** An inclusive range of figures. */
export interface Range {
  /** The low end. */
  readonly min: number;
  /** The high end, at least `min`. */
  readonly max: number;
}

/**
 * The load a tier is sized for and the rules it is sized by: the capacity planner's inputs (lib/plan) as tier data.
 * The pod size is the app's `resources.requests` and the CPU target the app's `autoscaling.cpuUtilization` (70 %
 * without an autoscaler); they are not repeated here. Bounds: `capacityModelProblems` (lib/plan/plan-inputs.ts).
 */
export interface TierCapacityModel {
  /** Percent of the users active at the same moment. */
  readonly concurrencyPercent: number;
  /** Requests per second of one concurrent user. */
  readonly requestsPerUserPerSecond: number;
  /** Requests per second one core of the app serves at 100 % of its CPU. */
  readonly requestsPerCoreSecond: number;
  /** Spare pods on top of the load's pods, in percent (at least one pod). */
  readonly sparePodsPercent: number;
  /** Availability zones the pods spread over; with 2 or more, losing one zone must leave enough pods (N+1 zones). */
  readonly zones: number;
  /** Buffer on the app's CPU and memory (the compute envelope) and on the Redis cache, in percent. */
  readonly cpuMemoryBufferPercent: number;
  /** Database queries per request. */
  readonly queriesPerRequest: number;
  /** Milliseconds a query holds its database connection. */
  readonly queryMs: number;
  /** Connections each app pod's client pool may open. */
  readonly clientPoolPerPod: number;
  /** Redis cache per concurrent user, in MiB. */
  readonly cacheMiBPerUser: number;
}

/**
 * What a tier is sized for (seed 002's stages) and the load model behind it. The planner checks the tier against it:
 * at the top of `concurrentUsers` the tier's own figures (autoscaler bounds, pooler, `max_connections`, Redis memory,
 * `cores` and `memoryGiB`) must cover what `model` needs (the capacity promise, tiers/promises.ts).
 */
export interface TierCapacity {
  /** Concurrent users the tier is sized for. */
  readonly concurrentUsers: Range;
  /** CPU cores of the app at the top of the range, with the model's buffer. */
  readonly cores: Range;
  /** Memory of the app at the top of the range, with the model's buffer, in GiB. */
  readonly memoryGiB: Range;
  /**
   * The load and sizing rules the tier's figures are checked against.
   *
   * @default - the planner's defaults (`PLAN_DEFAULTS`: seed 001's load, 20 requests/s per concurrent user)
   */
  readonly model?: TierCapacityModel;
}

/** One AWS region the tier runs in, and its part in routing. */
export interface TierRegion {
  /** The AWS region name, e.g. `us-east-1`. */
  readonly name: string;
  /**
   * `primary` takes writes and traffic; `secondary` takes traffic and is promoted on failure; `standby` takes
   * traffic only when the primary fails (Route 53 failover); `read-only` serves reads under its own record name.
   */
  readonly role: 'primary' | 'secondary' | 'standby' | 'read-only';
  /**
   * The CIDR of the region's VPC. Both sides read it: the cloud app builds the VPC with it, and nginx trusts
   * X-Forwarded-For only from it (the ALB's addresses).
   */
  readonly vpcCidr: string;
}

/** Service-level targets the tier is built to meet. */
export interface TierSla {
  /** Availability over 30 days, in percent. */
  readonly availabilityPercent: number;
  /** 95th percentile latency target, in milliseconds. */
  readonly p95LatencyMs: number;
  /**
   * The highest acceptable error rate, in percent.
   *
   * @default - no error-rate target
   */
  readonly maxErrorRatePercent?: number;
  /**
   * The bound, in seconds, of the app's latency histogram bucket the latency SLO counts against: the app must have
   * a bucket at exactly this `le` (see lib/monitoring/README.md, "SLO alerts"). At most `p95LatencyMs` / 1000.
   *
   * @default - `p95LatencyMs` / 1000
   */
  readonly latencyBucketSeconds?: number;
}

/** How the tier is watched (the props `TierChart` takes): Prometheus selection, exporters, alert thresholds. */
export type TierMonitoringSpec = TierChartMonitoringProps;

/** The CDN in front of a tier's regional load balancers (an `EdgeDistribution`). */
export interface TierCdn {
  /**
   * Serve the tier through CloudFront: the main name and `www.` point at the distribution, the regions' records
   * move to `origin.<name>`, and the load balancers admit only CloudFront.
   */
  readonly enabled: boolean;
  /** Path patterns of static content, cached at the edge; everything else is the API and is not cached. */
  readonly staticPathPatterns: string[];
  /**
   * The edge web ACL: per-client rate, the API paths whose bodies may exceed 8 KB, IP reputation, log retention.
   *
   * @default - the defaults of `EdgeWebAclOptions` (1000 per client per minute, `/api/`, IP reputation on, logs kept 365 days)
   */
  readonly waf?: EdgeWebAclOptions;
}

/**
 * The application service of a tier: its image and environment and the sizing part of {@link ScalableServiceProps}
 * (`replicas` defaults to 2, the construct's default; a tier of one pod says `replicas: 1` and why in
 * `validationExemptions['min-replicas']`).
 * `tierScalableServiceProps` adds what the tier decides (labels, who may call it, the database endpoints).
 */
export type TierApp = Pick<ScalableServiceProps, 'image' | 'env' | 'resources' | 'replicas' | 'autoscaling' | 'verticalScaling' | 'validationExemptions'>;

/**
 * The nginx load balancer in front of a tier's app: the sizing part of {@link NginxLoadBalancerProps}, plus three
 * tier-level settings that `tierNginxLoadBalancerProps` turns into the load balancer's nginx.conf and NetworkPolicy
 * props.
 */
export interface TierNginx extends Pick<NginxLoadBalancerProps, 'maxReplicas' | 'serviceType' | 'upstream'> {
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
   * Request rate limits: nginx's, and the regional and edge web ACLs' in the cloud app.
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
 * Redis for a tier: the sizing part of {@link RedisDeploymentProps}, every field stated (a tier's data spells out
 * each figure; `masters` is 1 outside cluster mode), plus Sentinel (replicated mode) and TLS when the tier has them.
 * `TierChart` passes it to the `RedisDeployment` as it is; checked by `checkRedisDeploymentProps`.
 */
export type TierRedis = Required<Pick<RedisDeploymentProps, 'mode' | 'masters' | 'replicasPerMaster' | 'maxMemory' | 'use' | 'appendOnly'>>
  & Pick<RedisDeploymentProps, 'sentinel' | 'tls'>;

/** The engine that runs a tier's PostgreSQL. */
export type TierPostgresEngine = 'statefulset' | 'cloudnative-pg';

/** Backups of a tier's PostgreSQL (CloudNativePG only): the schedule, the retention and how far the archive may lag. */
export type TierPostgresBackup = PostgresBackupPolicy;

/**
 * PostgreSQL for a tier: the sizing part of PostgresReplicatedProps (the chart supplies names, Secrets and peers),
 * the engine and the backups. Checked by `checkTierPostgresProps`.
 */
export type TierPostgres = PostgresReplicatedSizing & {
  /**
   * `statefulset`: `PostgresReplicated`, no operator, failover by hand. `cloudnative-pg`: `PostgresCluster`,
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
  /**
   * The region whose CloudNativePG cluster is the primary of the tier's distributed topology: every region's
   * `replica.primary`, and every replica cluster's `replica.source`. Changing it is an unplanned failover (the named
   * region's cluster is promoted at once); a planned switchover goes through `switchover` first
   * (lib/postgres/README.md, the runbooks).
   *
   * @default - the region whose role is `primary`
   */
  readonly primaryRegion?: string;
  /**
   * A planned switchover in progress. Step 1, `{ to }`: the current primary is demoted (it archives its last WAL
   * and publishes `status.demotionToken`), every other region keeps following it. Step 2, `{ to, promotionToken }`:
   * the `to` region is promoted once it has replayed up to that token, and every region follows it. Step 3: set
   * `primaryRegion` to `to` and remove `switchover`.
   *
   * @default - none
   */
  readonly switchover?: TierPostgresSwitchover;
  /**
   * The incarnation of each region's cluster (`postgresBackupLocationFor({ generation })`): raise a region's number
   * when its cluster is re-cloned, so it archives into a fresh folder (`<cluster>-<region>-g<n>`).
   *
   * @default - 1 in every region
   */
  readonly generations?: Readonly<Record<string, number>>;
  /**
   * A separate volume for `pg_wal` of every instance (`cloudnative-pg` only; CloudNativePG's `walStorage`), e.g.
   * `20Gi`, in the data volume's StorageClass: WAL writes no longer compete with data I/O, and WAL that piles up
   * (archiving failing, a slot pinned) fills this volume, not the data's. The WAL retention is scaled to it.
   * CloudNativePG cannot remove it from a running cluster.
   *
   * @default - none: `pg_wal` shares the data volume
   */
  readonly walStorage?: string;
};

/** A planned switchover of a tier's primary region (see `TierPostgres.switchover`). */
export interface TierPostgresSwitchover {
  /** The region that becomes primary. */
  readonly to: string;
  /**
   * The former primary's `status.demotionToken`, once it is demoted.
   *
   * @default - none: step 1, the demotion
   */
  readonly promotionToken?: string;
}

/**
 * One deployment tier: plain data that the apps turn into construct props. Every figure is the default of the
 * tier; derive a custom tier with `deriveTier`.
 */
export interface TierSpec {
  /** The tier's name: a DNS label, used for the namespace and the output folder. */
  readonly name: string;
  /** One line on what the tier is for. */
  readonly description: string;
  /** What the tier is sized for. */
  readonly capacity: TierCapacity;
  /** How many copies of each piece of state the tier keeps (seed 002). */
  readonly replicationFactor: number;
  /** The regions, the first with role `primary`. */
  readonly regions: TierRegion[];
  /**
   * Service-level targets.
   *
   * @default - none stated
   */
  readonly sla?: TierSla;
  /** The application service. */
  readonly app: TierApp;
  /**
   * The nginx load balancer.
   *
   * @default - none: clients reach the app's Service directly
   */
  readonly nginx?: TierNginx;
  /** Redis. */
  readonly redis: TierRedis;
  /** PostgreSQL. */
  readonly postgres: TierPostgres;
  /**
   * The CDN in front of the tier's cloud load balancers. It applies only to a tier with cloud resources (more than
   * one region, see `hasCloudIngress`); a single-region tier keeps the field for when it grows.
   *
   * @default - none: clients reach the regional load balancers directly
   */
  readonly cdn?: TierCdn;
  /**
   * Monitoring: PodMonitors, the PrometheusRule (SLO burn-rate alerts from `sla`, health alerts) and a dashboard.
   *
   * @default - on, with the documented defaults
   */
  readonly monitoring?: TierMonitoringSpec;
}
