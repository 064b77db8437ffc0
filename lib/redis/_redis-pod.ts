/**
 * The pod spec, bootstrap Job and NetworkPolicy of {@link RedisDeployment} (internal: not exported from the index).
 */
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { REDIS_ANNOUNCE_HOSTNAME_ENV, REDIS_CONF_PATH, REDIS_PASSWORD_ENV } from './redis-props';
import { RedisMode } from './redis-shape';
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
/** Where the ConfigMap (confs and startup script) is mounted: redis.conf lands at REDIS_CONF_PATH. */
export const CONFIG_DIR = REDIS_CONF_PATH.slice(0, REDIS_CONF_PATH.lastIndexOf('/'));
/** The startup script's path in the Redis container. */
export const STARTUP_SCRIPT_PATH = `${CONFIG_DIR}/redis-startup.sh`;

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
  readonly resources: ContainerResources;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly confKeys: string[];
  readonly selector: Record<string, string>;
  readonly spread: boolean;
  readonly exporter?: RedisExporter;
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
    // redis_exporter reads REDIS_ADDR and REDIS_PASSWORD from its environment: the password stays a Secret reference.
    env: [{ name: 'REDIS_ADDR', value: `redis://127.0.0.1:${REDIS_PORT}` }, ...passwordEnv(o.auth)],
    resources: toResources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } }),
    securityContext: restrictedContainerSecurityContext(IDENTITY),
    startupProbe: { ...http('/health'), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 12 },
    readinessProbe: { ...http('/health'), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { ...http('/health'), periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
  };
}

function passwordEnv(auth: SecretKeyRef | undefined): k8s.EnvVar[] {
  return auth ? [{ name: REDIS_PASSWORD_ENV, valueFrom: { secretKeyRef: { name: auth.secretName, key: auth.key } } }] : [];
}

/**
 * An exec probe that PINGs the local server. The password goes through redis-cli's `REDISCLI_AUTH` env var, set
 * inside the probe's shell from `$REDIS_PASSWORD`: it never appears on a command line (`ps`) or in the manifest.
 */
function pingProbe(auth: boolean, accept: string): k8s.ExecAction {
  const login = auth ? `REDISCLI_AUTH="$${REDIS_PASSWORD_ENV}" ` : '';
  return { command: ['sh', '-c', `${login}redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping 2>&1 | grep -Eq '${accept}'`] };
}

function toResources(r: ContainerResources): k8s.ResourceRequirements {
  const q = k8s.Quantity.fromString;
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory) },
  };
}

/**
 * Spread the servers over zones (`ScheduleAnyway`: a one-zone cluster still schedules them); nodes are kept apart
 * by the required anti-affinity below. No `matchLabelKeys`: every server counts, whatever its revision.
 */
function spreadConstraints(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
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
function requiredAntiAffinity(selector: Record<string, string>): k8s.Affinity {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } }],
    },
  };
}

/** The Redis StatefulSet's pod spec. */
export function redisPodSpec(o: RedisPodOptions): k8s.PodSpec {
  const startup = ['sh', STARTUP_SCRIPT_PATH];
  // Replicated: pod 0 is the primary, every other pod a replica of it (the startup script execs its arguments).
  const command = o.mode === 'replicated'
    ? ['sh', '-c', `case "$POD_NAME" in *-0) conf=primary.conf ;; *) conf=replica.conf ;; esac; exec sh ${STARTUP_SCRIPT_PATH} redis-server "${CONFIG_DIR}/$conf"`]
    : startup;
  const tcp = { tcpSocket: { port: k8s.IntOrString.fromString('redis') } };
  const auth = o.auth !== undefined;
  return {
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    // SIGTERM makes Redis save its RDB snapshot/flush the AOF before exiting: give a large dataset time for it.
    terminationGracePeriodSeconds: 60,
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
        ...passwordEnv(o.auth),
      ],
      resources: toResources(o.resources),
      securityContext: restrictedContainerSecurityContext(IDENTITY),
      // The port opens before the dataset is loaded: a long AOF/RDB load is not a failed start (up to 10 minutes).
      startupProbe: { ...tcp, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 120 },
      // Ready only when it answers PONG (not LOADING, not NOAUTH).
      readinessProbe: { exec: pingProbe(auth, '^PONG'), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
      // Alive while it answers at all, loading a dataset or cut from its primary included: a restart would not help.
      livenessProbe: { exec: pingProbe(auth, 'PONG|LOADING|MASTERDOWN'), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'run', mountPath: '/run/redis' },
        { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      ],
    }, ...(o.exporter ? [exporterContainer(o, o.exporter)] : [])],
    volumes: [
      // The runtime conf holds the password: memory only, never on a disk.
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
      {
        name: 'config',
        configMap: {
          name: o.configMapName,
          defaultMode: 0o444,
          items: [...o.confKeys, 'redis-startup.sh'].map((key) => ({ key, path: key })),
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
    metadata: { name: o.name, labels: o.labels, ...userProvidedSecret(o.auth) },
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
            env: passwordEnv(o.auth).length > 0 ? passwordEnv(o.auth) : undefined,
            resources: toResources({ requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } }),
            securityContext: restrictedContainerSecurityContext(IDENTITY),
            volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }],
          }],
          volumes: [{ name: 'scripts', configMap: { name: o.configMapName, defaultMode: 0o444 } }],
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
  if (o.peers.length > 0) ingress.push({ from: networkPolicyPeers(o.peers), ports: [port(REDIS_PORT)] });
  if (o.scrapers && o.scrapers.length > 0) ingress.push({ from: networkPolicyPeers(o.scrapers), ports: [port(REDIS_EXPORTER_PORT)] });
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: o.name, labels: o.labels },
    spec: { podSelector: { matchLabels: o.selector }, policyTypes: ['Ingress'], ingress },
  });
}

/** The validation gate's note that the password Secret is the user's to provide. */
export function userProvidedSecret(auth: SecretKeyRef | undefined): { annotations?: Record<string, string> } {
  return auth ? { annotations: validationAnnotations([{ kind: 'Secret', name: auth.secretName }]) } : {};
}
