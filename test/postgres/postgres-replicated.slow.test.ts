/** PostgresReplicated's output passes the shared kube-validate tool: a slow suite (a node process), run by `npm run test:all`. */
import { Yaml } from 'cdk8s';
import { POOLER, build } from './_postgres-replicated';
import { kubeValidateAvailable, kubeValidateFiles } from '../_kube-validate';

describe('PostgresReplicated', () => {
  test('the synthesised YAML passes the strict schema validator', () => {
    if (!kubeValidateAvailable()) return;
    const { objects } = build({ pooler: POOLER, synchronousReplicas: 1, storageClass: 'fast-ssd', namespace: 'shop' });
    const result = kubeValidateFiles({ 'postgres.yaml': Yaml.stringify(...objects) });
    expect(result.output).toMatch(/, 0 invalid/);
    expect(result.status).toBe(0);
  }, 120_000);
});
