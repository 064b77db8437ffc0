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
