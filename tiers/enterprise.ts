import { STAND_IN_APP, GENTLE_SCALE_DOWN, TIER_MONITORING, SEED_LOAD_MODEL } from './_shared';
import type { TierRegion, TierSpec } from '../lib/tier';

/** The regions: each VPC's CIDR is stated here once, for the VPC and for nginx's trusted proxies. */
const REGIONS: TierRegion[] = [
  { name: 'us-east-1', role: 'primary', vpcCidr: '10.30.0.0/16' }, // [003]
  { name: 'eu-west-1', role: 'secondary', vpcCidr: '10.31.0.0/16' }, // [003]
  { name: 'ap-southeast-1', role: 'read-only', vpcCidr: '10.32.0.0/16' }, // [003]
];

/** Seed 003's limits: nginx's zones, and the edge web ACL's per-client rule. */
const RATE_LIMITS = { globalPerMinute: 5000, perClientPerMinute: 1000, burst: 100 }; // [003]

/**
 * Enterprise: HPA 3-240, three regions (us-east-1 primary, eu-west-1 secondary, ap-southeast-1 read-only),
 * Redis Cluster per region, three read replicas with synchronous replication to any one of them.
 */
export const enterprise: TierSpec = {
  name: 'enterprise',
  description: 'Company-wide, multi-region: HPA 3-240, Redis Cluster 3x1 at 8 GB, three read replicas (sync ANY 1), three regions.',
  capacity: {
    concurrentUsers: { min: 100, max: 1000 }, // [002]
    // [002] 64-128 cores and 128-256 GB raised to 156 and 312 at the top: 1000 users at 20 req/s (SEED_LOAD_MODEL) are
    // 20000 req/s, 160 pods of 500m at 70 %, 240 with the zone margin, x 1.3 buffer [001]: 156 cores, 312 GiB.
    cores: { min: 64, max: 156 },
    memoryGiB: { min: 128, max: 312 },
    model: SEED_LOAD_MODEL, // the load the figures below are checked against (tiers/_shared.ts)
  },
  replicationFactor: 5, // [002]
  regions: REGIONS,
  sla: {
    availabilityPercent: 99.9, // [000]
    p95LatencyMs: 50, // [000]
    maxErrorRatePercent: 0.1, // [000]
  },
  monitoring: TIER_MONITORING, // see tiers/_shared.ts
  app: {
    ...STAND_IN_APP,
    resources: {
      requests: { cpu: '500m', memory: '1Gi' }, // [004]
      limits: { cpu: '1', memory: '2Gi' }, // [004]
    },
    autoscaling: {
      // The plain HPA with prometheus-adapter (the tier ships the adapter's rule): three regions round the clock leave
      // no quiet hours for a schedule, and without one KEDA would only add an operator to the scaling path.
      engine: 'hpa',
      minReplicas: 3, // [003, 004]
      // [003, 004] maxReplicas 50 raised to 240: the top of the range (1000 users, 20000 req/s, SEED_LOAD_MODEL)
      // needs 160 pods of 500m at 70 %, and losing one of 3 zones must leave 160: 80 in each of the other two.
      maxReplicas: 240,
      cpuUtilization: 70, // [003, 004]
      podsMetric: { name: 'task_queue_depth', averageValue: '10' }, // [000, 004] served by prometheus-adapter
      scaleUp: {
        // [003] uses a 60 s window here; 0 s keeps the 60 s scale-up promise (see tiers/_shared.ts).
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max', // [003]
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 60 }, // [003]
          { type: 'Pods', value: 4, periodSeconds: 60 }, // [003]
        ],
      },
      scaleDown: {
        ...GENTLE_SCALE_DOWN,
        policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }], // [003] -10 % a minute, window 300 s
      },
    },
    verticalScaling: {
      updateMode: 'InPlaceOrRecreate',
      controlledResources: ['memory'], // [003] lists cpu too; cpu belongs to the HPA
      minAllowed: { cpu: '100m', memory: '128Mi' }, // [003]
      maxAllowed: { cpu: '4', memory: '8Gi' }, // [003]
    },
  },
  nginx: {
    replicas: 3,
    maxReplicas: 10,
    upstream: {
      method: 'least_conn', // [000]
      maxFails: 3, // [000, 003]
      failTimeout: '30s', // [000, 003]
      keepalive: 32, // [000]
    },
    websocketAffinity: true, // [003]
    serviceType: 'ClusterIP', // behind the regional ALB (TargetGroupBinding), not a load balancer of its own
    // The regions' VPCs, where the ALBs are: X-Forwarded-For from them is the real client IP.
    trustedProxyCidrs: REGIONS.map((r) => r.vpcCidr),
    rateLimits: RATE_LIMITS, // [003]
  },
  redis: {
    mode: 'cluster', // [003]
    masters: 3, // [003] 3 masters (more shards by override)
    replicasPerMaster: 1, // [003]
    maxMemory: '8Gi', // [003] maxmemory 8gb
    use: 'cache', // [003] allkeys-lru
    appendOnly: true, // [003]
    // [002] encryption at_rest_and_transit: TLS only, client to server, primary to replica and the cluster bus.
    // The platform provides the ClusterIssuer; the app's client certificate comes from the same issuer.
    tls: { issuer: { name: 'internal-ca', kind: 'ClusterIssuer' }, authClients: 'yes', duration: '2160h', renewBefore: '720h' },
  },
  postgres: {
    engine: 'cloudnative-pg', // automatic failover, backups and PITR, replica clusters in the other regions
    readReplicas: 3, // [004] readReplicas count 3
    synchronousReplicas: 1, // ANY 1: an acknowledged commit survives losing the primary
    primaryResources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } }, // [004]
    replicaResources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } }, // [004]
    storage: '100Gi', // [004] 100Gi
    storageClass: 'fast-ssd', // [004] storageClass fast-ssd
    // No seed figure: a separate pg_wal volume of 20 % of the data volume, so WAL I/O leaves the data volume alone and
    // WAL that piles up (archiving failing, a slot pinned) cannot fill it; the WAL retention follows this volume.
    walStorage: '20Gi',
    // [004] maxConnections 200 and poolSize 25 raised by Little's law at the top of the range: 20000 req/s x 10 ms =
    // 200 busy connections, at 70 % a pool of 286; each of the 2 pooler pods may hold a full pool, plus 3 read
    // replicas and 3 superuser slots: 2 x 286 + 3 + 3 = 578. Clients: 240 pods x 30 [000] on one pooler pod.
    // PgBouncer holds a file descriptor per client and per server connection (pgbouncer.org/config.html,
    // max_client_conn): the pooler pods need about 7500 open files, which the node's limit for containers must allow.
    maxConnections: 578,
    pooler: { poolSize: 286, maxClientConnections: 7200 },
    // [002] every 1 h, kept 7 years (the CRD's retention has no years: 84 months)
    backup: { intervalHours: 1, retentionPolicy: '84m', archiveTimeoutSeconds: 60 },
  },
  cdn: {
    enabled: true, // [002] cdn: enabled
    staticPathPatterns: ['/static/*', '/assets/*', '/favicon.ico'],
    waf: {
      // [003] 1000 per user; the seed's 5000/min in all is not an edge rule: one web ACL sees every region, and a
      // tier-wide limit lets five clients under their own limit push every user into 429.
      perClientPerMinute: RATE_LIMITS.perClientPerMinute,
      apiPathPrefixes: ['/api/'], // API writes may carry bodies over the common rule set's 8 KB
      ipReputation: true,
      logRetentionDays: 365,
    },
  },
};
