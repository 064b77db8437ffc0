import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Problems } from '../../core/problems';
import {
  BARMAN_CLOUD_PLUGIN, CNPG_KINDS, CNPG_LABELS, CNPG_PORTS,
  addIngressPolicy, addObjectStore, addPodMonitor, addPooler, addScheduledBackup, peers,
} from './_cnpg-objects';
import { cnpgBackupSchedule } from './cnpg-backup-schedule';
import { cnpgPostgresParameters } from './cnpg-parameters';
import {
  DEFAULT_POOLER, archiveServerName, checkPostgresClusterProps,
  type PostgresClusterProps, type PostgresClusterTopology,
} from './postgres-cluster-props';

export { BARMAN_CLOUD_PLUGIN, CNPG_LABELS, CNPG_PORTS } from './_cnpg-objects';
export * from './postgres-cluster-props';

/**
 * The cluster a member follows while it is a replica: the primary; for the primary itself, the member it would
 * follow once demoted (the first other member), as CloudNativePG's distributed topology requires a source on every
 * member.
 */
function replicaSource(t: PostgresClusterTopology): string {
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
    this.readOnlyPoolerName = props.readReplicas > 0 ? `${name}-pooler-ro` : this.readWritePoolerName;

    const parameters = cnpgPostgresParameters({
      memoryLimit: props.resources.limits.memory,
      maxConnections: props.maxConnections,
      archiveTimeoutSeconds: backup ? backup.archiveTimeoutSeconds ?? 60 : undefined,
    });
    const storeName = `${name}-backups`;
    const serverName = backup ? archiveServerName(name, topology, props.recovery) : undefined;
    this.archiveServerName = serverName;
    const pluginFor = (server: string) => ({ name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: storeName, serverName: server } });

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
      externalClusters: this.externalClusters(props, name, pluginFor),
      replica: topology ? { self: topology.self, primary: topology.primary, source: replicaSource(topology) } : undefined,
    };
    this.cluster = new ApiObject(this, 'Resource', { ...CNPG_KINDS.cluster, metadata: meta(name, 'database'), spec });

    const poolerTypes: Array<'rw' | 'ro'> = props.readReplicas > 0 ? ['rw', 'ro'] : ['rw'];
    for (const type of poolerTypes) {
      addPooler(this, `Pooler${type.toUpperCase()}`, {
        meta: meta(`${name}-pooler-${type}`, 'pooler'),
        cluster: name,
        type,
        instances: pooler.replicas ?? 2,
        poolSize: pooler.poolSize,
        maxClientConnections: pooler.maxClientConnections,
        resources: pooler.resources,
      });
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
      addScheduledBackup(this, 'ScheduledBackup', { meta: meta(name, 'backup'), cluster: name, schedule: cnpgBackupSchedule(backup.intervalHours) });
    }
  }

  private bootstrap(props: PostgresClusterProps, isPrimary: boolean, topology?: PostgresClusterTopology): Record<string, unknown> {
    const database = props.appDatabase ?? 'app';
    if (!isPrimary && topology) {
      // A replica cluster starts from the primary's latest base backup in this region's copy of its archive.
      return { recovery: { source: topology.primary } };
    }
    if (props.recovery) {
      return {
        recovery: {
          source: 'origin',
          database,
          owner: database,
          secret: { name: props.appSecretName },
          recoveryTarget: { targetTime: props.recovery.targetTime },
        },
      };
    }
    return { initdb: { database, owner: database, secret: { name: props.appSecretName }, dataChecksums: true } };
  }

  private externalClusters(props: PostgresClusterProps, name: string, pluginFor: (server: string) => object): object[] | undefined {
    if (props.topology) {
      return props.topology.members.map((m) => ({
        name: m.name,
        plugin: pluginFor(m.name),
        connectionParameters: m.streaming
          ? { host: m.streaming.host, user: 'streaming_replica', dbname: 'postgres', sslmode: 'verify-full' }
          : undefined,
        sslKey: m.streaming ? { name: m.streaming.replicationSecretName, key: 'tls.key' } : undefined,
        sslCert: m.streaming ? { name: m.streaming.replicationSecretName, key: 'tls.crt' } : undefined,
        sslRootCert: m.streaming ? { name: m.streaming.caSecretName, key: 'ca.crt' } : undefined,
      }));
    }
    if (props.recovery) return [{ name: 'origin', plugin: pluginFor(props.recovery.sourceServerName ?? name) }];
    return undefined;
  }
}
