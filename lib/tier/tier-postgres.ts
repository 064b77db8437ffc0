import { fieldAt } from '../core/checks';
import type { IngressPeer } from '../core/ingress-peer';
import type { Problems } from '../core/problems';
import { postgresBackupLocationFor } from '../cloud/postgres-backup-location';
import type { TierChartMonitoringProps } from '../monitoring/tier-chart-monitoring';
import { DEFAULT_PROMETHEUS } from '../monitoring/tier-monitoring';
import { checkPostgresBackupPolicy, type PostgresClusterProps, type PostgresClusterRecovery } from '../postgres/cnpg/postgres-cluster-props';
import { postgresClusterTopologyFor } from '../postgres/cnpg/postgres-cluster-endpoints';
import { checkPostgresReplicatedSizing, type PostgresReplicatedProps } from '../postgres/statefulset/postgres-replicated-props';
import type { TierPostgres, TierRegion } from './tier-spec';

/**
 * The name of a tier's CloudNativePG cluster: the chart names the cluster so, and the cloud app names the cluster's
 * backup bucket, role and Pod Identity association after it.
 */
export const TIER_POSTGRES_NAME = 'postgres';

/** The ConfigMap of the app's database endpoints in its region (`DATABASE_RW_ENDPOINT`, `DATABASE_RO_ENDPOINT`, `DATABASE_READ_ONLY`). */
export const POSTGRES_ENDPOINTS_CONFIG_MAP = 'postgres-endpoints';

/**
 * Records every problem of a tier's PostgreSQL: the sizing rules of the engines (stated once, in
 * `checkPostgresReplicatedSizing`), the engine choice, and the backup policy, which only CloudNativePG runs.
 */
export function checkTierPostgresProps(problems: Problems, path: string, pg: TierPostgres): void {
  checkPostgresReplicatedSizing(problems, path, pg);
  const engine = pg.engine ?? 'statefulset';
  if (engine !== 'statefulset' && engine !== 'cloudnative-pg') problems.add(fieldAt(path, 'engine'), engine, "'statefulset' or 'cloudnative-pg'");
  if (pg.backup !== undefined) {
    if (engine !== 'cloudnative-pg') {
      problems.add(fieldAt(path, 'backup'), pg.backup, `unset unless '${fieldAt(path, 'engine')}' is 'cloudnative-pg' (backups use CloudNativePG's Barman Cloud plugin)`);
    }
    checkPostgresBackupPolicy(problems, fieldAt(path, 'backup'), pg.backup);
  }
}

/**
 * Whether a tier runs one CloudNativePG cluster per region (in each region's overlay, one distributed topology fed
 * from the object store) rather than one in the base: the `cloudnative-pg` engine, backups, and several regions.
 */
export function runsPostgresPerRegion(tier: { readonly postgres?: TierPostgres; readonly regions?: ReadonlyArray<unknown> }): boolean {
  return tier.postgres?.engine === 'cloudnative-pg' && tier.postgres.backup !== undefined && (tier.regions?.length ?? 1) > 1;
}

/** What a tier's PostgreSQL needs beside the tier data: where it runs and who may reach it. */
export interface TierPostgresPlacement {
  /** The namespace. */
  readonly namespace: string;
  /**
   * The Secret, created by the platform team, holding the passwords (see `TierChartProps.postgresSecretName`); with
   * the `cloudnative-pg` engine the app's credentials are in `<secretName>-app`.
   */
  readonly secretName: string;
  /** Who may connect: the app's pods. */
  readonly allowIngressFrom: IngressPeer[];
}

/** The props of a tier's `PostgresReplicated` (the `statefulset` engine). */
export function tierPostgresReplicatedProps(postgres: TierPostgres, at: TierPostgresPlacement): PostgresReplicatedProps {
  const { engine: _engine, backup: _backup, ...pg } = postgres;
  const { secretName } = at;
  return {
    ...pg,
    namespace: at.namespace,
    replicationPassword: { secretName, key: 'replication-password' },
    appPassword: { secretName, key: 'app-password' },
    poolerAuthPassword: pg.pooler ? { secretName, key: 'pooler-password' } : undefined,
    allowIngressFrom: at.allowIngressFrom,
  };
}

/** Where one of a tier's CloudNativePG clusters runs: the region, the tier's regions, its backups and its monitoring. */
export interface TierPostgresClusterPlacement extends TierPostgresPlacement {
  /** The tier's name: part of the backup bucket's name. */
  readonly tier: string;
  /** The region this cluster runs in. */
  readonly region: string;
  /** Every region of the tier: with backups and more than one, the clusters form one distributed topology. */
  readonly regions: ReadonlyArray<Pick<TierRegion, 'name' | 'role'>>;
  /** The first part of the backup buckets' names (`TierChartProps.backupBucketPrefix`). */
  readonly backupBucketPrefix: string;
  /**
   * The tier's monitoring: the cluster's PodMonitors follow it.
   *
   * @default - on, with the default Prometheus
   */
  readonly monitoring?: TierChartMonitoringProps;
  /**
   * Point-in-time recovery (`TierChartProps.postgresRecovery`).
   *
   * @default - a new, empty database
   */
  readonly recovery?: PostgresClusterRecovery;
}

/** The props of one of a tier's `PostgresCluster`s (the `cloudnative-pg` engine), in the region `at.region`. */
export function tierPostgresClusterProps(pg: TierPostgres, at: TierPostgresClusterPlacement): PostgresClusterProps {
  const name = TIER_POSTGRES_NAME;
  const { namespace, region } = at;
  const b = pg.backup;
  const location = b ? postgresBackupLocationFor({ tier: at.tier, region, bucketPrefix: at.backupBucketPrefix, clusterName: name, namespace }) : undefined;
  const prometheus = at.monitoring?.prometheus ?? DEFAULT_PROMETHEUS;
  return {
    name,
    namespace,
    readReplicas: pg.readReplicas,
    synchronousReplicas: pg.synchronousReplicas,
    // Every instance is sized as the primary: CloudNativePG sizes instances alike, and any replica can be promoted.
    resources: pg.primaryResources,
    storage: pg.storage,
    storageClass: pg.storageClass,
    maxConnections: pg.maxConnections,
    pooler: pg.pooler,
    appSecretName: `${at.secretName}-app`,
    // Scraped by the tier's Prometheus (its selection labels and scrapers), unless monitoring is off.
    podMonitors: at.monitoring?.enabled !== false,
    podMonitorLabels: prometheus.resourceLabels,
    metricsFrom: [prometheus.scrapers ?? DEFAULT_PROMETHEUS.scrapers],
    allowIngressFrom: at.allowIngressFrom,
    backup: b && location ? {
      destinationPath: location.destinationPath,
      region,
      intervalHours: b.intervalHours,
      retentionPolicy: b.retentionPolicy,
      archiveTimeoutSeconds: b.archiveTimeoutSeconds,
    } : undefined,
    recovery: at.recovery,
    // More than one region: one distributed topology, primary in the primary region (needs the object store).
    topology: b && at.regions.length > 1 ? postgresClusterTopologyFor(at.regions, region, name) : undefined,
  };
}
