import { createHash } from 'node:crypto';
import { NginxLoadBalancer, ScalableService } from '../../lib';
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

  test('throws with the construct path when the nginx.conf props are invalid', () => {
    const chart = testChart();
    const backend = new ScalableService(chart, 'web', { image: 'registry.example.com/web:1.0.0', resources: RESOURCES, headlessService: true });
    expect(() => new NginxLoadBalancer(chart, 'lb', { backend, backendNamespace: 'shop', upstream: { keepalive: 0 } })).toThrow(/^\[test\/lb\] \[nginx\.conf\] 'upstream\.keepalive'/);
  });
});
