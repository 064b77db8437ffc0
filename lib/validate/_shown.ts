/**
 * A manifest's value as a finding's message shows it: a string, number or boolean as it reads, an object or array
 * as JSON (never `[object Object]`).
 */
export function shown(value: unknown): string {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}
