import { createHash } from 'node:crypto';
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import { redisConf } from './redis-conf';
import { redisMemoryLimit } from './redis-memory';
import { RedisConfProps, RedisMode, RedisSecretRef, RedisUse, resolveRedisProps } from './redis-props';
import { redisClusterBootstrapScript, redisStartupScript } from './redis-scripts';
import { ContainerResources, checkContainerResources } from '../core/container-resources';
import { IngressPeer, checkIngressPeers } from '../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import { REDIS_BUS_PORT, REDIS_PORT, RedisExporter, bootstrapJob, redisNetworkPolicy, redisPodSpec, userProvidedSecret } from './_redis-pod';

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
   * standalone (one server), replicated (a primary and `replicasPerMaster` read replicas, no automatic failover) or
   * cluster (a Redis Cluster of `masters` x (1 + `replicasPerMaster`) servers, formed by a bootstrap Job).
   */
  readonly mode: RedisMode;

  /**
   * Cluster mode only: the number of masters (slot owners).
   *
   * @default 3 - the minimum for a majority of masters to survive one failure
   */
  readonly masters?: number;

  /**
   * Replicas of each primary: in replicated mode the replicas of the one primary, in cluster mode of each master.
   * Must be unset or 0 in standalone mode.
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
  readonly auth?: RedisSecretRef;

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
}

/** The label a StatefulSet controller puts on each pod, with the pod's name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

const NAME_SUFFIX_ROOM = 11;
const DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
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
 * redirects to the pods' DNS names). Replicated mode: `<name>` selects pod 0, the primary, by its
 * `statefulset.kubernetes.io/pod-name` label (writes), and `<name>-read` every pod (reads; a Service selector
 * cannot exclude pod 0, and the primary serving reads too is harmless).
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
    const name = props.name ?? 'redis';
    const chartNamespace = Chart.of(this).namespace;
    const namespace = props.namespace ?? chartNamespace;
    const mode = props.mode;
    const image = props.image ?? 'redis:7.0.15-bookworm';
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    const peers = props.allowIngressFrom ?? [];

    const problems = new Problems(this.node.path);
    if (!isObjectName(name, NAME_SUFFIX_ROOM)) problems.add('name', name, objectNameAllowed(NAME_SUFFIX_ROOM));
    if (namespace === undefined) {
      problems.addMessage("'namespace' must be set when the chart has no namespace (it is part of the pods' DNS names)");
    } else if (!isObjectName(namespace)) {
      problems.add('namespace', namespace, objectNameAllowed());
    } else if (chartNamespace !== undefined && chartNamespace !== namespace) {
      problems.add('namespace', namespace, `the chart's namespace (${chartNamespace}) or unset`);
    }
    if (!['standalone', 'replicated', 'cluster'].includes(mode)) problems.add('mode', mode, 'one of "standalone", "replicated", "cluster"');
    if (mode !== 'cluster' && props.masters !== undefined) problems.add('masters', props.masters, 'unset unless \'mode\' is "cluster"');
    const masters = mode === 'cluster' ? props.masters ?? 3 : 1;
    if (mode === 'cluster' && !isIntegerIn(masters, 3, 1000)) {
      problems.add('masters', masters, 'an integer between 3 and 1000 (a cluster needs a majority of masters to fail over)');
    }
    const replicasPerMaster = props.replicasPerMaster ?? (mode === 'standalone' ? 0 : 1);
    if (mode === 'standalone' && replicasPerMaster !== 0) {
      problems.add('replicasPerMaster', replicasPerMaster, 'unset or 0 when \'mode\' is "standalone"');
    } else if (mode === 'replicated' && !isIntegerIn(replicasPerMaster, 1, 100)) {
      problems.add('replicasPerMaster', replicasPerMaster, 'an integer between 1 and 100 in replicated mode');
    } else if (mode === 'cluster' && !isIntegerIn(replicasPerMaster, 0, 100)) {
      problems.add('replicasPerMaster', replicasPerMaster, 'an integer between 0 and 100');
    }
    const maxMemoryBytes = parseMemory(props.maxMemory);
    if (maxMemoryBytes === undefined) problems.add('maxMemory', props.maxMemory, MEMORY_ALLOWED);
    const storage = props.storage ?? (maxMemoryBytes !== undefined ? `${Math.max(1, Math.ceil((3 * maxMemoryBytes) / GI))}Gi` : '1Gi');
    if (parseMemory(storage) === undefined) problems.add('storage', storage, MEMORY_ALLOWED);
    if (props.storageClass !== undefined && !(typeof props.storageClass === 'string' && props.storageClass.length <= 253 && DOMAIN.test(props.storageClass))) {
      problems.add('storageClass', props.storageClass, 'a StorageClass name (a DNS-1123 subdomain)');
    }
    if (!isPinnedImage(image)) problems.add('image', image, IMAGE_ALLOWED);
    if (props.exporter?.image !== undefined && !isPinnedImage(props.exporter.image)) problems.add('exporter.image', props.exporter.image, IMAGE_ALLOWED);
    if (typeof clusterDomain !== 'string' || !DOMAIN.test(clusterDomain)) problems.add('clusterDomain', clusterDomain, 'a DNS domain such as "cluster.local"');
    for (const field of ['password', 'requirepass', 'masterauth']) {
      if ((props as unknown as Record<string, unknown>)[field] !== undefined) {
        problems.addMessage(`'${field}' must not be set: pass the password as a Secret reference in 'auth' ({ secretName, secretKey }), never as a literal`);
      }
    }
    const memoryLimit = maxMemoryBytes !== undefined ? redisMemoryLimit(props.maxMemory) : '1Gi';
    const resources: ContainerResources = props.resources ?? {
      requests: { cpu: '100m', memory: memoryLimit },
      limits: { cpu: '1', memory: memoryLimit },
    };
    checkContainerResources(problems, 'resources', resources);
    const limitBytes = parseMemory(resources.limits?.memory ?? '');
    if (maxMemoryBytes !== undefined && limitBytes !== undefined && limitBytes < (parseMemory(memoryLimit) as number)) {
      problems.add('resources.limits.memory', resources.limits.memory, `at least ${memoryLimit} for 'maxMemory' ${props.maxMemory} (redisMemoryLimit: fragmentation, buffers and fork copy-on-write)`);
    }
    checkIngressPeers(problems, 'allowIngressFrom', peers);
    problems.throwIfAny();

    const headless = `${name}-headless`;
    const replicas = masters * (1 + replicasPerMaster);
    const fqdn = (ordinal: number) => `${name}-${ordinal}.${headless}.${namespace}.svc.${clusterDomain}`;
    const base: RedisConfProps = {
      mode,
      maxmemory: props.maxMemory,
      use: props.use,
      aof: props.appendOnly,
      auth: props.auth,
      protectedMode: props.auth === undefined ? false : undefined,
      ...(mode === 'cluster' ? { masters, replicasPerMaster } : {}),
      ...(mode === 'replicated' ? { replicas: replicasPerMaster } : {}),
    };
    // Validates auth (a literal password given through a cast included) and the rest of the config props.
    resolveRedisProps(base, this.node.path);

    this.name = name;
    this.headlessServiceName = headless;
    this.replicas = replicas;
    this.podHostnames = Array.from({ length: replicas }, (_, i) => fqdn(i));
    this.selectorLabels = { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'server' };
    const common = { 'app.kubernetes.io/part-of': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' };
    const labels = { ...common, ...this.selectorLabels };

    const confs: Record<string, string> = mode === 'replicated'
      ? { 'primary.conf': redisConf(base), 'replica.conf': redisConf({ ...base, replicaOf: { host: fqdn(0), port: REDIS_PORT } }) }
      : { 'redis.conf': redisConf(base) };
    const configData = { ...confs, 'redis-startup.sh': redisStartupScript(base) };
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
    new k8s.KubeService(this, 'Service', {
      metadata: { name, labels },
      spec: {
        type: 'ClusterIP',
        selector: mode === 'replicated' ? { ...this.selectorLabels, [POD_NAME_LABEL]: `${name}-0` } : this.selectorLabels,
        ports,
      },
    });
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
          name, mode, image, namespace: namespace as string, clusterDomain, headless, auth: props.auth, resources,
          serviceAccountName: serviceAccount.name, configMapName: config.name, confKeys: Object.keys(confs),
          selector: this.selectorLabels, spread: replicas > 1, exporter: props.exporter,
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
      metadata: { name, labels, ...userProvidedSecret(props.auth) },
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
    redisNetworkPolicy(this, 'NetworkPolicy', { name, labels, selector: this.selectorLabels, peers, cluster: mode === 'cluster', bootstrapLabels, scrapers: props.exporter?.allowScrapeFrom });

    if (bootstrapLabels) {
      const script = redisClusterBootstrapScript({
        nodes: this.podHostnames.map((host) => ({ host, port: REDIS_PORT })),
        replicasPerMaster,
      });
      const scriptMap = new k8s.KubeConfigMap(this, 'BootstrapConfigMap', {
        metadata: { name: `${name}-bootstrap`, labels: { ...common, ...bootstrapLabels } },
        data: { 'cluster-bootstrap.sh': script },
      });
      bootstrapJob(this, 'BootstrapJob', {
        name: `${name}-bootstrap`, image, auth: props.auth, serviceAccountName: serviceAccount.name,
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

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
