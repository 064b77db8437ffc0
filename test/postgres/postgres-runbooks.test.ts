/**
 * The runbooks of lib/postgres/README.md, step by step as tier data (test/postgres/_postgres-runbooks.ts): what each
 * step makes every region's Cluster do, and that every region's output passes the validation gate, whose
 * `cnpg-webhook` rule restates CloudNativePG's admission webhook (the CRDs' schemas and CEL rules are checked on the
 * same steps by postgres-cluster-crd.test.ts and, with the shared kube-validate, its slow suite).
 */
import { deriveTier } from '../../lib/tier';
import { validateManifests } from '../../lib/validate';
import { enterprise } from '../../tiers';
import { DEMOTION_TOKEN, PITR_RECOVERY, RUNBOOK_STEPS, pitrByRegion, postgresByRegion } from './_postgres-runbooks';

type Json = any;
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
const step = (name: string) => RUNBOOK_STEPS.find(([n]) => n.startsWith(name))![1];
/** Each region's Cluster spec after a step. */
function clusters(change: object): Record<string, Json> {
  const byRegion = postgresByRegion(deriveTier(enterprise, change));
  return Object.fromEntries(REGIONS.map((r) => [r, byRegion[r].find((o) => o.kind === 'Cluster')!]));
}
/** `primary/source[/token]` as each region sees it. */
const replicaOf = (c: Json) => `${c.spec.replica.primary.replace('postgres-', '')} <- ${c.spec.replica.source.replace('postgres-', '')}${c.spec.replica.promotionToken ? ' +token' : ''}`;
const archiveOf = (c: Json) => c.spec.plugins[0].parameters.serverName;

describe('the Postgres runbooks as tier data', () => {
  test.each(RUNBOOK_STEPS.map(([name, change]) => [name, change] as const))('%s: every region passes the gate (CloudNativePG webhook rules included)', (_, change) => {
    const byRegion = postgresByRegion(deriveTier(enterprise, change));
    expect(Object.keys(byRegion).sort()).toEqual([...REGIONS].sort());
    for (const [region, objects] of Object.entries(byRegion)) {
      const findings = validateManifests(objects.map((object) => ({ file: `regions/${region}/postgres.yaml`, object })));
      expect(findings).toEqual([]);
    }
  });

  test('steady state: one primary; every replica cluster follows it; the primary would follow the secondary region', () => {
    const c = clusters(step('steady'));
    expect(Object.fromEntries(REGIONS.map((r) => [r, replicaOf(c[r])]))).toEqual({
      'us-east-1': 'us-east-1 <- eu-west-1', 'eu-west-1': 'us-east-1 <- us-east-1', 'ap-southeast-1': 'us-east-1 <- us-east-1',
    });
    expect(c['us-east-1'].spec.bootstrap.initdb).toBeDefined();
    for (const r of ['eu-west-1', 'ap-southeast-1']) expect(c[r].spec.bootstrap).toEqual({ recovery: { source: 'postgres-us-east-1', database: 'app', owner: 'app', secret: { name: 'postgres-auth-app' } } });
  });

  test('planned switchover: demote first (the others keep following us-east-1), then promote with the token, then one primary region', () => {
    const demote = clusters(step('planned switchover, 1'));
    expect(Object.fromEntries(REGIONS.map((r) => [r, replicaOf(demote[r])]))).toEqual({
      'us-east-1': 'eu-west-1 <- eu-west-1', 'eu-west-1': 'us-east-1 <- us-east-1', 'ap-southeast-1': 'us-east-1 <- us-east-1',
    });
    const promote = clusters(step('planned switchover, 2'));
    expect(Object.fromEntries(REGIONS.map((r) => [r, replicaOf(promote[r])]))).toEqual({
      'us-east-1': 'eu-west-1 <- eu-west-1', 'eu-west-1': 'eu-west-1 <- us-east-1 +token', 'ap-southeast-1': 'eu-west-1 <- eu-west-1',
    });
    expect(promote['eu-west-1'].spec.replica.promotionToken).toBe(DEMOTION_TOKEN);
    // Created as a replica cluster, the promoted member keeps its recovery bootstrap (it is read only at creation).
    expect(promote['eu-west-1'].spec.bootstrap.recovery).toBeDefined();
    const done = clusters(step('planned switchover, 3'));
    expect(Object.fromEntries(REGIONS.map((r) => [r, replicaOf(done[r])]))).toEqual({
      'us-east-1': 'eu-west-1 <- eu-west-1', 'eu-west-1': 'eu-west-1 <- us-east-1', 'ap-southeast-1': 'eu-west-1 <- eu-west-1',
    });
    // A demoted primary keeps its data and its archive folder (no re-clone with a demotion token).
    expect(REGIONS.map((r) => archiveOf(done[r]))).toEqual(REGIONS.map((r) => `postgres-${r}`));
  });

  test('unplanned failover: the re-cloned former primary archives into a fresh folder and bootstraps from the new primary', () => {
    const c = clusters(step('unplanned failover'));
    expect(archiveOf(c['us-east-1'])).toBe('postgres-us-east-1-g2');
    expect(c['us-east-1'].spec.bootstrap.recovery.source).toBe('postgres-eu-west-1');
    expect(c['us-east-1'].spec.replica.self).toBe('postgres-us-east-1'); // the member keeps its name
    // Every other region reads us-east-1's new folder.
    for (const r of ['eu-west-1', 'ap-southeast-1']) {
      expect(c[r].spec.externalClusters.find((e: Json) => e.name === 'postgres-us-east-1').plugin.parameters.serverName).toBe('postgres-us-east-1-g2');
    }
  });

  test('region rebuild: only the rebuilt region changes folder; it bootstraps from the primary', () => {
    const c = clusters(step('region rebuild'));
    expect(REGIONS.map((r) => archiveOf(c[r]))).toEqual(['postgres-us-east-1', 'postgres-eu-west-1', 'postgres-ap-southeast-1-g2']);
    expect(c['ap-southeast-1'].spec.bootstrap.recovery.source).toBe('postgres-us-east-1');
  });

  test('point-in-time recovery of the topology: the primary recovers from its old folder into a new one; the others re-clone from it', () => {
    const byRegion = pitrByRegion();
    for (const [region, objects] of Object.entries(byRegion)) {
      expect(validateManifests(objects.map((object) => ({ file: `regions/${region}/postgres.yaml`, object })))).toEqual([]);
    }
    const c = Object.fromEntries(Object.entries(byRegion).map(([r, o]) => [r, o.find((x) => x.kind === 'Cluster')!]));
    expect(c['us-east-1'].spec.bootstrap.recovery).toMatchObject({ source: 'origin', recoveryTarget: { targetTime: PITR_RECOVERY.targetTime }, database: 'app', owner: 'app' });
    expect(c['us-east-1'].spec.externalClusters[0]).toEqual({ name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'postgres-backups', serverName: 'postgres-us-east-1' } } });
    expect(archiveOf(c['us-east-1'])).toBe('postgres-us-east-1-g2');
    for (const r of ['eu-west-1', 'ap-southeast-1']) {
      expect(c[r].spec.bootstrap.recovery).toMatchObject({ source: 'postgres-us-east-1' });
      expect(c[r].spec.bootstrap.recovery.recoveryTarget).toBeUndefined();
      expect(c[r].spec.externalClusters.find((e: Json) => e.name === 'postgres-us-east-1').plugin.parameters.serverName).toBe('postgres-us-east-1-g2');
    }
  });

  test('the tier refuses a switchover to the primary itself, an unknown region and a bad generation', () => {
    expect(() => deriveTier(enterprise, { postgres: { switchover: { to: 'us-east-1' } } })).toThrow(/'postgres.switchover.to' must be a region other than the current primary/);
    expect(() => deriveTier(enterprise, { postgres: { primaryRegion: 'mars-1' } })).toThrow(/'postgres.primaryRegion' must be one of the tier's regions/);
    expect(() => deriveTier(enterprise, { postgres: { generations: { 'us-east-1': 0 } } })).toThrow(/'postgres.generations.us-east-1' must be an integer between 1 and 999, got: 0/);
  });
});
