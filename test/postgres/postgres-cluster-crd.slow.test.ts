/** Every object PostgresCluster emits, in every shape, passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { SCENARIOS, custom } from './_postgres-cluster-scenarios';

const VALIDATOR = path.resolve(__dirname, '../../../shared/tools/kube-validate/validate');

describe('PostgresCluster output against the CRDs', () => {
  test('every object passes the shared strict validator (kube-validate)', () => {
    if (!fs.existsSync(VALIDATOR)) {
      console.warn(`skipped: the strict validator ${VALIDATOR} does not exist here`);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-cluster-'));
    try {
      Object.values(SCENARIOS).forEach((objects, i) => fs.writeFileSync(path.join(dir, `${i}.yaml`), Yaml.stringify(...custom(objects))));
      const out = execFileSync(VALIDATOR, [dir], { encoding: 'utf8', stdio: 'pipe' });
      expect(out).toMatch(/ 0 invalid/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
