/**
 * The ServiceAccount and Deployment of a {@link ScalableService}. Internal to lib/app.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { ContainerResources } from '../core/container-resources';
import { k8s } from '../core/k8s';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-security';
import { preferredAntiAffinity, topologySpread } from '../core/scheduling';
import { validationAnnotations } from '../validate/annotations';
import type { ResolvedScalableService } from './_resolve';

/**
 * Adds the ServiceAccount (id `ServiceAccount`) and the Deployment (id `Deployment`) to `scope`, in that order.
 *
 * @returns the Deployment: a plain `ApiObject`, because cdk8s-plus-28's bindings (Kubernetes 1.28) drop fields they
 * do not know, such as the preStop `sleep` action, even from JSON patches
 */
export function addDeployment(scope: Construct, r: ResolvedScalableService, selectorLabels: Record<string, string>, labels: Record<string, string>): ApiObject {
  const { name, runAsUser, runAsGroup } = r;
  const identity = { runAsUser, runAsGroup, fsGroup: runAsGroup };

  const serviceAccount = new k8s.KubeServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, labels },
    automountServiceAccountToken: false,
  });

  const envVars: k8s.EnvVar[] = [
    ...Object.entries(r.env).map(([k, value]) => ({ name: k, value })),
    ...Object.entries(r.secretEnv).map(([k, ref]) => ({ name: k, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } })),
  ].sort((a, b) => a.name.localeCompare(b.name));

  const spread = r.maxReplicas > 1;
  const httpGet = (path: string) => ({ path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' });
  const deploymentSpec: k8s.DeploymentSpec = {
    replicas: r.autoscaling ? undefined : r.replicas,
    revisionHistoryLimit: 5,
    selector: { matchLabels: selectorLabels },
    // Surge first, never go below the desired count while rolling out.
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
    template: {
      metadata: { labels, annotations: r.podAnnotations },
      spec: {
        serviceAccountName: serviceAccount.name,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: r.terminationGracePeriodSeconds,
        securityContext: restrictedPodSecurityContext(identity),
        topologySpreadConstraints: spread ? topologySpread(selectorLabels) : undefined,
        affinity: spread ? preferredAntiAffinity(selectorLabels) : undefined,
        containers: [
          {
            name,
            image: r.image,
            imagePullPolicy: r.imagePullPolicy,
            ports: [{ name: 'http', containerPort: r.containerPort, protocol: 'TCP' }],
            env: envVars.length > 0 ? envVars : undefined,
            envFrom: r.envFromConfigMaps.length > 0 ? r.envFromConfigMaps.map((name) => ({ configMapRef: { name } })) : undefined,
            resources: toResourceRequirements(r.resources),
            securityContext: restrictedContainerSecurityContext(identity),
            startupProbe: { httpGet: httpGet(r.readinessPath), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: Math.ceil(r.startupTimeoutSeconds / 5) },
            readinessProbe: { httpGet: httpGet(r.readinessPath), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
            livenessProbe: { httpGet: httpGet(r.livenessPath), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
            volumeMounts: nonEmpty([
              ...(r.writableTmp ? [{ name: 'tmp', mountPath: '/tmp' }] : []),
              ...r.configFiles.map((f, i) => ({ name: `config-${i}`, mountPath: f.mountPath, subPath: f.key, readOnly: true })),
              ...r.secretFiles.map((m, i) => ({ name: `secret-${i}`, mountPath: m.mountPath, readOnly: true })),
            ]),
          },
        ],
        volumes: nonEmpty<k8s.Volume>([
          ...(r.writableTmp ? [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(r.tmpSizeLimit) } }] : []),
          ...r.configFiles.map((f, i) => ({ name: `config-${i}`, configMap: { name: f.configMapName, items: [{ key: f.key, path: f.key }] } })),
          // 0400, made 0440 by kubelet for the pod's fsGroup, the app's group: nobody else reads them.
          ...r.secretFiles.map((m, i) => ({
            name: `secret-${i}`,
            secret: { secretName: m.secretName, defaultMode: 0o400, items: m.items && Object.entries(m.items).map(([key, path]) => ({ key, path })) },
          })),
        ]),
      },
    },
  };
  // The Secrets behind secretEnv and secretFiles come from outside this Deployment; say so to the validation gate.
  const secrets = [...Object.values(r.secretEnv).map((ref) => ref.secretName), ...r.secretFiles.map((m) => m.secretName)]
    .filter((name, i, all) => all.indexOf(name) === i).map((name) => ({ kind: 'Secret' as const, name }));
  const annotations = validationAnnotations(secrets, r.validationExemptions);
  const deployment = new ApiObject(scope, 'Deployment', {
    ...k8s.KubeDeployment.GVK,
    metadata: { name, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: k8s.toJson_DeploymentSpec(deploymentSpec),
  });
  if (r.preStopDelaySeconds > 0) {
    // The kubelet's sleep action (Kubernetes >= 1.30) is newer than cdk8s-plus-28's typed bindings.
    deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: r.preStopDelaySeconds } } }));
  }
  return deployment;
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function toResourceRequirements(r: ContainerResources): k8s.ResourceRequirements {
  const q = (value: string) => k8s.Quantity.fromString(value);
  return {
    requests: {
      cpu: q(r.requests.cpu),
      memory: q(r.requests.memory),
      ...(r.ephemeralStorage ? { 'ephemeral-storage': q(r.ephemeralStorage.request) } : {}),
    },
    limits: {
      cpu: q(r.limits.cpu),
      memory: q(r.limits.memory),
      ...(r.ephemeralStorage ? { 'ephemeral-storage': q(r.ephemeralStorage.limit) } : {}),
    },
  };
}
