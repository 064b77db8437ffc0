import { GENTLE_SCALE_DOWN, PLACEHOLDER_IMAGE, TIER_MONITORING } from './_shared';
import type { TierRegion, TierSpec } from '../lib/tier';

/** The regions: each VPC's CIDR is stated here once, for the VPC and for nginx's trusted proxies. */
const REGIONS: TierRegion[] = [
  { name: 'us-east-1', role: 'primary', vpcCidr: '10.30.0.0/16' }, // [003]
  { name: 'eu-west-1', role: 'secondary', vpcCidr: '10.31.0.0/16' }, // [003]
  { name: 'ap-southeast-1', role: 'read-only', vpcCidr: '10.32.0.0/16' }, // [003]
];

/**
 * Enterprise: HPA 3-50, three regions (us-east-1 primary, eu-west-1 secondary, ap-southeast-1 read-only),
 * Redis Cluster per region, three read replicas with synchronous replication to any one of them.
 */
export const enterprise: TierSpec = {
  name: 'enterprise',
  description: 'Company-wide, multi-region: HPA 3-50, Redis Cluster 3x1 at 8 GB, three read replicas (sync ANY 1), three regions.',
  capacity: {
    concurrentUsers: { min: 100, max: 1000 }, // [002]
    cores: { min: 64, max: 128 }, // [002]
    memoryGiB: { min: 128, max: 256 }, // [002]
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
    image: PLACEHOLDER_IMAGE,
    resources: {
      requests: { cpu: '500m', memory: '1Gi' }, // [004]
      limits: { cpu: '1', memory: '2Gi' }, // [004]
    },
    autoscaling: {
      // The plain HPA with prometheus-adapter (the tier ships the adapter's rule): three regions round the clock leave
      // no quiet hours for a schedule, and without one KEDA would only add an operator to the scaling path.
      engine: 'hpa',
      minReplicas: 3, // [003, 004]
      maxReplicas: 50, // [003, 004]
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
    rateLimits: { globalPerMinute: 5000, perClientPerMinute: 1000, burst: 100 }, // [003]
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
    maxConnections: 200, // [004] maxConnections 200
    pooler: { poolSize: 25, maxClientConnections: 200 }, // [004]
    // [002] every 1 h, kept 7 years (the CRD's retention has no years: 84 months)
    backup: { intervalHours: 1, retentionPolicy: '84m', archiveTimeoutSeconds: 60 },
  },
  cdn: {
    enabled: true, // [002] cdn: enabled
    staticPathPatterns: ['/static/*', '/assets/*', '/favicon.ico'],
  },
};
