/**
 * The props of {@link PostgresCluster} (lib/postgres/cnpg/postgres-cluster.ts) and their checks: `checkPostgresClusterProps`
 * states each rule once, for the construct and for the tier validation (lib/tier/validate-tier-spec.ts).
 */
import { isDnsSubdomain, isIntegerIn, oneOf } from '../../core/checks';
import { ContainerResources, checkContainerResources } from '../../core/container-resources';
import { IngressPeer, checkIngressPeers } from '../../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, LABEL_KEY, LABEL_VALUE, objectNameAllowed } from '../../core/names';
import { Problems } from '../../core/problems';
import { parseMemory } from '../../core/quantity';
import type { PostgresPooler } from '../statefulset/postgres-replicated-props';
import { BACKUP_INTERVAL_ALLOWED, BACKUP_INTERVAL_HOURS, RETENTION_POLICY, RETENTION_POLICY_ALLOWED } from './cnpg-backup-schedule';

/** How often base backups run and how long backups are kept (tier data: department 6 h / 90d, enterprise 1 h / 84m). */
export interface PostgresBackupPolicy {
  /** Hours between scheduled base backups, one of 1, 2, 3, 4, 6, 8, 12, 24; rendered as CloudNativePG's six-field cron. */
  readonly intervalHours: number;
  /**
   * How long base backups and WAL are kept: `<n>d`, `<n>w` or `<n>m` (the CRD has no years: 7 years is `84m`).
   *
   * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/retention/
   */
  readonly retentionPolicy: string;
  /**
   * `archive_timeout` in seconds: an idle primary closes its WAL segment after this long, so the object store (and
   * every replica cluster fed from it) is at most this far behind. It bounds the RPO of losing the primary region.
   *
   * @default 60 - an RPO of about a minute; each forced segment is 16 MiB before compression (mostly zeros when idle)
   */
  readonly archiveTimeoutSeconds?: number;
}

/** Backups and WAL archiving through the Barman Cloud plugin to S3. */
export interface PostgresClusterBackup extends PostgresBackupPolicy {
  /**
   * This region's archive folder, `s3://<bucket>/<path>`: `postgresBackupLocationFor(...).destinationPath`
   * (lib/cloud/postgres-backup-location.ts), the same function the cloud app names the bucket and IAM role with.
   * Barman appends the server name (`<serverName>/base`, `<serverName>/wals`).
   */
  readonly destinationPath: string;
  /** The bucket's AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The KMS key (key ARN or alias ARN) Barman asks S3 to encrypt with (`encryption: aws:kms` and
   * `--sse-kms-key-id`).
   *
   * @default - no encryption header: the bucket's default encryption applies (the backup bucket of the cloud app:
   * SSE-KMS with its customer-managed key, and a policy refusing any other key, including `aws:kms` without a key id,
   * which S3 would serve with the AWS managed key)
   */
  readonly kmsKeyId?: string;
}

/** Point-in-time recovery: a new cluster bootstrapped from the object store up to `targetTime`. */
export interface PostgresClusterRecovery {
  /**
   * The moment to recover to, RFC 3339 with a zone, e.g. `2026-11-29T14:05:00Z`: every transaction committed
   * before it is kept, none after.
   */
  readonly targetTime: string;
  /**
   * The server name of the archive to recover from: the lost cluster's name, or the `archiveServerName` of a cluster
   * that was itself recovered.
   *
   * @default - the cluster's name (the archive of the cluster this one replaces)
   */
  readonly sourceServerName?: string;
}

/** One cluster of a distributed topology (a CloudNativePG cluster in one region). */
export interface PostgresTopologyMember {
  /** Its name in the topology (`replica.self` there), and the server name of its archive, e.g. `postgres-us-east-1`. */
  readonly name: string;
  /**
   * Streaming replication from this member, where the platform gives a network path to it: its read-write host and
   * the Secrets (copied from its region) holding the `streaming_replica` client certificate (`tls.crt`, `tls.key`)
   * and its CA (`ca.crt`).
   *
   * @default - none: the member is reached through its archive in the object store only
   */
  readonly streaming?: { readonly host: string; readonly replicationSecretName: string; readonly caSecretName: string };
  /**
   * The Barman server name of this member's archive: the folder under its store's `destinationPath`. A member that
   * is re-cloned gets a new one (a new generation, `postgresBackupLocationFor({ generation })`), because Barman
   * refuses to archive into a folder that already holds WAL ("Expected empty archive").
   *
   * @default - the member's name
   */
  readonly serverName?: string;
  /**
   * Where this member archives, when it is not this cluster's own `backup` store: its own region's bucket. Every
   * member archives to its own region's store (CloudNativePG's distributed topology), and every other member reads
   * it from there, so after any switchover the new primary's WAL reaches every region without bucket replication.
   *
   * @default - this cluster's own store (`backup`), as for `self`
   */
  readonly objectStore?: PostgresTopologyObjectStore;
}

/** The object store a topology member archives to, as another member reads it. */
export interface PostgresTopologyObjectStore {
  /** The member's archive folder, `s3://<bucket>/<path>` (`postgresBackupLocationFor(...).destinationPath` of its region). */
  readonly destinationPath: string;
  /** The bucket's AWS region, e.g. `eu-west-1`: the store's S3 endpoint is that region's (`https://s3.<region>.amazonaws.com`). */
  readonly region: string;
}

/**
 * The cluster's place in a CloudNativePG distributed topology: one primary cluster across all regions, every other
 * cluster a replica cluster fed from the primary's archive (replicated into its own region's bucket).
 *
 * @see https://cloudnative-pg.io/documentation/1.27/replica_cluster/#distributed-topology
 */
export interface PostgresClusterTopology {
  /** This cluster's name in the topology: one of `members`. */
  readonly self: string;
  /**
   * The member that is primary in the topology, as this cluster sees it (`replica.primary`). When it names `self`,
   * this cluster is the primary; otherwise a replica cluster (a primary changed to another member is demoted).
   */
  readonly primary: string;
  /**
   * The member this cluster replicates from while it is a replica (`replica.source`); on the primary, the member it
   * will follow once demoted.
   *
   * @default - `primary` on a replica cluster; on the primary, the first other member
   */
  readonly source?: string;
  /**
   * The demotion token of the former primary (`kubectl get cluster <name> -o jsonpath='{.status.demotionToken}'`),
   * set on the member being promoted in a planned switchover (`replica.promotionToken`): CloudNativePG promotes it
   * only once it has replayed the WAL up to the former primary's shutdown checkpoint, so no transaction is lost.
   *
   * @default - none: a member whose `primary` names itself is promoted at once (an unplanned failover)
   */
  readonly promotionToken?: string;
  /** Every cluster of the topology, this one included. */
  readonly members: readonly PostgresTopologyMember[];
}

/** Props of {@link PostgresCluster}. */
export interface PostgresClusterProps {
  /**
   * The Cluster's name: the prefix of its pods, Services (`<name>-rw`, `-ro`, `-r`), Poolers (`<name>-pooler-rw`,
   * `-ro`) and its ServiceAccount. A DNS-1035 label of at most 50 characters.
   *
   * @default 'postgres'
   */
  readonly name?: string;
  /**
   * The namespace of every object.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Read replicas, 0 to 15: the Cluster runs `1 + readReplicas` instances, any of which can become primary. */
  readonly readReplicas: number;
  /**
   * Commits wait for this many replicas (`postgresql.synchronous` method `any`), 0 to `readReplicas`.
   *
   * @default 0 - asynchronous
   */
  readonly synchronousReplicas?: number;
  /**
   * With synchronous replicas: `required` blocks commits while too few replicas are connected (no acknowledged
   * commit is ever lost); `preferred` lowers the requirement to the connected replicas (availability first).
   *
   * @default 'required' - an acknowledged commit survives losing the primary, which is why the tier asks for it
   */
  readonly dataDurability?: 'required' | 'preferred';
  /**
   * Requests and limits of every instance. Instances are alike (any one can be promoted); the memory limit sizes
   * shared_buffers, effective_cache_size, work_mem and maintenance_work_mem as in the StatefulSet engine.
   */
  readonly resources: ContainerResources;
  /** The data volume of each instance, e.g. `50Gi`. */
  readonly storage: string;
  /**
   * The StorageClass of the volumes.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;
  /**
   * A separate volume for `pg_wal` of each instance (CloudNativePG `spec.walStorage`), e.g. `20Gi`, in `storageClass`:
   * WAL writes no longer compete with data I/O, and WAL that piles up fills this volume, not the data's. The WAL
   * retention is scaled to the volume that holds `pg_wal` (`walRetentionForVolume`). CloudNativePG's webhook refuses
   * removing it from an existing cluster.
   *
   * @default - none: `pg_wal` shares the data volume
   */
  readonly walStorage?: string;
  /**
   * `max_connections` of every instance.
   *
   * @default 200
   */
  readonly maxConnections?: number;
  /**
   * The PgBouncer Poolers: `<name>-pooler-rw` and, with read replicas, `<name>-pooler-ro`, in transaction mode.
   *
   * @default - poolSize 25, maxClientConnections 200, 2 pods each
   */
  readonly pooler?: PostgresPooler;
  /**
   * The Secret (type `kubernetes.io/basic-auth`, keys `username` and `password`) of the application's owner role,
   * created by the platform team. The chart never emits a password.
   */
  readonly appSecretName: string;
  /**
   * The application database created at bootstrap, owned by the role of `appSecretName`.
   *
   * @default 'app'
   */
  readonly appDatabase?: string;
  /**
   * A Secret (basic-auth, username `postgres`) enabling the `postgres` superuser over the network.
   *
   * @default - superuser access disabled (`enableSuperuserAccess: false`); administer through `kubectl cnpg psql`
   */
  readonly superuserSecretName?: string;
  /**
   * The PostgreSQL operand image.
   *
   * @default 'ghcr.io/cloudnative-pg/postgresql:15.13-standard-bookworm' - PostgreSQL 15, as the StatefulSet engine and
   * the integration test that checks the parameters
   */
  readonly imageName?: string;
  /** Who may connect to the Poolers on 5432 (the app). Nobody but the Poolers, the operator and the instances reach the instances. */
  readonly allowIngressFrom: IngressPeer[];
  /**
   * Labels of the namespace the CloudNativePG operator runs in; it calls every instance on 8000 and 5432.
   *
   * @default { 'kubernetes.io/metadata.name': 'cnpg-system' } - the operator's standard namespace
   */
  readonly operatorNamespaceLabels?: Record<string, string>;
  /**
   * Who scrapes the metrics ports (9187 on instances, 9127 on poolers).
   *
   * @default [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }]
   */
  readonly metricsFrom?: IngressPeer[];
  /**
   * Labels on the PodMonitors, for the Prometheus `podMonitorSelector` (e.g. `{ release: 'kube-prometheus-stack' }`).
   *
   * @default - none
   */
  readonly podMonitorLabels?: Record<string, string>;
  /**
   * Whether to emit the PodMonitors (instances and poolers). Turn off on a cluster without the Prometheus
   * operator's CRDs; the metrics ports stay open to `metricsFrom`.
   *
   * @default true
   */
  readonly podMonitors?: boolean;
  /**
   * `preferred` spreads instances over nodes when it can; `required` never puts two on one node (a pod stays Pending
   * when no node is free).
   *
   * @default 'preferred' - a small or one-zone cluster can still run every instance
   */
  readonly podAntiAffinityType?: 'preferred' | 'required';
  /**
   * Scheduled base backups and continuous WAL archiving to S3 (Barman Cloud plugin).
   *
   * @default - none: no ObjectStore, no archiving, no point-in-time recovery
   */
  readonly backup?: PostgresClusterBackup;
  /**
   * Bootstrap from the object store up to a point in time, instead of an empty database. Needs `backup`.
   *
   * @default - a new, empty database (`initdb`)
   */
  readonly recovery?: PostgresClusterRecovery;
  /**
   * The cluster's place among the regions' clusters. Needs `backup` (replica clusters are fed from the object store).
   *
   * @default - a single, primary cluster
   */
  readonly topology?: PostgresClusterTopology;
}

/** The Poolers' sizing when none is given. */
export const DEFAULT_POOLER: PostgresPooler = { poolSize: 25, maxClientConnections: 200 };
const MAX_REPLICAS = 15;
/** Room for `-pooler-ro` and CloudNativePG's own suffixes, within the 50 characters the backup location allows. */
const NAME_ROOM = 13;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const S3_PATH = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()/-]*)?$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/;

function field(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** Records every problem of a {@link PostgresBackupPolicy} under `prefix` (the rule the tiers and the construct share). */
export function checkPostgresBackupPolicy(problems: Problems, prefix: string, policy: PostgresBackupPolicy): void {
  if (!BACKUP_INTERVAL_HOURS.includes(policy.intervalHours)) problems.add(field(prefix, 'intervalHours'), policy.intervalHours, BACKUP_INTERVAL_ALLOWED);
  if (typeof policy.retentionPolicy !== 'string' || !RETENTION_POLICY.test(policy.retentionPolicy)) {
    problems.add(field(prefix, 'retentionPolicy'), policy.retentionPolicy, RETENTION_POLICY_ALLOWED);
  }
  if (policy.archiveTimeoutSeconds !== undefined && !isIntegerIn(policy.archiveTimeoutSeconds, 10, 3600)) {
    problems.add(field(prefix, 'archiveTimeoutSeconds'), policy.archiveTimeoutSeconds, 'an integer between 10 and 3600');
  }
}

/** Records the problem of a synchronous replica count (CNPG: `number` > 0 by CEL and < `instances` by its webhook). */
export function checkSynchronousReplicas(problems: Problems, fieldName: string, sync: number, readReplicas: number, replicasField: string): void {
  if (!isIntegerIn(readReplicas, 0, MAX_REPLICAS)) return;
  if (!isIntegerIn(sync, 0, readReplicas)) problems.add(fieldName, sync, `an integer between 0 and '${replicasField}' (${readReplicas})`);
}

/**
 * Records every problem of {@link PostgresClusterProps}, with field names under `prefix` ('' for the construct
 * itself). The rule lives here once; the tier validation calls it.
 */
export function checkPostgresClusterProps(problems: Problems, prefix: string, props: PostgresClusterProps): void {
  const f = (name: string) => field(prefix, name);
  const name = props.name ?? 'postgres';
  if (!isObjectName(name, NAME_ROOM)) problems.add(f('name'), name, objectNameAllowed(NAME_ROOM));
  if (props.namespace !== undefined && !isObjectName(props.namespace)) problems.add(f('namespace'), props.namespace, objectNameAllowed());
  if (!isIntegerIn(props.readReplicas, 0, MAX_REPLICAS)) problems.add(f('readReplicas'), props.readReplicas, `an integer between 0 and ${MAX_REPLICAS}`);
  checkSynchronousReplicas(problems, f('synchronousReplicas'), props.synchronousReplicas ?? 0, props.readReplicas, f('readReplicas'));
  if (props.dataDurability !== undefined && !['required', 'preferred'].includes(props.dataDurability)) {
    problems.add(f('dataDurability'), props.dataDurability, oneOf(['required', 'preferred']));
  }
  checkContainerResources(problems, f('resources'), props.resources);
  const memory = parseMemory(props.resources?.limits?.memory);
  if (memory !== undefined && memory < 256 * 1024 ** 2) {
    problems.add(f('resources.limits.memory'), props.resources.limits.memory, 'at least "256Mi" (25 % of it becomes shared_buffers)');
  }
  if (parseMemory(props.storage) === undefined) problems.add(f('storage'), props.storage, 'a positive Kubernetes storage quantity such as "50Gi" or "1Ti"');
  if (props.walStorage !== undefined && parseMemory(props.walStorage) === undefined) problems.add(f('walStorage'), props.walStorage, 'a positive Kubernetes storage quantity such as "20Gi", or unset (pg_wal on the data volume)');
  if (props.storageClass !== undefined && !isDnsSubdomain(props.storageClass)) problems.add(f('storageClass'), props.storageClass, 'a StorageClass name (a DNS subdomain)');
  const maxConnections = props.maxConnections ?? 200;
  const validMax = isIntegerIn(maxConnections, 1, 10000);
  if (!validMax) problems.add(f('maxConnections'), maxConnections, 'an integer between 1 and 10000');
  const pooler = props.pooler ?? DEFAULT_POOLER;
  if (!isIntegerIn(pooler.poolSize, 1, validMax ? maxConnections : 10000)) {
    problems.add(f('pooler.poolSize'), pooler.poolSize, `an integer between 1 and '${f('maxConnections')}' (${maxConnections})`);
  }
  if (!isIntegerIn(pooler.maxClientConnections, 1, 100000)) problems.add(f('pooler.maxClientConnections'), pooler.maxClientConnections, 'an integer between 1 and 100000');
  if (!isIntegerIn(pooler.replicas ?? 2, 2, 100)) {
    problems.add(f('pooler.replicas'), pooler.replicas, 'an integer between 2 and 100 (a single pooler pod is a single point of failure)');
  }
  if (pooler.resources !== undefined) checkContainerResources(problems, f('pooler.resources'), pooler.resources);
  if (!isDnsSubdomain(props.appSecretName)) problems.add(f('appSecretName'), props.appSecretName, 'a Kubernetes Secret name (a DNS subdomain)');
  if (props.superuserSecretName !== undefined && !isDnsSubdomain(props.superuserSecretName)) {
    problems.add(f('superuserSecretName'), props.superuserSecretName, 'a Kubernetes Secret name (a DNS subdomain)');
  }
  const appDatabase = props.appDatabase ?? 'app';
  if (typeof appDatabase !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(appDatabase) || ['postgres', 'template0', 'template1'].includes(appDatabase)) {
    problems.add(f('appDatabase'), appDatabase, 'a new database name of lower-case letters, digits and "_" (not "postgres", "template0" or "template1")');
  }
  if (props.imageName !== undefined && !isPinnedImage(props.imageName)) problems.add(f('imageName'), props.imageName, IMAGE_ALLOWED);
  checkIngressPeers(problems, f('allowIngressFrom'), props.allowIngressFrom ?? []);
  if (props.metricsFrom !== undefined) checkIngressPeers(problems, f('metricsFrom'), props.metricsFrom);
  for (const key of ['operatorNamespaceLabels', 'podMonitorLabels'] as const) {
    const labels = props[key];
    if (labels !== undefined && !Object.entries(labels).every(([k, v]) => LABEL_KEY.test(k) && typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v))) {
      problems.add(f(key), labels, 'valid Kubernetes label keys and values');
    }
  }
  if (props.podAntiAffinityType !== undefined && !['preferred', 'required'].includes(props.podAntiAffinityType)) {
    problems.add(f('podAntiAffinityType'), props.podAntiAffinityType, oneOf(['preferred', 'required']));
  }
  const b = props.backup;
  if (b !== undefined) {
    checkPostgresBackupPolicy(problems, f('backup'), b);
    if (typeof b.destinationPath !== 'string' || !S3_PATH.test(b.destinationPath)) {
      problems.add(f('backup.destinationPath'), b.destinationPath, 'an S3 folder "s3://<bucket>/<path>" (postgresBackupLocationFor(...).destinationPath)');
    }
    if (typeof b.region !== 'string' || !REGION.test(b.region)) problems.add(f('backup.region'), b.region, 'an AWS region name such as "us-east-1"');
    if (b.kmsKeyId !== undefined && (typeof b.kmsKeyId !== 'string' || !/^[A-Za-z0-9:/_.-]{1,2048}$/.test(b.kmsKeyId))) {
      problems.add(f('backup.kmsKeyId'), b.kmsKeyId, 'a KMS key id, key ARN or alias ARN');
    }
  }
  const r = props.recovery;
  if (r !== undefined) {
    if (b === undefined) problems.add(f('recovery'), r, "unset unless 'backup' is set (recovery reads the backup's object store)");
    if (typeof r.targetTime !== 'string' || !RFC3339.test(r.targetTime) || Number.isNaN(Date.parse(r.targetTime))) {
      problems.add(f('recovery.targetTime'), r.targetTime, 'an RFC 3339 time with a zone such as "2026-11-29T14:05:00Z"');
    }
    if (r.sourceServerName !== undefined && !isObjectName(r.sourceServerName)) problems.add(f('recovery.sourceServerName'), r.sourceServerName, objectNameAllowed());
  }
  const t = props.topology;
  if (t !== undefined) {
    if (b === undefined) problems.add(f('topology'), t, "unset unless 'backup' is set (replica clusters are fed from the object store)");
    // In a topology only the primary recovers to a point in time, from another folder than the one it archives to
    // (the replica clusters are re-cloned from it); the source must be named, since members archive as <name>-<region>.
    if (r !== undefined) {
      const own = archiveServerName(props.name ?? 'postgres', t);
      if (t.primary !== t.self) problems.add(f('recovery'), r, "unset unless 'topology.primary' is 'topology.self' (only the primary recovers; replica clusters re-clone from it)");
      else if (r.sourceServerName === undefined || r.sourceServerName === own) {
        problems.add(f('recovery.sourceServerName'), r.sourceServerName, `the server name of the archive to recover from, other than this member's own ('${own}': raise its generation)`);
      }
    }
    const names = (t.members ?? []).map((m) => m.name);
    (t.members ?? []).forEach((m, i) => {
      if (!isObjectName(m.name)) problems.add(f(`topology.members[${i}].name`), m.name, objectNameAllowed());
      else if (names.indexOf(m.name) !== i) problems.add(f(`topology.members[${i}].name`), m.name, 'a name not listed twice');
      const s = m.streaming;
      if (s !== undefined) {
        if (typeof s.host !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s.host)) problems.add(f(`topology.members[${i}].streaming.host`), s.host, 'a DNS name or an IPv4 address');
        if (!isDnsSubdomain(s.replicationSecretName)) problems.add(f(`topology.members[${i}].streaming.replicationSecretName`), s.replicationSecretName, 'a Kubernetes Secret name (a DNS subdomain)');
        if (!isDnsSubdomain(s.caSecretName)) problems.add(f(`topology.members[${i}].streaming.caSecretName`), s.caSecretName, 'a Kubernetes Secret name (a DNS subdomain)');
      }
    });
    if (!names.includes(t.self)) problems.add(f('topology.self'), t.self, `one of the members' names (${names.join(', ')})`);
    if (!names.includes(t.primary)) problems.add(f('topology.primary'), t.primary, `one of the members' names (${names.join(', ')})`);
    if (t.source !== undefined && (!names.includes(t.source) || t.source === t.self)) {
      problems.add(f('topology.source'), t.source, `one of the other members' names (${names.filter((n) => n !== t.self).join(', ')})`);
    }
    // CloudNativePG's webhook: "promotionToken is only allowed for primary clusters" (validatePromotionToken).
    if (t.promotionToken !== undefined && (t.primary !== t.self || typeof t.promotionToken !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(t.promotionToken))) {
      problems.add(f('topology.promotionToken'), t.promotionToken, "unset unless 'topology.primary' is 'topology.self'; a base64 demotion token");
    }
    const serverNames = (t.members ?? []).map((m) => m.serverName ?? m.name);
    (t.members ?? []).forEach((m, i) => {
      if (m.serverName !== undefined && !isObjectName(m.serverName)) problems.add(f(`topology.members[${i}].serverName`), m.serverName, objectNameAllowed());
      else if (serverNames.indexOf(serverNames[i]) !== i) problems.add(f(`topology.members[${i}].serverName`), serverNames[i], "a server name no other member archives under");
      const o = m.objectStore;
      if (o !== undefined) {
        if (typeof o.destinationPath !== 'string' || !S3_PATH.test(o.destinationPath)) problems.add(f(`topology.members[${i}].objectStore.destinationPath`), o.destinationPath, 'an S3 folder "s3://<bucket>/<path>"');
        if (typeof o.region !== 'string' || !REGION.test(o.region)) problems.add(f(`topology.members[${i}].objectStore.region`), o.region, 'an AWS region name such as "eu-west-1"');
      }
    });
  }
}

/** The server name a cluster archives under: a recovered cluster never writes into the archive it recovered from. */
export function archiveServerName(name: string, topology?: PostgresClusterTopology, recovery?: PostgresClusterRecovery): string {
  if (topology) {
    const self = topology.members.find((m) => m.name === topology.self);
    return self?.serverName ?? topology.self;
  }
  if (recovery) return `${name}-pitr-${recovery.targetTime.replace(/[^0-9]/g, '').slice(0, 14)}`;
  return name;
}
