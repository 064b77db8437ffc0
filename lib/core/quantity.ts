/**
 * Parsing of Kubernetes resource quantities (the `resource.Quantity` grammar): `500m`, `2`, `0.5`, `128Mi`, `8Gi`,
 * `1G`, `1e3`. Used to validate props before they reach a manifest, and to derive server settings from a
 * container's memory.
 */

const QUANTITY = /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** Returns the quantity's value in base units (cores for CPU, bytes for memory), or undefined if it does not parse. */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (typeof text !== 'string') return undefined;
  const m = QUANTITY.exec(text.trim() === text ? text : '');
  if (!m) return undefined;
  const base = Number(m[1]);
  const suffix = m[2] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  if (!Number.isFinite(base) || factor === undefined) return undefined;
  return base * factor;
}

/** A CPU quantity in cores, or undefined if it does not parse or is not positive. */
export function parseCpu(text: string | number): number | undefined {
  const v = parseQuantity(text);
  return v !== undefined && v > 0 ? v : undefined;
}

/** A memory quantity in bytes, or undefined if it does not parse, is not positive or is a fraction of a byte. */
export function parseMemory(text: string | number): number | undefined {
  const v = parseQuantity(text);
  return v !== undefined && v >= 1 ? v : undefined;
}

/** The allowed-values text used in error messages about CPU quantities. */
export const CPU_ALLOWED = 'a positive Kubernetes CPU quantity such as "250m", "1" or "1.5"';

/** The allowed-values text used in error messages about memory quantities. */
export const MEMORY_ALLOWED = 'a positive Kubernetes memory quantity such as "512Mi", "2Gi" or "1G"';
