/** Every object PostgresCluster emits, in every shape, passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { SCENARIOS, custom } from './_postgres-cluster-scenarios';
import { kubeValidate, kubeValidateAvailable } from '../_kube-validate';

describe('PostgresCluster output against the CRDs', () => {
  test('every object passes the shared strict validator (kube-validate)', () => {
    if (!kubeValidateAvailable()) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-cluster-'));
    try {
      Object.values(SCENARIOS).forEach((objects, i) => fs.writeFileSync(path.join(dir, `${i}.yaml`), Yaml.stringify(...custom(objects))));
      const result = kubeValidate(dir);
      expect(result.output).toMatch(/, 0 invalid/);
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
