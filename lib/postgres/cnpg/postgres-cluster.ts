import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Problems } from '../../core/problems';
import {
  BARMAN_CLOUD_PLUGIN, CNPG_KINDS, CNPG_LABELS, CNPG_PORTS,
  addIngressPolicy, addObjectStore, addPodMonitor, addPooler, addPoolerDisruptionBudget, addScheduledBackup, peers,
} from './_cnpg-objects';
import { POOLER_RESOURCES } from '../_postgres-checks';
import { validationAnnotations } from '../../validate/annotations';
import { cnpgBackupSchedule } from './cnpg-backup-schedule';
import { cnpgPostgresParameters } from './cnpg-parameters';
import {
  DEFAULT_POOLER, archiveServerName, checkPostgresClusterProps,
  type PostgresClusterProps, type PostgresClusterTopology,
} from './postgres-cluster-props';

export { BARMAN_CLOUD_PLUGIN, CNPG_LABELS, CNPG_PORTS } from './_cnpg-objects';

type PoolerType = 'rw' | 'ro' | 'r';

/**
 * The read Pooler's type: `ro` (replicas only) with two or more replicas; with one, `r` (every instance, the primary
 * included), so reads survive the restart of the only replica; none without replicas (reads use the rw Pooler).
 */
function readPoolerType(readReplicas: number): Exclude<PoolerType, 'rw'> | undefined {
  if (readReplicas >= 2) return 'ro';
  return readReplicas === 1 ? 'r' : undefined;
}

/** The ObjectStore through which a cluster reads another topology member's archive. */
function foreignStoreName(member: string): string {
  return `${member}-archive`;
}
export * from './postgres-cluster-props';

/**
 * The cluster a member follows while it is a replica: the primary; for the primary itself, the member it would
 * follow once demoted (the first other member), as CloudNativePG's distributed topology requires a source on every
 * member.
 */
function replicaSource(t: PostgresClusterTopology): string {
  if (t.source !== undefined) return t.source;
  if (t.self !== t.primary) return t.primary;
  return t.members.find((m) => m.name !== t.self)?.name ?? t.primary;
}

/**
 * A PostgreSQL cluster run by the CloudNativePG operator (target: CloudNativePG 1.27 with the Barman Cloud plugin
 * 0.6 or later): automatic failover, PgBouncer Poolers, TLS between instances, and with `backup`, WAL archiving,
 * scheduled base backups and point-in-time recovery.
 *
 * Creates: a `Cluster` `<name>` (postgresql.cnpg.io/v1); `Pooler`s `<name>-pooler-rw` and, with read replicas,
 * `<name>-pooler-ro`; PodMonitors `<name>` (instances, port 9187) and `<name>-pooler` (9127); NetworkPolicies
 * `<name>-instances` and `<name>-pooler`; with `backup`, an `ObjectStore` `<name>-backups` (barmancloud.cnpg.io/v1)
 * and a `ScheduledBackup` `<name>`. The operator adds the Services `<name>-rw`, `-ro`, `-r`, the ServiceAccount
 * `<name>` (the backup role's EKS Pod Identity association names it) and the PodDisruptionBudgets.
 */
export class PostgresCluster extends Construct {
  /** The Cluster's name. */
  public readonly name: string;
  /** The read-write Pooler's Service (and Pooler) name. */
  public readonly readWritePoolerName: string;
  /** The read-only Pooler's name, or the read-write one when there are no read replicas. */
  public readonly readOnlyPoolerName: string;
  /** The server name this cluster archives WAL and backups under (its folder below the destination path). */
  public readonly archiveServerName?: string;
  /** The Cluster object. */
  public readonly cluster: ApiObject;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    checkPostgresClusterProps(problems, '', props);
    problems.throwIfAny();

    const name = props.name ?? 'postgres';
    const ns = props.namespace;
    const instances = 1 + props.readReplicas;
    const sync = props.synchronousReplicas ?? 0;
    const pooler = props.pooler ?? DEFAULT_POOLER;
    const backup = props.backup;
    const topology = props.topology;
    const isPrimary = topology === undefined || topology.self === topology.primary;
    const common = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' };
    const meta = (objectName: string, component: string) => ({ name: objectName, namespace: ns, labels: { ...common, 'app.kubernetes.io/component': component } });
    const instanceSelector = { [CNPG_LABELS.cluster]: name, [CNPG_LABELS.podRole]: 'instance' };
    this.name = name;
    this.readWritePoolerName = `${name}-pooler-rw`;
    const readPooler = readPoolerType(props.readReplicas);
    this.readOnlyPoolerName = readPooler ? `${name}-pooler-${readPooler}` : this.readWritePoolerName;

    const parameters = cnpgPostgresParameters({
      memoryLimit: props.resources.limits.memory,
      maxConnections: props.maxConnections,
      volumeSize: props.walStorage ?? props.storage, // the volume that holds pg_wal
      archiveTimeoutSeconds: backup ? backup.archiveTimeoutSeconds ?? 60 : undefined,
    });
    const storeName = `${name}-backups`;
    const serverName = backup ? archiveServerName(name, topology, props.recovery) : undefined;
    this.archiveServerName = serverName;
    const pluginFor = (server: string, store = storeName) => ({ name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: store, serverName: server } });

    const spec: Record<string, unknown> = {
      description: `PostgreSQL of ${name} (scaling-tiers)`,
      instances,
      imageName: props.imageName ?? 'ghcr.io/cloudnative-pg/postgresql:15.13-standard-bookworm',
      // Minor upgrades and configuration restarts: replicas first, then a switchover, never a restart of the primary.
      primaryUpdateStrategy: 'unsupervised',
      primaryUpdateMethod: 'switchover',
      postgresql: {
        parameters,
        synchronous: sync > 0 ? { method: 'any', number: sync, dataDurability: props.dataDurability ?? 'required' } : undefined,
      },
      enableSuperuserAccess: props.superuserSecretName !== undefined,
      superuserSecret: props.superuserSecretName ? { name: props.superuserSecretName } : undefined,
      storage: { size: props.storage, storageClass: props.storageClass },
      walStorage: props.walStorage !== undefined ? { size: props.walStorage, storageClass: props.storageClass } : undefined,
      resources: props.resources,
      affinity: {
        enablePodAntiAffinity: true,
        topologyKey: 'kubernetes.io/hostname',
        podAntiAffinityType: props.podAntiAffinityType ?? 'preferred',
      },
      // Zones as well as nodes: losing a zone must leave a replica to promote.
      topologySpreadConstraints: [{
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: instanceSelector },
      }],
      bootstrap: this.bootstrap(props, isPrimary, topology),
      plugins: backup ? [{ ...pluginFor(serverName as string), isWALArchiver: true }] : undefined,
      externalClusters: this.externalClusters(props, name, storeName, pluginFor),
      replica: topology ? { self: topology.self, primary: topology.primary, source: replicaSource(topology), promotionToken: topology.promotionToken } : undefined,
    };
    // A named StorageClass is a prerequisite of the cluster (lib/postgres/README.md): declared, so the gate's
    // missing-reference rule accepts it, and any other class a volume names (a typo) is reported.
    const clusterMeta = props.storageClass
      ? { ...meta(name, 'database'), annotations: validationAnnotations([{ kind: 'StorageClass', name: props.storageClass }]) }
      : meta(name, 'database');
    this.cluster = new ApiObject(this, 'Resource', { ...CNPG_KINDS.cluster, metadata: clusterMeta, spec });

    const poolerTypes: PoolerType[] = readPooler ? ['rw', readPooler] : ['rw'];
    for (const type of poolerTypes) {
      // The construct ids stay `PoolerRW` / `PoolerRO` for the read pooler of either type (ids are a public contract).
      const id = type === 'rw' ? 'PoolerRW' : 'PoolerRO';
      const poolerMeta = meta(`${name}-pooler-${type}`, 'pooler');
      addPooler(this, id, {
        meta: poolerMeta,
        cluster: name,
        type,
        instances: pooler.replicas ?? 2,
        poolSize: pooler.poolSize,
        maxClientConnections: pooler.maxClientConnections,
        resources: pooler.resources ?? POOLER_RESOURCES,
      });
      addPoolerDisruptionBudget(this, `${id}DisruptionBudget`, poolerMeta);
    }

    const poolerPods = { podSelector: { matchExpressions: [{ key: CNPG_LABELS.poolerName, operator: 'In', values: poolerTypes.map((t) => `${name}-pooler-${t}`) }] } };
    const monitorMeta = (objectName: string, component: string) => ({ ...meta(objectName, component), labels: { ...meta(objectName, component).labels, ...props.podMonitorLabels } });
    if (props.podMonitors !== false) {
      addPodMonitor(this, 'PodMonitor', {
        meta: monitorMeta(name, 'database'),
        selector: { matchLabels: instanceSelector },
        podTargetLabels: [CNPG_LABELS.cluster, CNPG_LABELS.instanceName, CNPG_LABELS.instanceRole],
      });
      addPodMonitor(this, 'PoolerPodMonitor', {
        meta: monitorMeta(`${name}-pooler`, 'pooler'),
        selector: poolerPods.podSelector,
        podTargetLabels: [CNPG_LABELS.cluster, CNPG_LABELS.poolerName],
      });
    }

    const metricsFrom = peers(props.metricsFrom ?? [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }]);
    addIngressPolicy(this, 'InstancesNetworkPolicy', {
      meta: meta(`${name}-instances`, 'database'),
      podSelector: { matchLabels: instanceSelector },
      rules: [
        // Instances replicate from each other; the operator's bootstrap and join Jobs carry the cluster label too.
        { from: [{ podSelector: { matchLabels: { [CNPG_LABELS.cluster]: name } } }], ports: [CNPG_PORTS.postgres] },
        { from: [poolerPods], ports: [CNPG_PORTS.postgres] },
        { from: [{ namespaceSelector: { matchLabels: props.operatorNamespaceLabels ?? { 'kubernetes.io/metadata.name': 'cnpg-system' } } }], ports: [CNPG_PORTS.status, CNPG_PORTS.postgres] },
        { from: metricsFrom, ports: [CNPG_PORTS.instanceMetrics] },
      ],
    });
    addIngressPolicy(this, 'PoolerNetworkPolicy', {
      meta: meta(`${name}-pooler`, 'pooler'),
      podSelector: poolerPods.podSelector,
      rules: [
        { from: peers(props.allowIngressFrom), ports: [CNPG_PORTS.postgres] },
        { from: metricsFrom, ports: [CNPG_PORTS.poolerMetrics] },
      ],
    });

    if (backup) {
      addObjectStore(this, 'ObjectStore', {
        meta: meta(storeName, 'backup'),
        destinationPath: backup.destinationPath,
        region: backup.region,
        retentionPolicy: backup.retentionPolicy,
        kmsKeyId: backup.kmsKeyId,
      });
      // The other members' stores, read only: each member archives to its own region's bucket (distributed topology).
      for (const m of topology?.members ?? []) {
        if (m.name === topology?.self || m.objectStore === undefined) continue;
        addObjectStore(this, `ObjectStore-${m.name}`, {
          meta: meta(foreignStoreName(m.name), 'backup'),
          destinationPath: m.objectStore.destinationPath,
          region: m.objectStore.region,
          readOnly: true,
        });
      }
      addScheduledBackup(this, 'ScheduledBackup', { meta: meta(name, 'backup'), cluster: name, schedule: cnpgBackupSchedule(backup.intervalHours) });
    }
  }

  private bootstrap(props: PostgresClusterProps, isPrimary: boolean, topology?: PostgresClusterTopology): Record<string, unknown> {
    const database = props.appDatabase ?? 'app';
    // Every recovery bootstrap names the app database, its owner and the owner's Secret: CloudNativePG then manages
    // that role's password from the Secret, so after a promotion the app logs in with the same credentials.
    const app = { database, owner: database, secret: { name: props.appSecretName } };
    if (topology && (!isPrimary || topology.promotionToken !== undefined)) {
      // A replica cluster (and one being promoted) bootstraps from its source's latest base backup, read from that
      // member's own store: a replica-mode cluster created with initdb is refused by CloudNativePG's webhook
      // (validateReplicaMode: "replica mode bootstrap is compatible only with pg_basebackup or recovery"). Only the
      // topology's primary is created with initdb; the bootstrap section is read only when a Cluster is created.
      return { recovery: { source: replicaSource(topology), ...app } };
    }
    if (props.recovery) {
      return { recovery: { source: 'origin', ...app, recoveryTarget: { targetTime: props.recovery.targetTime } } };
    }
    return { initdb: { database, owner: database, secret: { name: props.appSecretName }, dataChecksums: true } };
  }

  private externalClusters(props: PostgresClusterProps, name: string, storeName: string, pluginFor: (server: string, store?: string) => object): object[] | undefined {
    // Point-in-time recovery reads the archive it recovers from as `origin` (in this cluster's own store).
    const origin = props.recovery ? [{ name: 'origin', plugin: pluginFor(props.recovery.sourceServerName ?? name) }] : [];
    if (props.topology) {
      const self = props.topology.self;
      return [...origin, ...props.topology.members.map((m) => ({
        name: m.name,
        // Each member is read where it archives: its own region's store (its own folder, `serverName`).
        plugin: pluginFor(m.serverName ?? m.name, m.name === self || m.objectStore === undefined ? storeName : foreignStoreName(m.name)),
        connectionParameters: m.streaming
          ? { host: m.streaming.host, user: 'streaming_replica', dbname: 'postgres', sslmode: 'verify-full' }
          : undefined,
        sslKey: m.streaming ? { name: m.streaming.replicationSecretName, key: 'tls.key' } : undefined,
        sslCert: m.streaming ? { name: m.streaming.replicationSecretName, key: 'tls.crt' } : undefined,
        sslRootCert: m.streaming ? { name: m.streaming.caSecretName, key: 'ca.crt' } : undefined,
      }))];
    }
    return origin.length > 0 ? origin : undefined;
  }
}
