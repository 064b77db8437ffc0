/** Every mode of RedisDeployment passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { MODES, build } from './_redis-deployment';

const VALIDATOR = path.resolve(__dirname, '../../../shared/tools/kube-validate/validate');

describe('RedisDeployment', () => {
  const validatorTest = fs.existsSync(VALIDATOR) ? test : test.skip;
  if (!fs.existsSync(VALIDATOR)) console.warn(`skipping the strict schema validation: ${VALIDATOR} not found`);
  validatorTest('every mode passes the strict schema validator', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-deployment-'));
    try {
      for (const [mode, props] of MODES) {
        fs.writeFileSync(path.join(dir, `${mode}.yaml`), Yaml.stringify(...build(props).objects));
      }
      const result = spawnSync(VALIDATOR, [dir], { encoding: 'utf8', timeout: 120_000 });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: expect.any(String) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
