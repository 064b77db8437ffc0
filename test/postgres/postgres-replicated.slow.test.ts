/** PostgresReplicated's output passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { POOLER, build } from './_postgres-replicated';
import { kubeValidate, kubeValidateAvailable } from '../_kube-validate';

describe('PostgresReplicated', () => {
  test('the synthesised YAML passes the strict schema validator', () => {
    if (!kubeValidateAvailable()) return;
    const { objects } = build({ pooler: POOLER, synchronousReplicas: 1, storageClass: 'fast-ssd', namespace: 'shop' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-replicated-'));
    try {
      fs.writeFileSync(path.join(dir, 'postgres.yaml'), Yaml.stringify(...objects));
      const result = kubeValidate(dir);
      expect(result.output).toMatch(/, 0 invalid/);
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
