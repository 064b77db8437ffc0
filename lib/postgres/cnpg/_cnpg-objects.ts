/**
 * The objects a {@link PostgresCluster} emits beside its `Cluster`: Poolers, PodMonitors, NetworkPolicies, the Barman
 * Cloud `ObjectStore` and the `ScheduledBackup`. Private to lib/postgres.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../../core/k8s';
import { ContainerResources } from '../../core/container-resources';
import { IngressPeer, networkPolicyPeers } from '../../core/ingress-peer';
import { topologySpread } from '../../core/scheduling';
import { validationAnnotations } from '../../validate/annotations';

/** The name of the Barman Cloud plugin, as the Cluster's `plugins` and `externalClusters` refer to it. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/** The ports of CloudNativePG's pods. */
export const CNPG_PORTS = {
  /** PostgreSQL on every instance, and PgBouncer on every pooler pod. */
  postgres: 5432,
  /** The instance manager's status endpoint, which the operator calls. */
  status: 8000,
  /** The instance's Prometheus exporter (`metrics`). */
  instanceMetrics: 9187,
  /** The pooler's Prometheus exporter (`metrics`). */
  poolerMetrics: 9127,
} as const;

/** The labels CloudNativePG puts on the pods of a cluster and its poolers. */
export const CNPG_LABELS = {
  cluster: 'cnpg.io/cluster',
  podRole: 'cnpg.io/podRole',
  instanceRole: 'cnpg.io/instanceRole',
  instanceName: 'cnpg.io/instanceName',
  poolerName: 'cnpg.io/poolerName',
} as const;

/** `apiVersion` and `kind` of the custom resources. */
export const CNPG_KINDS = {
  cluster: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
  pooler: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler' },
  scheduledBackup: { apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup' },
  objectStore: { apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore' },
  podMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' },
} as const;

type Meta = { name: string; namespace?: string; labels: Record<string, string> };

/**
 * A CloudNativePG `Pooler` (PgBouncer in transaction mode) of type `rw`, `ro` (replicas) or `r` (every instance),
 * its pods sized and spread over zones and nodes (the operator's Deployment has no spread of its own).
 */
export function addPooler(scope: Construct, id: string, o: {
  meta: Meta; cluster: string; type: 'rw' | 'ro' | 'r'; instances: number; poolSize: number; maxClientConnections: number;
  resources: ContainerResources;
}): ApiObject {
  const spec: Record<string, unknown> = {
    cluster: { name: o.cluster },
    instances: o.instances,
    type: o.type,
    pgbouncer: {
      poolMode: 'transaction',
      parameters: {
        default_pool_size: String(o.poolSize),
        max_client_conn: String(o.maxClientConnections),
      },
    },
  };
  // Only the pgbouncer container is sized; CloudNativePG fills in the rest of the pod (restricted by default) and
  // merges this template into its Deployment (pkg/specs/pgbouncer/deployments.go).
  spec.template = {
    metadata: { labels: { [CNPG_LABELS.poolerName]: o.meta.name } },
    spec: {
      containers: [{ name: 'pgbouncer', resources: o.resources }],
      topologySpreadConstraints: topologySpread({ [CNPG_LABELS.poolerName]: o.meta.name }),
    },
  };
  return new ApiObject(scope, id, { ...CNPG_KINDS.pooler, metadata: o.meta, spec });
}

/**
 * A PodDisruptionBudget for a Pooler's pods, `maxUnavailable: 1`: CloudNativePG makes budgets for the instances only,
 * so without it one node drain could evict every PgBouncer of the Pooler at once.
 */
export function addPoolerDisruptionBudget(scope: Construct, id: string, meta: Meta): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: {
      ...meta,
      annotations: validationAnnotations([], {
        'dangling-selector': 'selects the pods the CloudNativePG operator creates from the Pooler',
      }),
    },
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: { [CNPG_LABELS.poolerName]: meta.name } },
      // A pod that is not Ready serves nobody: evicting it never costs availability.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/** A PodMonitor scraping `port` of the selected pods, copying the CloudNativePG labels onto every series. */
export function addPodMonitor(scope: Construct, id: string, o: { meta: Meta; selector: k8s.LabelSelector; podTargetLabels: string[] }): ApiObject {
  return new ApiObject(scope, id, {
    ...CNPG_KINDS.podMonitor,
    metadata: {
      ...o.meta,
      annotations: validationAnnotations([], {
        'dangling-selector': 'selects the pods the CloudNativePG operator creates from the Cluster and Pooler resources',
        'monitor-port': "the operator's pods name their exporter port 'metrics'; they are not in the output",
      }),
    },
    spec: {
      selector: o.selector,
      podTargetLabels: o.podTargetLabels,
      podMetricsEndpoints: [{ port: 'metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  });
}

/** One ingress rule: these peers, these TCP ports. */
export interface IngressRule {
  readonly from: k8s.NetworkPolicyPeer[];
  readonly ports: number[];
}

/** A NetworkPolicy admitting only `rules` to the selected pods (every other ingress is denied). */
export function addIngressPolicy(scope: Construct, id: string, o: { meta: Meta; podSelector: k8s.LabelSelector; rules: IngressRule[] }): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: {
      ...o.meta,
      annotations: validationAnnotations([], {
        'dangling-selector': 'selects the pods the CloudNativePG operator creates from the Cluster and Pooler resources',
      }),
    },
    spec: {
      podSelector: o.podSelector,
      policyTypes: ['Ingress'],
      ingress: o.rules.filter((r) => r.from.length > 0).map((r) => ({
        from: r.from,
        ports: r.ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
      })),
    },
  });
}

/** The NetworkPolicy peers of a list of {@link IngressPeer}. */
export function peers(list: readonly IngressPeer[]): k8s.NetworkPolicyPeer[] {
  return networkPolicyPeers([...list]);
}

/** What {@link addObjectStore} needs. */
export interface ObjectStoreSettings {
  readonly meta: Meta;
  readonly destinationPath: string;
  readonly region: string;
  readonly retentionPolicy?: string;
  readonly kmsKeyId?: string;
  /**
   * Another region's store that this cluster only reads (a topology member's archive): addressed at that region's
   * S3 endpoint, without retention (its own cluster enforces it) and without the instance sidecar's settings (the
   * sidecar takes them from the cluster's own store).
   */
  readonly readOnly?: boolean;
}

/**
 * A Barman Cloud `ObjectStore` on S3: credentials from the pod's IAM role (EKS Pod Identity on the Cluster's
 * ServiceAccount), gzip-compressed WAL and base backups, encrypted at rest with KMS. Without a key id Barman sends
 * no encryption header and the bucket's default encryption (SSE-KMS with its customer-managed key) applies: S3 would
 * serve `aws:kms` without a key id with the AWS managed key instead, which the backup bucket's policy refuses.
 */
export function addObjectStore(scope: Construct, id: string, o: ObjectStoreSettings): ApiObject {
  const kmsArgs = o.kmsKeyId ? [`--sse-kms-key-id=${o.kmsKeyId}`] : undefined;
  const encryption = o.kmsKeyId ? 'aws:kms' : undefined;
  const spec: Record<string, unknown> = {
    configuration: {
      destinationPath: o.destinationPath,
      // A foreign bucket is reached at its own region's endpoint. The request is signed for the sidecar's region
      // (AWS_REGION of the cluster's own store); S3 answers AuthorizationHeaderMalformed with the bucket's region and
      // botocore re-signs for it (S3RegionRedirectorv2.redirect_from_error), so reads need no per-store region.
      endpointURL: o.readOnly ? `https://s3.${o.region}.amazonaws.com` : undefined,
      s3Credentials: { inheritFromIAMRole: true },
      wal: { compression: 'gzip', encryption, maxParallel: 4, archiveAdditionalCommandArgs: kmsArgs },
      data: { compression: 'gzip', encryption, jobs: 2, additionalCommandArgs: kmsArgs },
    },
    retentionPolicy: o.readOnly ? undefined : o.retentionPolicy,
    instanceSidecarConfiguration: o.readOnly ? undefined : {
      // The bucket's region, so the S3 client signs for it without a redirect (Pod Identity injects no region).
      env: [
        { name: 'AWS_REGION', value: o.region },
        { name: 'AWS_DEFAULT_REGION', value: o.region },
      ],
    },
  };
  return new ApiObject(scope, id, { ...CNPG_KINDS.objectStore, metadata: o.meta, spec });
}

/** A `ScheduledBackup` through the Barman Cloud plugin. */
export function addScheduledBackup(scope: Construct, id: string, o: { meta: Meta; cluster: string; schedule: string }): ApiObject {
  return new ApiObject(scope, id, {
    ...CNPG_KINDS.scheduledBackup,
    metadata: o.meta,
    spec: {
      schedule: o.schedule,
      cluster: { name: o.cluster },
      method: 'plugin',
      pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
      // A base backup right away, so a new cluster (or one restored to a point in time) can be recovered at once.
      immediate: true,
      // Backup objects are owned by this ScheduledBackup: deleting it cleans them up; the files follow the retention.
      backupOwnerReference: 'self',
      target: 'prefer-standby',
    },
  });
}
