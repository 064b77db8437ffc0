/**
 * The Sentinel objects of a replicated {@link RedisDeployment} (internal: not exported from the index): a StatefulSet
 * of 3 Sentinels with stable DNS names, its headless and client Services, PodDisruptionBudget and NetworkPolicy.
 *
 * Why a StatefulSet of its own rather than a Sentinel sidecar in each Redis pod: the team tier runs 2 Redis pods,
 * and 2 Sentinels cannot elect a leader once the pod holding one of them dies; a separate StatefulSet keeps 3
 * Sentinels whatever the number of replicas, is sized (a few MiB) and rolled out on its own, and a Redis pod that
 * dies does not take a Sentinel with it (the one that must vote for its replacement). It needs stable names for
 * `announce-hostnames`, hence a StatefulSet and a headless Service, not a Deployment.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ContainerResources } from '../core/container-resources';
import { IngressPeer, networkPolicyPeers } from '../core/ingress-peer';
import { k8s } from '../core/k8s';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-security';
import { SecretKeyRef } from '../core/secret-ref';
import { validationAnnotations } from '../validate/annotations';
import { CONFIG_DIR, REDIS_UID, authVolume, pingProbe, secretMounts, spreadConstraints, tlsVolume, toResources } from './_redis-pod';
import { REDIS_ANNOUNCE_HOSTNAME_ENV } from './redis-props';
import { REDIS_SENTINELS, REDIS_SENTINEL_PORT } from './redis-sentinel';
import { ResolvedRedisTlsProps } from './redis-tls';

/** The Sentinel container's startup script, in the Redis ConfigMap. */
export const SENTINEL_SCRIPT_KEY = 'sentinel-startup.sh';

const IDENTITY = { runAsUser: REDIS_UID, runAsGroup: REDIS_UID, fsGroup: REDIS_UID };

/** Inputs of {@link redisSentinel}. */
export interface RedisSentinelOptions {
  readonly name: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly image: string;
  readonly auth: SecretKeyRef | undefined;
  readonly tls: ResolvedRedisTlsProps | undefined;
  readonly resources: ContainerResources;
  readonly serviceAccountName: string;
  readonly configMapName: string;
  readonly common: Record<string, string>;
  /** The Sentinel pods' selector labels. */
  readonly selector: Record<string, string>;
  /** The Redis servers' selector labels (they ask Sentinel for the primary at start). */
  readonly serverSelector: Record<string, string>;
  readonly peers: IngressPeer[];
}

/** The Sentinel StatefulSet's name, and the names of its Services. */
export function sentinelNames(name: string) {
  return { statefulSet: `${name}-sentinel`, headless: `${name}-sentinel-headless`, service: `${name}-sentinel` };
}

/** The stable DNS names of the Sentinels, in ordinal order. */
export function sentinelHostnames(name: string, namespace: string, clusterDomain: string): string[] {
  const n = sentinelNames(name);
  return Array.from({ length: REDIS_SENTINELS }, (_, i) => `${n.statefulSet}-${i}.${n.headless}.${namespace}.svc.${clusterDomain}`);
}

/** Creates the Sentinel objects under `scope`. */
export function redisSentinel(scope: Construct, o: RedisSentinelOptions): void {
  const n = sentinelNames(o.name);
  const labels = { ...o.common, ...o.selector };
  const auth = o.auth !== undefined;
  const tls = o.tls !== undefined;
  const ports = [{ name: 'sentinel', port: REDIS_SENTINEL_PORT, targetPort: k8s.IntOrString.fromString('sentinel'), protocol: 'TCP', appProtocol: 'redis' }];

  new k8s.KubeService(scope, 'SentinelHeadlessService', {
    metadata: { name: n.headless, labels },
    spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: o.selector, ports },
  });
  new k8s.KubeService(scope, 'SentinelService', {
    metadata: { name: n.service, labels },
    spec: { type: 'ClusterIP', selector: o.selector, ports },
  });

  const userProvided = [...(o.auth ? [{ kind: 'Secret' as const, name: o.auth.secretName }] : []), ...(o.tls ? [{ kind: 'Secret' as const, name: o.tls.secretName }] : [])];
  const spec: k8s.StatefulSetSpec = {
    replicas: REDIS_SENTINELS,
    serviceName: n.headless,
    podManagementPolicy: 'Parallel',
    revisionHistoryLimit: 5,
    updateStrategy: { type: 'RollingUpdate' },
    selector: { matchLabels: o.selector },
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName: o.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 30,
        securityContext: restrictedPodSecurityContext(IDENTITY),
        topologySpreadConstraints: spreadConstraints(o.selector),
        // Preferred, not required: 3 Sentinels still run on a 2-node cluster (where one node's loss takes 2 of them,
        // which no placement avoids); on 3 nodes or more each gets its own.
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{
              weight: 100,
              podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: o.selector } },
            }],
          },
        },
        containers: [{
          name: 'sentinel',
          image: o.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', `${CONFIG_DIR}/${SENTINEL_SCRIPT_KEY}`],
          ports: [{ name: 'sentinel', containerPort: REDIS_SENTINEL_PORT, protocol: 'TCP' }],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: REDIS_ANNOUNCE_HOSTNAME_ENV, value: `$(POD_NAME).${n.headless}.${o.namespace}.svc.${o.clusterDomain}` },
          ],
          resources: toResources(o.resources),
          securityContext: restrictedContainerSecurityContext(IDENTITY),
          // The startup script may wait for the primary's name to resolve (up to 300 s) before Sentinel listens.
          startupProbe: { tcpSocket: { port: k8s.IntOrString.fromString('sentinel') }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 70 },
          readinessProbe: { exec: pingProbe(REDIS_SENTINEL_PORT, auth, tls, '^PONG'), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
          livenessProbe: { exec: pingProbe(REDIS_SENTINEL_PORT, auth, tls, '^PONG'), periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
          volumeMounts: [
            { name: 'run', mountPath: '/run/sentinel' },
            { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
            ...secretMounts(o.auth, o.tls),
          ],
        }],
        volumes: [
          // sentinel.conf holds the password: memory only. It survives a container restart, not a new pod (which
          // learns the current primary from the other Sentinels).
          { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('4Mi') } },
          { name: 'config', configMap: { name: o.configMapName, defaultMode: 0o444, items: [{ key: SENTINEL_SCRIPT_KEY, path: SENTINEL_SCRIPT_KEY }] } },
          ...(o.auth ? [authVolume(o.auth)] : []),
          ...(o.tls ? [tlsVolume(o.tls)] : []),
        ],
      },
    },
  };
  new ApiObject(scope, 'SentinelStatefulSet', {
    ...k8s.KubeStatefulSet.GVK,
    metadata: {
      name: n.statefulSet,
      labels,
      annotations: validationAnnotations(userProvided, {
        'stateful-volume-claim': 'Sentinel keeps its state in memory (its config holds the password, which must not reach '
          + 'a disk); a new Sentinel pod learns the current primary from the other two',
      }),
    },
    spec: k8s.toJson_StatefulSetSpec(spec),
  });

  // Quorum 2 of 3: at most one Sentinel down at a time, so a voluntary disruption never stops a failover.
  new k8s.KubePodDisruptionBudget(scope, 'SentinelPodDisruptionBudget', {
    metadata: { name: n.statefulSet, labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: o.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });

  const port = [{ port: k8s.IntOrString.fromNumber(REDIS_SENTINEL_PORT), protocol: 'TCP' }];
  const ingress: k8s.NetworkPolicyIngressRule[] = [
    // The Sentinels talk to each other; the servers ask them for the primary when they start.
    { from: [{ podSelector: { matchLabels: o.selector } }, { podSelector: { matchLabels: o.serverSelector } }], ports: port },
  ];
  if (o.peers.length > 0) ingress.push({ from: networkPolicyPeers(o.peers), ports: port });
  new k8s.KubeNetworkPolicy(scope, 'SentinelNetworkPolicy', {
    metadata: { name: n.statefulSet, labels },
    spec: { podSelector: { matchLabels: o.selector }, policyTypes: ['Ingress'], ingress },
  });
}
