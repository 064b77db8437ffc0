import * as fs from 'node:fs';
import * as path from 'node:path';
import { Finding, KubeObject, Manifest } from './manifest';

/** Manifests read from files, and the files that did not parse. */
export interface ReadResult {
  /** Every object of every file that parsed, in file and document order. */
  readonly manifests: Manifest[];
  /** One `yaml` finding per document that failed to parse. */
  readonly findings: Finding[];
}

/**
 * Reads every `*.yaml`, `*.yml` and `*.json` file under `dir` (recursively, in name order) as Kubernetes objects.
 * Empty documents are skipped; kustomize's `Kustomization` files are not objects and are not read.
 */
export function readManifests(dir: string): ReadResult {
  // Loaded here rather than at the top: synthesis, which imports this library's root entry, never parses YAML.
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  const manifests: Manifest[] = [];
  const findings: Finding[] = [];
  for (const file of listFiles(dir)) {
    const rel = path.relative(dir, file) || path.basename(file);
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) {
        findings.push({ rule: 'yaml', file: rel, kind: '?', name: '?', field: '(document)', message: doc.errors.map((e) => e.message).join('; ') });
        continue;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      // kustomize's own Kustomization (not Flux's kustomize.toolkit.fluxcd.io Kustomization, which is an object).
      if (typeof value === 'object' && !Array.isArray(value) && (value as KubeObject).kind === 'Kustomization' && String((value as KubeObject).apiVersion).startsWith('kustomize.config.k8s.io/')) continue;
      manifests.push({ file: rel, object: (typeof value === 'object' && !Array.isArray(value) ? value : {}) as KubeObject });
    }
  }
  return { manifests, findings };
}

function listFiles(target: string): string[] {
  if (fs.statSync(target).isFile()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const full = path.join(target, e.name);
      if (e.isDirectory()) return listFiles(full);
      return /\.(ya?ml|json)$/.test(e.name) ? [full] : [];
    });
}
