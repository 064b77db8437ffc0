import { STAND_IN_APP, FAST_SCALE_UP, GENTLE_SCALE_DOWN, TIER_MONITORING, SEED_LOAD_MODEL } from './_shared';
import type { TierSpec } from '../lib/tier';

/** Team: a small team's shared environment; the app scales 2-10 on CPU, nginx round-robins over it. */
export const team: TierSpec = {
  name: 'team',
  description: 'A shared environment for a small team: HPA 2-10 on CPU, nginx in front, Redis replicated once with Sentinel failover, Postgres replicated once.',
  capacity: {
    concurrentUsers: { min: 5, max: 25 }, // [002]
    cores: { min: 4, max: 8 }, // [002]
    memoryGiB: { min: 8, max: 16 }, // [002]
    model: SEED_LOAD_MODEL, // the load the figures below are checked against (tiers/_shared.ts)
  },
  replicationFactor: 2, // [002]
  regions: [{ name: 'us-east-1', role: 'primary', vpcCidr: '10.10.0.0/16' }], // [002] single region
  monitoring: TIER_MONITORING, // see tiers/_shared.ts
  app: {
    ...STAND_IN_APP,
    resources: {
      // [000]'s one pod size (limits cpus 0.5, memory 1G), requested in full: the top of the range (25 users, 500 req/s,
      // SEED_LOAD_MODEL) needs 4 pods at 70 %, 6 with the margin; a 250m pod would need 12, above maxReplicas 10 [000].
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '500m', memory: '1Gi' }, // [000] limits memory 1G, cpus 0.5
    },
    autoscaling: {
      minReplicas: 2, // [000]
      maxReplicas: 10, // [000]
      cpuUtilization: 70, // [000]
      // [000] also targets memory at 80 %: left out because the VPA sizes memory (the two would fight).
      scaleUp: FAST_SCALE_UP,
      scaleDown: GENTLE_SCALE_DOWN,
    },
    verticalScaling: {
      updateMode: 'Initial', // sizes new pods only; never evicts running ones
      controlledResources: ['memory'], // VPA FAQ: memory only beside a CPU-based HPA
    },
  },
  nginx: {
    replicas: 2, // [000] load balancer in front of the replicas
    upstream: {
      method: 'round_robin',
      maxFails: 3, // [000] max_fails=3
      failTimeout: '30s', // [000] fail_timeout=30s
      keepalive: 32, // [000] keepalive 32
    },
    websocketAffinity: false,
  },
  redis: {
    mode: 'replicated', // [002] primary + replica
    masters: 1,
    replicasPerMaster: 1,
    maxMemory: '500Mi', // [002] cache 500 MB
    use: 'cache', // [003] allkeys-lru
    appendOnly: true,
    // 3 Sentinels, quorum 2: the primary is replaced automatically (about down-after + 5 s, see lib/redis/README.md).
    sentinel: {
      downAfterMilliseconds: 5000, // a dead primary is noticed after 5 s of silence
      failoverTimeout: 60000,
      parallelSyncs: 1,
    },
  },
  postgres: {
    engine: 'cloudnative-pg', // automatic failover: the replica is promoted without a person
    readReplicas: 1, // [003] primary + streaming replica
    primaryResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    replicaResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    storage: '20Gi',
    maxConnections: 100,
    // CloudNativePG Poolers (rw, ro): 20 of the 100 server connections per database/user; clients: 6 pods x 30
    // [000 "20 pool size + 10 overflow"] at the top of the range, all on one pooler pod when the other is down.
    pooler: { poolSize: 20, maxClientConnections: 180 },
  },
};
