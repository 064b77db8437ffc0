import { Construct } from 'constructs';
import { k8s } from '../../core/k8s';
import { ContainerResources } from '../../core/container-resources';
import { IngressPeer, networkPolicyPeers } from '../../core/ingress-peer';
import { Problems } from '../../core/problems';
import { postgresConfigFiles } from '../postgres-conf';
import type { PostgresConfigProps } from '../postgres-props';
import { type PostgresReplicatedProps, checkPostgresReplicatedProps } from './postgres-replicated-props';
import { REPLICATED_DEFAULTS } from './_postgres-replicated-defaults';
import { type PoolerSettings, addPostgresPooler, sha256 } from './_postgres-pooler';
import {
  CONFIG_DIR, DATA_MOUNT, POSTGRES_PORT, POSTGRES_ROLE_LABEL, RUNTIME_DIR, SECRETS_DIR, SOCKET_DIR, type ServerProps, addPostgresServer, toResources,
} from './_postgres-server';

export { POOLER_PORT } from './_postgres-pooler';
export { POSTGRES_PORT, POSTGRES_ROLE_LABEL } from './_postgres-server';

/**
 * A PostgreSQL primary with streaming hot standbys, and optionally a PgBouncer pooler, built from the generators in
 * lib/postgres/*.ts. Creates: a ConfigMap `<name>-config`; the StatefulSets `<name>-primary` (1 pod) and
 * `<name>-replica` (`readReplicas` pods), each with a ReadWriteOnce volume per pod kept when the StatefulSet is
 * scaled down or deleted; their headless Services; the Services `<name>-rw` (the primary) and `<name>-ro` (the
 * streaming standbys); PodDisruptionBudgets; a NetworkPolicy; and with `pooler`, `<name>-pooler` objects.
 *
 * Failover is an operator step, not automatic: fence the old primary
 * (`kubectl scale statefulset <name>-primary --replicas=0`), promote the standby with the highest
 * `pg_last_wal_receive_lsn()` (`kubectl exec <name>-replica-K -- sh /etc/postgresql/promote.sh`), then repoint the
 * read-write Service at it (`kubectl patch service <name>-rw --type merge -p
 * '{"spec":{"selector":{"app.kubernetes.io/component":null,"statefulset.kubernetes.io/pod-name":"<name>-replica-K"}}}'`).
 * The other standbys and the pooler follow on their own: they connect through `<name>-rw`. The promoted pod stays
 * ready (a replica is ready while streaming or once promoted), so it also keeps serving `<name>-ro`. Re-applying
 * this manifest restores the original selector, so do it only once the primary StatefulSet holds the primary again.
 */
export class PostgresReplicated extends Construct {
  /** The prefix of every object's name. */
  public readonly name: string;
  /** The read-write Service's name (the primary). */
  public readonly readWriteServiceName: string;
  /** The read-only Service's name (the streaming standbys). */
  public readonly readOnlyServiceName: string;
  /** The pooler Service's name, when there is a pooler. */
  public readonly poolerServiceName?: string;

  constructor(scope: Construct, id: string, props: PostgresReplicatedProps) {
    super(scope, id);
    const r = resolve(props, this.node.path);
    const { name, peers } = r;
    this.name = name;
    this.readWriteServiceName = `${name}-rw`;
    this.readOnlyServiceName = `${name}-ro`;
    const files = postgresConfigFiles(r.config, this.node.path);

    const common = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': name };
    const labels = (component: string) => ({ ...common, [POSTGRES_ROLE_LABEL]: component, 'app.kubernetes.io/managed-by': 'scaling-tiers' });
    const meta = (objectName: string, component: string) => ({ name: objectName, namespace: r.namespace, labels: labels(component) });
    const configMapName = `${name}-config`;
    new k8s.KubeConfigMap(this, 'Config', { metadata: meta(configMapName, 'database'), data: files });
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(name, 'database'), automountServiceAccountToken: false });

    const server = {
      ...r.server, serviceAccountName: serviceAccount.name, configMapName, checksum: sha256(files), common, labels, meta,
    };
    addPostgresServer(this, 'primary', 1, r.primaryResources, server);
    if (r.readReplicas > 0) addPostgresServer(this, 'replica', r.readReplicas, r.replicaResources, server);

    const ports = [{ name: 'postgresql', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgresql'), protocol: 'TCP', appProtocol: 'postgresql' }];
    new k8s.KubeService(this, 'ReadWriteService', {
      metadata: meta(this.readWriteServiceName, 'primary'),
      spec: { type: 'ClusterIP', selector: { ...common, [POSTGRES_ROLE_LABEL]: 'primary' }, ports },
    });
    // Without replicas the primary serves the reads, so clients keep one connection string across tiers and the
    // Service never selects nothing.
    const readRole = r.readReplicas > 0 ? 'replica' : 'primary';
    new k8s.KubeService(this, 'ReadOnlyService', {
      metadata: meta(this.readOnlyServiceName, readRole),
      spec: { type: 'ClusterIP', selector: { ...common, [POSTGRES_ROLE_LABEL]: readRole }, ports },
    });

    const poolerSelector = { 'app.kubernetes.io/name': 'pgbouncer', 'app.kubernetes.io/instance': `${name}-pooler` };
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta(name, 'database'),
      spec: {
        podSelector: { matchLabels: common },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [
            { podSelector: { matchLabels: common } },
            ...(r.pooler ? [{ podSelector: { matchLabels: poolerSelector } }] : []),
            ...networkPolicyPeers(peers),
          ],
          ports: [{ port: k8s.IntOrString.fromNumber(POSTGRES_PORT), protocol: 'TCP' }],
        }],
      },
    });

    if (r.pooler) {
      this.poolerServiceName = `${name}-pooler`;
      addPostgresPooler(this, {
        ...r.pooler,
        name,
        namespace: r.namespace,
        targetHost: r.readWriteHost,
        serverMaxConnections: r.maxConnections,
        labels: { ...poolerSelector, [POSTGRES_ROLE_LABEL]: 'pooler', 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' },
        selector: poolerSelector,
        allowIngressFrom: peers,
        toResources,
      });
    }
  }
}

/** {@link PostgresReplicatedProps} checked, with every default applied. */
interface ResolvedProps {
  readonly name: string;
  readonly namespace?: string;
  readonly readReplicas: number;
  readonly primaryResources: ContainerResources;
  readonly replicaResources: ContainerResources;
  readonly maxConnections: number;
  readonly peers: IngressPeer[];
  /** The fully qualified host of the read-write Service (the short name without a namespace). */
  readonly readWriteHost: string;
  /** The generators' props: the ConfigMap's files are rendered from them. */
  readonly config: PostgresConfigProps;
  /** What every server needs besides the chart's names and labels. */
  readonly server: ServerProps;
  /** The pooler, if any. */
  readonly pooler?: Pick<PoolerSettings, 'image' | 'pooler' | 'resources' | 'replicas' | 'authPassword'>;
}

/** Checks the props (throwing a PropsError naming `path` and the field on every line) and applies the defaults. */
function resolve(props: PostgresReplicatedProps, path: string): ResolvedProps {
  const problems = new Problems(path);
  checkPostgresReplicatedProps(problems, '', props);
  problems.throwIfAny();

  const name = props.name ?? REPLICATED_DEFAULTS.name;
  const namespace = props.namespace;
  const clusterDomain = props.clusterDomain ?? REPLICATED_DEFAULTS.clusterDomain;
  const readWriteHost = namespace ? `${name}-rw.${namespace}.svc.${clusterDomain}` : `${name}-rw`;
  const sync = props.synchronousReplicas ?? REPLICATED_DEFAULTS.synchronousReplicas;
  const maxConnections = props.maxConnections ?? REPLICATED_DEFAULTS.maxConnections;
  const pooler = props.pooler;
  return {
    name,
    namespace,
    readReplicas: props.readReplicas,
    primaryResources: props.primaryResources,
    replicaResources: props.replicaResources,
    maxConnections,
    peers: props.allowIngressFrom ?? [],
    readWriteHost,
    config: {
      replicas: props.readReplicas,
      synchronous: sync > 0 ? { number: sync, method: 'ANY', commit: 'on' } : undefined,
      port: POSTGRES_PORT,
      primaryHost: readWriteHost,
      maxConnections,
      poolSize: pooler?.poolSize,
      primaryMemoryLimit: props.primaryResources.limits.memory,
      replicaMemoryLimit: props.replicaResources.limits.memory,
      replicationPassword: props.replicationPassword,
      appPassword: props.appPassword,
      poolerAuthPassword: props.poolerAuthPassword,
      dataDirectory: `${DATA_MOUNT}/pgdata`,
      configDirectory: CONFIG_DIR,
      socketDirectory: SOCKET_DIR,
      secretsDirectory: SECRETS_DIR,
      runtimeDirectory: RUNTIME_DIR,
    },
    server: {
      name,
      image: props.image ?? REPLICATED_DEFAULTS.image,
      storage: props.storage,
      storageClass: props.storageClass,
      replicationPassword: props.replicationPassword,
      appPassword: props.appPassword,
      poolerAuthPassword: props.poolerAuthPassword,
    },
    // The check made poolerAuthPassword required with a pooler.
    pooler: pooler && props.poolerAuthPassword ? {
      image: props.poolerImage ?? REPLICATED_DEFAULTS.poolerImage,
      pooler,
      resources: pooler.resources ?? REPLICATED_DEFAULTS.poolerResources,
      replicas: pooler.replicas ?? REPLICATED_DEFAULTS.poolerReplicas,
      authPassword: props.poolerAuthPassword,
    } : undefined,
  };
}
