/**
 * nginx.conf for the load balancer in front of the app: a pure function from typed props to config text, so the
 * text can be checked by a real nginx (`nginx -t`, traffic) without synthesising anything.
 *
 * The config runs as a non-root user (unprivileged port, pid and temp files under a writable directory), proxies
 * to one upstream of app servers (static `host:port`, or a DNS name re-resolved at run time with `resolve` — the
 * app's headless Service, so nginx follows pods as they come and go), and adds what an operator expects: health
 * endpoints, websocket affinity, real client IP behind a load balancer, rate limits and structured access logs.
 */
import { resolveNginxProps } from './_nginx-resolve';
import { renderResolvedNginxConfig } from './_nginx-render';
import type { NginxConfigProps, NginxConfigRequirements } from './nginx-config-props';

export * from './nginx-config-props';
export * from './nginx-proxy';
export * from './nginx-upstream';

/**
 * The oldest open-source nginx that runs every config this module can generate: `server ... resolve` in an
 * upstream (re-resolving a DNS name, such as a headless Service, to pod IPs) exists since 1.27.3.
 * {@link nginxConfigRequirements} computes the minimum for one config.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_upstream_module.html#resolve
 */
export const NGINX_MIN_VERSION = '1.27.3';

/**
 * Renders nginx.conf. The same props always give byte-identical text.
 *
 * @throws PropsError listing every invalid prop, before any text is produced
 */
export function renderNginxConfig(props: NginxConfigProps): string {
  return renderResolvedNginxConfig(resolveNginxProps(props));
}

/**
 * The nginx version and features a config needs, computed from what {@link renderNginxConfig} generates for
 * the same props.
 *
 * @throws PropsError listing every invalid prop
 */
export function nginxConfigRequirements(props: NginxConfigProps): NginxConfigRequirements {
  const c = resolveNginxProps(props);
  return { minVersion: c.minVersion, features: c.features };
}
