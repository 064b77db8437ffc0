import { createHash } from 'node:crypto';
import { k8s } from '../core/k8s';
import { Construct } from 'constructs';
import type { NginxConfigProps } from './nginx-config-props';
import type { NginxUpstreamProps } from './nginx-upstream';
import { resolveNginxConfig } from './_nginx-resolve';
import { renderResolvedNginxConfig } from './_nginx-render';
import type { ResolvedNginxConfig } from './_nginx-resolved';
import { Problems } from '../core/problems';
import { fieldAt, isDnsSubdomain, isIntegerIn, oneOf } from '../core/checks';
import { ContainerResources } from '../core/container-resources';
import { HorizontalScaling } from '../app/horizontal-scaling';
import { IngressPeer, checkIngressPeers } from '../core/ingress-peer';
import { IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import { ScalableService } from '../app/scalable-service';
import { JsonPatch } from 'cdk8s';
import { nginxExporterContainer, withNginxStatusServer } from './nginx-status';

/**
 * The nginx image the load balancer runs by default. The generated config resolves the backend's headless
 * Service at run time (`server ... resolve` with a shared-memory zone), which open-source nginx has since 1.27.3,
 * so the pinned version must be at least that; the integration tests run the same config on nginx 1.30.
 */
export const DEFAULT_NGINX_IMAGE = 'nginxinc/nginx-unprivileged:1.28.0-alpine';

/** The upstream settings of {@link NginxLoadBalancerProps.upstream} that are not given. */
export const DEFAULT_NGINX_UPSTREAM = { method: 'round_robin', maxFails: 3, failTimeout: '30s', keepalive: 32 } as const satisfies Omit<NginxUpstreamProps, 'servers'>;

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
   * Fixed replicas, or the minimum when `maxReplicas` is larger. 2-100: a single nginx is down on every drain,
   * rollout or crash, and it is the entry point.
   *
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The most replicas, from `replicas` to 100; above `replicas` an HPA scales nginx on CPU (70 %).
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
 * What {@link checkNginxLoadBalancerProps} checks: the props of {@link NginxLoadBalancer}, where the backend and
 * its namespace may be left out (a tier's nginx is checked before its app exists; the nginx.conf is then checked
 * against a stand-in backend).
 */
export type NginxLoadBalancerCheckedProps = Omit<NginxLoadBalancerProps, 'backend' | 'backendNamespace'> &
  Partial<Pick<NginxLoadBalancerProps, 'backend' | 'backendNamespace'>>;

/** The most nginx replicas, fixed or scaled. */
const MAX_NGINX_REPLICAS = 100;
const SERVICE_TYPES = ['ClusterIP', 'LoadBalancer'] as const;

/** {@link NginxLoadBalancerProps} with every default applied and the nginx.conf resolved. */
interface ResolvedNginxLoadBalancer {
  readonly name: string;
  readonly image: string;
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly config: ResolvedNginxConfig;
}

/**
 * Records in `problems` every invalid prop of an {@link NginxLoadBalancer}, each field under the prefix `path`
 * (`''` for the construct itself, `'nginx'` for a tier's nginx): the replica bounds, names, the Service type, who may
 * connect, and every nginx.conf prop (balancing method, passive health checks, keepalive, real-IP ranges, rate
 * limits ...). This is the one statement of these rules.
 */
export function checkNginxLoadBalancerProps(problems: Problems, path: string, props: NginxLoadBalancerCheckedProps): void {
  resolveNginxLoadBalancer(problems, path, props);
}

function resolveNginxLoadBalancer(problems: Problems, path: string, props: NginxLoadBalancerCheckedProps): ResolvedNginxLoadBalancer | undefined {
  const field = (f: string): string => fieldAt(path, f);
  const name = props.name ?? 'nginx';
  const image = props.image ?? DEFAULT_NGINX_IMAGE;
  const replicas = props.replicas ?? 2;
  const maxReplicas = props.maxReplicas ?? replicas;
  const clusterDomain = props.clusterDomain ?? 'cluster.local';
  let ok = true;
  const add = (f: string, value: unknown, allowed: string): void => {
    ok = false;
    problems.add(field(f), value, allowed);
  };

  if (!isObjectName(name, '-config'.length)) add('name', name, objectNameAllowed('-config'.length));
  if (!isPinnedImage(image)) add('image', image, IMAGE_ALLOWED);
  if (props.exporter?.image !== undefined && !isPinnedImage(props.exporter.image)) add('exporter.image', props.exporter.image, IMAGE_ALLOWED);
  const replicasOk = isIntegerIn(replicas, 2, MAX_NGINX_REPLICAS);
  if (!replicasOk) {
    add('replicas', replicas, `an integer between 2 and ${MAX_NGINX_REPLICAS} (a single nginx is down on every drain, rollout or crash)`);
  }
  if (props.maxReplicas !== undefined && !isIntegerIn(maxReplicas, replicasOk ? replicas : 2, MAX_NGINX_REPLICAS)) {
    add('maxReplicas', maxReplicas, `an integer between '${field('replicas')}' (${replicas}) and ${MAX_NGINX_REPLICAS}`);
  }
  if (props.serviceType !== undefined && !SERVICE_TYPES.includes(props.serviceType)) add('serviceType', props.serviceType, oneOf(SERVICE_TYPES));
  const backend = props.backend;
  if (backend !== undefined && backend.headlessServiceName === undefined) {
    add('backend', backend.node.path, "a ScalableService with 'headlessService: true' (nginx resolves its pods through it)");
  }
  if (props.backendNamespace !== undefined && !isObjectName(props.backendNamespace)) add('backendNamespace', props.backendNamespace, objectNameAllowed());
  if (!isDnsSubdomain(clusterDomain)) add('clusterDomain', clusterDomain, 'a DNS domain such as "cluster.local"');
  if (props.allowIngressFrom !== undefined) checkIngressPeers(problems, field('allowIngressFrom'), props.allowIngressFrom);

  // nginx reaches the backend's pods through its headless Service; until that name is known to be valid, the
  // nginx.conf props are checked against a stand-in.
  const upstreamHost =
    ok && backend !== undefined && props.backendNamespace !== undefined
      ? `${backend.headlessServiceName}.${props.backendNamespace}.svc.${clusterDomain}`
      : `backend.svc.${clusterDomain}`;
  const configProps: NginxConfigProps = {
    ...props.config,
    listenPort: 8080,
    upstream: {
      ...DEFAULT_NGINX_UPSTREAM,
      ...props.upstream,
      servers: [{ host: upstreamHost, port: backend?.containerPort ?? 8080, resolve: true }],
    },
    resolver: { addresses: [props.clusterDnsIp ?? '10.96.0.10'], validSeconds: props.dnsValidSeconds ?? 5 },
  };
  const config = resolveNginxConfig(problems, configProps, (f) => field(ownField(f)));
  return ok && config ? { name, image, replicas, maxReplicas, config } : undefined;
}

/** The prop of {@link NginxLoadBalancerProps} an nginx.conf prop comes from. */
function ownField(configField: string): string {
  if (configField.startsWith('upstream.servers')) return 'backend';
  if (configField === 'resolver' || configField.startsWith('resolver.addresses')) return 'clusterDnsIp';
  if (configField.startsWith('resolver.')) return 'dnsValidSeconds';
  if (configField.startsWith('upstream.') || configField === 'listenPort') return configField;
  return `config.${configField}`;
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

  /** @throws PropsError naming this construct's path and the prop on every line */
  constructor(scope: Construct, id: string, props: NginxLoadBalancerProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    const resolved = resolveNginxLoadBalancer(problems, '', props);
    problems.throwIfAny();
    const { name, image, replicas, maxReplicas, config } = resolved as ResolvedNginxLoadBalancer;
    this.nginxConf = renderResolvedNginxConfig(config);
    if (props.exporter) this.nginxConf = withNginxStatusServer(this.nginxConf);
    this.minNginxVersion = config.minVersion;

    const configMapName = `${name}-config`;
    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: configMapName, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'scaling-tiers' } },
      data: { 'nginx.conf': this.nginxConf },
    });

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
