/**
 * The value checks every component's prop checks share: integers in a range, CIDRs, DNS names. Each is stated here
 * once; a component states only its own bounds.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** True when `value` is an integer from `min` to `max`, both included. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** What {@link isCidr} accepts. */
export interface CidrOptions {
  /**
   * The address families accepted.
   *
   * @default 'any' - IPv4 or IPv6
   */
  readonly family?: 'ipv4' | 'any';
  /**
   * The shortest prefix accepted (the largest network).
   *
   * @default 0
   */
  readonly minPrefix?: number;
  /**
   * The longest prefix accepted.
   *
   * @default - 32 for IPv4, 128 for IPv6
   */
  readonly maxPrefix?: number;
  /**
   * Whether a bare address (no `/prefix`) is accepted as a single host, as nginx's `set_real_ip_from` does.
   *
   * @default false
   */
  readonly prefixOptional?: boolean;
}

/** True when `value` is a CIDR (`address/prefix`) within `options`. */
export function isCidr(value: unknown, options: CidrOptions = {}): value is string {
  if (typeof value !== 'string') return false;
  const [ip, prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  const v4 = isIPv4(ip);
  if (!v4 && (options.family === 'ipv4' || !isIPv6(ip))) return false;
  if (prefix === undefined) return options.prefixOptional === true;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return false;
  const bits = Number(prefix);
  return bits >= (options.minPrefix ?? 0) && bits <= (options.maxPrefix ?? (v4 ? 32 : 128));
}

/** A DNS-1123 subdomain: the names of Secrets, ConfigMaps and most Kubernetes objects. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `value` is a DNS-1123 subdomain of at most 253 characters. */
export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Describes a value that may be a secret without showing it. */
export function redacted(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters (not shown)`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array (not shown)';
  return `a ${typeof value} (not shown)`;
}

/** `one of "a", "b"` for an allowed-values message. */
export function oneOf(values: readonly string[]): string {
  return `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/** The name of `field` under the field prefix `path` (`''` for a construct's own props): `fieldAt('redis', 'masters')`. */
export function fieldAt(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}
