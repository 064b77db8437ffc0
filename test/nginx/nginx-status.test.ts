import { NginxLoadBalancer, ScalableService } from '../../lib';
import { nginxExporterArgs, nginxStatusServer, withNginxStatusServer } from '../../lib/nginx';
import { renderNginxConfig } from '../../lib/nginx/nginx-conf';
import { ofKind, synth, testChart } from '../_synth';

describe('nginx status server and exporter sidecar', () => {
  test('stub_status on loopback only, inside the http block', () => {
    const conf = withNginxStatusServer(renderNginxConfig({ upstream: { servers: [{ host: '127.0.0.1', port: 9000 }] } }));
    expect(conf).toContain('listen 127.0.0.1:8081;');
    expect(conf).toMatch(/location = \/stub_status \{\s+stub_status;\s+allow 127\.0\.0\.1;\s+deny all;/);
    expect(conf.trimEnd().endsWith('}')).toBe(true);
    expect(nginxExporterArgs()).toEqual(['--nginx.scrape-uri=http://127.0.0.1:8081/stub_status', '--web.listen-address=:9113']);
  });

  test('throws if the status port is privileged', () => {
    expect(() => nginxStatusServer(80)).toThrow('nginx status port must be an integer between 1024 and 65535, got: 80');
  });

  test('NginxLoadBalancer with an exporter: the sidecar, its port and the status server in nginx.conf', () => {
    // GIVEN
    const chart = testChart();
    const backend = new ScalableService(chart, 'app', { image: 'example/app:1.0.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } }, headlessService: true });
    // WHEN
    const lb = new NginxLoadBalancer(chart, 'nginx', { backend, backendNamespace: 'default', exporter: {} });
    // THEN
    const deployment = ofKind(synth(chart), 'Deployment').find((d) => d.metadata.name === 'nginx')!;
    const exporter = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'exporter');
    expect(exporter).toMatchObject({ image: 'nginx/nginx-prometheus-exporter:1.4.2', ports: [{ name: 'metrics', containerPort: 9113, protocol: 'TCP' }], securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } });
    expect(lb.metricsPort).toBe('metrics');
    expect(lb.nginxConf).toContain('stub_status;');
  });

  test('without an exporter nothing changes', () => {
    const chart = testChart();
    const backend = new ScalableService(chart, 'app', { image: 'example/app:1.0.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } }, headlessService: true });
    const lb = new NginxLoadBalancer(chart, 'nginx', { backend, backendNamespace: 'default' });
    expect(lb.metricsPort).toBeUndefined();
    expect(lb.nginxConf).not.toContain('stub_status');
  });

  test('throws if the exporter image is not pinned', () => {
    const chart = testChart();
    const backend = new ScalableService(chart, 'app', { image: 'example/app:1.0.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } }, headlessService: true });
    expect(() => new NginxLoadBalancer(chart, 'nginx', { backend, backendNamespace: 'default', exporter: { image: 'nginx/nginx-prometheus-exporter' } })).toThrow("[test/nginx] 'exporter.image' must be");
  });
});
