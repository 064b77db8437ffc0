/**
 * How the app in each region finds its database, and each region's place in the CloudNativePG distributed topology:
 * pure functions of the tier's regions, so every region's overlay is computed from the same data.
 */
import { Problems } from '../../core/problems';
import type { PostgresClusterTopology, PostgresTopologyMember } from './postgres-cluster';

/** A region's part, as the tier states it (`TierRegion.role`). */
export type PostgresRegionRole = 'primary' | 'secondary' | 'standby' | 'read-only';

/** The environment variables the app reads its database endpoints from. */
export const POSTGRES_ENDPOINT_ENV = {
  /** `host:port` for writes (and reads that must see them). */
  readWrite: 'DATABASE_RW_ENDPOINT',
  /** `host:port` for reads that may lag. */
  readOnly: 'DATABASE_RO_ENDPOINT',
  /** `true` where the app must not write (the read-only region), else `false`. */
  readOnlyFlag: 'DATABASE_READ_ONLY',
} as const;

/** What {@link postgresClusterEnv} needs. */
export interface PostgresClusterEnvOptions {
  /** The read-write Pooler's name (`PostgresCluster.readWritePoolerName`). */
  readonly readWritePoolerName: string;
  /** The read-only Pooler's name (`PostgresCluster.readOnlyPoolerName`). */
  readonly readOnlyPoolerName: string;
  /** The namespace of the Poolers. */
  readonly namespace: string;
  /**
   * The region's part.
   *
   * @default 'primary'
   */
  readonly regionRole?: PostgresRegionRole;
  /**
   * Where the app of a non-primary region writes: the primary region's read-write endpoint (`host:port`), where the
   * platform provides a network path to it (a private link, a global DNS name).
   *
   * @default - the local read-write Pooler: in a `secondary` or `standby` region it accepts writes once that region's
   * cluster is promoted; until then writes fail fast (the replica cluster is read-only)
   */
  readonly primaryEndpoint?: string;
  /**
   * The cluster's DNS domain.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * The app's database environment in one region: the read-write endpoint, the read-only endpoint (this region's
 * read-only Pooler) and the read-only flag (`true` only in the read-only region). No password: the app reads the
 * credentials from the application Secret, mounted as files.
 */
export function postgresClusterEnv(options: PostgresClusterEnvOptions): { name: string; value: string }[] {
  const role = options.regionRole ?? 'primary';
  const problems = new Problems('postgresClusterEnv');
  if (!['primary', 'secondary', 'standby', 'read-only'].includes(role)) problems.add('regionRole', role, "one of 'primary', 'secondary', 'standby', 'read-only'");
  if (options.primaryEndpoint !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}$/.test(options.primaryEndpoint)) {
    problems.add('primaryEndpoint', options.primaryEndpoint, 'a "host:port" endpoint such as "postgres-rw.enterprise.example.internal:5432"');
  }
  if (role === 'primary' && options.primaryEndpoint !== undefined) problems.add('primaryEndpoint', options.primaryEndpoint, "unset in the 'primary' region (its own Pooler is the primary)");
  problems.throwIfAny();
  const domain = options.clusterDomain ?? 'cluster.local';
  const local = (service: string) => `${service}.${options.namespace}.svc.${domain}:5432`;
  const readWrite = role === 'primary' ? local(options.readWritePoolerName) : options.primaryEndpoint ?? local(options.readWritePoolerName);
  return [
    { name: POSTGRES_ENDPOINT_ENV.readWrite, value: readWrite },
    { name: POSTGRES_ENDPOINT_ENV.readOnly, value: local(options.readOnlyPoolerName) },
    { name: POSTGRES_ENDPOINT_ENV.readOnlyFlag, value: String(role === 'read-only') },
  ];
}

/**
 * The distributed topology of a tier's clusters as seen from `region`: one member per region, named
 * `<clusterName>-<region>` (also its archive's server name), the primary region's member primary.
 *
 * @param regions the tier's regions (exactly one `primary`)
 * @param region the region whose cluster this is
 * @param streaming optional streaming endpoints per member name
 * @throws PropsError when `region` is not one of `regions` or there is not exactly one primary
 */
export function postgresClusterTopologyFor(
  regions: ReadonlyArray<{ readonly name: string; readonly role: PostgresRegionRole }>,
  region: string,
  clusterName = 'postgres',
  streaming: Readonly<Record<string, PostgresTopologyMember['streaming']>> = {},
): PostgresClusterTopology {
  const problems = new Problems('postgresClusterTopologyFor');
  const primaries = regions.filter((r) => r.role === 'primary');
  if (primaries.length !== 1) problems.add('regions', regions.map((r) => `${r.name}:${r.role}`), "exactly one region with role 'primary'");
  if (!regions.some((r) => r.name === region)) problems.add('region', region, `one of the tier's regions (${regions.map((r) => r.name).join(', ')})`);
  problems.throwIfAny();
  const member = (r: string) => `${clusterName}-${r}`;
  return {
    self: member(region),
    primary: member(primaries[0].name),
    members: regions.map((r) => ({ name: member(r.name), streaming: streaming[member(r.name)] })),
  };
}
