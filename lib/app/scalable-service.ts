import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesControlledValues as ControlledValues,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed as MaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed as MinAllowed,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode as UpdateMode,
} from '../../imports/autoscaling.k8s.io';
import { Problems } from '../core/problems';
import { validationAnnotations } from '../validate/annotations';
import { RULES, RULE_IDS, type RuleId } from '../validate/rules';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import { ContainerResources, checkContainerResources } from '../core/container-resources';
import { preferredAntiAffinity, topologySpread } from '../core/scheduling';
import type { SecretKeyRef } from '../core/secret-ref';
import { HorizontalScaling, checkHorizontalScaling, hpaResourceMetrics } from './horizontal-scaling';
import { IngressPeer, checkIngressPeers, networkPolicyPeers } from '../core/ingress-peer';
import { CREDENTIAL_NAME, ENV_NAME, IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import { idAllowed, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-security';
import { ResolvedVerticalScaling, VerticalScaling, checkVerticalScaling, resolveVerticalScaling } from './vertical-scaling';


/** Props of {@link ScalableService}. */
export interface ScalableServiceProps {
  /**
   * The name of every object this construct creates (Deployment, Service, ServiceAccount, HPA, VPA, PDB,
   * NetworkPolicy). A DNS-1035 label of at most 54 characters so that `-headless` still fits.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /** The container image, pinned by a tag other than `latest` or by digest. */
  readonly image: string;

  /**
   * When the kubelet pulls the image. `IfNotPresent` suits pinned tags and digests; linters that require `Always`
   * (kube-score, Polaris, Checkov CKV_K8S_15) can be satisfied by setting it.
   *
   * @default 'IfNotPresent'
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent';

  /**
   * The port the container serves HTTP on. Unprivileged, because the container runs as non-root with every
   * capability dropped.
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * The Service's port.
   *
   * @default 80
   */
  readonly servicePort?: number;

  /** CPU and memory requests and limits of the container. */
  readonly resources: ContainerResources;

  /**
   * A fixed replica count, used only without `autoscaling` (with an HPA the Deployment leaves `replicas` unset so
   * that applying the manifest never resets what the HPA chose). One replica (here or as the HPA's minimum) needs
   * a reason in `validationExemptions['min-replicas']`: a single pod is down on every drain, rollout or crash.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * The HorizontalPodAutoscaler (autoscaling/v2). Its behaviour is always written explicitly.
   *
   * @default - no HPA; `replicas` pods
   */
  readonly autoscaling?: HorizontalScaling;

  /**
   * The VerticalPodAutoscaler (autoscaling.k8s.io/v1; needs the VPA installed in the cluster). It never controls a
   * resource the HPA scales on: such a resource is dropped from its controlled resources, and if none remain it
   * runs in `Off` (recommendation-only) mode. The VPA's `scaling-tiers.io/vpa-resolution` annotation says why.
   *
   * @default - no VPA
   */
  readonly verticalScaling?: VerticalScaling;

  /**
   * The HTTP path of the readiness probe: a pod receives traffic only while it answers 2xx/3xx here.
   *
   * @default '/health'
   */
  readonly readinessPath?: string;

  /**
   * The HTTP path of the liveness probe: the kubelet restarts the container after 6 failures in a row (60 s).
   *
   * @default '/health'
   */
  readonly livenessPath?: string;

  /**
   * How long the container may take to start before the startup probe gives up (liveness and readiness wait
   * for it).
   *
   * @default 60
   */
  readonly startupTimeoutSeconds?: number;

  /**
   * Plain environment variables. A name that looks like a credential (PASSWORD, SECRET, TOKEN, API_KEY ...) is
   * refused here: use `secretEnv`.
   *
   * @default {}
   */
  readonly env?: Record<string, string>;

  /**
   * Environment variables read from Secrets the user manages.
   *
   * @default {}
   */
  readonly secretEnv?: Record<string, SecretKeyRef>;

  /**
   * The UID the container runs as.
   *
   * @default 10001 - non-root and above 10000, so it cannot collide with a host user (kube-score, Checkov CKV_K8S_40)
   */
  readonly runAsUser?: number;

  /**
   * The GID the container runs as, also used as fsGroup.
   *
   * @default 10001
   */
  readonly runAsGroup?: number;

  /**
   * Allow a UID/GID below 10000 (for images built around a fixed user such as 1000 or 101). Zero is never allowed.
   *
   * @default false
   */
  readonly allowLowIds?: boolean;

  /**
   * Mount a writable, memory-limited emptyDir at /tmp (the root filesystem is read-only).
   *
   * @default true
   */
  readonly writableTmp?: boolean;

  /**
   * Size limit of the /tmp emptyDir.
   *
   * @default '64Mi'
   */
  readonly tmpSizeLimit?: string;

  /**
   * Seconds the kubelet waits after SIGTERM before SIGKILL.
   *
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * Seconds the container keeps serving after it is marked for termination (a `preStop` sleep), so that endpoints
   * and load balancers stop sending it new requests before it receives SIGTERM. Uses the kubelet's sleep action
   * (Kubernetes >= 1.30), so the image needs no shell. Must be below `terminationGracePeriodSeconds`.
   *
   * @default 5
   */
  readonly preStopDelaySeconds?: number;

  /**
   * Also create a headless Service `<name>-headless` that resolves to the ready pods' IPs (for a client-side or
   * nginx `resolve` load balancer that must see every pod).
   *
   * @default false
   */
  readonly headlessService?: boolean;

  /**
   * Who may connect to the pods, on the container port. Everything else is denied by the NetworkPolicy.
   *
   * @default [] - no ingress allowed
   */
  readonly allowIngressFrom?: IngressPeer[];

  /**
   * Extra labels on every object and on the pods.
   *
   * @default {}
   */
  readonly labels?: Record<string, string>;

  /**
   * The `app.kubernetes.io/component` label.
   *
   * @default 'server'
   */
  readonly component?: string;

  /**
   * Annotations on the pod template (a config checksum here rolls the pods when the config changes).
   *
   * @default {}
   */
  readonly podAnnotations?: Record<string, string>;

  /**
   * Files from ConfigMaps mounted read-only into the container, one key each.
   *
   * @default []
   */
  readonly configFiles?: ConfigFileMount[];

  /**
   * The Service type. `LoadBalancer` asks the cloud for an external load balancer.
   *
   * @default 'ClusterIP'
   */
  readonly serviceType?: 'ClusterIP' | 'LoadBalancer';

  /**
   * Rules of the validation gate (`RULES` in `lib/validate`) this Deployment is deliberately exempt from, each with
   * the reason, written as `validate.scaling-tiers.io/skip-<rule>` annotations so that every later run of the gate
   * (and every reader of the manifest) sees the choice and why, e.g. `{ 'min-replicas': 'development runs one pod' }`.
   *
   * @default {} - no exemption
   */
  readonly validationExemptions?: Readonly<Partial<Record<RuleId, string>>>;
}

/** One key of a ConfigMap mounted as a file. */
export interface ConfigFileMount {
  /** The ConfigMap's name. */
  readonly configMapName: string;
  /** The key inside the ConfigMap. */
  readonly key: string;
  /** The absolute path of the file in the container. */
  readonly mountPath: string;
}

/** The Kubernetes name of the label that selects a ScalableService's pods. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * One HTTP service and everything that keeps it running at its tier: Deployment, ServiceAccount, Service
 * (and optionally a headless twin), HorizontalPodAutoscaler, VerticalPodAutoscaler, PodDisruptionBudget and
 * NetworkPolicy. Pods run under the restricted Pod Security Standard.
 */
export class ScalableService extends Construct {
  /** The name shared by every object of this service. */
  public readonly name: string;
  /** Labels that select this service's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The Service's port. */
  public readonly servicePort: number;
  /** The container's port. */
  public readonly containerPort: number;
  /** The most replicas this service can run. */
  public readonly maxReplicas: number;
  /** The name of the headless Service, when there is one. */
  public readonly headlessServiceName?: string;
  /** The VPA settings actually emitted (after keeping away from the HPA's resources), when there is a VPA. */
  public readonly verticalScaling?: ResolvedVerticalScaling;

  /**
   * The Deployment. A plain `ApiObject` rather than `KubeDeployment`: cdk8s-plus-28's bindings (Kubernetes 1.28)
   * drop fields they do not know, such as the preStop `sleep` action, even from JSON patches.
   */
  public readonly deployment: ApiObject;
  /** The ClusterIP Service. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: ScalableServiceProps) {
    super(scope, id);
    const name = props.name ?? id;
    const containerPort = props.containerPort ?? 8080;
    const servicePort = props.servicePort ?? 80;
    const replicas = props.replicas ?? 2;
    const runAsUser = props.runAsUser ?? 10001;
    const runAsGroup = props.runAsGroup ?? 10001;
    const allowLowIds = props.allowLowIds ?? false;
    const writableTmp = props.writableTmp ?? true;
    const tmpSizeLimit = props.tmpSizeLimit ?? '64Mi';
    const grace = props.terminationGracePeriodSeconds ?? 30;
    const preStop = props.preStopDelaySeconds ?? 5;
    const startupTimeout = props.startupTimeoutSeconds ?? 60;
    const readinessPath = props.readinessPath ?? '/health';
    const livenessPath = props.livenessPath ?? '/health';
    const env = props.env ?? {};
    const secretEnv = props.secretEnv ?? {};
    const peers = props.allowIngressFrom ?? [];

    const problems = new Problems(this.node.path);
    if (!isObjectName(name, '-headless'.length)) problems.add('name', name, objectNameAllowed('-headless'.length));
    if (!isPinnedImage(props.image)) problems.add('image', props.image, IMAGE_ALLOWED);
    for (const [field, port] of [['containerPort', containerPort], ['servicePort', servicePort]] as const) {
      const min = field === 'containerPort' ? 1024 : 1;
      if (!Number.isInteger(port) || port < min || port > 65535) {
        problems.add(field, port, `an integer between ${min} and 65535${min > 1 ? ' (unprivileged: the container runs as non-root with every capability dropped)' : ''}`);
      }
    }
    checkContainerResources(problems, 'resources', props.resources);
    if (props.autoscaling !== undefined) {
      checkHorizontalScaling(problems, 'autoscaling', props.autoscaling);
      if (props.replicas !== undefined) {
        problems.addMessage(`'replicas' (${props.replicas}) must not be set together with 'autoscaling': the HPA owns the replica count`);
      }
    } else if (!Number.isInteger(replicas) || replicas < 1 || replicas > 1000) {
      problems.add('replicas', replicas, 'an integer between 1 and 1000');
    }
    if (props.verticalScaling !== undefined) checkVerticalScaling(problems, 'verticalScaling', props.verticalScaling);
    if (!idAllowed(runAsUser, allowLowIds)) problems.add('runAsUser', runAsUser, idRange(allowLowIds));
    if (!idAllowed(runAsGroup, allowLowIds)) problems.add('runAsGroup', runAsGroup, idRange(allowLowIds));
    if (writableTmp && parseMemory(tmpSizeLimit) === undefined) problems.add('tmpSizeLimit', tmpSizeLimit, MEMORY_ALLOWED);
    if (!Number.isInteger(grace) || grace < 1 || grace > 3600) problems.add('terminationGracePeriodSeconds', grace, 'an integer between 1 and 3600');
    if (!Number.isInteger(preStop) || preStop < 0 || preStop >= grace) {
      problems.add('preStopDelaySeconds', preStop, `an integer between 0 and 'terminationGracePeriodSeconds' - 1 (${grace - 1})`);
    }
    if (!Number.isInteger(startupTimeout) || startupTimeout < 5 || startupTimeout > 3600) {
      problems.add('startupTimeoutSeconds', startupTimeout, 'an integer between 5 and 3600');
    }
    for (const [field, path] of [['readinessPath', readinessPath], ['livenessPath', livenessPath]] as const) {
      if (!/^\/[\x21-\x7e]*$/.test(path)) problems.add(field, path, "an absolute HTTP path such as '/health'");
    }
    const fewest = props.autoscaling ? props.autoscaling.minReplicas : replicas;
    if (fewest === 1 && !props.validationExemptions?.['min-replicas']) {
      problems.add(props.autoscaling ? 'autoscaling.minReplicas' : 'replicas', fewest, "at least 2 (a single pod is down on every drain, rollout or crash), or a reason for one in validationExemptions['min-replicas']");
    }
    for (const [rule, reason] of Object.entries(props.validationExemptions ?? {})) {
      if (!(rule in RULES)) problems.add(`validationExemptions.${rule}`, rule, `a rule of the validation gate: ${RULE_IDS.join(', ')}`);
      else if (typeof reason !== 'string' || reason.trim() === '') problems.add(`validationExemptions.${rule}`, reason, 'a non-empty reason');
    }
    for (const [key, value] of Object.entries(env)) {
      if (!ENV_NAME.test(key)) problems.add(`env.${key}`, key, 'an environment variable name (letters, digits, _; not starting with a digit)');
      else if (CREDENTIAL_NAME.test(key)) problems.add(`env.${key}`, value, "no literal credential: pass it in 'secretEnv' as a Secret reference");
    }
    for (const [key, ref] of Object.entries(secretEnv)) {
      if (!ENV_NAME.test(key)) problems.add(`secretEnv.${key}`, key, 'an environment variable name (letters, digits, _; not starting with a digit)');
      if (key in env) problems.add(`secretEnv.${key}`, key, "a name not also set in 'env'");
      if (!isObjectName(ref?.secretName) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref?.secretName ?? '')) {
        problems.add(`secretEnv.${key}.secretName`, ref?.secretName, 'a Secret name (DNS-1123 subdomain)');
      }
      if (!/^[-._a-zA-Z0-9]+$/.test(ref?.key ?? '')) problems.add(`secretEnv.${key}.key`, ref?.key, 'a Secret key (letters, digits, -, _, .)');
    }
    checkIngressPeers(problems, 'allowIngressFrom', peers);
    const configFiles = props.configFiles ?? [];
    configFiles.forEach((f, i) => {
      if (!/^\/[^\0]*[^/]$/.test(f.mountPath ?? '')) problems.add(`configFiles[${i}].mountPath`, f.mountPath, 'an absolute file path');
      if (!/^[-._a-zA-Z0-9]+$/.test(f.key ?? '')) problems.add(`configFiles[${i}].key`, f.key, 'a ConfigMap key (letters, digits, -, _, .)');
    });
    problems.throwIfAny();

    this.name = name;
    this.containerPort = containerPort;
    this.servicePort = servicePort;
    this.maxReplicas = props.autoscaling?.maxReplicas ?? replicas;
    this.selectorLabels = { [NAME_LABEL]: name, 'app.kubernetes.io/instance': name };
    const labels = {
      ...props.labels,
      ...this.selectorLabels,
      'app.kubernetes.io/component': props.component ?? 'server',
      'app.kubernetes.io/managed-by': 'scaling-tiers',
    };
    const identity = { runAsUser, runAsGroup, fsGroup: runAsGroup };

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, labels },
      automountServiceAccountToken: false,
    });

    const envVars: k8s.EnvVar[] = [
      ...Object.entries(env).map(([k, value]) => ({ name: k, value })),
      ...Object.entries(secretEnv).map(([k, ref]) => ({ name: k, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } })),
    ].sort((a, b) => a.name.localeCompare(b.name));

    const spread = this.maxReplicas > 1;
    const httpGet = (path: string) => ({ path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' });
    const deploymentSpec: k8s.DeploymentSpec = {
      replicas: props.autoscaling ? undefined : replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: this.selectorLabels },
      // Surge first, never go below the desired count while rolling out.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
      template: {
        metadata: { labels, annotations: props.podAnnotations },
        spec: {
          serviceAccountName: serviceAccount.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: grace,
          securityContext: restrictedPodSecurityContext(identity),
          topologySpreadConstraints: spread ? topologySpread(this.selectorLabels) : undefined,
          affinity: spread ? preferredAntiAffinity(this.selectorLabels) : undefined,
          containers: [
            {
              name,
              image: props.image,
              imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
              ports: [{ name: 'http', containerPort, protocol: 'TCP' }],
              env: envVars.length > 0 ? envVars : undefined,
              resources: toResourceRequirements(props.resources),
              securityContext: restrictedContainerSecurityContext(identity),
              startupProbe: { httpGet: httpGet(readinessPath), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: Math.ceil(startupTimeout / 5) },
              readinessProbe: { httpGet: httpGet(readinessPath), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
              livenessProbe: { httpGet: httpGet(livenessPath), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
              volumeMounts: nonEmpty([
                ...(writableTmp ? [{ name: 'tmp', mountPath: '/tmp' }] : []),
                ...configFiles.map((f, i) => ({ name: `config-${i}`, mountPath: f.mountPath, subPath: f.key, readOnly: true })),
              ]),
            },
          ],
          volumes: nonEmpty<k8s.Volume>([
            ...(writableTmp ? [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(tmpSizeLimit) } }] : []),
            ...configFiles.map((f, i) => ({ name: `config-${i}`, configMap: { name: f.configMapName, items: [{ key: f.key, path: f.key }] } })),
          ]),
        },
      },
    };
    // The Secrets behind secretEnv are the user's to provide; say so to the validation gate.
    const secrets = Object.values(secretEnv).map((ref) => ({ kind: 'Secret' as const, name: ref.secretName }));
    const annotations = validationAnnotations(secrets, props.validationExemptions as Record<string, string> | undefined);
    const exemptions = validationAnnotations([], props.validationExemptions as Record<string, string> | undefined);
    this.deployment = new ApiObject(this, 'Deployment', {
      ...k8s.KubeDeployment.GVK,
      metadata: { name, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: k8s.toJson_DeploymentSpec(deploymentSpec),
    });
    if (preStop > 0) {
      // The kubelet's sleep action (Kubernetes >= 1.30) is newer than cdk8s-plus-28's typed bindings.
      this.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: preStop } } }));
    }

    const servicePorts = [{ name: 'http', port: servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP', appProtocol: 'http' }];
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name, labels },
      spec: { type: props.serviceType ?? 'ClusterIP', selector: this.selectorLabels, ports: servicePorts },
    });
    if (props.headlessService) {
      this.headlessServiceName = `${name}-headless`;
      new k8s.KubeService(this, 'HeadlessService', {
        metadata: { name: this.headlessServiceName, labels },
        spec: { clusterIp: 'None', selector: this.selectorLabels, ports: servicePorts, publishNotReadyAddresses: false },
      });
    }

    if (props.autoscaling) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
        metadata: { name, labels, ...(Object.keys(exemptions).length > 0 ? { annotations: exemptions } : {}) },
        spec: horizontalPodAutoscalerSpec(name, props.autoscaling),
      });
    }

    if (props.verticalScaling) {
      const resolved = resolveVerticalScaling(props.verticalScaling, props.autoscaling ? hpaResourceMetrics(props.autoscaling) : []);
      this.verticalScaling = resolved;
      const v = props.verticalScaling;
      new VerticalPodAutoscaler(this, 'VerticalPodAutoscaler', {
        metadata: {
          name,
          labels,
          annotations: resolved.reason ? { 'scaling-tiers.io/vpa-resolution': resolved.reason } : undefined,
        },
        spec: {
          targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          updatePolicy: { updateMode: resolved.updateMode as UpdateMode },
          resourcePolicy: {
            containerPolicies: [
              {
                containerName: name,
                controlledResources: resolved.controlledResources,
                controlledValues: ControlledValues.REQUESTS_AND_LIMITS,
                minAllowed: bound(v.minAllowed, MinAllowed.fromString),
                maxAllowed: bound(v.maxAllowed, MaxAllowed.fromString),
              },
            ],
          },
        },
      });
    }

    if (this.maxReplicas >= 2) {
      // maxUnavailable 1 can never block every eviction, whatever the current replica count.
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name, labels },
        spec: {
          maxUnavailable: k8s.IntOrString.fromNumber(1),
          selector: { matchLabels: this.selectorLabels },
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, labels },
      spec: {
        podSelector: { matchLabels: this.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: peers.length > 0 ? [{ from: networkPolicyPeers(peers), ports: [{ port: k8s.IntOrString.fromNumber(containerPort), protocol: 'TCP' }] }] : [],
      },
    });
  }

  /** The cluster-internal DNS name of the ClusterIP Service, relative to the namespace. */
  public get serviceName(): string {
    return this.name;
  }
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function idRange(allowLow: boolean): string {
  return allowLow ? 'a non-zero integer UID/GID' : "an integer between 10000 and 2147483647 (set 'allowLowIds' for an image built around a lower id; 0 is never allowed)";
}

function toResourceRequirements(r: ContainerResources): k8s.ResourceRequirements {
  const q = k8s.Quantity.fromString;
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

function bound<T>(b: { cpu?: string; memory?: string } | undefined, make: (s: string) => T): Record<string, T> | undefined {
  if (!b || (b.cpu === undefined && b.memory === undefined)) return undefined;
  const out: Record<string, T> = {};
  if (b.cpu !== undefined) out.cpu = make(b.cpu);
  if (b.memory !== undefined) out.memory = make(b.memory);
  return out;
}

/** The autoscaling/v2 spec for a Deployment named `name`. */
export function horizontalPodAutoscalerSpec(name: string, h: HorizontalScaling, kind = 'Deployment'): k8s.HorizontalPodAutoscalerSpecV2 {
  const metrics: k8s.MetricSpecV2[] = [];
  if (h.cpuUtilization !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: h.cpuUtilization } } });
  }
  if (h.memoryUtilization !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: h.memoryUtilization } } });
  }
  if (h.podsMetric !== undefined) {
    metrics.push({
      type: 'Pods',
      pods: { metric: { name: h.podsMetric.name }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(h.podsMetric.averageValue) } },
    });
  }
  const rules = (r: HorizontalScaling['scaleUp']): k8s.HpaScalingRulesV2 => ({
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: r.selectPolicy ?? 'Max',
    policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
  });
  return {
    scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
    minReplicas: h.minReplicas,
    maxReplicas: h.maxReplicas,
    metrics,
    behavior: { scaleUp: rules(h.scaleUp), scaleDown: rules(h.scaleDown) },
  };
}
