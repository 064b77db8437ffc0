import { fieldAt } from '../core/checks';
import type { IngressPeer } from '../core/ingress-peer';
import type { Problems } from '../core/problems';
import { postgresBackupLocationFor } from '../cloud/postgres-backup-location';
import type { TierChartMonitoringProps } from '../monitoring/tier-chart-monitoring';
import { DEFAULT_PROMETHEUS } from '../monitoring/tier-monitoring';
import { checkPostgresBackupPolicy, type PostgresClusterProps, type PostgresClusterRecovery, type PostgresClusterTopology } from '../postgres/cnpg/postgres-cluster-props';
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
 * `checkPostgresReplicatedSizing`), the engine choice, and the backup policy and WAL volume, which only CloudNativePG runs.
 */
export function checkTierPostgresProps(problems: Problems, path: string, pg: TierPostgres, regions: readonly string[] = []): void {
  checkPostgresReplicatedSizing(problems, path, pg);
  checkTierPostgresTopology(problems, path, pg, regions);
  const engine = pg.engine ?? 'statefulset';
  if (engine !== 'statefulset' && engine !== 'cloudnative-pg') problems.add(fieldAt(path, 'engine'), engine, "'statefulset' or 'cloudnative-pg'");
  if (pg.backup !== undefined) {
    if (engine !== 'cloudnative-pg') {
      problems.add(fieldAt(path, 'backup'), pg.backup, `unset unless '${fieldAt(path, 'engine')}' is 'cloudnative-pg' (backups use CloudNativePG's Barman Cloud plugin)`);
    }
    checkPostgresBackupPolicy(problems, fieldAt(path, 'backup'), pg.backup);
  }
  if (pg.walStorage !== undefined && engine !== 'cloudnative-pg') {
    problems.add(fieldAt(path, 'walStorage'), pg.walStorage, `unset unless '${fieldAt(path, 'engine')}' is 'cloudnative-pg' (the StatefulSet engine keeps pg_wal on the data volume)`);
  }
}

/** The topology fields of a tier's PostgreSQL: regions the tier has, a switchover to another region, generations. */
function checkTierPostgresTopology(problems: Problems, path: string, pg: TierPostgres, regions: readonly string[]): void {
  const oneOfRegions = `one of the tier's regions (${regions.join(', ')})`;
  const known = (r: unknown) => typeof r === 'string' && (regions.length === 0 || regions.includes(r));
  if (pg.primaryRegion !== undefined && !known(pg.primaryRegion)) problems.add(fieldAt(path, 'primaryRegion'), pg.primaryRegion, oneOfRegions);
  const s = pg.switchover;
  if (s !== undefined) {
    if (!known(s.to)) problems.add(fieldAt(path, 'switchover.to'), s?.to, oneOfRegions);
    else if (s.to === (pg.primaryRegion ?? regions[0])) problems.add(fieldAt(path, 'switchover.to'), s.to, "a region other than the current primary ('primaryRegion')");
    if (s.promotionToken !== undefined && (typeof s.promotionToken !== 'string' || !/^[A-Za-z0-9+/=]{16,}$/.test(s.promotionToken))) {
      problems.add(fieldAt(path, 'switchover.promotionToken'), s.promotionToken, "the former primary's status.demotionToken (base64)");
    }
  }
  for (const [region, generation] of Object.entries(pg.generations ?? {})) {
    if (!known(region)) problems.add(fieldAt(path, `generations.${region}`), region, oneOfRegions);
    else if (!Number.isInteger(generation) || generation < 1 || generation > 999) problems.add(fieldAt(path, `generations.${region}`), generation, 'an integer between 1 and 999');
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
    walStorage: pg.walStorage,
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
    // With several regions only the primary recovers to a point in time; the replica clusters re-clone from it.
    recovery: at.regions.length > 1 && b && at.region !== tierPostgresPrimaryRegion(pg, at.regions) ? undefined : at.recovery,
    // More than one region: one distributed topology, primary in the primary region (needs the object store).
    topology: b && at.regions.length > 1 ? tierPostgresTopology(pg, at) : undefined,
  };
}

/**
 * The region whose cluster is the tier's primary now: the switchover's target once it has its promotion token, else
 * `primaryRegion`, else the region whose role is `primary`.
 */
export function tierPostgresPrimaryRegion(pg: TierPostgres, regions: ReadonlyArray<Pick<TierRegion, 'name' | 'role'>>): string {
  if (pg.switchover?.promotionToken !== undefined) return pg.switchover.to;
  return pg.primaryRegion ?? regions.find((r) => r.role === 'primary')?.name ?? regions[0].name;
}

/**
 * The distributed topology as `at.region` sees it. Every member's archive is its own region's bucket, at its
 * generation's server name; `replica.primary` and every replica's `replica.source` come from `primaryRegion`, or
 * during a planned switchover from `switchover` (demote first, promote with the token, then every region follows).
 */
export function tierPostgresTopology(pg: TierPostgres, at: TierPostgresClusterPlacement): PostgresClusterTopology {
  const name = TIER_POSTGRES_NAME;
  const locate = (region: string) => postgresBackupLocationFor({
    tier: at.tier, region, bucketPrefix: at.backupBucketPrefix, clusterName: name, namespace: at.namespace, generation: pg.generations?.[region],
  });
  const base = postgresClusterTopologyFor(at.regions, at.region, name);
  const member = (region: string) => locate(region).memberName;
  const current = pg.primaryRegion ?? tierPostgresPrimaryRegion({ ...pg, switchover: undefined }, at.regions);
  const to = pg.switchover?.to;
  const promoted = to !== undefined && pg.switchover?.promotionToken !== undefined;
  // Whom this region sees as primary: the demoted primary already names the new one; the others switch with the token.
  const primary = to !== undefined && (promoted || at.region === current) ? to : current;
  // The primary's source is the member it will follow once demoted: the switchover's target, else the first
  // secondary (or standby) region, else the first other region.
  const others = at.regions.filter((r) => r.name !== at.region);
  const next = to ?? (others.find((r) => r.role === 'secondary') ?? others.find((r) => r.role === 'standby') ?? others[0]).name;
  const source = at.region === primary ? (at.region === to ? current : next) : primary;
  return {
    self: member(at.region),
    primary: member(primary),
    source: member(source),
    promotionToken: promoted && at.region === to ? pg.switchover?.promotionToken : undefined,
    members: base.members.map((m, i) => {
      const location = locate(at.regions[i].name);
      return {
        ...m,
        serverName: location.serverName,
        objectStore: { destinationPath: location.destinationPath, region: location.region },
      };
    }),
  };
}
