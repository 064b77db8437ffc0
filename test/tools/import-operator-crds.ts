/**
 * Writes the operator CRDs the library emits resources of into `imports/crds/`: CloudNativePG's Cluster, Pooler and
 * ScheduledBackup, the Barman Cloud plugin's ObjectStore and the Prometheus Operator's PodMonitor. The source is a
 * folder of their `openAPIV3Schema`s in the datree CRDs-catalog layout (`<group>_<kind>_<version>.json`, e.g.
 * `postgresql.cnpg.io_cluster_v1.json`); each is wrapped in the CustomResourceDefinition the gate reads, without
 * descriptions (`compact-crds.ts`).
 *
 *   node -r ./apps/_ts-register.js test/tools/import-operator-crds.ts <schema folder>      then: npm run generate:validators
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compactCrd } from './compact-crds';

/** The imported CRDs: file in imports/crds, group, kind, plural, version and the source schema's file name. */
export const OPERATOR_CRDS = [
  { file: 'cnpg-cluster-v1.json', group: 'postgresql.cnpg.io', kind: 'Cluster', plural: 'clusters', version: 'v1' },
  { file: 'cnpg-pooler-v1.json', group: 'postgresql.cnpg.io', kind: 'Pooler', plural: 'poolers', version: 'v1' },
  { file: 'cnpg-scheduledbackup-v1.json', group: 'postgresql.cnpg.io', kind: 'ScheduledBackup', plural: 'scheduledbackups', version: 'v1' },
  { file: 'barmancloud-objectstore-v1.json', group: 'barmancloud.cnpg.io', kind: 'ObjectStore', plural: 'objectstores', version: 'v1' },
  { file: 'podmonitor-v1.json', group: 'monitoring.coreos.com', kind: 'PodMonitor', plural: 'podmonitors', version: 'v1' },
] as const;

if (require.main === module) {
  const from = process.argv[2];
  if (!from) throw new Error('usage: import-operator-crds.ts <schema folder>');
  for (const c of OPERATOR_CRDS) {
    const source = path.join(from, `${c.group}_${c.kind.toLowerCase()}_${c.version}.json`);
    const schema = JSON.parse(fs.readFileSync(source, 'utf8')) as unknown;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${c.plural}.${c.group}` },
      spec: {
        group: c.group,
        names: { kind: c.kind, listKind: `${c.kind}List`, plural: c.plural, singular: c.kind.toLowerCase() },
        scope: 'Namespaced',
        versions: [{ name: c.version, served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      },
    };
    fs.writeFileSync(path.join(__dirname, '..', '..', 'imports', 'crds', c.file), `${JSON.stringify(compactCrd(crd))}\n`);
    console.log(`wrote imports/crds/${c.file} from ${source}`);
  }
}
