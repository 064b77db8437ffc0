import { k8s } from '../core/k8s';
import { POSTGRES_FILES, POSTGRES_SUPERUSER, type PostgresRole, type PostgresSecretKeyRef } from './postgres-props';
import { ContainerResources } from '../core/container-resources';
import { restrictedContainerSecurityContext } from '../core/pod-security';

/** The PostgreSQL port. */
export const POSTGRES_PORT = 5432;
/** Where each server's volume is mounted; PGDATA is its `pgdata` sub-directory (the scripts need a parent). */
export const DATA_MOUNT = '/var/lib/postgresql/data';
/** Where the ConfigMap of generated files is mounted. */
export const CONFIG_DIR = '/etc/postgresql';
/** The unix socket directory (a memory-backed emptyDir: the root filesystem is read-only). */
export const SOCKET_DIR = '/var/run/postgresql';
/** The official image's postgres user and group. */
export const POSTGRES_UID = 999;
/** Seconds between the stop signal and SIGKILL: room for a fast shutdown's checkpoint. */
export const GRACE_SECONDS = 300;

/**
 * The server container. Probes run as the postgres OS user through the socket (peer authentication, no password).
 * A replica is ready only while its WAL receiver is streaming, or once promoted (so `<name>-rw` can select it after a
 * failover); `<name>-ro` thus never sends reads to a standby that lost its primary.
 */
export function serverContainer(role: PostgresRole, image: string, resources: ContainerResources, env: k8s.EnvVar[]): k8s.Container {
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
    env,
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
      { name: 'socket', mountPath: SOCKET_DIR },
      { name: 'shm', mountPath: '/dev/shm' },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

/** An environment variable read from a Secret key. */
export function secretEnv(name: string, ref: PostgresSecretKeyRef): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } };
}

/** Requests and limits as the Kubernetes type. */
export function toResources(r: ContainerResources): k8s.ResourceRequirements {
  const q = k8s.Quantity.fromString;
  const eph = r.ephemeralStorage;
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory), ...(eph ? { 'ephemeral-storage': q(eph.request) } : {}) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory), ...(eph ? { 'ephemeral-storage': q(eph.limit) } : {}) },
  };
}

