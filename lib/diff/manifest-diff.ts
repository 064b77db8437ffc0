import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifests } from '../validate/read-manifests';
import type { KubeObject } from '../validate/manifest';
import { unifiedDiff } from './_unified-diff';

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
  /**
   * For a changed object: each field that differs, as `path: old -> new` (JSON values, in full), or, for a string of
   * several lines on either side (a rule file, nginx.conf, a script), `path:` followed by the unified diff of its
   * lines.
   */
  readonly fields: readonly string[];
  /**
   * For an object of a `base` folder: the region folders (`<tier>/regions/<region>`) whose Kustomization includes
   * that base, each a cluster the change reaches.
   */
  readonly reaches?: readonly string[];
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
  const reach = new Map([...baseReach(oldDir), ...baseReach(newDir)]);
  return out
    .map((d) => {
      const folder = d.subject.split(': ')[0];
      const regions = reach.get(folder);
      return regions ? { ...d, reaches: regions } : d;
    })
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

/**
 * Per `base` folder (`<tier>/base`), the sibling region folders whose Kustomization lists `../../base` (the layout
 * `writeTierManifests` writes), sorted.
 */
function baseReach(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!fs.existsSync(dir)) return out;
  for (const file of walk(dir)) {
    const parts = file.split(path.sep);
    if (parts.length !== 4 || parts[1] !== 'regions' || parts[3] !== 'Kustomization') continue;
    if (!/^\s*-\s*\.\.\/\.\.\/base\s*$/m.test(fs.readFileSync(path.join(dir, file), 'utf8'))) continue;
    const base = `${parts[0]}/base`;
    out.set(base, [...(out.get(base) ?? []), `${parts[0]}/regions/${parts[2]}`].sort());
  }
  return out;
}

/**
 * The differences as text: one line per object (with the regions a base object reaches), and an indented line per
 * field, the lines of a multi-line field's unified diff indented below it.
 */
export function formatDifferences(differences: readonly ManifestDifference[]): string {
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return differences
    .map((d) => {
      const reaches = d.reaches ? ` (reaches ${d.reaches.join(', ')})` : '';
      return [`${sign[d.change]} ${d.change} ${d.subject}${reaches}`, ...d.fields.flatMap((f) => f.split('\n').map((line, i) => `${i === 0 ? '    ' : '      '}${line}`))].join('\n');
    })
    .join('\n');
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
  const multiLine = (v: unknown) => typeof v === 'string' && v.includes('\n');
  if ((multiLine(a) || multiLine(b)) && (typeof a === 'string' || a === undefined) && (typeof b === 'string' || b === undefined)) {
    out.push([`${at || '(root)'}: (${a === undefined ? 'added' : b === undefined ? 'removed' : 'changed'} text)`, '--- old', '+++ new', ...unifiedDiff(a ?? '', b ?? '')].join('\n'));
    return;
  }
  out.push(`${at || '(root)'}: ${show(a)} -> ${show(b)}`);
}

/** A value as JSON, in full: a cut value hides the very change a reviewer looks for. */
function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}
