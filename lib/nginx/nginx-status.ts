/**
 * nginx's side of the nginx-prometheus-exporter sidecar: a `server` block for nginx's `http` context that serves
 * open-source nginx's `stub_status` on a loopback port, so only containers of the same pod (the exporter) reach
 * it; the exporter reads it and serves Prometheus metrics on its own port.
 */

/** The loopback port of the status server. */
export const NGINX_STATUS_PORT = 8081;

/** The status path. */
export const NGINX_STATUS_PATH = '/stub_status';

/** The exporter's metrics port (nginx-prometheus-exporter's default). */
export const NGINX_EXPORTER_PORT = 9113;

/** The pinned exporter image of the sidecar. */
export const DEFAULT_NGINX_EXPORTER_IMAGE = 'nginx/nginx-prometheus-exporter:1.4.2';

/** The `server` block (for the `http` context) that serves stub_status on 127.0.0.1:`port` only. */
export function nginxStatusServer(port: number = NGINX_STATUS_PORT): string {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new RangeError(`nginx status port must be an integer between 1024 and 65535, got: ${port}`);
  return [
    '    # Connection counters for the nginx-prometheus-exporter sidecar: loopback only, so only the pod reaches it.',
    '    server {',
    `        listen 127.0.0.1:${port};`,
    '        access_log off;',
    `        location = ${NGINX_STATUS_PATH} {`,
    '            stub_status;',
    '            allow 127.0.0.1;',
    '            deny all;',
    '        }',
    '        location / {',
    '            return 404;',
    '        }',
    '    }',
    '',
  ].join('\n');
}

/** The exporter's arguments (double-dash: both 0.11's Go flags and 1.x's kingpin flags accept them). */
export function nginxExporterArgs(statusPort: number = NGINX_STATUS_PORT, listen = `:${NGINX_EXPORTER_PORT}`): string[] {
  return [`--nginx.scrape-uri=http://127.0.0.1:${statusPort}${NGINX_STATUS_PATH}`, `--web.listen-address=${listen}`];
}

/** `conf` (a whole nginx.conf whose last line closes the `http` block) with the status server added to `http`. */
export function withNginxStatusServer(conf: string, port: number = NGINX_STATUS_PORT): string {
  if (!/\n\}\s*$/.test(conf)) throw new Error('cannot add the nginx status server: the config does not end with the closing brace of its http block');
  return conf.replace(/\}\s*$/, `${nginxStatusServer(port)}}\n`);
}

/** The nginx-prometheus-exporter sidecar of an nginx pod (restricted Pod Security Standard, uid 10001). */
export function nginxExporterContainer(image: string = DEFAULT_NGINX_EXPORTER_IMAGE): Record<string, unknown> {
  const metrics = { port: 'metrics', scheme: 'HTTP' };
  return {
    name: 'exporter',
    image,
    imagePullPolicy: 'IfNotPresent',
    args: nginxExporterArgs(),
    ports: [{ name: 'metrics', containerPort: NGINX_EXPORTER_PORT, protocol: 'TCP' }],
    resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // It serves /metrics only; started and ready when it answers there, alive while its port accepts.
    startupProbe: { httpGet: { path: '/metrics', ...metrics }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 12 },
    readinessProbe: { httpGet: { path: '/metrics', ...metrics }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    livenessProbe: { tcpSocket: { port: 'metrics' }, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
  };
}
