/** Every mode of RedisDeployment passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import { Yaml } from 'cdk8s';
import { MODES, build } from './_redis-deployment';
import { kubeValidateAvailable, kubeValidateFiles } from '../_kube-validate';

describe('RedisDeployment', () => {
  test('every mode passes the strict schema validator', () => {
    if (!kubeValidateAvailable()) return;
    const result = kubeValidateFiles(Object.fromEntries(MODES.map(([mode, props]) => [`${mode}.yaml`, Yaml.stringify(...build(props).objects)])));
    expect(result.output).toMatch(/, 0 invalid/);
    expect(result.status).toBe(0);
  }, 180_000);
});
