/**
 * Parsers and checks of nginx's value syntax (times, sizes, names, addresses, versions), used to validate props
 * before any text is produced. Internal to lib/nginx.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The allowed-values text of nginx times in error messages. */
export const NGINX_TIME_ALLOWED = 'an nginx time such as "500ms", "5s", "1m" or "1h30m"';

const TIME_UNITS_MS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600 * 1000],
  ['M', 30 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

/**
 * Parses an nginx time (`500ms`, `5s`, `1m`, `1h30m`, or a bare number of seconds) into milliseconds; undefined
 * if it does not parse. Units must come largest first, each at most once, as nginx requires.
 */
export function parseNginxTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const part = /([0-9]+)(ms|y|M|w|d|h|m|s)/y;
  let total = 0;
  let lastRank = -1;
  let i = 0;
  while (i < text.length) {
    part.lastIndex = i;
    const m = part.exec(text);
    if (!m) return undefined;
    const rank = TIME_UNITS_MS.findIndex(([u]) => u === m[2]);
    if (rank <= lastRank) return undefined;
    lastRank = rank;
    total += Number(m[1]) * TIME_UNITS_MS[rank][1];
    i = part.lastIndex;
  }
  return i > 0 && Number.isSafeInteger(total) ? total : undefined;
}

/** Parses an nginx size (`32k`, `10m`, `1g`, or bytes) into bytes; undefined if it does not parse. */
export function parseNginxSize(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(text);
  if (!m) return undefined;
  const factor = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()] ?? 1;
  const bytes = Number(m[1]) * factor;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The smallest shared-memory zone nginx accepts: 8 pages of 4 KiB. */
export const MIN_ZONE_BYTES = 32 * 1024;

export const isName = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v);
export const isUriPath = (v: unknown): v is string => typeof v === 'string' && /^\/[A-Za-z0-9._~\-/]*$/.test(v);
export const isAbsolutePath = (v: unknown): v is string => typeof v === 'string' && /^\/[^\s;{}'"]*$/.test(v);
export const isDnsName = (v: unknown): v is string =>
  typeof v === 'string' &&
  v.length <= 253 &&
  /^(?=.*[A-Za-z])[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(v);
export const isBracketedIpv6 = (v: string): boolean => /^\[[^\]]+\]$/.test(v) && isIPv6(v.slice(1, -1));
export const isIpLiteral = (v: unknown): v is string => typeof v === 'string' && (isIPv4(v) || isBracketedIpv6(v));

export function isIpWithOptionalPort(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = /^(\[[^\]]+\]|[0-9.]+)(?::([0-9]{1,5}))?$/.exec(v);
  if (!m || !isIpLiteral(m[1])) return false;
  return m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 65535);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
