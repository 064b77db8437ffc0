/**
 * The props of {@link ScalableService}; `checkScalableServiceProps` (beside the construct) checks them, and
 * lib/app/_resolve.ts states each default and rule once.
 */
import type { ContainerResources } from '../core/container-resources';
import type { IngressPeer } from '../core/ingress-peer';
import type { SecretFilesMount, SecretKeyRef } from '../core/secret-ref';
import type { RuleId } from '../validate/rules';
import type { HorizontalScaling } from './horizontal-scaling';
import type { VerticalScaling } from './vertical-scaling';

/** The replicas of a {@link ScalableService} without `replicas` and without autoscaling. */
export const SCALABLE_SERVICE_DEFAULT_REPLICAS = 2;

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
   * @default 2 (`SCALABLE_SERVICE_DEFAULT_REPLICAS`)
   */
  readonly replicas?: number;

  /**
   * Horizontal autoscaling: a HorizontalPodAutoscaler (autoscaling/v2, `engine: 'hpa'`) or a KEDA ScaledObject
   * (`engine: 'keda'`), never both. Its behaviour is always written explicitly. Scale-to-zero (`minReplicas: 0`,
   * KEDA) is refused while anything may call the service (`allowIngressFrom`, a LoadBalancer, a headless Service).
   *
   * @default - no autoscaler; `replicas` pods
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
   * ConfigMaps whose keys all become environment variables (`envFrom`), e.g. the database endpoints a tier writes
   * per region. Never for credentials: those are Secrets, mounted as files.
   *
   * @default []
   */
  readonly envFromConfigMaps?: string[];

  /**
   * Secrets mounted read-only as files (mode 0400, readable by the pod's group), e.g. a client certificate with its
   * CA (`tls.crt`, `tls.key`, `ca.crt`) or a password file. The validation gate is told that they come from outside
   * this Deployment (the user, or cert-manager from a Certificate).
   *
   * @default [] - none
   */
  readonly secretFiles?: SecretFilesMount[];

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
