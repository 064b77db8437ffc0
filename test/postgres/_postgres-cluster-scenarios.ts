/**
 * Every shape of PostgresCluster's output (the tiers, each region of a distributed topology, point-in-time recovery,
 * no backups), for the tests that hold it against the CRDs (postgres-cluster-crd.test.ts and its slow suite).
 */
import { PostgresCluster, PostgresClusterProps } from '../../lib/postgres/cnpg/postgres-cluster';
import { postgresClusterTopologyFor } from '../../lib/postgres/cnpg/postgres-cluster-endpoints';
import { postgresBackupLocationFor } from '../../lib/cloud/postgres-backup-location';
import { department, enterprise, team } from '../../tiers';
import { Manifest, synth, synthTier, testChart } from '../_synth';
import { runbookScenarios } from './_postgres-runbooks';

/** The CRD file of each custom kind PostgresCluster emits (in imports/crds). */
export const CRD_FILES: Record<string, string> = {
  Cluster: 'cnpg-cluster-v1.json',
  Pooler: 'cnpg-pooler-v1.json',
  ScheduledBackup: 'cnpg-scheduledbackup-v1.json',
  ObjectStore: 'barmancloud-objectstore-v1.json',
  PodMonitor: 'podmonitor-v1.json',
};
const CUSTOM_KINDS = Object.keys(CRD_FILES);

const REGIONS = [
  { name: 'us-east-1', role: 'primary' as const },
  { name: 'eu-west-1', role: 'secondary' as const },
  { name: 'ap-southeast-1', role: 'read-only' as const },
];

function cluster(props: Partial<PostgresClusterProps>): Manifest[] {
  const chart = testChart();
  const location = postgresBackupLocationFor({ tier: 'enterprise', region: 'eu-west-1', bucketPrefix: 'acme', clusterName: 'postgres' });
  new PostgresCluster(chart, 'pg', {
    namespace: 'shop',
    readReplicas: 3,
    synchronousReplicas: 1,
    resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
    storage: '100Gi',
    appSecretName: 'postgres-app',
    allowIngressFrom: [{ podLabels: { app: 'web' } }],
    backup: { destinationPath: location.destinationPath, region: 'eu-west-1', intervalHours: 6, retentionPolicy: '90d' },
    ...props,
  });
  return synth(chart);
}

/** Every shape of the output: name -> objects (each scenario's objects reference each other). */
export const SCENARIOS: Record<string, Manifest[]> = {
  'team tier': synthTier(team).objects,
  'department tier': synthTier(department).objects,
  'enterprise tier': synthTier(enterprise).objects,
  'no backups, no replicas': cluster({ backup: undefined, readReplicas: 0, synchronousReplicas: 0 }),
  'synchronous preferred, every replica': cluster({ synchronousReplicas: 3, dataDurability: 'preferred', superuserSecretName: 'postgres-superuser' }),
  'point-in-time recovery': cluster({ recovery: { targetTime: '2026-11-29T14:05:00+01:00' } }),
  ...Object.fromEntries(REGIONS.map((r) => [`topology, ${r.name} (${r.role})`, cluster({
    topology: postgresClusterTopologyFor(REGIONS, r.name, 'postgres', r.role === 'primary' ? {} : {
      'postgres-us-east-1': { host: 'pg-use1.db.example.internal', replicationSecretName: 'use1-replication', caSecretName: 'use1-ca' },
    }),
  })])),
  ...runbookScenarios(),
};

/** The objects of a custom kind (checked against the CRDs). */
export const custom = (objects: Manifest[]) => objects.filter((o) => CUSTOM_KINDS.includes(o.kind));
