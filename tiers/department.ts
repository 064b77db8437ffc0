import { STAND_IN_APP, FAST_SCALE_UP, GENTLE_SCALE_DOWN, IN_CLUSTER_PROMETHEUS, TIER_MONITORING, SEED_LOAD_MODEL } from './_shared';
import type { TierRegion, TierSpec } from '../lib/tier';

/** The regions: each VPC's CIDR is stated here once, for the VPC and for nginx's trusted proxies. */
const REGIONS: TierRegion[] = [
  { name: 'us-east-1', role: 'primary', vpcCidr: '10.20.0.0/16' }, // [002, 003] primary + standby
  { name: 'us-west-2', role: 'standby', vpcCidr: '10.21.0.0/16' }, // Route 53 failover target
];

/**
 * Department: KEDA 3-24 on CPU, queue depth and seed 001's daily schedule, least-connections nginx with websocket
 * affinity, a Redis Cluster and two read replicas behind a pooler, in two regions with Route 53 failover.
 */
export const department: TierSpec = {
  name: 'department',
  description: 'A department-wide service: KEDA 3-24 on CPU, queue depth and a daily schedule, Redis Cluster 3x1, two read replicas, two regions.',
  capacity: {
    concurrentUsers: { min: 25, max: 100 }, // [002]
    cores: { min: 16, max: 32 }, // [002]
    memoryGiB: { min: 32, max: 64 }, // [002]
    model: SEED_LOAD_MODEL, // the load the figures below are checked against (tiers/_shared.ts)
  },
  replicationFactor: 3, // [002]
  regions: REGIONS,
  sla: {
    availabilityPercent: 99.9, // [000, 004]
    p95LatencyMs: 300, // [004]
  },
  monitoring: TIER_MONITORING, // see tiers/_shared.ts
  app: {
    ...STAND_IN_APP,
    resources: {
      requests: { cpu: '500m', memory: '1Gi' }, // [004] requests 500m / 1Gi
      limits: { cpu: '1', memory: '2Gi' }, // [004] limits 1 / 2Gi
    },
    autoscaling: {
      // KEDA: the queue depth works without a custom-metrics adapter, and seed 001's schedule needs cron triggers,
      // which the plain HPA does not have. KEDA owns the HPA it creates (keda-hpa-app); no HPA is emitted.
      engine: 'keda',
      minReplicas: 3, // [003, 004] (seed 001's min_instances 2 and night "at least 1" are below the zone spread)
      // [001] max_instances 20 raised to 24: the top of the range (100 users, 2000 req/s, SEED_LOAD_MODEL) needs 16
      // pods at 70 %, and losing one of 3 zones must leave 16: 8 in each of the other two, 24 in all.
      maxReplicas: 24,
      cpuUtilization: 70, // [000, 003, 004]
      podsMetric: { name: 'task_queue_depth', averageValue: '10' }, // [000] queue depth, 10 tasks per pod
      prometheus: { serverAddress: IN_CLUSTER_PROMETHEUS },
      schedule: {
        timezone: 'America/New_York', // the primary region's (us-east-1) local time
        // [001] 06:00 "target 4, at least 2" until 02:00 "target 2, at least 1": from 06:00 to 02:00 at least 4 pods.
        // The 02:00-06:00 target of 2 is below minReplicas (3), so the night floor is minReplicas: no trigger for it.
        windows: [{ start: '06:00', end: '02:00', replicas: 4 }],
      },
      // While Prometheus cannot be read, hold 6 (the day floor 4 + 50 %): a queue nobody can see is assumed busy.
      fallbackReplicas: 6,
      // [001] allows +10/-5 pods an hour; the tier keeps seed 000's faster behaviour for the 60 s scale-up promise.
      scaleUp: FAST_SCALE_UP,
      scaleDown: GENTLE_SCALE_DOWN,
    },
    verticalScaling: {
      updateMode: 'InPlaceOrRecreate', // resizes memory in place where the cluster supports it
      controlledResources: ['memory'],
      minAllowed: { memory: '128Mi' }, // [003]
      maxAllowed: { memory: '8Gi' }, // [003]
    },
  },
  nginx: {
    replicas: 2,
    maxReplicas: 6,
    upstream: {
      method: 'least_conn', // [000] least_conn
      maxFails: 3, // [000, 003]
      failTimeout: '30s', // [000, 003]
      keepalive: 32, // [000]
    },
    websocketAffinity: true, // [003] sticky sessions for WebSocket
    // Behind the regional ALB (TargetGroupBinding): a cloud load balancer of its own would bypass the ALB's TLS and WAF.
    serviceType: 'ClusterIP',
    trustedProxyCidrs: REGIONS.map((r) => r.vpcCidr), // the regions' VPCs, where the ALBs are
  },
  redis: {
    mode: 'cluster', // [002, 003] Redis Cluster
    masters: 3, // [003] 3 masters
    replicasPerMaster: 1, // [003] 3 replicas
    maxMemory: '2Gi', // [002] 2 GB
    use: 'cache',
    appendOnly: true, // [003] appendonly yes
  },
  postgres: {
    engine: 'cloudnative-pg', // automatic failover, backups and PITR, a replica cluster in the standby region
    readReplicas: 2, // [003] read replicas
    primaryResources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    replicaResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    storage: '50Gi',
    maxConnections: 200, // [004] maxConnections 200
    // [004] poolSize 25 raised to 29 by Little's law at the top of the range: 2000 req/s x 10 ms = 20 busy connections,
    // at 70 %; clients: 24 pods x 30 [000], all on one pooler pod when the other is down.
    pooler: { poolSize: 29, maxClientConnections: 720 },
    backup: { intervalHours: 6, retentionPolicy: '90d', archiveTimeoutSeconds: 60 }, // [002] every 6 h, kept 90 days
  },
  cdn: {
    enabled: false, // opt in with deriveTier(department, { cdn: { enabled: true } })
    staticPathPatterns: ['/static/*', '/assets/*', '/favicon.ico'],
    waf: { apiPathPrefixes: ['/api/'], ipReputation: true, logRetentionDays: 365 }, // 1000 per client (the default)
  },
};
