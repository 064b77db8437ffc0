/** A Kubernetes object as read from a manifest: only `apiVersion`, `kind` and `metadata` are assumed. */
export interface KubeObject {
  /** The object's API group and version, e.g. `apps/v1` (a finding when missing or not a string). */
  readonly apiVersion?: unknown;
  /** The object's kind, e.g. `Deployment` (a finding when missing or not a string). */
  readonly kind?: unknown;
  /** The object's name, namespace, labels and annotations. */
  readonly metadata?: KubeMetadata;
  /** Every other field (`spec`, `data`, ...), as parsed. */
  readonly [field: string]: unknown;
}

/** The parts of `metadata` the checks read. */
export interface KubeMetadata {
  /** The object's name. */
  readonly name?: string;
  /** The object's namespace (none for cluster-scoped kinds). */
  readonly namespace?: string;
  /** The object's labels. */
  readonly labels?: Record<string, string>;
  /** The object's annotations, among them the gate's own (`validate.scaling-tiers.io/...`). */
  readonly annotations?: Record<string, string>;
  /** Every other metadata field, as parsed. */
  readonly [field: string]: unknown;
}

/** One object of a manifest file. */
export interface Manifest {
  /** The file the object came from (relative to the folder checked), used in findings. */
  readonly file: string;
  /** The parsed object. */
  readonly object: KubeObject;
}

/** One problem found in synthesised output. */
export interface Finding {
  /** The rule that found it (see `RULES`). */
  readonly rule: string;
  /** The file the object came from. */
  readonly file: string;
  /** The object's kind (`?` when it has none). */
  readonly kind: string;
  /** The object's name (`?` when it has none). */
  readonly name: string;
  /** The object's namespace, when it sets one. */
  readonly namespace?: string;
  /** The path of the offending field, dotted with indexes: `spec.template.spec.containers[0].image`. */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** The kind of an object, or `?`. */
export function kindOf(o: KubeObject): string {
  return typeof o.kind === 'string' ? o.kind : '?';
}

/** The name of an object, or `?`. */
export function nameOf(o: KubeObject): string {
  return typeof o.metadata?.name === 'string' ? o.metadata.name : '?';
}

/** `Kind/name`, the way findings and messages refer to an object. */
export function refOf(o: KubeObject): string {
  return `${kindOf(o)}/${nameOf(o)}`;
}

/** Builds a finding about one manifest. */
export function finding(m: Manifest, rule: string, field: string, message: string): Finding {
  const namespace = m.object.metadata?.namespace;
  return { rule, file: m.file, kind: kindOf(m.object), name: nameOf(m.object), ...(namespace ? { namespace } : {}), field, message };
}

/** Reads `obj[key]` as a plain object, or undefined. */
export function objectAt(obj: unknown, key: string): Record<string, unknown> | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const value = (obj as Record<string, unknown>)[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads `obj[key]` as an array of plain objects (anything else counts as empty). */
export function arrayAt(obj: unknown, key: string): Record<string, unknown>[] {
  if (obj === null || typeof obj !== 'object') return [];
  const value = (obj as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object') : [];
}
