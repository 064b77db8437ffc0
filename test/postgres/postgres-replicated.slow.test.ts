/** PostgresReplicated's output passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { POOLER, build } from './_postgres-replicated';

const VALIDATOR = path.resolve(__dirname, '../../../shared/tools/kube-validate/validate');

describe('PostgresReplicated', () => {
  test('the synthesised YAML passes the strict schema validator', () => {
    if (!fs.existsSync(VALIDATOR)) {
      console.warn(`skipped: the strict validator ${VALIDATOR} does not exist here`);
      return;
    }
    const { objects } = build({ pooler: POOLER, synchronousReplicas: 1, storageClass: 'fast-ssd', namespace: 'shop' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-replicated-'));
    try {
      fs.writeFileSync(path.join(dir, 'postgres.yaml'), Yaml.stringify(...objects));
      expect(() => execFileSync(VALIDATOR, [dir], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
