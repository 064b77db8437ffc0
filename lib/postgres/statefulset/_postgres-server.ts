/**
 * The server side of PostgresReplicated (internal to lib/postgres): the headless Service, StatefulSet and
 * PodDisruptionBudget of each role, and the server container.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../../core/k8s';
import { POSTGRES_FILES, POSTGRES_ORDINAL_ENV, POSTGRES_SECRET_FILES, POSTGRES_SUPERUSER, type PostgresRole } from '../postgres-props';
import type { SecretKeyRef } from '../../core/secret-ref';
import { ContainerResources } from '../../core/container-resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/pod-security';
import { preferredAntiAffinity } from '../../core/scheduling';
import { validationAnnotations } from '../../validate/annotations';

/** The label whose value is `primary` or `replica` on the server pods. */
export const POSTGRES_ROLE_LABEL = 'app.kubernetes.io/component';

/** The PostgreSQL port. */
export const POSTGRES_PORT = 5432;
/** Where each server's volume is mounted; PGDATA is its `pgdata` sub-directory (the scripts need a parent). */
export const DATA_MOUNT = '/var/lib/postgresql/data';
/** Where the ConfigMap of generated files is mounted. */
export const CONFIG_DIR = '/etc/postgresql';
/** The unix socket directory (a memory-backed emptyDir: the root filesystem is read-only). */
export const SOCKET_DIR = '/var/run/postgresql';
/** Where the password files are mounted (a projected Secret volume, read-only, files mode 0400). */
export const SECRETS_DIR = '/var/run/secrets/postgresql';
/** The server's private, memory-backed directory (the `tmp` emptyDir): the passfile and nss_wrapper's files. */
export const RUNTIME_DIR = '/tmp';
/**
 * The uid and gid of the servers: 10000 or more, so they collide with no host user (kube-score, Checkov CKV_K8S_40).
 * The image's /etc/passwd does not know them; the start script names them `postgres` through nss_wrapper, which
 * initdb and peer authentication need.
 */
export const POSTGRES_UID = 10001;
/** The mode of the password files: read-only for their owner (the kubelet adds group read for the fsGroup). */
export const SECRET_FILE_MODE = 0o400;
/** Seconds between the stop signal and SIGKILL: room for a fast shutdown's checkpoint. */
export const GRACE_SECONDS = 300;

/**
 * The server container. Probes run as the server's uid through the socket (peer authentication, no password: the
 * server names that uid `postgres`).
 * A replica is ready only while its WAL receiver is streaming, or once promoted (so `<name>-rw` can select it after a
 * failover); `<name>-ro` thus never sends reads to a standby that lost its primary.
 */
export function serverContainer(role: PostgresRole, image: string, resources: ContainerResources): k8s.Container {
  const isReady = ['pg_isready', '-q', '-h', SOCKET_DIR, '-p', String(POSTGRES_PORT), '-U', POSTGRES_SUPERUSER, '-d', 'postgres'];
  const streaming = 'SELECT NOT pg_catalog.pg_is_in_recovery() OR EXISTS '
    + "(SELECT FROM pg_catalog.pg_stat_wal_receiver WHERE status = 'streaming')";
  const readiness = role === 'replica'
    ? ['sh', '-c', `psql -X -A -t -w -h ${SOCKET_DIR} -p ${POSTGRES_PORT} -U ${POSTGRES_SUPERUSER} -d postgres -c "${streaming}" | grep -qx t`]
    : isReady;
  return {
    name: 'postgres',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', `${CONFIG_DIR}/${role === 'primary' ? POSTGRES_FILES.primaryStart : POSTGRES_FILES.replicaStart}`],
    ports: [{ name: 'postgresql', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
    // The ordinal only; the passwords are files (the `secrets` volume), never env.
    env: [{ name: POSTGRES_ORDINAL_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } }],
    resources: toResources(resources),
    securityContext: restrictedContainerSecurityContext({ runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID }),
    // Up to 2 hours: a replica's first start copies the whole primary (pg_basebackup), a primary may replay WAL.
    startupProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 720 },
    readinessProbe: { exec: { command: readiness }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
    livenessProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    // Kubernetes sends SIGTERM, which is PostgreSQL's "smart" shutdown (waits for every client); stop it "fast" first
    // (disconnect clients, checkpoint), within the grace period.
    lifecycle: { preStop: { exec: { command: ['pg_ctl', 'stop', '-D', `${DATA_MOUNT}/pgdata`, '-m', 'fast', '-w', '-t', String(GRACE_SECONDS - 30)] } } },
    volumeMounts: [
      { name: 'data', mountPath: DATA_MOUNT },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
      { name: 'socket', mountPath: SOCKET_DIR },
      { name: 'shm', mountPath: '/dev/shm' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/**
 * The projected volume of a server's password files: each Secret key as the file {@link POSTGRES_SECRET_FILES} names,
 * mode 0400. The Secrets may differ per password.
 */
export function secretsVolume(files: ReadonlyArray<readonly [string, SecretKeyRef]>): k8s.Volume {
  return {
    name: 'secrets',
    projected: {
      defaultMode: SECRET_FILE_MODE,
      sources: files.map(([path, ref]) => ({ secret: { name: ref.secretName, items: [{ key: ref.key, path }] } })),
    },
  };
}

/** Requests and limits as the Kubernetes type. */
export function toResources(r: ContainerResources): k8s.ResourceRequirements {
  const q = (value: string) => k8s.Quantity.fromString(value);
  const eph = r.ephemeralStorage;
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory), ...(eph ? { 'ephemeral-storage': q(eph.request) } : {}) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory), ...(eph ? { 'ephemeral-storage': q(eph.limit) } : {}) },
  };
}


/** The metadata of one object: its name, the cluster's namespace and the labels of its component. */
export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
}

/** The props of the servers, as PostgresReplicated resolved them. */
export interface ServerProps {
  /** The prefix of every object's name. */
  readonly name: string;
  /** The PostgreSQL image. */
  readonly image: string;
  /** The volume size of each server. */
  readonly storage: string;
  /** The StorageClass of the volumes, if not the cluster's default. */
  readonly storageClass?: string;
  /** The replication role's password, given to every server. */
  readonly replicationPassword: SecretKeyRef;
  /** The application role's password, mounted for the primary's init script. */
  readonly appPassword?: SecretKeyRef;
  /** The pooler role's password, mounted for the primary's init script. */
  readonly poolerAuthPassword?: SecretKeyRef;
}

/** What {@link addPostgresServer} needs from PostgresReplicated, which checked its props first. */
export interface ServerSettings extends ServerProps {
  /** The ServiceAccount of the server pods. */
  readonly serviceAccountName: string;
  /** The ConfigMap of generated files. */
  readonly configMapName: string;
  /** The checksum of that ConfigMap's data: a change rolls the pods. */
  readonly checksum: string;
  /** The labels every server pod has, whatever its role. */
  readonly common: Record<string, string>;
  /** The labels of a component's objects. */
  readonly labels: (component: string) => Record<string, string>;
  /** The metadata of an object of a component. */
  readonly meta: (objectName: string, component: string) => ObjectMetadata;
}

/** The headless Service, the StatefulSet and the PodDisruptionBudget of one role, all named `<name>-<role>`. */
export function addPostgresServer(scope: Construct, role: PostgresRole, count: number, resources: ContainerResources, s: ServerSettings): void {
  const setName = `${s.name}-${role}`;
  const selector = { ...s.common, [POSTGRES_ROLE_LABEL]: role };
  new k8s.KubeService(scope, `${cap(role)}HeadlessService`, {
    metadata: s.meta(`${setName}-headless`, role),
    spec: {
      clusterIp: 'None',
      selector,
      publishNotReadyAddresses: true,
      ports: [{ name: 'postgresql', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgresql'), protocol: 'TCP' }],
    },
  });
  const files: Array<readonly [string, SecretKeyRef]> = [[POSTGRES_SECRET_FILES.replication, s.replicationPassword]];
  // Only the primary's init script creates roles; promote.sh and the replicas never need these passwords.
  if (role === 'primary' && s.appPassword) files.push([POSTGRES_SECRET_FILES.app, s.appPassword]);
  if (role === 'primary' && s.poolerAuthPassword) files.push([POSTGRES_SECRET_FILES.poolerAuth, s.poolerAuthPassword]);
  const identity = { runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID };
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
      metadata: { labels: s.labels(role), annotations: { 'scaling-tiers.io/config-sha256': s.checksum } },
      spec: {
        serviceAccountName: s.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: GRACE_SECONDS,
        // Not the image's postgres user (999): a uid of 10000 or more, named `postgres` by nss_wrapper (see
        // POSTGRES_UID). The fsGroup owns the volume and makes the 0400 password files readable.
        securityContext: restrictedPodSecurityContext(identity),
        // Preferred, not required: servers on distinct nodes and zones survive a node or zone loss, but a small or
        // one-zone cluster must still be able to schedule every server.
        affinity: preferredAntiAffinity(s.common),
        topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          topologyKey, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: s.common },
        })),
        containers: [serverContainer(role, s.image, resources)],
        volumes: [
          { name: 'config', configMap: { name: s.configMapName } },
          secretsVolume(files),
          { name: 'socket', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
          { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('256Mi') } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('64Mi') } },
        ],
      },
    },
    volumeClaimTemplates: [{
      metadata: { name: 'data', labels: s.labels(role) },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: s.storageClass,
        resources: { requests: { storage: k8s.Quantity.fromString(s.storage) } },
      },
    }],
  };
  // The password Secrets are the user's to provide.
  // A named StorageClass is a prerequisite of the cluster (lib/postgres/README.md), declared for the gate.
  const storageClass = s.storageClass ? [{ kind: 'StorageClass' as const, name: s.storageClass }] : [];
  const annotations = validationAnnotations([...files.map(([, ref]) => ({ kind: 'Secret' as const, name: ref.secretName })), ...storageClass]);
  new ApiObject(scope, `${cap(role)}StatefulSet`, {
    ...k8s.KubeStatefulSet.GVK,
    metadata: { ...s.meta(setName, role), annotations },
    spec: k8s.toJson_StatefulSetSpec(spec),
  });
  // maxUnavailable 1 never blocks a node drain, not even of the single primary (a minAvailable 1 budget on one
  // pod would block every drain forever); it still keeps two standbys from being evicted at once.
  new k8s.KubePodDisruptionBudget(scope, `${cap(role)}PodDisruptionBudget`, {
    metadata: s.meta(setName, role),
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
