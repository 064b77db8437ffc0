/** Every mode of RedisDeployment passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { MODES, build } from './_redis-deployment';
import { kubeValidate, kubeValidateAvailable } from '../_kube-validate';

describe('RedisDeployment', () => {
  test('every mode passes the strict schema validator', () => {
    if (!kubeValidateAvailable()) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-deployment-'));
    try {
      for (const [mode, props] of MODES) {
        fs.writeFileSync(path.join(dir, `${mode}.yaml`), Yaml.stringify(...build(props).objects));
      }
      const result = kubeValidate(dir);
      expect(result.output).toMatch(/, 0 invalid/);
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
