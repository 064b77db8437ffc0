/**
 * The pod spec, bootstrap Job and NetworkPolicy of {@link RedisDeployment} (internal: not exported from the index).
 */
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { REDIS_ANNOUNCE_HOSTNAME_ENV, REDIS_CONF_PATH, REDIS_PASSWORD_FILE } from './redis-props';
import { RedisMode } from './redis-shape';
import { REDIS_TLS_DIR, ResolvedRedisTlsProps, redisCliTlsArgs } from './redis-tls';
import { REDIS_HANDOVER_SECONDS } from './redis-scripts';
import { SecretKeyRef } from '../core/secret-ref';
import { validationAnnotations } from '../validate/annotations';
import { ContainerResources } from '../core/container-resources';
import { IngressPeer, networkPolicyPeers } from '../core/ingress-peer';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-security';

/** Redis' client port. */
export const REDIS_PORT = 6379;
/** The cluster bus port (client port + 10000). */
export const REDIS_BUS_PORT = 16379;
/**
 * The UID/GID of every container. Not the image's `redis` user (999): redis-server and redis-cli need no particular
 * user, the root filesystem is read-only, and fsGroup makes /data and /run/redis writable, so the house default
 * (>= 10000, no collision with a host user) works with the official image unchanged.
 */
export const REDIS_UID = 10001;
/** The folder the auth Secret's key is mounted in (as the file `password`). */
export const AUTH_DIR = REDIS_PASSWORD_FILE.slice(0, REDIS_PASSWORD_FILE.lastIndexOf('/'));
/** The TLS files as the construct mounts them (cert-manager's Secret keys). */
export const TLS_FILES = { certFile: `${REDIS_TLS_DIR}/tls.crt`, keyFile: `${REDIS_TLS_DIR}/tls.key`, caFile: `${REDIS_TLS_DIR}/ca.crt` };
/** Where the exporter's password map is written by its init container (memory only). */
const EXPORTER_AUTH_FILE = '/run/exporter/passwords.json';

/** Where the ConfigMap (confs and startup script) is mounted: redis.conf lands at REDIS_CONF_PATH. */
export const CONFIG_DIR = REDIS_CONF_PATH.slice(0, REDIS_CONF_PATH.lastIndexOf('/'));
/** The startup script's path in the Redis container. */
export const STARTUP_SCRIPT_PATH = `${CONFIG_DIR}/redis-startup.sh`;
/** The readiness probe's script (`redisReadinessScript`), in the ConfigMap. */
export const READINESS_SCRIPT_KEY = 'redis-ready.sh';
/** The preStop handover's script (`redisHandoverScript`), in the ConfigMap of a cluster or a Sentinel-watched set. */
export const HANDOVER_SCRIPT_KEY = 'redis-handover.sh';
/**
 * What a server needs after SIGTERM: redis-server saves its RDB snapshot and flushes the AOF before exiting; a large
 * dataset takes a while. The preStop handover (`REDIS_HANDOVER_SECONDS`) comes on top of it.
 */
const SHUTDOWN_SECONDS = 60;

const IDENTITY = { runAsUser: REDIS_UID, runAsGroup: REDIS_UID, fsGroup: REDIS_UID };

/** Inputs of {@link redisPodSpec}. */
export interface RedisPodOptions {
  readonly name: string;
  readonly mode: RedisMode;
  readonly image: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly headless: string;
  readonly auth: SecretKeyRef | undefined;
  readonly tls: ResolvedRedisTlsProps | undefined;
  readonly resources: ContainerResources;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly confKeys: string[];
  /** Replicated mode with Sentinel: one conf for every pod, the startup script asks Sentinel for the primary. */
  readonly sentinel: boolean;
  readonly selector: Record<string, string>;
  readonly spread: boolean;
  readonly exporter?: RedisExporter;
  /** Whether the ConfigMap has the preStop handover (cluster mode, or replicated with Sentinel). */
  readonly handover: boolean;
}

/** A Prometheus exporter sidecar (oliver006/redis_exporter) serving metrics on port 9121. */
export interface RedisExporter {
  /**
   * The exporter image, pinned.
   *
   * @default DEFAULT_REDIS_EXPORTER_IMAGE
   */
  readonly image?: string;
  /**
   * Who may scrape port 9121 (e.g. the Prometheus pods); nobody else reaches it.
   *
   * @default [] - no scraper admitted
   */
  readonly allowScrapeFrom?: IngressPeer[];
}

/** The exporter image used when none is given. */
export const DEFAULT_REDIS_EXPORTER_IMAGE = 'oliver006/redis_exporter:v1.62.0';

/** The exporter's metrics port. */
export const REDIS_EXPORTER_PORT = 9121;

function exporterContainer(o: RedisPodOptions, exporter: RedisExporter): k8s.Container {
  const http = (path: string) => ({ httpGet: { path, port: k8s.IntOrString.fromString('metrics'), scheme: 'HTTP' } });
  return {
    name: 'exporter',
    image: exporter.image ?? DEFAULT_REDIS_EXPORTER_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'metrics', containerPort: REDIS_EXPORTER_PORT, protocol: 'TCP' }],
    // Flags, not env: the password comes from the map file its init container writes (--redis.password-file).
    env: o.tls ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : undefined,
    args: [
      `--redis.addr=${exporterAddress(o)}`,
      ...(o.auth ? [`--redis.password-file=${EXPORTER_AUTH_FILE}`] : []),
      ...(o.tls ? [`--tls-ca-cert-file=${TLS_FILES.caFile}`, `--tls-client-cert-file=${TLS_FILES.certFile}`, `--tls-client-key-file=${TLS_FILES.keyFile}`] : []),
    ],
    resources: toResources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } }),
    securityContext: restrictedContainerSecurityContext(IDENTITY),
    startupProbe: { ...http('/health'), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 12 },
    readinessProbe: { ...http('/health'), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { ...http('/health'), periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
    volumeMounts: [
      ...(o.auth ? [{ name: 'exporter-auth', mountPath: '/run/exporter', readOnly: true }] : []),
      ...(o.tls ? [{ name: 'tls', mountPath: REDIS_TLS_DIR, readOnly: true }] : []),
    ],
  };
}

/**
 * The address the exporter scrapes: loopback in plaintext; with TLS the pod's own DNS name, which the certificate
 * names (Go's TLS client checks the name, unlike redis-cli).
 */
function exporterAddress(o: RedisPodOptions): string {
  return o.tls ? `rediss://$(POD_NAME).${o.headless}.${o.namespace}.svc.${o.clusterDomain}:${REDIS_PORT}` : `redis://127.0.0.1:${REDIS_PORT}`;
}

/** The init container that writes the exporter's password map from the mounted Secret file. */
function exporterAuthContainer(o: RedisPodOptions): k8s.Container {
  return {
    name: 'exporter-auth',
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    env: o.tls ? [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : undefined,
    command: ['sh', `${CONFIG_DIR}/exporter-auth.sh`, EXPORTER_AUTH_FILE, exporterAddress(o), REDIS_PASSWORD_FILE],
    resources: toResources({ requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } }),
    securityContext: restrictedContainerSecurityContext(IDENTITY),
    volumeMounts: [
      { name: 'exporter-auth', mountPath: '/run/exporter' },
      { name: 'auth', mountPath: AUTH_DIR, readOnly: true },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    ],
  };
}

/** The volume of the auth Secret: only its key, as the file `password`, mode 0400 (group-readable through fsGroup). */
export function authVolume(auth: SecretKeyRef): k8s.Volume {
  return { name: 'auth', secret: { secretName: auth.secretName, defaultMode: 0o400, items: [{ key: auth.key, path: 'password' }] } };
}

/** The volume of the cert-manager Secret (tls.crt, tls.key, ca.crt), mode 0400. */
export function tlsVolume(tls: ResolvedRedisTlsProps): k8s.Volume {
  return { name: 'tls', secret: { secretName: tls.secretName, defaultMode: 0o400 } };
}

/** The read-only mounts of the auth and TLS Secrets, for the containers that talk to Redis. */
export function secretMounts(auth: SecretKeyRef | undefined, tls: ResolvedRedisTlsProps | undefined): k8s.VolumeMount[] {
  return [
    ...(auth ? [{ name: 'auth', mountPath: AUTH_DIR, readOnly: true }] : []),
    ...(tls ? [{ name: 'tls', mountPath: REDIS_TLS_DIR, readOnly: true }] : []),
  ];
}

/**
 * An exec probe that PINGs a local server (Redis or Sentinel), over TLS when it is on. The password reaches
 * redis-cli on its stdin (`--askpass`, from the mounted file): never on a command line, in env or in the manifest.
 */
export function pingProbe(port: number, auth: boolean, tls: boolean, accept: string): k8s.ExecAction {
  const tlsArgs = tls ? `${redisCliTlsArgs({ ...TLS_FILES, authClients: 'yes' })} ` : '';
  const login = auth ? `--askpass ` : '';
  const input = auth ? REDIS_PASSWORD_FILE : '/dev/null';
  return { command: ['sh', '-c', `redis-cli ${tlsArgs}${login}-h 127.0.0.1 -p ${port} ping < ${input} 2>&1 | grep -Eq '${accept}'`] };
}

/** The TLS reloader sidecar: see `redisTlsReloaderScript`. */
function tlsReloaderContainer(o: RedisPodOptions): k8s.Container {
  const alive = { exec: { command: ['sh', '-c', 'test -n "$(find /run/tls-reloader/alive -mmin -5 2>/dev/null)"'] } };
  return {
    name: 'tls-reloader',
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', `${CONFIG_DIR}/redis-tls-reloader.sh`],
    resources: toResources({ requests: { cpu: '5m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } }),
    securityContext: restrictedContainerSecurityContext(IDENTITY),
    startupProbe: { exec: { command: ['test', '-f', '/run/tls-reloader/alive'] }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
    readinessProbe: { exec: { command: ['test', '-f', '/run/tls-reloader/alive'] }, periodSeconds: 30, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { ...alive, periodSeconds: 60, timeoutSeconds: 5, failureThreshold: 3 },
    volumeMounts: [
      { name: 'tls-reloader', mountPath: '/run/tls-reloader' },
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      ...secretMounts(o.auth, o.tls),
    ],
  };
}

export function toResources(r: ContainerResources): k8s.ResourceRequirements {
  const q = (value: string) => k8s.Quantity.fromString(value);
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory) },
  };
}

/**
 * Spread the servers over zones (`ScheduleAnyway`: a one-zone cluster still schedules them); nodes are kept apart
 * by the required anti-affinity below. No `matchLabelKeys`: every server counts, whatever its revision.
 */
export function spreadConstraints(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    topologyKey, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
  }));
}

/**
 * No two Redis servers on one node, required: a master and its replica must never share a node (losing the node
 * would lose the shard), and which pod becomes which master's replica is decided later by the bootstrap, so every
 * pair is kept apart. The cost: as many schedulable nodes as servers (6 for a 3x1 cluster); with fewer, the extra
 * pods stay Pending and the bootstrap Job waits for them.
 */
export function requiredAntiAffinity(selector: Record<string, string>): k8s.Affinity {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } }],
    },
  };
}

/** The Redis StatefulSet's pod spec. */
export function redisPodSpec(o: RedisPodOptions): k8s.PodSpec {
  const startup = ['sh', STARTUP_SCRIPT_PATH];
  // Replicated without Sentinel: pod 0 is the primary, every other pod a replica of it (the startup script execs its
  // arguments). With Sentinel, one conf: the startup script asks Sentinel which server is the primary.
  const command = o.mode === 'replicated' && !o.sentinel
    ? ['sh', '-c', `case "$POD_NAME" in *-0) conf=primary.conf ;; *) conf=replica.conf ;; esac; exec sh ${STARTUP_SCRIPT_PATH} redis-server "${CONFIG_DIR}/$conf"`]
    : startup;
  const tcp = { tcpSocket: { port: k8s.IntOrString.fromString('redis') } };
  const auth = o.auth !== undefined;
  const tls = o.tls !== undefined;
  const scripts = [
    'redis-startup.sh', READINESS_SCRIPT_KEY, ...(o.handover ? [HANDOVER_SCRIPT_KEY] : []),
    ...(tls ? ['redis-tls-reloader.sh'] : []), ...(o.exporter && auth ? ['exporter-auth.sh'] : []),
  ];
  return {
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // The grace period counts the preStop hook too: the handover's bound, then the server's own shutdown.
    terminationGracePeriodSeconds: (o.handover ? REDIS_HANDOVER_SECONDS : 0) + SHUTDOWN_SECONDS,
    securityContext: restrictedPodSecurityContext(IDENTITY),
    topologySpreadConstraints: o.spread ? spreadConstraints(o.selector) : undefined,
    affinity: o.spread ? requiredAntiAffinity(o.selector) : undefined,
    containers: [{
      name: 'redis',
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      command,
      ports: [
        { name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' },
        ...(o.mode === 'cluster' ? [{ name: 'cluster-bus', containerPort: REDIS_BUS_PORT, protocol: 'TCP' }] : []),
      ],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: REDIS_ANNOUNCE_HOSTNAME_ENV, value: `$(POD_NAME).${o.headless}.${o.namespace}.svc.${o.clusterDomain}` },
      ],
      resources: toResources(o.resources),
      securityContext: restrictedContainerSecurityContext(IDENTITY),
      // The port opens before the dataset is loaded: a long AOF/RDB load is not a failed start (up to 10 minutes).
      startupProbe: { ...tcp, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 120 },
      // Ready only when it can serve its role: loaded, a replica linked to its primary, a cluster node with
      // cluster_state:ok (see redisReadinessScript). Two redis-cli calls of at most 2 s each.
      readinessProbe: { exec: { command: ['sh', `${CONFIG_DIR}/${READINESS_SCRIPT_KEY}`] }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
      // Alive while it answers at all, loading a dataset or cut from its primary included: a restart would not help.
      livenessProbe: { exec: pingProbe(REDIS_PORT, auth, tls, 'PONG|LOADING|MASTERDOWN'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      // A primary hands its role to a replica before it stops (see redisHandoverScript).
      lifecycle: o.handover ? { preStop: { exec: { command: ['sh', `${CONFIG_DIR}/${HANDOVER_SCRIPT_KEY}`] } } } : undefined,
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'run', mountPath: '/run/redis' },
        { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
        ...secretMounts(o.auth, o.tls),
      ],
    },
    ...(tls ? [tlsReloaderContainer(o)] : []),
    ...(o.exporter ? [exporterContainer(o, o.exporter)] : [])],
    initContainers: o.exporter && auth ? [exporterAuthContainer(o)] : undefined,
    volumes: [
      ...(o.auth ? [authVolume(o.auth)] : []),
      ...(o.tls ? [tlsVolume(o.tls)] : []),
      ...(tls ? [{ name: 'tls-reloader', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } }] : []),
      ...(o.exporter && auth ? [{ name: 'exporter-auth', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } }] : []),
      // The runtime conf holds the password: memory only, never on a disk.
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      {
        name: 'config',
        configMap: {
          name: o.configMapName,
          defaultMode: 0o444,
          items: [...o.confKeys, ...scripts].map((key) => ({ key, path: key })),
        },
      },
    ],
  };
}

/** Inputs of {@link bootstrapJob}. */
export interface BootstrapJobOptions {
  readonly name: string;
  readonly image: string;
  readonly auth: SecretKeyRef | undefined;
  readonly tls: ResolvedRedisTlsProps | undefined;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly labels: Record<string, string>;
}

/**
 * The Job that forms the Redis Cluster once (its script is idempotent: re-running it on a formed cluster only
 * checks its health). Deleted a day after it finishes; re-applying the manifests re-creates and re-runs it.
 */
export function bootstrapJob(scope: Construct, id: string, o: BootstrapJobOptions): k8s.KubeJob {
  return new k8s.KubeJob(scope, id, {
    metadata: { name: o.name, labels: o.labels, ...userProvidedSecret(o.auth, o.tls) },
    spec: {
      backoffLimit: 4,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: o.labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: o.serviceAccountName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(IDENTITY),
          containers: [{
            name: 'bootstrap',
            image: o.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '/scripts/cluster-bootstrap.sh'],
            resources: toResources({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } }),
            securityContext: restrictedContainerSecurityContext(IDENTITY),
            volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, ...secretMounts(o.auth, o.tls)],
          }],
          volumes: [
            { name: 'scripts', configMap: { name: o.configMapName, defaultMode: 0o444 } },
            ...(o.auth ? [authVolume(o.auth)] : []),
            ...(o.tls ? [tlsVolume(o.tls)] : []),
          ],
        },
      },
    },
  });
}

/** Inputs of {@link redisNetworkPolicy}. */
export interface RedisNetworkPolicyOptions {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly peers: IngressPeer[];
  readonly cluster: boolean;
  readonly bootstrapLabels: Record<string, string> | undefined;
  readonly scrapers?: IngressPeer[];
  /** The Sentinel pods' labels: they monitor and reconfigure the servers on 6379. */
  readonly sentinelLabels?: Record<string, string>;
}

/**
 * Clients (`peers`) on 6379; the Redis pods themselves on 6379 (replication) and, in cluster mode, 16379 (cluster
 * bus); the bootstrap Job's pods on 6379. Everything else is denied.
 */
export function redisNetworkPolicy(scope: Construct, id: string, o: RedisNetworkPolicyOptions): k8s.KubeNetworkPolicy {
  const port = (p: number) => ({ port: k8s.IntOrString.fromNumber(p), protocol: 'TCP' });
  const ingress: k8s.NetworkPolicyIngressRule[] = [
    { from: [{ podSelector: { matchLabels: o.selector } }], ports: o.cluster ? [port(REDIS_PORT), port(REDIS_BUS_PORT)] : [port(REDIS_PORT)] },
  ];
  if (o.bootstrapLabels) ingress.push({ from: [{ podSelector: { matchLabels: o.bootstrapLabels } }], ports: [port(REDIS_PORT)] });
  if (o.sentinelLabels) ingress.push({ from: [{ podSelector: { matchLabels: o.sentinelLabels } }], ports: [port(REDIS_PORT)] });
  if (o.peers.length > 0) ingress.push({ from: networkPolicyPeers(o.peers), ports: [port(REDIS_PORT)] });
  if (o.scrapers && o.scrapers.length > 0) ingress.push({ from: networkPolicyPeers(o.scrapers), ports: [port(REDIS_EXPORTER_PORT)] });
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: o.name, labels: o.labels },
    spec: { podSelector: { matchLabels: o.selector }, policyTypes: ['Ingress'], ingress },
  });
}

/**
 * The validation gate's note that the password Secret is the user's to provide, and that the TLS Secret is written
 * by cert-manager from the Certificate in this output.
 */
export function userProvidedSecret(auth: SecretKeyRef | undefined, tls?: ResolvedRedisTlsProps): { annotations?: Record<string, string> } {
  const refs = [...(auth ? [{ kind: 'Secret' as const, name: auth.secretName }] : []), ...(tls ? [{ kind: 'Secret' as const, name: tls.secretName }] : [])];
  return refs.length > 0 ? { annotations: validationAnnotations(refs) } : {};
}
