import { STAND_IN_APP, TIER_MONITORING, SEED_LOAD_MODEL } from './_shared';
import type { TierSpec } from '../lib/tier';

/**
 * Development: one server's worth of everything (seed 002 "single server"), no autoscaling; the VPA only
 * recommends, to learn the app's real footprint before the team tier.
 */
export const development: TierSpec = {
  name: 'development',
  description: 'A single replica of each component for one developer or a CI preview; no autoscaling, no cloud resources.',
  capacity: {
    concurrentUsers: { min: 1, max: 5 }, // [002]
    cores: { min: 1, max: 2 }, // [002]
    memoryGiB: { min: 2, max: 4 }, // [002]
    model: SEED_LOAD_MODEL, // the load the figures below are checked against (tiers/_shared.ts)
  },
  replicationFactor: 1, // [002]
  regions: [{ name: 'us-east-1', role: 'primary', vpcCidr: '10.0.0.0/16' }], // [002] single region
  monitoring: TIER_MONITORING, // see tiers/_shared.ts
  app: {
    ...STAND_IN_APP,
    replicas: 1, // no HPA on the smallest tier [002]
    validationExemptions: {
      'min-replicas': 'development runs a single pod by design [002]; team and larger tiers run at least 2',
    },
    resources: {
      // 500m, the limit [000] cpus 0.5: the top of the range (5 users, 100 req/s, SEED_LOAD_MODEL) needs 0.4 core at
      // 70 % in the one pod; 100m would need 4 pods, and the planner would move 5 users to team.
      requests: { cpu: '500m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' }, // [000] limits cpus 0.5
    },
    verticalScaling: {
      updateMode: 'Off', // recommendations only [003 VPA, mode lowered]
      controlledResources: ['cpu', 'memory'],
    },
  },
  redis: {
    mode: 'standalone', // [002, 003] local Redis
    masters: 1,
    replicasPerMaster: 0,
    maxMemory: '100Mi', // [002] cache 100 MB
    use: 'cache', // [003] maxmemory-policy allkeys-lru
    appendOnly: false,
  },
  postgres: {
    engine: 'statefulset', // one server, no operator to install for a developer or a CI preview
    readReplicas: 0, // [003] single server, local PostgreSQL
    primaryResources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    replicaResources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    storage: '10Gi',
    // [003] DATABASE_MAX_CONNECTIONS=30 is the app's pool (clientPoolPerPod); the server also keeps PostgreSQL's 3
    // superuser_reserved_connections, so it needs 30 + 3.
    maxConnections: 33,
  },
};
