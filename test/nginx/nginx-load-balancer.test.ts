import { createHash } from 'node:crypto';
import { NginxLoadBalancer, NginxLoadBalancerProps, ScalableService } from '../../lib';
import { checkNginxLoadBalancerProps } from '../../lib/nginx';
import { Problems } from '../../lib/core/problems';
import { propsErrorOf } from '../_props';
import { Manifest, one, ofKind, synth, testChart } from '../_synth';

const RESOURCES = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

function build(opts: { headless?: boolean; maxReplicas?: number; serviceType?: 'ClusterIP' | 'LoadBalancer' } = {}) {
  const chart = testChart();
  const backend = new ScalableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', resources: RESOURCES, headlessService: opts.headless ?? true });
  const lb = new NginxLoadBalancer(chart, 'lb', {
    backend,
    backendNamespace: 'shop',
    replicas: 2,
    maxReplicas: opts.maxReplicas,
    serviceType: opts.serviceType,
    upstream: { method: 'least_conn', maxFails: 3, failTimeout: '30s', keepalive: 32 },
  });
  const objects = synth(chart).filter((o) => o.metadata.name.startsWith('nginx'));
  return { lb, objects };
}

const nginxPod = (objects: Manifest[]) => one(objects, 'Deployment').spec.template;

describe('NginxLoadBalancer', () => {
  test('mounts the generated nginx.conf from a ConfigMap and rolls the pods when it changes', () => {
    const { lb, objects } = build();
    const config = one(objects, 'ConfigMap');
    expect(config.metadata.name).toBe('nginx-config');
    expect(config.data['nginx.conf']).toBe(lb.nginxConf);
    const template = nginxPod(objects);
    expect(template.metadata.annotations['scaling-tiers.io/config-sha256']).toBe(createHash('sha256').update(lb.nginxConf).digest('hex'));
    const container = template.spec.containers[0];
    expect(container.volumeMounts).toContainEqual({ name: 'config-0', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true });
    expect(template.spec.volumes).toContainEqual({ name: 'config-0', configMap: { name: 'nginx-config', items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } });
    expect(container.readinessProbe.httpGet.path).toBe('/healthz');
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(objects).toMatchSnapshot();
  });

  test("resolves the backend's headless Service at run time with the cluster DNS", () => {
    const { lb } = build();
    expect(lb.nginxConf).toContain('server web-headless.shop.svc.cluster.local:8080 resolve max_fails=3 fail_timeout=30s;');
    expect(lb.nginxConf).toContain('resolver 10.96.0.10 valid=5s');
    expect(lb.nginxConf).toMatch(/zone \w+ \d+k;/);
    expect(lb.nginxConf).toContain('least_conn;');
    expect(lb.nginxConf).toContain('keepalive 32;');
    expect(lb.minNginxVersion).toBe('1.27.3');
  });

  test('a LoadBalancer Service by default, ClusterIP on request; an HPA only when it may grow', () => {
    expect(one(build().objects, 'Service').spec.type).toBe('LoadBalancer');
    expect(ofKind(build().objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    const grown = build({ maxReplicas: 6, serviceType: 'ClusterIP' });
    expect(one(grown.objects, 'Service').spec.type).toBe('ClusterIP');
    expect(one(grown.objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(one(grown.objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('throws if the backend has no headless Service', () => {
    expect(() => build({ headless: false })).toThrow(
      "[test/lb] 'backend' must be a ScalableService with 'headlessService: true' (nginx resolves its pods through it), got: \"test/web\"",
    );
  });

  describe('invalid props', () => {
    function errorOf(props: Partial<NginxLoadBalancerProps>): string {
      const chart = testChart();
      const backend = new ScalableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', resources: RESOURCES, headlessService: true });
      return propsErrorOf(() => new NginxLoadBalancer(chart, 'lb', { backend, backendNamespace: 'shop', ...props }));
    }

    test.each<[string, Partial<NginxLoadBalancerProps>, string]>([
      ['the upstream keepalive is 0', { upstream: { keepalive: 0 } }, "[test/lb] 'upstream.keepalive' must be an integer >= 1, got: 0"],
      ['a config prop is invalid', { config: { websocket: { path: '/' } } }, "[test/lb] 'config.websocket.path' must be a URI path starting with \"/\" (letters, digits and \"/._~-\"), other than \"/\", got: \"/\""],
      ['a trusted range is not a CIDR', { config: { realIp: { trustedCidrs: ['10.0.0.0/33'] } } }, "[test/lb] 'config.realIp.trustedCidrs[0]' must be an IPv4 or IPv6 address or CIDR range, e.g. \"10.0.0.0/16\", got: \"10.0.0.0/33\""],
      ['the DNS cache time is 0', { dnsValidSeconds: 0 }, "[test/lb] 'dnsValidSeconds' must be an integer >= 1, got: 0"],
      ['the cluster DNS IP is a name', { clusterDnsIp: 'kube-dns' }, "[test/lb] 'clusterDnsIp' must be an IPv4 address or a bracketed IPv6 address with an optional \":port\" (nginx cannot resolve the resolver's own name), got: \"kube-dns\""],
      ['one replica', { replicas: 1 }, "[test/lb] 'replicas' must be an integer between 2 and 100 (a single nginx is down on every drain, rollout or crash), got: 1"],
      ['fewer most replicas than replicas', { replicas: 3, maxReplicas: 2 }, "[test/lb] 'maxReplicas' must be an integer between 'replicas' (3) and 100, got: 2"],
      ['an unknown Service type', { serviceType: 'NodePort' as never }, "[test/lb] 'serviceType' must be one of \"ClusterIP\", \"LoadBalancer\", got: \"NodePort\""],
    ])('throws a PropsError naming the construct path and its own field if %s', (_case, props, message) => {
      expect(errorOf(props)).toBe(message);
    });

    test('collects the construct and nginx.conf problems and throws once, every line naming the construct path', () => {
      const message = errorOf({ name: 'Nginx', upstream: { method: 'random' as never, maxFails: -1 } });
      expect(message.split('\n')).toEqual([
        expect.stringMatching(/^\[test\/lb\] 'name' /),
        "[test/lb] 'upstream.method' must be one of \"round_robin\", \"least_conn\", \"ip_hash\", \"hash\", got: \"random\"",
        "[test/lb] 'upstream.maxFails' must be an integer >= 0, got: -1",
      ]);
    });
  });

  describe('checkNginxLoadBalancerProps', () => {
    test('states the same rules without a backend, under the field prefix it is given', () => {
      const message = propsErrorOf(() => {
        const problems = new Problems('tier x');
        checkNginxLoadBalancerProps(problems, 'nginx', { replicas: 3, maxReplicas: 101, upstream: { keepalive: 0 } });
        problems.throwIfAny();
      });
      expect(message).toBe(
        "[tier x] 'nginx.maxReplicas' must be an integer between 'nginx.replicas' (3) and 100, got: 101\n[tier x] 'nginx.upstream.keepalive' must be an integer >= 1, got: 0",
      );
    });

    test('records nothing for the defaults', () => {
      const problems = new Problems('tier x');
      checkNginxLoadBalancerProps(problems, 'nginx', {});
      expect(problems.ok).toBe(true);
    });
  });
});
