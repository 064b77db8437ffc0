import { createHash } from 'node:crypto';
import { k8s } from '../../core/k8s';
import { Construct } from 'constructs';
import { PGBOUNCER_FILES, pgbouncerFiles } from '../pgbouncer';
import { POSTGRES_SECRET_FILES } from '../postgres-props';
import type { PostgresPooler } from './postgres-replicated-props';
import type { SecretKeyRef } from '../../core/secret-ref';
import { validationAnnotations } from '../../validate/annotations';
import { ContainerResources } from '../../core/container-resources';
import { IngressPeer, networkPolicyPeers } from '../../core/ingress-peer';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../core/pod-security';
import { preferredAntiAffinity, topologySpread } from '../../core/scheduling';

/** The pooler's listening port (PgBouncer's standard). */
export const POOLER_PORT = 6432;

/** Everything {@link addPostgresPooler} needs from the cluster construct. */
export interface PoolerSettings {
  readonly name: string;
  readonly namespace?: string;
  readonly image: string;
  readonly pooler: PostgresPooler;
  readonly resources: ContainerResources;
  readonly replicas: number;
  readonly targetHost: string;
  readonly serverMaxConnections: number;
  readonly authPassword: SecretKeyRef;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly allowIngressFrom: IngressPeer[];
  readonly toResources: (r: ContainerResources) => k8s.ResourceRequirements;
}

/**
 * The pooler's ConfigMap, Deployment, Service, PodDisruptionBudget and NetworkPolicy, all named `<name>-pooler`.
 * Internal to PostgresReplicated (which validates the settings first).
 */
export function addPostgresPooler(scope: Construct, s: PoolerSettings): void {
  const name = `${s.name}-pooler`;
  const metadata = { name, namespace: s.namespace, labels: s.labels };
  const configDirectory = '/etc/pgbouncer';
  const runtimeDirectory = '/var/run/pgbouncer';
  const secretsDirectory = '/var/run/secrets/pgbouncer';
  const config = {
    targetHost: s.targetHost,
    listenPort: POOLER_PORT,
    defaultPoolSize: s.pooler.poolSize,
    maxClientConnections: s.pooler.maxClientConnections,
    serverMaxConnections: s.serverMaxConnections,
    authPassword: s.authPassword,
    configDirectory,
    secretsDirectory,
    runtimeDirectory,
  };
  const data = pgbouncerFiles(config, scope.node.path);
  new k8s.KubeConfigMap(scope, 'PoolerConfig', { metadata, data });

  // PgBouncer needs no particular user: any non-root id above 10000 will do.
  const identity = { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 };
  const tcp = { tcpSocket: { port: k8s.IntOrString.fromString('pgbouncer') } };
  const serviceAccount = new k8s.KubeServiceAccount(scope, 'PoolerServiceAccount', { metadata, automountServiceAccountToken: false });
  new k8s.KubeDeployment(scope, 'PoolerDeployment', {
    metadata: { ...metadata, annotations: validationAnnotations([{ kind: 'Secret', name: s.authPassword.secretName }]) },
    spec: {
      replicas: s.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: s.selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: { labels: s.labels, annotations: { 'scaling-tiers.io/config-sha256': sha256(data) } },
        spec: {
          serviceAccountName: serviceAccount.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: restrictedPodSecurityContext(identity),
          topologySpreadConstraints: s.replicas > 1 ? topologySpread(s.selector) : undefined,
          affinity: s.replicas > 1 ? preferredAntiAffinity(s.selector) : undefined,
          containers: [
            {
              name: 'pgbouncer',
              image: s.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', `${configDirectory}/${PGBOUNCER_FILES.start}`],
              ports: [{ name: 'pgbouncer', containerPort: POOLER_PORT, protocol: 'TCP' }],
              resources: s.toResources(s.resources),
              securityContext: restrictedContainerSecurityContext(identity),
              startupProbe: { ...tcp, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
              readinessProbe: { ...tcp, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
              livenessProbe: { ...tcp, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
              volumeMounts: [
                { name: 'config', mountPath: configDirectory, readOnly: true },
                // The lookup role's password as a file (mode 0400), never env: the start script copies it into the
                // auth file.
                { name: 'secrets', mountPath: secretsDirectory, readOnly: true },
                { name: 'run', mountPath: runtimeDirectory },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name } },
            {
              name: 'secrets',
              secret: { secretName: s.authPassword.secretName, defaultMode: 0o400, items: [{ key: s.authPassword.key, path: POSTGRES_SECRET_FILES.poolerAuth }] },
            },
            { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
          ],
        },
      },
    },
  });

  new k8s.KubeService(scope, 'PoolerService', {
    metadata,
    spec: {
      type: 'ClusterIP',
      selector: s.selector,
      ports: [{ name: 'pgbouncer', port: POOLER_PORT, targetPort: k8s.IntOrString.fromString('pgbouncer'), protocol: 'TCP', appProtocol: 'postgresql' }],
    },
  });

  new k8s.KubePodDisruptionBudget(scope, 'PoolerPodDisruptionBudget', {
    metadata,
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: s.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });

  new k8s.KubeNetworkPolicy(scope, 'PoolerNetworkPolicy', {
    metadata,
    spec: {
      podSelector: { matchLabels: s.selector },
      policyTypes: ['Ingress'],
      ingress: s.allowIngressFrom.length > 0
        ? [{ from: networkPolicyPeers(s.allowIngressFrom), ports: [{ port: k8s.IntOrString.fromNumber(POOLER_PORT), protocol: 'TCP' }] }]
        : [],
    },
  });
}

/** A stable checksum of a ConfigMap's data, so that a config change rolls the pods. */
export function sha256(data: Record<string, string>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(data).sort()) h.update(`${key}\0${data[key]}\0`);
  return h.digest('hex');
}
