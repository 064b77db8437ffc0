import { ApiObject } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { postgresConfigFiles } from './postgres-conf';
import {
  DEFAULT_POSTGRES_MAX_CONNECTIONS,
  POSTGRES_ORDINAL_ENV,
  POSTGRES_PASSWORD_ENV,
  type PostgresConfigProps,
  type PostgresRole,
  type PostgresSecretKeyRef,
} from './postgres-props';
import { checkSecretRef, resolvePostgresProps } from './postgres-resolve';
import { Problems } from '../core/problems';
import { validationAnnotations } from '../validate/annotations';
import { parseMemory } from '../core/quantity';
import { ContainerResources, checkContainerResources } from '../core/container-resources';
import { IngressPeer, checkIngressPeers, networkPolicyPeers } from '../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import { restrictedPodSecurityContext } from '../core/pod-security';
import { PostgresPooler, addPostgresPooler, sha256 } from './_postgres-pooler';
import { CONFIG_DIR, DATA_MOUNT, GRACE_SECONDS, POSTGRES_PORT, POSTGRES_UID, SOCKET_DIR, secretEnv, serverContainer, toResources } from './_postgres-server';
import { preferredAntiAffinity } from '../core/scheduling';

export { POOLER_PORT, PostgresPooler } from './_postgres-pooler';
export { POSTGRES_PORT } from './_postgres-server';

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
  readonly replicationPassword: PostgresSecretKeyRef;
  /**
   * The Secret key of the application role's password (role and database `app`, created by the primary's init script).
   *
   * @default - no application role or database is created
   */
  readonly appPassword?: PostgresSecretKeyRef;
  /**
   * The Secret key of the pooler's lookup role's password (PgBouncer `auth_user`). Required with `pooler`.
   *
   * @default - no pooler role
   */
  readonly poolerAuthPassword?: PostgresSecretKeyRef;
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

/** The label whose value is `primary` or `replica` on the server pods. */
export const POSTGRES_ROLE_LABEL = 'app.kubernetes.io/component';

const MAX_REPLICAS = 32;
const NAME_ROOM = '-replica-headless'.length + 2;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEFAULT_POOLER_RESOURCES: ContainerResources = {
  requests: { cpu: '100m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '128Mi' },
};

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
    const name = props.name ?? 'postgres';
    const sync = props.synchronousReplicas ?? 0;
    const maxConnections = props.maxConnections ?? DEFAULT_POSTGRES_MAX_CONNECTIONS;
    const image = props.image ?? 'postgres:15.13-bookworm';
    const poolerImage = props.poolerImage ?? 'ghcr.io/cloudnative-pg/pgbouncer:1.23.0';
    const peers = props.allowIngressFrom ?? [];
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    const replicas = props.readReplicas;

    const problems = new Problems(this.node.path);
    if (!isObjectName(name, NAME_ROOM)) problems.add('name', name, objectNameAllowed(NAME_ROOM));
    if (props.namespace !== undefined && !isObjectName(props.namespace)) problems.add('namespace', props.namespace, objectNameAllowed());
    const validReplicas = isIntegerIn(replicas, 0, MAX_REPLICAS);
    if (!validReplicas) problems.add('readReplicas', replicas, `an integer between 0 and ${MAX_REPLICAS}`);
    else if (!isIntegerIn(sync, 0, replicas)) problems.add('synchronousReplicas', sync, `an integer between 0 and 'readReplicas' (${replicas})`);
    checkContainerResources(problems, 'primaryResources', props.primaryResources);
    checkContainerResources(problems, 'replicaResources', props.replicaResources);
    for (const field of ['primaryResources', 'replicaResources'] as const) {
      const limit = props[field]?.limits?.memory;
      const bytes = parseMemory(limit);
      if (bytes !== undefined && bytes < 256 * 1024 ** 2) {
        problems.add(`${field}.limits.memory`, limit, 'at least "256Mi" (25 % of it becomes shared_buffers)');
      }
    }
    if (parseMemory(props.storage) === undefined) problems.add('storage', props.storage, 'a positive Kubernetes storage quantity such as "50Gi" or "1Ti"');
    if (props.storageClass !== undefined && !(typeof props.storageClass === 'string' && DNS_SUBDOMAIN.test(props.storageClass))) {
      problems.add('storageClass', props.storageClass, 'a StorageClass name (a DNS subdomain)');
    }
    if (!isIntegerIn(maxConnections, 1, 10000)) problems.add('maxConnections', maxConnections, 'an integer between 1 and 10000');
    checkSecretRef(problems, 'replicationPassword', props.replicationPassword, true);
    checkSecretRef(problems, 'appPassword', props.appPassword, false);
    checkSecretRef(problems, 'poolerAuthPassword', props.poolerAuthPassword, props.pooler !== undefined);
    if (!isPinnedImage(image)) problems.add('image', image, IMAGE_ALLOWED);
    else if (!isPostgres15OrLater(image)) problems.add('image', image, 'a PostgreSQL image of major version 15 or later');
    if (!isPinnedImage(poolerImage)) problems.add('poolerImage', poolerImage, IMAGE_ALLOWED);
    if (!DNS_SUBDOMAIN.test(clusterDomain)) problems.add('clusterDomain', clusterDomain, 'a DNS domain such as "cluster.local"');
    checkIngressPeers(problems, 'allowIngressFrom', peers);
    const pooler = props.pooler;
    if (pooler !== undefined) {
      if (!isIntegerIn(pooler.poolSize, 1, isIntegerIn(maxConnections, 1, 10000) ? maxConnections : 10000)) {
        problems.add('pooler.poolSize', pooler.poolSize, `an integer between 1 and 'maxConnections' (${maxConnections})`);
      }
      if (!isIntegerIn(pooler.maxClientConnections, 1, 100000)) problems.add('pooler.maxClientConnections', pooler.maxClientConnections, 'an integer between 1 and 100000');
      if (!isIntegerIn(pooler.replicas ?? 2, 2, 100)) {
        // One pooler pod would carry every connection alone: a drain or a crash cuts the database off.
        problems.add('pooler.replicas', pooler.replicas, 'an integer between 2 and 100 (a single pooler pod is a single point of failure)');
      }
      if (pooler.resources !== undefined) checkContainerResources(problems, 'pooler.resources', pooler.resources);
    }
    problems.throwIfAny();

    this.name = name;
    this.readWriteServiceName = `${name}-rw`;
    this.readOnlyServiceName = `${name}-ro`;
    const host = (service: string) => (props.namespace ? `${service}.${props.namespace}.svc.${clusterDomain}` : service);
    const config: PostgresConfigProps = {
      replicas,
      synchronous: sync > 0 ? { number: sync, method: 'ANY', commit: 'on' } : undefined,
      port: POSTGRES_PORT,
      primaryHost: host(this.readWriteServiceName),
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
    };
    resolvePostgresProps(config, this.node.path); // anything not checked above is reported with the construct path
    const files = postgresConfigFiles(config);

    const common = { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': name };
    const labels = (component: string) => ({ ...common, [POSTGRES_ROLE_LABEL]: component, 'app.kubernetes.io/managed-by': 'scaling-tiers' });
    const meta = (objectName: string, component: string) => ({ name: objectName, namespace: props.namespace, labels: labels(component) });
    const configMapName = `${name}-config`;
    new k8s.KubeConfigMap(this, 'Config', { metadata: meta(configMapName, 'database'), data: files });
    const checksum = sha256(files);
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(name, 'database'), automountServiceAccountToken: false });

    const roles: Array<[PostgresRole, number, ContainerResources]> = [['primary', 1, props.primaryResources]];
    if (replicas > 0) roles.push(['replica', replicas, props.replicaResources]);
    for (const [role, count, resources] of roles) {
      const setName = `${name}-${role}`;
      const selector = { ...common, [POSTGRES_ROLE_LABEL]: role };
      new k8s.KubeService(this, `${cap(role)}HeadlessService`, {
        metadata: meta(`${setName}-headless`, role),
        spec: {
          clusterIp: 'None',
          selector,
          publishNotReadyAddresses: true,
          ports: [{ name: 'postgresql', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgresql'), protocol: 'TCP' }],
        },
      });
      const env: k8s.EnvVar[] = [
        { name: POSTGRES_ORDINAL_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } },
        secretEnv(POSTGRES_PASSWORD_ENV.replication, props.replicationPassword),
      ];
      // Only the primary's init script creates roles; promote.sh and the replicas never need these passwords.
      if (role === 'primary' && props.appPassword) env.push(secretEnv(POSTGRES_PASSWORD_ENV.app, props.appPassword));
      if (role === 'primary' && props.poolerAuthPassword) env.push(secretEnv(POSTGRES_PASSWORD_ENV.poolerAuth, props.poolerAuthPassword));
      const spec: k8s.StatefulSetSpec = {
        replicas: count,
        serviceName: `${setName}-headless`,
        selector: { matchLabels: selector },
        // Replicas bootstrap independently from the primary; no need to wait for each other.
        podManagementPolicy: role === 'replica' ? 'Parallel' : 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        revisionHistoryLimit: 5,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: labels(role), annotations: { 'scaling-tiers.io/config-sha256': checksum } },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: GRACE_SECONDS,
            // uid/gid 999 is the official image's postgres user (below 10000 on purpose): initdb, peer authentication
            // of the superuser on the socket and the probes all need the OS user to be `postgres`.
            securityContext: restrictedPodSecurityContext({ runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID }),
            // Preferred, not required: servers on distinct nodes and zones survive a node or zone loss, but a small or
            // one-zone cluster must still be able to schedule every server.
            affinity: preferredAntiAffinity(common),
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
              topologyKey, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: common },
            })),
            containers: [serverContainer(role, image, resources, env)],
            volumes: [
              { name: 'config', configMap: { name: configMapName } },
              { name: 'socket', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('256Mi') } },
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: labels(role) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storageClass,
            resources: { requests: { storage: k8s.Quantity.fromString(props.storage) } },
          },
        }],
      };
      // The password Secrets are the user's to provide, and uid 999 is deliberate (see the pod securityContext).
      const secrets = env.flatMap((e) => (e.valueFrom?.secretKeyRef?.name ? [{ kind: 'Secret' as const, name: e.valueFrom.secretKeyRef.name }] : []));
      const annotations = validationAnnotations(secrets, {
        'run-as-high-uid': 'uid/gid 999 is the postgres user of the official image: initdb, peer authentication on the socket and the probes need it',
      });
      new ApiObject(this, `${cap(role)}StatefulSet`, {
        ...k8s.KubeStatefulSet.GVK,
        metadata: { ...meta(setName, role), annotations },
        spec: k8s.toJson_StatefulSetSpec(spec),
      });
      // maxUnavailable 1 never blocks a node drain, not even of the single primary (a minAvailable 1 budget on one
      // pod would block every drain forever); it still keeps two standbys from being evicted at once.
      new k8s.KubePodDisruptionBudget(this, `${cap(role)}PodDisruptionBudget`, {
        metadata: meta(setName, role),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }

    const ports = [{ name: 'postgresql', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgresql'), protocol: 'TCP', appProtocol: 'postgresql' }];
    new k8s.KubeService(this, 'ReadWriteService', {
      metadata: meta(this.readWriteServiceName, 'primary'),
      spec: { type: 'ClusterIP', selector: { ...common, [POSTGRES_ROLE_LABEL]: 'primary' }, ports },
    });
    // Without replicas the primary serves the reads, so clients keep one connection string across tiers and the
    // Service never selects nothing.
    const readRole = props.readReplicas > 0 ? 'replica' : 'primary';
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
            ...(pooler ? [{ podSelector: { matchLabels: poolerSelector } }] : []),
            ...networkPolicyPeers(peers),
          ],
          ports: [{ port: k8s.IntOrString.fromNumber(POSTGRES_PORT), protocol: 'TCP' }],
        }],
      },
    });

    if (pooler && props.poolerAuthPassword) {
      this.poolerServiceName = `${name}-pooler`;
      addPostgresPooler(this, {
        name,
        namespace: props.namespace,
        image: poolerImage,
        pooler,
        resources: pooler.resources ?? DEFAULT_POOLER_RESOURCES,
        replicas: pooler.replicas ?? 2,
        targetHost: host(this.readWriteServiceName),
        serverMaxConnections: maxConnections,
        authPassword: props.poolerAuthPassword,
        labels: { ...poolerSelector, [POSTGRES_ROLE_LABEL]: 'pooler', 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' },
        selector: poolerSelector,
        allowIngressFrom: peers,
        toResources,
      });
    }
  }
}

/** True for `postgres:<major>...` tags with a major of 15 or more, and for any other repository or a digest. */
function isPostgres15OrLater(image: string): boolean {
  const m = /(?:^|\/)postgres:(\d+)/.exec(image);
  return m === null || Number(m[1]) >= 15;
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
