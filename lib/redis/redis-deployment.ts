import { createHash } from 'node:crypto';
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { isDnsSubdomain } from '../core/checks';
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import { SecretKeyRef } from '../core/secret-ref';
import { checkLiteralPasswords } from './_redis-checks';
import { fieldAt } from '../core/checks';
import { renderRedisConf } from './redis-conf';
import { redisMemoryLimitForBytes } from './redis-memory';
import { ResolvedRedisProps, RedisUse, resolveRedisConfProps } from './redis-props';
import { redisClusterBootstrapScript, renderRedisHandoverScript, renderRedisReadinessScript, renderRedisStartupScript } from './redis-scripts';
import { RedisMode } from './redis-shape';
import { ContainerResources, checkContainerResources } from '../core/container-resources';
import { IngressPeer, checkIngressPeers } from '../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import {
  HANDOVER_SCRIPT_KEY, READINESS_SCRIPT_KEY, REDIS_BUS_PORT, REDIS_PORT, RedisExporter, TLS_FILES, bootstrapJob, redisNetworkPolicy, redisPodSpec, userProvidedSecret,
} from './_redis-pod';
import { redisCertificate, redisClientCertificate } from './_redis-certificate';
import { redisClientConfigMapName, redisClientSettings } from './redis-client';
import { SENTINEL_SCRIPT_KEY, redisSentinel, sentinelHostnames, sentinelNames } from './_redis-sentinel-pod';
import { redisExporterAuthScript, redisTlsReloaderScript } from './redis-scripts';
import {
  REDIS_SENTINEL_PORT, RedisSentinelProps, ResolvedRedisSentinelTimings, redisSentinelMinReplicasToWrite, redisSentinelStartupScript,
  resolveRedisSentinelTimings,
} from './redis-sentinel';
import { RedisTlsProps, ResolvedRedisTlsProps, resolveRedisTlsProps } from './redis-tls';
import { REDIS_PASSWORD_FILE } from './redis-props';

export { DEFAULT_REDIS_EXPORTER_IMAGE, RedisExporter } from './_redis-pod';

/** Props of {@link RedisDeployment}. */
export interface RedisDeploymentProps {
  /**
   * The name of the StatefulSet and of the objects around it (`<name>`, `<name>-headless`, `<name>-bootstrap` ...).
   * A DNS-1035 label of at most 52 characters, so that the StatefulSet's `controller-revision-hash` label fits.
   *
   * @default 'redis'
   */
  readonly name?: string;

  /**
   * The namespace the pods run in: part of their stable DNS names (`<pod>.<name>-headless.<namespace>.svc.<domain>`),
   * which replicas, the cluster and its clients use.
   *
   * @default - the chart's namespace (an error when the chart has none)
   */
  readonly namespace?: string;

  /**
   * standalone (one server), replicated (a primary and `replicasPerMaster` read replicas; automatic failover with
   * `sentinel`) or cluster (a Redis Cluster of `masters` x (1 + `replicasPerMaster`) servers, formed by a bootstrap
   * Job, failing over by itself).
   */
  readonly mode: RedisMode;

  /**
   * The number of masters (slot owners) in cluster mode, from `REDIS_MIN_MASTERS` (3) to `REDIS_MAX_MASTERS`
   * (1000); unset or 1 in the other modes, which have one primary.
   *
   * @default 3 in cluster mode - the minimum for a majority of masters to survive one failure; 1 otherwise
   */
  readonly masters?: number;

  /**
   * Replicas of each primary: in replicated mode the replicas of the one primary (1 to 100), in cluster mode of
   * each master (0 to `REDIS_MAX_REPLICAS_PER_MASTER`, 100). Must be unset or 0 in standalone mode.
   *
   * @default 1 in replicated and cluster mode, 0 in standalone mode
   */
  readonly replicasPerMaster?: number;

  /** The dataset limit (`maxmemory`) of each server, as a Kubernetes memory quantity such as `512Mi`. */
  readonly maxMemory: string;

  /**
   * What the data is: a cache (evicted LRU, rebuilt from the source of truth) or data (never evicted, AOF on).
   *
   * @default 'cache'
   */
  readonly use?: RedisUse;

  /**
   * Append-only file persistence.
   *
   * @default - on in cluster mode and for data, off for a standalone or replicated cache (see `redisConf`)
   */
  readonly appendOnly?: boolean;

  /**
   * The Secret key holding the password (`requirepass`/`masterauth`). Only a reference: the password never appears
   * in a manifest.
   *
   * @default - no password (protected mode off; only the NetworkPolicy limits who connects): development only
   */
  readonly auth?: SecretKeyRef;

  /**
   * The Redis image: Debian-based, because the scripts need `getent`, `od`, `sed`, `awk` and `date`.
   *
   * @default 'redis:7.0.15-bookworm' - the official image of the Redis version the config generators target
   */
  readonly image?: string;

  /**
   * Size of each server's PersistentVolumeClaim, mounted at /data.
   *
   * @default - 3 x `maxMemory` rounded up to whole Gi, at least 1Gi: room for the RDB snapshot plus an AOF and
   * the new AOF being rewritten beside it
   */
  readonly storage?: string;

  /**
   * The StorageClass of the PersistentVolumeClaims.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;

  /**
   * CPU and memory of the Redis container. The memory limit must be at least `redisMemoryLimit(maxMemory)`:
   * `maxmemory` bounds the dataset only, and a fork for BGSAVE/AOF rewrite/full sync doubles written pages.
   *
   * @default - requests cpu 100m, limits cpu 1; memory request = limit = `redisMemoryLimit(maxMemory)`
   */
  readonly resources?: ContainerResources;

  /**
   * Who may connect on the client port 6379. The Redis pods always reach each other (replication, cluster bus
   * 16379), and the bootstrap Job reaches them in cluster mode; everything else is denied.
   *
   * @default [] - no client allowed
   */
  readonly allowIngressFrom?: IngressPeer[];

  /**
   * The cluster's DNS domain.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * A Prometheus exporter sidecar in every Redis pod (metrics on port 9121).
   *
   * @default - no exporter
   */
  readonly exporter?: RedisExporter;

  /**
   * Replicated mode only: 3 Sentinels (quorum 2) that promote a replica when the primary fails. Clients then find
   * the primary through the `<name>-sentinel` Service on port 26379 (master name `<name>`). A cache with one
   * replica keeps taking writes on a lone primary (`min-replicas-to-write 0`: no stall after a failover; callers
   * that need a second copy use `WAIT`); data, or two replicas and more, refuse writes that no replica acknowledges
   * (`min-replicas-to-write 1`, `min-replicas-max-lag 10`): see `redisSentinelMinReplicasToWrite`. Without
   * Sentinel the `<name>` Service points at pod 0, which stays the primary.
   *
   * @default - no Sentinel, no automatic failover
   */
  readonly sentinel?: RedisSentinelProps;

  /**
   * TLS only, for servers, replication, the cluster bus, Sentinel, probes, the bootstrap Job and the exporter, with
   * a certificate from a cert-manager `Certificate` this construct emits (signed by the issuer named here).
   *
   * @default - plaintext (inside the NetworkPolicy)
   */
  readonly tls?: RedisTlsProps;
}

/** The label a StatefulSet controller puts on each pod, with the pod's name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

const NAME_SUFFIX_ROOM = 11;
/** `-sentinel` + the StatefulSet's 11-character revision hash suffix, and `-sentinel-headless`. */
const SENTINEL_SUFFIX_ROOM = 20;
const GI = 1024 ** 3;

/**
 * Redis in one of the three shapes the tiers use, as a StatefulSet with a PersistentVolumeClaim per server:
 * ConfigMap (redis.conf and the startup script), headless Service (stable pod DNS names, not-ready addresses
 * published so peers resolve before the cluster forms), client Service(s), ServiceAccount, PodDisruptionBudget,
 * NetworkPolicy and, in cluster mode, the Job that forms the cluster. Pods run under the restricted Pod Security
 * Standard as UID/GID 10001 (the official image's redis-server needs no particular user; fsGroup makes /data
 * writable).
 *
 * Client Services: standalone and cluster mode `<name>` (every pod; cluster clients use it as a seed and follow
 * redirects to the pods' DNS names). Replicated mode: `<name>-read` every pod (reads; a Service selector cannot
 * exclude the primary, and the primary serving reads too is harmless) and, without Sentinel, `<name>` selecting pod
 * 0, the primary, by its `statefulset.kubernetes.io/pod-name` label (writes). With Sentinel (3 Sentinels, quorum 2,
 * a StatefulSet of their own: see `_redis-sentinel-pod.ts`) clients ask `<name>-sentinel:26379` for the primary of
 * master `<name>`. With TLS, a cert-manager `Certificate` names every pod and Service, and a `tls-reloader` sidecar
 * reloads a renewed certificate without a restart.
 */
export class RedisDeployment extends Construct {
  /** The name of the StatefulSet and of the client Service. */
  public readonly name: string;
  /** The headless Service's name. */
  public readonly headlessServiceName: string;
  /** Labels that select the Redis pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The stable DNS name of every Redis pod, in ordinal order. */
  public readonly podHostnames: string[];
  /** The number of Redis servers (StatefulSet replicas). */
  public readonly replicas: number;
  /** The StatefulSet (an `ApiObject`: cdk8s-plus-28's bindings drop fields newer than Kubernetes 1.28). */
  public readonly statefulSet: ApiObject;

  constructor(scope: Construct, id: string, props: RedisDeploymentProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    const r = resolveDeployment(problems, '', props, { chartNamespace: Chart.of(this).namespace });
    problems.throwIfAny();
    const { name, namespace, mode, image, clusterDomain, peers, storage, resources, conf, tls, sentinel } = r;
    const { masters, replicasPerMaster, totalNodes: replicas } = conf;

    const headless = `${name}-headless`;
    const fqdn = (ordinal: number) => `${name}-${ordinal}.${headless}.${namespace}.svc.${clusterDomain}`;

    this.name = name;
    this.headlessServiceName = headless;
    this.replicas = replicas;
    this.podHostnames = Array.from({ length: replicas }, (_, i) => fqdn(i));
    this.selectorLabels = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'server' };
    const common = { 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' };
    const labels = { ...common, ...this.selectorLabels };

    const sentinelSelector = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'sentinel' };
    const sentinels = sentinel ? sentinelHostnames(name, namespace, clusterDomain) : [];
    // With Sentinel every server runs one conf: its startup script asks the Sentinels which server is the primary.
    const serverConf: ResolvedRedisProps = sentinel
      ? {
        ...conf,
        sentinel: {
          masterName: name,
          sentinels: sentinels.map((host) => ({ host, port: REDIS_SENTINEL_PORT })),
          firstBootPrimary: { host: fqdn(0), port: REDIS_PORT },
          waitSeconds: 30,
        },
      }
      : conf;
    const confs: Record<string, string> = mode === 'replicated' && !sentinel
      ? { 'primary.conf': renderRedisConf(conf), 'replica.conf': renderRedisConf({ ...conf, replicaOf: { host: fqdn(0), port: REDIS_PORT } }) }
      : { 'redis.conf': renderRedisConf(serverConf) };
    const tlsFiles = tls ? { ...TLS_FILES, authClients: tls.authClients } : undefined;
    const handover = mode === 'cluster' || sentinel !== undefined;
    const configData: Record<string, string> = {
      ...confs,
      'redis-startup.sh': renderRedisStartupScript(serverConf),
      [READINESS_SCRIPT_KEY]: renderRedisReadinessScript(serverConf),
    };
    if (handover) configData[HANDOVER_SCRIPT_KEY] = renderRedisHandoverScript(serverConf);
    if (tlsFiles) configData['redis-tls-reloader.sh'] = redisTlsReloaderScript({ port: REDIS_PORT, tls: tlsFiles, passwordFile: conf.auth ? REDIS_PASSWORD_FILE : undefined });
    if (props.exporter && conf.auth) configData['exporter-auth.sh'] = redisExporterAuthScript();
    if (sentinel) {
      configData[SENTINEL_SCRIPT_KEY] = redisSentinelStartupScript({
        ...sentinel,
        masterName: name,
        firstBootPrimary: { host: fqdn(0), port: REDIS_PORT },
        sentinels: sentinels.map((host) => ({ host, port: REDIS_SENTINEL_PORT })),
        passwordFile: conf.auth ? REDIS_PASSWORD_FILE : undefined,
        tls: tlsFiles,
      });
    }
    const config = new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { name: `${name}-config`, labels }, data: configData });
    const checksum = createHash('sha256').update(JSON.stringify(configData)).digest('hex');

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, labels },
      automountServiceAccountToken: false,
    });

    const ports = [{ name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP', appProtocol: 'redis' }];
    const busPorts = mode === 'cluster'
      ? [{ name: 'cluster-bus', port: REDIS_BUS_PORT, targetPort: k8s.IntOrString.fromString('cluster-bus'), protocol: 'TCP' }]
      : [];
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: headless, labels },
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: this.selectorLabels, ports: [...ports, ...busPorts] },
    });
    // With Sentinel the primary moves: there is no `<name>` Service for it (one pinned to pod 0 would send writes
    // to a replica after a failover); clients ask `<name>-sentinel`.
    if (!sentinel) {
      new k8s.KubeService(this, 'Service', {
        metadata: { name, labels },
        spec: {
          type: 'ClusterIP',
          selector: mode === 'replicated' ? { ...this.selectorLabels, [POD_NAME_LABEL]: `${name}-0` } : this.selectorLabels,
          ports,
        },
      });
    }
    if (mode === 'replicated') {
      new k8s.KubeService(this, 'ReadService', {
        metadata: { name: `${name}-read`, labels },
        spec: { type: 'ClusterIP', selector: this.selectorLabels, ports },
      });
    }

    const spec: k8s.StatefulSetSpec = {
      replicas,
      serviceName: headless,
      podManagementPolicy: 'Parallel',
      revisionHistoryLimit: 5,
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: this.selectorLabels },
      // Never lose data: a PVC outlives its StatefulSet and a scale-down; deleting it is an operator's decision.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: { labels, annotations: { 'scaling-tiers.io/config-sha256': checksum } },
        spec: redisPodSpec({
          name, mode, image, namespace, clusterDomain, headless, auth: conf.auth, tls, sentinel: sentinel !== undefined, resources,
          serviceAccountName: serviceAccount.name, configMapName: config.name, confKeys: Object.keys(confs),
          selector: this.selectorLabels, spread: replicas > 1, exporter: props.exporter, handover,
        }),
      },
      volumeClaimTemplates: [{
        metadata: { name: 'data', labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: props.storageClass,
          resources: { requests: { storage: k8s.Quantity.fromString(storage) } },
        },
      }],
    };
    this.statefulSet = new ApiObject(this, 'StatefulSet', {
      ...k8s.KubeStatefulSet.GVK,
      metadata: { name, labels, ...userProvidedSecret(conf.auth, tls) },
      spec: k8s.toJson_StatefulSetSpec(spec),
    });

    if (replicas >= 2) {
      // At most one server down at a time (one node drained at a time); maxUnavailable never blocks every eviction.
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }

    const bootstrapLabels = mode === 'cluster'
      ? { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'cluster-bootstrap' }
      : undefined;
    redisNetworkPolicy(this, 'NetworkPolicy', {
      name, labels, selector: this.selectorLabels, peers, cluster: mode === 'cluster', bootstrapLabels, scrapers: props.exporter?.allowScrapeFrom,
      sentinelLabels: sentinel ? sentinelSelector : undefined,
    });

    if (sentinel) {
      redisSentinel(this, {
        name, namespace, clusterDomain, image, auth: conf.auth, tls, resources: sentinel.resources,
        serviceAccountName: serviceAccount.name, configMapName: config.name, common, selector: sentinelSelector,
        serverSelector: this.selectorLabels, peers,
      });
    }

    // The connection settings a client reads (envFrom): see redisClientSettings and redisClientWiring.
    new k8s.KubeConfigMap(this, 'ClientConfigMap', {
      metadata: { name: redisClientConfigMapName(name), labels },
      data: redisClientSettings({ name, namespace, clusterDomain, mode, sentinel: sentinel !== undefined, auth: conf.auth !== undefined, tls: tls !== undefined }),
    });

    if (tls) {
      // A client certificate per calling workload, from the servers' issuer (tls-auth-clients yes refuses the others).
      tls.clients.forEach((client) => redisClientCertificate(this, `ClientCertificate-${client}`, { redisName: name, client, labels, tls }));
      const qualified = (service: string) => [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${clusterDomain}`];
      const services = [headless, ...(sentinel ? [] : [name]), ...(mode === 'replicated' ? [`${name}-read`] : [])];
      const sentinelServices = sentinel ? [sentinelNames(name).headless, sentinelNames(name).service] : [];
      redisCertificate(this, 'Certificate', {
        name: `${name}-tls`,
        labels,
        tls,
        dnsNames: [...this.podHostnames, ...sentinels, ...[...services, ...sentinelServices].flatMap(qualified)],
      });
    }

    if (bootstrapLabels) {
      const script = redisClusterBootstrapScript({
        nodes: this.podHostnames.map((host) => ({ host, port: REDIS_PORT })),
        masters,
        replicasPerMaster,
        passwordFile: REDIS_PASSWORD_FILE,
        tls: tlsFiles,
      });
      const scriptMap = new k8s.KubeConfigMap(this, 'BootstrapConfigMap', {
        metadata: { name: `${name}-bootstrap`, labels: { ...common, ...bootstrapLabels } },
        data: { 'cluster-bootstrap.sh': script },
      });
      bootstrapJob(this, 'BootstrapJob', {
        name: `${name}-bootstrap`, image, auth: conf.auth, tls, serviceAccountName: serviceAccount.name,
        configMapName: scriptMap.name, labels: { ...common, ...bootstrapLabels },
      });
      // The bootstrap pods serve nothing: no ingress at all (their egress to the servers is admitted above).
      new k8s.KubeNetworkPolicy(this, 'BootstrapNetworkPolicy', {
        metadata: { name: `${name}-bootstrap`, labels: { ...common, ...bootstrapLabels } },
        spec: { podSelector: { matchLabels: bootstrapLabels }, policyTypes: ['Ingress'], ingress: [] },
      });
    }
  }
}

/**
 * Checks {@link RedisDeploymentProps}: every rule of the construct, stated once, for the construct itself (`path`
 * '') and for the tiers (`path` 'redis'), which call it instead of restating the bounds. Records every problem in
 * `problems`, each naming its field under `path`. What depends on the construct's place in a chart (the chart's
 * namespace) is checked by the constructor only.
 */
export function checkRedisDeploymentProps(problems: Problems, path: string, props: RedisDeploymentProps): void {
  resolveDeployment(problems, path, props, undefined);
}

/** {@link RedisDeploymentProps} with every default applied, and the resolved config props. */
interface ResolvedRedisDeployment {
  readonly name: string;
  readonly namespace: string;
  readonly mode: RedisMode;
  readonly image: string;
  readonly clusterDomain: string;
  readonly peers: IngressPeer[];
  readonly storage: string;
  readonly resources: ContainerResources;
  /** The config generators' props, resolved once: the confs and the startup script are rendered from them. */
  readonly conf: ResolvedRedisProps;
  /** The TLS props with defaults; undefined without TLS. */
  readonly tls: ResolvedRedisTlsProps | undefined;
  /** The Sentinel timings and size; undefined without Sentinel. */
  readonly sentinel: (ResolvedRedisSentinelTimings & { resources: ContainerResources }) | undefined;
}

/**
 * Checks the props (recording problems) and applies the defaults. `context` is the construct's place: given by
 * the constructor (the namespace must then agree with the chart's), absent when the props are checked alone. The
 * result is meaningful only when no problem was recorded.
 */
function resolveDeployment(
  problems: Problems, path: string, props: RedisDeploymentProps, context: { chartNamespace: string | undefined } | undefined,
): ResolvedRedisDeployment {
  const at = (field: string) => fieldAt(path, field);
  const name = props.name ?? 'redis';
  const namespace = props.namespace ?? context?.chartNamespace;
  const image = props.image ?? 'redis:7.0.15-bookworm';
  const clusterDomain = props.clusterDomain ?? 'cluster.local';
  const peers = props.allowIngressFrom ?? [];

  if (!isObjectName(name, NAME_SUFFIX_ROOM)) problems.add(at('name'), name, objectNameAllowed(NAME_SUFFIX_ROOM));
  else if (props.sentinel !== undefined && !isObjectName(name, SENTINEL_SUFFIX_ROOM)) {
    problems.add(at('name'), name, `${objectNameAllowed(SENTINEL_SUFFIX_ROOM)} with '${at('sentinel')}' (room for "-sentinel-headless")`);
  }
  if (namespace === undefined) {
    if (context) problems.addMessage(`'${at('namespace')}' must be set when the chart has no namespace (it is part of the pods' DNS names)`);
  } else if (!isObjectName(namespace)) {
    problems.add(at('namespace'), namespace, objectNameAllowed());
  } else if (context?.chartNamespace !== undefined && context.chartNamespace !== namespace) {
    problems.add(at('namespace'), namespace, `the chart's namespace (${context.chartNamespace}) or unset`);
  }
  // The config props, named as in these props: mode, masters, replicasPerMaster (the one shape rule,
  // `resolveRedisShape`), maxMemory, use, appendOnly and auth are checked there, once.
  const conf = resolveRedisConfProps(problems, path, {
    mode: props.mode,
    masters: props.masters,
    replicasPerMaster: props.replicasPerMaster,
    maxMemory: props.maxMemory,
    use: props.use,
    appendOnly: props.appendOnly,
    auth: props.auth,
    protectedMode: props.auth === undefined ? false : undefined,
    // With Sentinel: availability or durability after a failover, by the use and the replicas (one rule, there).
    minReplicasToWrite: props.mode === 'replicated' && props.sentinel !== undefined
      ? redisSentinelMinReplicasToWrite(props.use ?? 'cache', props.replicasPerMaster ?? 1) : undefined,
    tls: props.tls === undefined ? undefined : { ...TLS_FILES, authClients: props.tls.authClients },
  });
  const tls = resolveRedisTlsProps(problems, at('tls'), props.tls, name);
  let sentinel: ResolvedRedisDeployment['sentinel'];
  if (props.sentinel !== undefined) {
    if (props.mode !== 'replicated') {
      problems.add(at('sentinel'), props.sentinel, `unset unless '${at('mode')}' is "replicated" (a Redis Cluster fails over by itself)`);
    } else {
      const sentinelResources: ContainerResources = props.sentinel.resources ?? {
        requests: { cpu: '20m', memory: '32Mi' },
        limits: { cpu: '200m', memory: '64Mi' },
      };
      checkContainerResources(problems, at('sentinel.resources'), sentinelResources);
      sentinel = { ...resolveRedisSentinelTimings(problems, at('sentinel'), props.sentinel), resources: sentinelResources };
    }
  }
  const maxMemoryOk = Number.isFinite(conf.maxMemoryBytes);
  const storage = props.storage ?? (maxMemoryOk ? `${Math.max(1, Math.ceil((3 * conf.maxMemoryBytes) / GI))}Gi` : '1Gi');
  if (parseMemory(storage) === undefined) problems.add(at('storage'), storage, MEMORY_ALLOWED);
  if (props.storageClass !== undefined && !isDnsSubdomain(props.storageClass)) {
    problems.add(at('storageClass'), props.storageClass, 'a StorageClass name (a DNS-1123 subdomain)');
  }
  if (!isPinnedImage(image)) problems.add(at('image'), image, IMAGE_ALLOWED);
  if (props.exporter?.image !== undefined && !isPinnedImage(props.exporter.image)) problems.add(at('exporter.image'), props.exporter.image, IMAGE_ALLOWED);
  if (!isDnsSubdomain(clusterDomain)) problems.add(at('clusterDomain'), clusterDomain, 'a DNS domain such as "cluster.local"');
  checkLiteralPasswords(problems, path, props);
  // From the bytes resolveRedisConfProps parsed: maxMemory is read once.
  const memoryLimit = maxMemoryOk ? redisMemoryLimitForBytes(conf.maxMemoryBytes) : '1Gi';
  const resources: ContainerResources = props.resources ?? {
    requests: { cpu: '100m', memory: memoryLimit },
    limits: { cpu: '1', memory: memoryLimit },
  };
  checkContainerResources(problems, at('resources'), resources);
  const limitBytes = parseMemory(resources.limits?.memory ?? '');
  if (maxMemoryOk && limitBytes !== undefined && limitBytes < (parseMemory(memoryLimit) as number)) {
    problems.add(at('resources.limits.memory'), resources.limits.memory, `at least ${memoryLimit} for '${at('maxMemory')}' `
      + `${props.maxMemory} (redisMemoryLimit: fragmentation, buffers and fork copy-on-write)`);
  }
  checkIngressPeers(problems, at('allowIngressFrom'), peers);
  return { name, namespace: namespace as string, mode: props.mode, image, clusterDomain, peers, storage, resources, conf, tls, sentinel };
}
