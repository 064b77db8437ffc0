/** A PostgresReplicated built for a test: shared by postgres-replicated.test.ts and its slow suite. */
import { PostgresReplicated, PostgresReplicatedProps } from '../../lib/postgres';
import { synth, testChart } from '../_synth';

/** The props every test starts from. */
export const BASE: PostgresReplicatedProps = {
  readReplicas: 2,
  primaryResources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
  replicaResources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
  storage: '50Gi',
  maxConnections: 200,
  replicationPassword: { secretName: 'postgres-credentials', key: 'replication-password' },
  appPassword: { secretName: 'postgres-credentials', key: 'app-password' },
  poolerAuthPassword: { secretName: 'postgres-credentials', key: 'pooler-password' },
  allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'web' } }],
};

/** A pooler in front of the primary and the replicas. */
export const POOLER = { poolSize: 25, maxClientConnections: 200 };

/** A PostgresReplicated of BASE with `props` over it, synthesised. */
export function build(props: Partial<PostgresReplicatedProps> = {}) {
  const chart = testChart();
  const postgres = new PostgresReplicated(chart, 'pg', { ...BASE, ...props });
  return { postgres, objects: synth(chart) };
}
