import type { ErrorObject } from 'ajv';

/**
 * Strict validation with validators that are not strict. The compiled OpenAPI validators of Kubernetes kinds accept
 * fields their schema does not define, but they read every property their schema defines (`data.x !== undefined`)
 * and enumerate the keys of free-form maps. A key they never read is therefore not a field of the kind, which is
 * what `kubectl apply --validate=strict` rejects.
 *
 * Watching the reads takes proxies, which are slow. What a validator reads at one place of its schema does not
 * depend on the data (the Kubernetes schemas have no conditional or object-valued `anyOf`), so each validator
 * learns, from the objects it has watched, the keys it reads at each place (a path with array indices as `*`).
 * An object whose every map and object sits at a learnt place is checked against what was learnt, without proxies;
 * any other is watched, and teaches the validator its new places.
 */

/** A compiled schema validator: true when valid, else false with `errors` set. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The outcome: whether the schema accepts the object, and (when it does) the JSON pointers of unknown fields. */
export interface StrictResult {
  readonly valid: boolean;
  readonly unknown: readonly string[];
}

/** What a validator reads at one place: the keys it knows, or every key when it enumerates a free-form map. */
interface Reads {
  readonly keys: Set<string>;
  enumerated: boolean;
}

const learnt = new WeakMap<CompiledValidator, Map<string, Reads>>();

/** Validates `object` and lists the fields it has that the schema does not define. */
export function validateStrictly(validate: CompiledValidator, object: unknown): StrictResult {
  let places = learnt.get(validate);
  if (!places) learnt.set(validate, (places = new Map()));
  const unknown: string[] = [];
  if (places.size > 0 && collectUnknown(object, '', '', places, unknown)) {
    return validate(object) ? { valid: true, unknown } : { valid: false, unknown: [] };
  }
  // A copy, so that each object of the tree sits at one place (the original may share objects between places).
  const tree: unknown = JSON.parse(JSON.stringify(object));
  const watch = new ReadWatch();
  if (!validate(watch.wrap(tree, ''))) return { valid: false, unknown: [] };
  watch.teach(places);
  const unread: string[] = [];
  watch.collectUnread(tree, '', unread);
  return { valid: true, unknown: unread };
}

/**
 * Adds the unknown fields of `value` to `out` from the learnt places; false (and `out` incomplete) when an object
 * or map of `value` sits at a place not learnt yet.
 */
function collectUnknown(value: unknown, path: string, place: string, places: Map<string, Reads>, out: string[]): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every((item, i) => collectUnknown(item, `${path}/${i}`, `${place}/*`, places, out));
  const reads = places.get(place);
  if (!reads) return false;
  for (const [key, child] of Object.entries(value)) {
    const segment = escapeKey(key);
    if (!reads.enumerated && !reads.keys.has(key)) out.push(`${path}/${segment}`);
    else if (!collectUnknown(child, `${path}/${segment}`, `${place}/${segment}`, places, out)) return false;
  }
  return true;
}

/** Wraps an object tree in proxies that record, per object, its place and the keys a validator read. */
class ReadWatch {
  private readonly watched = new Map<object, { place: string; reads: Reads; proxy: object }>();

  public wrap(value: unknown, place: string): unknown {
    if (value === null || typeof value !== 'object') return value;
    const known = this.watched.get(value);
    if (known) return known.proxy;
    const reads: Reads = { keys: new Set(), enumerated: false };
    const watch = this;
    const childPlace = Array.isArray(value) ? () => `${place}/*` : (key: string) => `${place}/${escapeKey(key)}`;
    const proxy = new Proxy(value, {
      get(target, key) {
        const child: unknown = Reflect.get(target, key);
        if (typeof key !== 'string') return child;
        reads.keys.add(key);
        return child !== null && typeof child === 'object' ? watch.wrap(child, childPlace(key)) : child;
      },
      has(target, key) {
        if (typeof key === 'string') reads.keys.add(key);
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === 'string') reads.keys.add(key);
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        reads.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    this.watched.set(value, { place, reads, proxy });
    return proxy;
  }

  /** Merges what was read at each place of a non-array object into `places`. */
  public teach(places: Map<string, Reads>): void {
    for (const [object, { place, reads }] of this.watched) {
      if (Array.isArray(object)) continue;
      const before = places.get(place);
      if (!before) places.set(place, { keys: new Set(reads.keys), enumerated: reads.enumerated });
      else {
        for (const key of reads.keys) before.keys.add(key);
        before.enumerated ||= reads.enumerated;
      }
    }
  }

  /** Adds to `out` the JSON pointer of every key the validator never read, in an object it did not enumerate. */
  public collectUnread(value: unknown, path: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.collectUnread(item, `${path}/${i}`, out));
      return;
    }
    const reads = this.watched.get(value)?.reads;
    for (const [key, child] of Object.entries(value)) {
      if (!reads?.enumerated && !reads?.keys.has(key)) out.push(`${path}/${escapeKey(key)}`);
      else this.collectUnread(child, `${path}/${escapeKey(key)}`, out);
    }
  }
}

/** A key as a JSON-pointer segment. */
export function escapeKey(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}
