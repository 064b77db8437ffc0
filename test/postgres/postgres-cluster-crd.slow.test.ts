/** Every object PostgresCluster emits, in every shape, passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import { Yaml } from 'cdk8s';
import { SCENARIOS, custom } from './_postgres-cluster-scenarios';
import { kubeValidateAvailable, kubeValidateFiles } from '../_kube-validate';

describe('PostgresCluster output against the CRDs', () => {
  test('every object passes the shared strict validator (kube-validate)', () => {
    if (!kubeValidateAvailable()) return;
    const result = kubeValidateFiles(Object.fromEntries(Object.values(SCENARIOS).map((objects, i) => [`${i}.yaml`, Yaml.stringify(...custom(objects))])));
    expect(result.output).toMatch(/, 0 invalid/);
    expect(result.status).toBe(0);
  }, 120_000);
});
