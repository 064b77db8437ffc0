import { createHash } from 'node:crypto';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import { NginxConfigProps, NginxUpstreamProps, nginxConfigRequirements, renderNginxConfig } from './nginx-conf';
import { Problems } from '../core/problems';
import { ContainerResources } from '../core/container-resources';
import { HorizontalScaling } from '../app/horizontal-scaling';
import { IngressPeer } from '../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import { ScalableService } from '../app/scalable-service';
import { JsonPatch } from 'cdk8s';
import { nginxExporterContainer, withNginxStatusServer } from '../monitoring/nginx-status';

/**
 * The nginx image the load balancer runs by default. The generated config resolves the backend's headless
 * Service at run time (`server ... resolve` with a shared-memory zone), which open-source nginx has since 1.27.3,
 * so the pinned version must be at least that; the integration tests run the same config on nginx 1.30.
 */
export const DEFAULT_NGINX_IMAGE = 'nginxinc/nginx-unprivileged:1.28.0-alpine';

/** Props of {@link NginxLoadBalancer}. */
export interface NginxLoadBalancerProps {
  /**
   * The name of every object.
   *
   * @default 'nginx'
   */
  readonly name?: string;
  /** The service nginx balances over. It must have a headless Service (`headlessService: true`). */
  readonly backend: ScalableService;
  /** The namespace the backend runs in (for its fully qualified headless Service name). */
  readonly backendNamespace: string;
  /**
   * The nginx image; its version must be at least the config's minimum (1.27.3 for `resolve`).
   *
   * @default DEFAULT_NGINX_IMAGE
   */
  readonly image?: string;
  /**
   * Fixed replicas, or the minimum when `maxReplicas` is larger.
   *
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The most replicas; above `replicas` an HPA scales nginx on CPU (70 %).
   *
   * @default - `replicas` (no HPA)
   */
  readonly maxReplicas?: number;
  /**
   * Requests and limits of the nginx container.
   *
   * @default - 100m / 128Mi requested, 500m / 256Mi limit
   */
  readonly resources?: ContainerResources;
  /**
   * The upstream: balancing method, passive health checks, keepalive. Its servers are always the backend's
   * headless Service, resolved at run time.
   *
   * @default - round robin, max_fails 3 / 30 s, keepalive 32
   */
  readonly upstream?: Omit<NginxUpstreamProps, 'servers'>;
  /**
   * Everything else of the nginx.conf (timeouts, websocket, real IP, rate limits, ...).
   *
   * @default - the generator's defaults
   */
  readonly config?: Omit<NginxConfigProps, 'upstream' | 'resolver' | 'listenPort'>;
  /**
   * The cluster DNS Service's IP, which nginx's resolver asks (nginx cannot resolve the name of the DNS Service
   * itself). `kubectl -n kube-system get svc kube-dns` shows it.
   *
   * @default '10.96.0.10' - the kubeadm and kind default
   */
  readonly clusterDnsIp?: string;
  /**
   * The cluster's DNS domain.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Seconds nginx caches the backend's pod IPs before asking DNS again.
   *
   * @default 5
   */
  readonly dnsValidSeconds?: number;
  /**
   * The Service type: `LoadBalancer` for a cloud load balancer of its own, `ClusterIP` behind an ALB bound by a
   * TargetGroupBinding.
   *
   * @default 'LoadBalancer'
   */
  readonly serviceType?: 'ClusterIP' | 'LoadBalancer';
  /**
   * Who may connect to nginx.
   *
   * @default - anyone (it is the entry point): 0.0.0.0/0
   */
  readonly allowIngressFrom?: IngressPeer[];
  /**
   * An nginx-prometheus-exporter sidecar (metrics on container port `metrics`, 9113) reading stub_status from a
   * server nginx adds on 127.0.0.1:8081, which only the pod reaches. Admit the scrapers to port 9113 with a
   * NetworkPolicy of their own (TierMonitoring does).
   *
   * @default - no exporter
   */
  readonly exporter?: { readonly image?: string };
}

/**
 * nginx in front of a {@link ScalableService}: a ConfigMap with the generated nginx.conf, and nginx itself as a
 * ScalableService (restricted pod security, probes on the local /healthz, PDB, HPA, NetworkPolicy) whose pods roll
 * when the config changes.
 *
 * nginx finds the backend's pods through its headless Service, re-resolved every `dnsValidSeconds`, so the
 * balancing method (least_conn, hashing) applies across the live pods rather than to one ClusterIP.
 */
export class NginxLoadBalancer extends Construct {
  /** The generated nginx.conf. */
  public readonly nginxConf: string;
  /** The lowest nginx version the generated config needs. */
  public readonly minNginxVersion: string;
  /** nginx as a service (its Deployment, Service, HPA, PDB ...). */
  public readonly service: ScalableService;
  /** Labels that select the nginx pods (for the backend's NetworkPolicy). */
  public readonly selectorLabels: Record<string, string>;
  /** The exporter's container port name, when there is an exporter. */
  public readonly metricsPort?: string;

  constructor(scope: Construct, id: string, props: NginxLoadBalancerProps) {
    super(scope, id);
    const name = props.name ?? 'nginx';
    const image = props.image ?? DEFAULT_NGINX_IMAGE;
    const replicas = props.replicas ?? 2;
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    const problems = new Problems(this.node.path);
    if (!isObjectName(name, '-config'.length)) problems.add('name', name, objectNameAllowed('-config'.length));
    if (!isPinnedImage(image)) problems.add('image', image, IMAGE_ALLOWED);
    if (props.exporter?.image !== undefined && !isPinnedImage(props.exporter.image)) problems.add('exporter.image', props.exporter.image, IMAGE_ALLOWED);
    if (props.backend.headlessServiceName === undefined) {
      problems.add('backend', props.backend.node.path, "a ScalableService with 'headlessService: true' (nginx resolves its pods through it)");
    }
    if (!isObjectName(props.backendNamespace)) problems.add('backendNamespace', props.backendNamespace, objectNameAllowed());
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(clusterDomain)) {
      problems.add('clusterDomain', clusterDomain, 'a DNS domain such as "cluster.local"');
    }
    problems.throwIfAny();

    const upstreamHost = `${props.backend.headlessServiceName}.${props.backendNamespace}.svc.${clusterDomain}`;
    const configProps: NginxConfigProps = {
      ...props.config,
      listenPort: 8080,
      upstream: {
        method: 'round_robin',
        maxFails: 3,
        failTimeout: '30s',
        keepalive: 32,
        ...props.upstream,
        servers: [{ host: upstreamHost, port: props.backend.containerPort, resolve: true }],
      },
      resolver: { addresses: [props.clusterDnsIp ?? '10.96.0.10'], validSeconds: props.dnsValidSeconds ?? 5 },
    };
    // Config errors name the nginx.conf field; prefix them with this construct's path.
    try {
      this.nginxConf = renderNginxConfig(configProps);
      if (props.exporter) this.nginxConf = withNginxStatusServer(this.nginxConf);
    } catch (e) {
      throw new Error(`[${this.node.path}] ${(e as Error).message}`);
    }
    this.minNginxVersion = nginxConfigRequirements(configProps).minVersion;

    const configMapName = `${name}-config`;
    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: configMapName, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' } },
      data: { 'nginx.conf': this.nginxConf },
    });

    const maxReplicas = props.maxReplicas ?? replicas;
    const autoscaling: HorizontalScaling | undefined =
      maxReplicas > replicas
        ? {
            minReplicas: replicas,
            maxReplicas,
            cpuUtilization: 70,
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 2, periodSeconds: 30 }] },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
          }
        : undefined;
    this.service = new ScalableService(this, 'Service', {
      name,
      image,
      component: 'load-balancer',
      containerPort: 8080,
      resources: props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      replicas: autoscaling ? undefined : replicas,
      autoscaling,
      readinessPath: '/healthz',
      livenessPath: '/healthz',
      startupTimeoutSeconds: 30,
      // nginx stops accepting on SIGQUIT only after in-flight requests finish; keep endpoints draining first.
      preStopDelaySeconds: 5,
      configFiles: [{ configMapName, key: 'nginx.conf', mountPath: '/etc/nginx/nginx.conf' }],
      podAnnotations: { 'scaling-tiers.io/config-sha256': createHash('sha256').update(this.nginxConf).digest('hex') },
      serviceType: props.serviceType ?? 'LoadBalancer',
      allowIngressFrom: props.allowIngressFrom ?? [{ cidr: '0.0.0.0/0' }],
    });
    this.selectorLabels = this.service.selectorLabels;
    if (props.exporter) {
      this.service.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/-', nginxExporterContainer(props.exporter.image)));
      this.metricsPort = 'metrics';
    }
  }
}
