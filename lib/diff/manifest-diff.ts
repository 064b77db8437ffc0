import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifests } from '../validate/read-manifests';
import type { KubeObject } from '../validate/manifest';

/** One difference between two output folders. */
export interface ManifestDifference {
  /** `added` (only in the new output), `removed` (only in the old one) or `changed`. */
  readonly change: 'added' | 'removed' | 'changed';
  /**
   * What differs: `<folder>: <kind> <namespace>/<name>` for an object (the folder is what one Kustomization applies,
   * so an object moving between folders is removed from one and added to the other), or the path of a file that
   * holds no objects (`Kustomization`).
   */
  readonly subject: string;
  /** For a changed object: each field that differs, as `path: old -> new` (JSON values). */
  readonly fields: readonly string[];
}

/**
 * Compares two output folders (the committed `dist/` and a fresh synthesis) object by object: every object of
 * every `*.yaml`/`*.yml`/`*.json` file, keyed by its folder, apiVersion group, kind, namespace and name (not its file
 * or its position, which the cluster does not see), and every other file (the `Kustomization`s) by its text.
 *
 * @returns the differences, sorted by subject; empty when the folders deploy the same objects
 */
export function diffManifestFolders(oldDir: string, newDir: string): ManifestDifference[] {
  const before = objectsOf(oldDir);
  const after = objectsOf(newDir);
  const out: ManifestDifference[] = [];
  for (const [subject, object] of before) {
    const next = after.get(subject);
    if (next === undefined) out.push({ change: 'removed', subject, fields: [] });
    else {
      const fields: string[] = [];
      diffValues(object, next, '', fields);
      if (fields.length > 0) out.push({ change: 'changed', subject, fields });
    }
  }
  for (const subject of after.keys()) if (!before.has(subject)) out.push({ change: 'added', subject, fields: [] });
  return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

/** The differences as text, one line per object and an indented line per field. */
export function formatDifferences(differences: readonly ManifestDifference[]): string {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return differences.map((d) => [`${sign[d.change]} ${d.change} ${d.subject}`, ...d.fields.map((f) => `    ${f}`)].join('\n')).join('\n');
}

const MANIFEST_FILE = /\.(ya?ml|json)$/;

function objectsOf(dir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!fs.existsSync(dir)) return out;
  const { manifests, findings } = readManifests(dir);
  if (findings.length > 0) throw new Error(`cannot read ${dir}: ${findings.map((f) => `${f.file}: ${f.message}`).join('; ')}`);
  for (const { file, object } of manifests) {
    const key = `${path.dirname(file).split(path.sep).join('/')}: ${objectKey(object)}`;
    out.set(out.has(key) ? `${key} (${file}, again)` : key, object);
  }
  for (const file of walk(dir)) if (!MANIFEST_FILE.test(file)) out.set(file.split(path.sep).join('/'), { text: fs.readFileSync(path.join(dir, file), 'utf8').split('\n') });
  return out;
}

function objectKey(o: KubeObject): string {
  const group = typeof o.apiVersion === 'string' && o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  const namespace = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${String(o.kind)}${group} ${namespace}${String(o.metadata?.name)}`;
}

function walk(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? walk(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const fieldPath = (base: string, key: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);

/** Each differing leaf (or a subtree present on one side only) as `path: old -> new`. */
function diffValues(a: unknown, b: unknown, at: string, out: string[]): void {
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(a[key], b[key], fieldPath(at, key), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diffValues(a[i], b[i], `${at}[${i}]`, out);
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  out.push(`${at || '(root)'}: ${show(a)} -> ${show(b)}`);
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
