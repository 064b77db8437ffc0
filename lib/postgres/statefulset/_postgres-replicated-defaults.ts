/**
 * The defaults of {@link PostgresReplicatedProps} (internal to lib/postgres), shared by its check and by the
 * construct; each matches the prop's `@default`.
 */
import { POOLER_RESOURCES } from '../_postgres-checks';
import { DEFAULT_POSTGRES_MAX_CONNECTIONS } from '../postgres-props';

/** The construct's defaults. */
export const REPLICATED_DEFAULTS = {
  name: 'postgres',
  synchronousReplicas: 0,
  maxConnections: DEFAULT_POSTGRES_MAX_CONNECTIONS,
  image: 'postgres:15.13-bookworm',
  poolerImage: 'ghcr.io/cloudnative-pg/pgbouncer:1.23.0',
  clusterDomain: 'cluster.local',
  poolerReplicas: 2,
  poolerResources: POOLER_RESOURCES,
} as const;

/** Room left in `name` for the longest suffix, `-replica-headless`, and the StatefulSets' revision labels. */
export const NAME_ROOM = '-replica-headless'.length + 2;
