import type { ErrorObject } from 'ajv';

/**
 * Strict validation with validators that are not strict. The compiled OpenAPI validators of Kubernetes kinds accept
 * fields their schema does not define, but they check every property their schema defines (`data.x !== undefined`,
 * for every error, as they are compiled with allErrors) and enumerate the keys of free-form maps. A key they never
 * read is therefore not a field of the kind, which is what `kubectl apply --validate=strict` rejects.
 *
 * Watching the reads takes proxies, which are slow. What a validator reads at one place of its schema does not
 * depend on the data (the Kubernetes schemas have no conditional or object-valued `anyOf`), so the reads are kept
 * as a tree of fields per validator: for each object place, the keys read there and what each holds (an object, or
 * an array of them). The tree of a precompiled kind is explored when the bundle is generated
 * ({@link exploreFields}); any other validator learns its tree from the objects it watches. An object whose every
 * object sits at a place of the tree is checked against it without proxies; any other is watched.
 */

/** A compiled schema validator: true when valid, else false with `errors` set. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** The outcome: whether the schema accepts the object, and (when it does) the JSON pointers of unknown fields. */
export interface StrictResult {
  readonly valid: boolean;
  readonly unknown: readonly string[];
}

/** The keys a validator reads at one object place, and what each holds; `enumerated` for a free-form map. */
export interface FieldNode {
  readonly fields: Map<string, FieldSlot>;
  enumerated: boolean;
}

/** What one key (or one array's items) holds, as far as known: an object, an array, or nothing learnt. */
export interface FieldSlot {
  object?: FieldNode;
  items?: FieldSlot;
}

/**
 * Field trees in the compact form the generated bundle stores: `nodes[i]` is `[enumerated, { key: slot }]`, a slot
 * is a node index, `[slot]` for an array's items, or `null` when nothing is known below the key; `roots` gives
 * each tree's root node. Equal subtrees (a PodSpec under each workload kind) are stored once.
 */
export interface CompactFieldTrees {
  readonly nodes: readonly (readonly [0 | 1, Readonly<Record<string, CompactSlot>>])[];
  readonly roots: Readonly<Record<string, number>>;
}
export type CompactSlot = number | null | readonly [CompactSlot];

interface Learnt {
  readonly root: FieldSlot;
  /** False for a tree explored ahead of time: complete, and possibly sharing nodes between places. */
  readonly teachable: boolean;
}

const learnt = new WeakMap<CompiledValidator, Learnt>();

/** Gives a validator the field tree explored for it ahead of time: `trees.roots[key]`. */
export function seedFields(validate: CompiledValidator, trees: CompactFieldTrees, key: string): void {
  const root = trees.roots[key];
  if (root === undefined || learnt.has(validate)) return;
  learnt.set(validate, { root: { object: expanded(trees)[root] }, teachable: false });
}

/** Validates `object` and lists the fields it has that the schema does not define. */
export function validateStrictly(validate: CompiledValidator, object: unknown): StrictResult {
  let known = learnt.get(validate);
  if (!known) learnt.set(validate, (known = { root: {}, teachable: true }));
  const unknown: string[] = [];
  if (collectUnknown(object, known.root, [], unknown)) {
    return validate(object) ? { valid: true, unknown } : { valid: false, unknown: [] };
  }
  // A copy, so that each object of the tree sits at one place (the original may share objects between places).
  const tree: unknown = JSON.parse(JSON.stringify(object));
  const watch = new ReadWatch();
  if (!validate(watch.wrap(tree, undefined, ''))) return { valid: false, unknown: [] };
  if (known.teachable) watch.teach(known.root);
  const unread: string[] = [];
  watch.collectUnread(tree, '', unread);
  return { valid: true, unknown: unread };
}

/**
 * The field tree of a validator, explored by probing: from the root, each place is given an empty object (and each
 * key an array of one) and the validator's reads show the keys of that place, until no new place appears.
 */
export function exploreFields(validate: (data: unknown) => unknown, maxDepth = 40): FieldNode {
  const root: FieldSlot = {};
  const queue: (string | typeof ITEMS)[][] = [[]];
  const probed = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    const id = path.map((s) => (s === ITEMS ? '[]' : `/${escapeKey(s)}`)).join('');
    if (probed.has(id) || path.length > maxDepth) continue;
    probed.add(id);
    const watch = new ReadWatch();
    validate(watch.wrap(path.reduceRight<unknown>((inner, s) => (s === ITEMS ? [inner] : { [s]: inner }), {}), undefined, ''));
    watch.teach(root);
    const node = path.reduce<FieldSlot | undefined>((slot, s) => (s === ITEMS ? slot?.items : slot?.object?.fields.get(s)), root)?.object;
    if (!node || node.enumerated) continue;
    for (const key of node.fields.keys()) queue.push([...path, key], [...path, key, ITEMS]);
  }
  return root.object ?? { fields: new Map(), enumerated: false };
}

/** The compact form of field trees, with equal subtrees stored once. */
export function compactFields(trees: Readonly<Record<string, FieldNode>>): CompactFieldTrees {
  const nodes: [0 | 1, Record<string, CompactSlot>][] = [];
  const indexOf = new Map<string, number>();
  const done = new Map<FieldNode, number>();
  const slotCode = (slot: FieldSlot): CompactSlot => (slot.object ? nodeCode(slot.object) : slot.items ? [slotCode(slot.items)] : null);
  const nodeCode = (node: FieldNode): number => {
    let index = done.get(node);
    if (index !== undefined) return index;
    const fields = [...node.fields.keys()].sort().map((k) => [k, slotCode(node.fields.get(k)!)] as const);
    const entry: [0 | 1, Record<string, CompactSlot>] = [node.enumerated ? 1 : 0, Object.fromEntries(fields)];
    const text = JSON.stringify(entry);
    index = indexOf.get(text);
    if (index === undefined) {
      index = nodes.push(entry) - 1;
      indexOf.set(text, index);
    }
    done.set(node, index);
    return index;
  };
  const roots = Object.fromEntries(Object.entries(trees).map(([key, root]) => [key, nodeCode(root)]));
  return { nodes, roots };
}

const expandedTrees = new WeakMap<CompactFieldTrees, FieldNode[]>();

/** The nodes of compact field trees as field nodes (once per table); equal subtrees stay shared. */
function expanded(trees: CompactFieldTrees): FieldNode[] {
  let nodes = expandedTrees.get(trees);
  if (!nodes) {
    const all: FieldNode[] = trees.nodes.map(([enumerated]) => ({ fields: new Map(), enumerated: enumerated === 1 }));
    const slot = (code: CompactSlot): FieldSlot => (code === null ? {} : typeof code === 'number' ? { object: all[code] } : { items: slot(code[0]) });
    trees.nodes.forEach(([, fields], i) => {
      for (const [key, code] of Object.entries(fields)) all[i].fields.set(key, slot(code));
    });
    expandedTrees.set(trees, (nodes = all));
  }
  return nodes;
}

/**
 * Adds the unknown fields of `value` to `out` from a field tree; false (and `out` incomplete) when an object of
 * `value` sits at a place the tree does not describe.
 */
function collectUnknown(value: unknown, slot: FieldSlot | undefined, path: string[], out: string[]): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      const known = collectUnknown(value[i], slot?.items, path, out);
      path.pop();
      if (!known) return false;
    }
    return true;
  }
  const node = slot?.object;
  if (!node) return false;
  for (const key of Object.keys(value)) {
    const childSlot = node.fields.get(key);
    if (!childSlot && !node.enumerated) {
      out.push(pointer([...path, key]));
      continue;
    }
    path.push(key);
    const known = collectUnknown((value as Record<string, unknown>)[key], childSlot, path, out);
    path.pop();
    if (!known) return false;
  }
  return true;
}

/** The JSON pointer of a path (built only for an unknown field: most objects have none). */
const pointer = (path: readonly string[]): string => path.map((key) => `/${escapeKey(key)}`).join('');

const ITEMS = Symbol('array items');

interface Watched {
  readonly parent?: Watched;
  readonly key: string | typeof ITEMS;
  readonly isArray: boolean;
  readonly keys: Set<string>;
  enumerated: boolean;
  readonly proxy: object;
}

/** Wraps an object tree in proxies that record, per object, where it sits and the keys a validator read. */
class ReadWatch {
  private readonly watched = new Map<object, Watched>();

  public wrap(value: unknown, parent: Watched | undefined, key: string | typeof ITEMS): unknown {
    if (value === null || typeof value !== 'object') return value;
    const known = this.watched.get(value);
    if (known) return known.proxy;
    const isArray = Array.isArray(value);
    const record: Watched = {
      parent,
      key,
      isArray,
      keys: new Set(),
      enumerated: false,
      proxy: new Proxy(value, {
        get: (target, k) => {
          const child: unknown = Reflect.get(target, k);
          if (typeof k !== 'string') return child;
          record.keys.add(k);
          return child !== null && typeof child === 'object' ? this.wrap(child, record, isArray ? ITEMS : k) : child;
        },
        has(target, k) {
          if (typeof k === 'string') record.keys.add(k);
          return Reflect.has(target, k);
        },
        getOwnPropertyDescriptor(target, k) {
          if (typeof k === 'string') record.keys.add(k);
          return Reflect.getOwnPropertyDescriptor(target, k);
        },
        ownKeys(target) {
          record.enumerated = true;
          return Reflect.ownKeys(target);
        },
      }),
    };
    this.watched.set(value, record);
    return record.proxy;
  }

  /** Merges what was read at each object place into the tree under `root`. */
  public teach(root: FieldSlot): void {
    const slots = new Map<Watched, FieldSlot>();
    const slotOf = (w: Watched): FieldSlot => {
      let slot = slots.get(w);
      if (!slot) {
        if (!w.parent) slot = root;
        else if (w.key === ITEMS) slot = slotOf(w.parent).items ??= {};
        else {
          const fields = nodeOf(w.parent).fields;
          slot = fields.get(w.key) ?? {};
          fields.set(w.key, slot);
        }
        slots.set(w, slot);
      }
      return slot;
    };
    const nodeOf = (w: Watched): FieldNode => (slotOf(w).object ??= { fields: new Map(), enumerated: false });
    for (const w of this.watched.values()) {
      // An object the validator looked at but not into (a value of the wrong type, or a schema without fields)
      // teaches nothing: such an object is watched each time, and every key of it is unknown.
      if (w.isArray || (w.keys.size === 0 && !w.enumerated)) continue;
      const node = nodeOf(w);
      for (const key of w.keys) if (!node.fields.has(key)) node.fields.set(key, {});
      node.enumerated ||= w.enumerated;
    }
  }

  /** Adds to `out` the JSON pointer of every key the validator never read, in an object it did not enumerate. */
  public collectUnread(value: unknown, path: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.collectUnread(item, `${path}/${i}`, out));
      return;
    }
    const w = this.watched.get(value);
    for (const [key, child] of Object.entries(value)) {
      if (!w?.enumerated && !w?.keys.has(key)) out.push(`${path}/${escapeKey(key)}`);
      else this.collectUnread(child, `${path}/${escapeKey(key)}`, out);
    }
  }
}

/** A key as a JSON-pointer segment. */
export function escapeKey(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}
