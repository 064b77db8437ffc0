/**
 * The props of {@link PostgresReplicated} and their checks: every rule (a bound, a default) of the construct is
 * stated here once. The construct calls {@link checkPostgresReplicatedProps}; the tier validation calls
 * {@link checkPostgresReplicatedSizing} for the part a tier states.
 */
import { isDnsSubdomain, isIntegerIn } from '../../core/checks';
import { ContainerResources, checkContainerResources } from '../../core/container-resources';
import { IngressPeer, checkIngressPeers } from '../../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../../core/names';
import { Problems } from '../../core/problems';
import { parseMemory } from '../../core/quantity';
import { type SecretKeyRef, checkSecretKeyRef } from '../../core/secret-ref';
import { MAX_CLIENT_CONNECTIONS, MAX_CONNECTIONS, MAX_REPLICAS, MIN_MEMORY_ALLOWED, MIN_MEMORY_BYTES } from '../_postgres-checks';
import { fieldAt } from '../../core/checks';
import { NAME_ROOM, REPLICATED_DEFAULTS } from './_postgres-replicated-defaults';

/** The PgBouncer connection pooler of a {@link PostgresReplicated} cluster. */
export interface PostgresPooler {
  /** Server connections per database/user pair (`default_pool_size`); at most the servers' `maxConnections`. */
  readonly poolSize: number;
  /** Client connections each pooler pod accepts (`max_client_conn`). */
  readonly maxClientConnections: number;
  /**
   * Pooler pods, 2 to 100.
   *
   * @default 2 - one pod can be drained or rescheduled while the other serves
   */
  readonly replicas?: number;
  /**
   * Requests and limits of each pooler container.
   *
   * @default - requests 100m CPU / 64Mi, limits 500m CPU / 128Mi (PgBouncer is single-threaded and small)
   */
  readonly resources?: ContainerResources;
}

/** Props of {@link PostgresReplicated}. */
export interface PostgresReplicatedProps {
  /**
   * The prefix of every object's name (`<name>-primary`, `<name>-replica`, `<name>-rw`, `<name>-ro`, ...). A DNS-1035
   * label of at most 44 characters, so `-replica-headless` and the StatefulSets' revision labels still fit.
   *
   * @default 'postgres'
   */
  readonly name?: string;
  /**
   * The namespace of every object; also used in the fully qualified host name the standbys and the pooler connect to.
   *
   * @default - the chart's namespace; hosts are the short Service names, resolved in the pods' own namespace
   */
  readonly namespace?: string;
  /** Streaming hot standbys (the `<name>-replica` StatefulSet), 0 to 32. */
  readonly readReplicas: number;
  /**
   * Commits wait for this many standbys (`synchronous_standby_names = 'ANY n (replica_0, ...)'`).
   *
   * @default 0 - asynchronous
   */
  readonly synchronousReplicas?: number;
  /** Requests and limits of the primary; its memory limit sizes shared_buffers and the other memory settings. */
  readonly primaryResources: ContainerResources;
  /** Requests and limits of each replica. */
  readonly replicaResources: ContainerResources;
  /** The volume of each server (a ReadWriteOnce PersistentVolumeClaim), e.g. `50Gi`. */
  readonly storage: string;
  /**
   * The StorageClass of the volumes.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * `max_connections` of every server.
   *
   * @default 200
   */
  readonly maxConnections?: number;
  /**
   * A PgBouncer Deployment and Service `<name>-pooler` (port 6432) in front of `<name>-rw`. Needs `poolerAuthPassword`.
   *
   * @default - no pooler
   */
  readonly pooler?: PostgresPooler;
  /** The Secret key of the replication role's password. */
  readonly replicationPassword: SecretKeyRef;
  /**
   * The Secret key of the application role's password (role and database `app`, created by the primary's init script).
   *
   * @default - no application role or database is created
   */
  readonly appPassword?: SecretKeyRef;
  /**
   * The Secret key of the pooler's lookup role's password (PgBouncer `auth_user`). Required with `pooler`.
   *
   * @default - no pooler role
   */
  readonly poolerAuthPassword?: SecretKeyRef;
  /**
   * The PostgreSQL image: the official image, major version 15 or later, pinned. The scripts need its `postgres`
   * user (uid 999), `initdb`, `pg_ctl`, `pg_basebackup`, `pg_rewind` and `psql` on the PATH.
   *
   * @default 'postgres:15.13-bookworm'
   */
  readonly image?: string;
  /**
   * The PgBouncer image. It needs `pgbouncer`, `sh` and `sed` on the PATH and must run as any non-root user.
   *
   * @default 'ghcr.io/cloudnative-pg/pgbouncer:1.23.0' - CloudNativePG's Debian-based PgBouncer build
   */
  readonly poolerImage?: string;
  /**
   * Who may connect: to the servers on 5432 and to the pooler on 6432. Servers always reach each other on 5432
   * and the pooler always reaches the servers; everything else is denied.
   *
   * @default [] - no clients
   */
  readonly allowIngressFrom?: IngressPeer[];
  /**
   * The cluster's DNS domain, for the fully qualified Service names (only used with `namespace`).
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * The props that size a cluster: what a tier states (TierChart supplies the names, the Secret references and the
 * network peers).
 */
export type PostgresReplicatedSizing = Pick<
  PostgresReplicatedProps,
  'readReplicas' | 'synchronousReplicas' | 'primaryResources' | 'replicaResources' | 'storage' | 'storageClass' | 'maxConnections' | 'pooler'
>;

/**
 * Records every invalid prop of a {@link PostgresReplicated}.
 *
 * @param path the prefix of the field names: '' for the construct itself, e.g. 'postgres' when the props are part
 * of a larger object
 */
export function checkPostgresReplicatedProps(problems: Problems, path: string, props: PostgresReplicatedProps): void {
  const at = (field: string) => fieldAt(path, field);
  const name = props.name ?? REPLICATED_DEFAULTS.name;
  if (!isObjectName(name, NAME_ROOM)) problems.add(at('name'), name, objectNameAllowed(NAME_ROOM));
  if (props.namespace !== undefined && !isObjectName(props.namespace)) problems.add(at('namespace'), props.namespace, objectNameAllowed());
  checkPostgresReplicatedSizing(problems, path, props);
  checkSecretKeyRef(problems, at('replicationPassword'), props.replicationPassword, true);
  checkSecretKeyRef(problems, at('appPassword'), props.appPassword, false);
  checkSecretKeyRef(problems, at('poolerAuthPassword'), props.poolerAuthPassword, props.pooler !== undefined);
  const image = props.image ?? REPLICATED_DEFAULTS.image;
  if (!isPinnedImage(image)) problems.add(at('image'), image, IMAGE_ALLOWED);
  else if (!isPostgres15OrLater(image)) problems.add(at('image'), image, 'a PostgreSQL image of major version 15 or later');
  const poolerImage = props.poolerImage ?? REPLICATED_DEFAULTS.poolerImage;
  if (!isPinnedImage(poolerImage)) problems.add(at('poolerImage'), poolerImage, IMAGE_ALLOWED);
  const clusterDomain = props.clusterDomain ?? REPLICATED_DEFAULTS.clusterDomain;
  if (!isDnsSubdomain(clusterDomain)) problems.add(at('clusterDomain'), clusterDomain, 'a DNS domain such as "cluster.local"');
  checkIngressPeers(problems, at('allowIngressFrom'), props.allowIngressFrom ?? []);
}

/**
 * Records every invalid sizing prop of a {@link PostgresReplicated} (part of {@link checkPostgresReplicatedProps}).
 *
 * @param path the prefix of the field names: '' for the construct itself, 'postgres' for a tier
 */
export function checkPostgresReplicatedSizing(problems: Problems, path: string, props: PostgresReplicatedSizing): void {
  const at = (field: string) => fieldAt(path, field);
  const replicas = props.readReplicas;
  const sync = props.synchronousReplicas ?? REPLICATED_DEFAULTS.synchronousReplicas;
  if (!isIntegerIn(replicas, 0, MAX_REPLICAS)) problems.add(at('readReplicas'), replicas, `an integer between 0 and ${MAX_REPLICAS}`);
  else if (!isIntegerIn(sync, 0, replicas)) {
    problems.add(at('synchronousReplicas'), sync, `an integer between 0 and '${at('readReplicas')}' (${replicas})`);
  }
  for (const field of ['primaryResources', 'replicaResources'] as const) checkContainerResources(problems, at(field), props[field]);
  for (const field of ['primaryResources', 'replicaResources'] as const) {
    const limit = props[field]?.limits?.memory;
    const bytes = parseMemory(limit);
    if (bytes !== undefined && bytes < MIN_MEMORY_BYTES) problems.add(at(`${field}.limits.memory`), limit, MIN_MEMORY_ALLOWED);
  }
  if (parseMemory(props.storage) === undefined) {
    problems.add(at('storage'), props.storage, 'a positive Kubernetes storage quantity such as "50Gi" or "1Ti"');
  }
  if (props.storageClass !== undefined && !isDnsSubdomain(props.storageClass)) {
    problems.add(at('storageClass'), props.storageClass, 'a StorageClass name (a DNS subdomain)');
  }
  const maxConnections = props.maxConnections ?? REPLICATED_DEFAULTS.maxConnections;
  const validMax = isIntegerIn(maxConnections, 1, MAX_CONNECTIONS);
  if (!validMax) problems.add(at('maxConnections'), maxConnections, `an integer between 1 and ${MAX_CONNECTIONS}`);
  const pooler = props.pooler;
  if (pooler === undefined) return;
  if (validMax && !isIntegerIn(pooler.poolSize, 1, maxConnections)) {
    problems.add(at('pooler.poolSize'), pooler.poolSize, `an integer between 1 and '${at('maxConnections')}' (${maxConnections})`);
  } else if (!validMax && !isIntegerIn(pooler.poolSize, 1, MAX_CONNECTIONS)) {
    problems.add(at('pooler.poolSize'), pooler.poolSize, `an integer between 1 and ${MAX_CONNECTIONS}`);
  }
  if (!isIntegerIn(pooler.maxClientConnections, 1, MAX_CLIENT_CONNECTIONS)) {
    problems.add(at('pooler.maxClientConnections'), pooler.maxClientConnections, `an integer between 1 and ${MAX_CLIENT_CONNECTIONS}`);
  }
  if (!isIntegerIn(pooler.replicas ?? REPLICATED_DEFAULTS.poolerReplicas, 2, 100)) {
    // One pooler pod would carry every connection alone: a drain or a crash cuts the database off.
    problems.add(at('pooler.replicas'), pooler.replicas, 'an integer between 2 and 100 (a single pooler pod is a single point of failure)');
  }
  if (pooler.resources !== undefined) checkContainerResources(problems, at('pooler.resources'), pooler.resources);
}

/** True for `postgres:<major>...` tags with a major of 15 or more, and for any other repository or a digest. */
function isPostgres15OrLater(image: string): boolean {
  const m = /(?:^|\/)postgres:(\d+)/.exec(image);
  return m === null || Number(m[1]) >= 15;
}
