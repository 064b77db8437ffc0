import { FAST_SCALE_UP, GENTLE_SCALE_DOWN, PLACEHOLDER_IMAGE } from './_shared';
import { TierSpec } from './tier-spec';

/**
 * Department: HPA 3-20 on CPU and queue depth, least-connections nginx with websocket affinity, a Redis Cluster
 * and two read replicas behind a pooler, in two regions with Route 53 failover.
 */
export const department: TierSpec = {
  name: 'department',
  description: 'A department-wide service: HPA 3-20 on CPU and queue depth, Redis Cluster 3x1, two read replicas, two regions.',
  capacity: {
    concurrentUsers: { min: 25, max: 100 }, // [002]
    cores: { min: 16, max: 32 }, // [002]
    memoryGiB: { min: 32, max: 64 }, // [002]
  },
  replicationFactor: 3, // [002]
  regions: [
    { name: 'us-east-1', role: 'primary', vpcCidr: '10.20.0.0/16' }, // [002, 003] primary + standby
    { name: 'us-west-2', role: 'standby', vpcCidr: '10.21.0.0/16' }, // Route 53 failover target
  ],
  sla: {
    availabilityPercent: 99.9, // [000, 004]
    p95LatencyMs: 300, // [004]
  },
  app: {
    image: PLACEHOLDER_IMAGE,
    resources: {
      requests: { cpu: '500m', memory: '1Gi' }, // [004] requests 500m / 1Gi
      limits: { cpu: '1', memory: '2Gi' }, // [004] limits 1 / 2Gi
    },
    autoscaling: {
      minReplicas: 3, // [003, 004]
      maxReplicas: 20, // [001] max_instances 20
      cpuUtilization: 70, // [000, 003, 004]
      podsMetric: { name: 'task_queue_depth', averageValue: '10' }, // [000]
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
    trustedProxyCidrs: ['10.20.0.0/16', '10.21.0.0/16'], // the regions' VPCs, where the ALBs are
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
    pooler: { poolSize: 25, maxClientConnections: 200 }, // [004] connection pooling
    backup: { intervalHours: 6, retentionPolicy: '90d', archiveTimeoutSeconds: 60 }, // [002] every 6 h, kept 90 days
  },
  cdn: {
    enabled: false, // opt in with deriveTier(department, { cdn: { enabled: true } })
    staticPathPatterns: ['/static/*', '/assets/*', '/favicon.ico'],
  },
};
