/**
 * Every CloudNativePG, Barman Cloud and PodMonitor object PostgresCluster emits, in every shape (the tiers, each
 * region of a distributed topology, point-in-time recovery, no backups), against the CRDs:
 *   - strictly against their openAPIV3Schema, by the gate (and by the shared kube-validate tool, in
 *     postgres-cluster-crd.slow.test.ts);
 *   - against their CEL rules (`x-kubernetes-validations`), which JSON Schema does not check: each rule of the CRDs
 *     is restated here and evaluated, and a CRD rule without a restatement fails the test (so an upgraded CRD with a
 *     new rule is noticed);
 *   - against the rules CloudNativePG's admission webhook enforces (not in the CRD): synchronous number below
 *     `instances`, references between the objects, six-field schedules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CNPG_FIXED_PARAMETERS } from '../../lib/postgres/cnpg/cnpg-parameters';
import { SchemaRegistry } from '../../lib/validate/structure';
import { Manifest } from '../_synth';
import { CRD_FILES, SCENARIOS, custom } from './_postgres-cluster-scenarios';

const CRD_DIR = path.resolve(__dirname, '../../imports/crds');

// ---- CEL rules ------------------------------------------------------------------------------------------------

type Json = any;
/** A CEL rule of a CRD restated: evaluated on `self` (and `oldSelf` for transition rules). */
type Rule = (self: Json, oldSelf: Json) => boolean;
const has = (o: Json, key: string) => o !== null && typeof o === 'object' && o[key] !== undefined;

/** Each CEL rule of the CRDs, by kind and the rule's text, restated in TypeScript. */
const CEL: Record<string, Record<string, Rule>> = {
  Cluster: {
    '!(has(self.imageCatalogRef) && has(self.imageName))': (s) => !(has(s, 'imageCatalogRef') && has(s, 'imageName')),
    "!has(self.builtinLocale) || self.localeProvider == 'builtin'": (s) => !has(s, 'builtinLocale') || s.localeProvider === 'builtin',
    "!has(self.icuLocale) || self.localeProvider == 'icu'": (s) => !has(s, 'icuLocale') || s.localeProvider === 'icu',
    "!has(self.icuRules) || self.localeProvider == 'icu'": (s) => !has(s, 'icuRules') || s.localeProvider === 'icu',
    "self.kind == 'ImageCatalog' || self.kind == 'ClusterImageCatalog'": (s) => s.kind === 'ImageCatalog' || s.kind === 'ClusterImageCatalog',
    "self.apiGroup == 'postgresql.cnpg.io'": (s) => s.apiGroup === 'postgresql.cnpg.io',
    "self.dataDurability!='preferred' || ((!has(self.standbyNamesPre) || self.standbyNamesPre.size()==0) && (!has(self.standbyNamesPost) || self.standbyNamesPost.size()==0))":
      (s) => s.dataDurability !== 'preferred' || ((s.standbyNamesPre ?? []).length === 0 && (s.standbyNamesPost ?? []).length === 0),
    'self > 0': (s) => typeof s === 'number' && s > 0,
    'self == oldSelf': (s, old) => JSON.stringify(s) === JSON.stringify(old),
  },
  Pooler: {
    'self == oldSelf': (s, old) => JSON.stringify(s) === JSON.stringify(old),
  },
  ObjectStore: {
    '!has(self.serverName)': (s) => !has(s, 'serverName'),
  },
  ScheduledBackup: {},
  PodMonitor: {},
};

/** The CEL rules of a CRD: the path of the object they apply to (`[]` = each item) and the rule's text. */
const celCache = new Map<string, { path: string[]; rule: string }[]>();
function celRules(kind: string): { path: string[]; rule: string }[] {
  const cached = celCache.get(kind);
  if (cached) return cached;
  const crd = JSON.parse(fs.readFileSync(path.join(CRD_DIR, CRD_FILES[kind]), 'utf8'));
  const out: { path: string[]; rule: string }[] = [];
  const walk = (node: Json, at: string[]) => {
    for (const v of node['x-kubernetes-validations'] ?? []) out.push({ path: at, rule: v.rule });
    for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, [...at, k]);
    if (node.items) walk(node.items, [...at, '[]']);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, [...at, '{}']);
  };
  walk(crd.spec.versions[0].schema.openAPIV3Schema, []);
  celCache.set(kind, out);
  return out;
}

/** The values at `at` in `o` (several below an array). */
function valuesAt(o: Json, at: string[]): Json[] {
  if (at.length === 0) return o === undefined ? [] : [o];
  if (o === null || typeof o !== 'object') return [];
  const [head, ...rest] = at;
  if (head === '[]') return Array.isArray(o) ? o.flatMap((x) => valuesAt(x, rest)) : [];
  if (head === '{}') return Object.values(o).flatMap((x) => valuesAt(x, rest));
  return valuesAt(o[head], rest);
}

describe('PostgresCluster output against the CRDs', () => {
  test('every scenario emits each custom kind it should', () => {
    const kinds = (objects: Manifest[]) => [...new Set(custom(objects).map((o) => o.kind))].sort();
    expect(kinds(SCENARIOS['enterprise tier'])).toEqual(['Cluster', 'ObjectStore', 'PodMonitor', 'Pooler', 'ScheduledBackup']);
    expect(kinds(SCENARIOS['team tier'])).toEqual(['Cluster', 'PodMonitor', 'Pooler']);
  });

  describe.each(Object.entries(SCENARIOS))('%s', (_, objects) => {
    test('passes the gate\'s strict schema check (unknown fields rejected)', () => {
      const registry = new SchemaRegistry();
      const findings = custom(objects).flatMap((object) => registry.check({ file: 'postgres.yaml', object }));
      expect(findings).toEqual([]);
    });

    test('satisfies every CEL rule of the CRDs (x-kubernetes-validations)', () => {
      for (const o of custom(objects)) {
        for (const { path: at, rule } of celRules(o.kind)) {
          const check = CEL[o.kind][rule];
          expect({ kind: o.kind, rule, restated: check !== undefined }).toEqual({ kind: o.kind, rule, restated: true });
          // Transition rules compare with the previous version: a second synthesis must not change the field.
          for (const value of valuesAt(o, at)) expect({ kind: o.kind, at: at.join('.'), rule, ok: check(value, value) }).toMatchObject({ ok: true });
        }
      }
    });

    test("satisfies CloudNativePG's webhook rules and the references between the objects", () => {
      const clusters = objects.filter((o) => o.kind === 'Cluster');
      expect(clusters).toHaveLength(1);
      const c = clusters[0].spec;
      const stores = objects.filter((o) => o.kind === 'ObjectStore').map((o) => o.metadata.name);
      const external = (c.externalClusters ?? []).map((e: Json) => e.name);
      // synchronous: 0 < number < instances (the CEL rule checks only > 0)
      if (c.postgresql.synchronous) expect(c.postgresql.synchronous.number).toBeLessThanOrEqual(c.instances - 1);
      expect(c.minSyncReplicas).toBeUndefined();
      // No parameter the operator fixes; every value a string (map[string]string).
      for (const [k, v] of Object.entries(c.postgresql.parameters)) {
        expect(CNPG_FIXED_PARAMETERS).not.toContain(k);
        expect(typeof v).toBe('string');
      }
      // Plugins and external clusters name an ObjectStore of the output; sources name an external cluster.
      for (const p of [...(c.plugins ?? []), ...(c.externalClusters ?? []).map((e: Json) => e.plugin)]) {
        expect(p.name).toBe('barman-cloud.cloudnative-pg.io');
        expect(stores).toContain(p.parameters.barmanObjectName);
      }
      expect((c.plugins ?? []).filter((p: Json) => p.isWALArchiver)).toHaveLength(c.plugins ? 1 : 0);
      if (c.bootstrap.recovery) expect(external).toContain(c.bootstrap.recovery.source);
      if (c.replica) {
        expect(external).toEqual(expect.arrayContaining([c.replica.primary, c.replica.self, c.replica.source]));
        expect(c.replica.enabled).toBeUndefined();
      }
      // A cluster never archives into the server name it recovers or replicates from.
      if (c.plugins && c.bootstrap.recovery) {
        const from = c.externalClusters.find((e: Json) => e.name === c.bootstrap.recovery.source).plugin.parameters.serverName;
        expect(c.plugins[0].parameters.serverName).not.toBe(from);
      }
      for (const o of objects.filter((x) => x.kind === 'Pooler' || x.kind === 'ScheduledBackup')) expect(o.spec.cluster.name).toBe(clusters[0].metadata.name);
      for (const o of objects.filter((x) => x.kind === 'Pooler')) {
        expect(o.spec.instances).toBeGreaterThanOrEqual(2);
        expect(o.spec.pgbouncer.poolMode).toBe('transaction');
      }
      for (const o of objects.filter((x) => x.kind === 'ScheduledBackup')) {
        expect(o.spec.schedule.split(' ')).toHaveLength(6);
        expect(o.spec.method).toBe('plugin');
      }
      for (const o of objects.filter((x) => x.kind === 'ObjectStore')) {
        // The cluster's own store keeps the retention; another member's store is read only (its owner prunes it).
        const own = (c.plugins ?? []).some((p: Json) => p.parameters.barmanObjectName === o.metadata.name);
        if (own) expect(o.spec.retentionPolicy).toMatch(/^[1-9][0-9]*[dwm]$/);
        else expect([o.spec.retentionPolicy, o.spec.configuration.endpointURL]).toEqual([undefined, expect.stringMatching(/^https:\/\/s3\.[a-z0-9-]+\.amazonaws\.com$/)]);
        expect(o.spec.configuration.s3Credentials).toEqual({ inheritFromIAMRole: true });
        expect(o.spec.configuration.destinationPath).toMatch(/^s3:\/\/[a-z0-9-]+\/[a-z0-9-]+\/postgres\/$/);
      }
    });
  });

  test('a broken copy is caught: the gate rejects an unknown field (additionalProperties) and a bad enum, the CEL restatement a zero', () => {
    const registry = new SchemaRegistry();
    const c = JSON.parse(JSON.stringify(SCENARIOS['enterprise tier'].find((o) => o.kind === 'Cluster')));
    c.spec.postgresql.synchronous.method = 'all';
    c.spec.minReplicas = 2;
    // The set of findings (the schema walk lists a nested enum before its ancestor's additionalProperties).
    const findings = registry.check({ file: 'x.yaml', object: c }).map((f) => `${f.rule} ${f.field}`).sort();
    expect(findings).toEqual(['schema spec', 'schema spec.postgresql.synchronous.method']);
    delete c.spec.postgresql.synchronous.method;
    c.spec.postgresql.synchronous.method = 'any';
    expect(registry.check({ file: 'x.yaml', object: c }).map((f) => `${f.rule} ${f.field}`)).toEqual(['schema spec']);
    expect(CEL.Cluster['self > 0'](0, 0)).toBe(false);
  });
});
