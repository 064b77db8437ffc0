import { PostgresReplicated } from '../../lib/postgres';
import { TierPostgres, deriveTier } from '../../lib/tier';
import { enterprise } from '../../tiers';
import { propsErrorOf } from '../_props';
import { testChart } from '../_synth';

describe('the tier and PostgresReplicated give the same verdict', () => {
  // The tier checks its `postgres` with the construct's own sizing check: a bound lives in one place.
  const SECRETS = {
    replicationPassword: { secretName: 'postgres-auth', key: 'replication-password' },
    appPassword: { secretName: 'postgres-auth', key: 'app-password' },
    poolerAuthPassword: { secretName: 'postgres-auth', key: 'pooler-password' },
  };

  /** The problems, without the `[where]` prefix and the tier's `postgres.` field prefix; [] when valid. */
  function verdict(fn: () => unknown): string[] {
    try {
      fn();
      return [];
    } catch (e) {
      return propsErrorOf(() => { throw e; }).split('\n').map((l) => l.replace(/^\[[^\]]+\] /, '').replace(/'postgres\./g, "'"));
    }
  }

  test.each<[string, Partial<TierPostgres>]>([
    ['readReplicas -1', { readReplicas: -1 }],
    ['readReplicas 0', { readReplicas: 0, synchronousReplicas: 0 }],
    ['readReplicas 32', { readReplicas: 32 }],
    ['readReplicas 33', { readReplicas: 33 }],
    ['synchronousReplicas -1', { synchronousReplicas: -1 }],
    ['synchronousReplicas = readReplicas', { synchronousReplicas: 3 }],
    ['synchronousReplicas > readReplicas', { synchronousReplicas: 4 }],
    ['maxConnections 0', { maxConnections: 0 }],
    ['maxConnections 10000', { maxConnections: 10000 }],
    ['maxConnections 10001', { maxConnections: 10001 }],
    ['pooler.poolSize 0', { pooler: { poolSize: 0, maxClientConnections: 200 } }],
    ['pooler.poolSize = maxConnections', { pooler: { poolSize: 200, maxClientConnections: 200 } }],
    ['pooler.poolSize > maxConnections', { pooler: { poolSize: 201, maxClientConnections: 200 } }],
    ['pooler.maxClientConnections 100000', { pooler: { poolSize: 25, maxClientConnections: 100000 } }],
    ['pooler.maxClientConnections 100001', { pooler: { poolSize: 25, maxClientConnections: 100001 } }],
    ['pooler.replicas 1', { pooler: { poolSize: 25, maxClientConnections: 200, replicas: 1 } }],
    ['a primary memory limit of 128Mi', { primaryResources: { requests: { cpu: '1', memory: '64Mi' }, limits: { cpu: '2', memory: '128Mi' } } }],
    ['storage "100 gigs"', { storage: '100 gigs' }],
    ['storageClass "Fast SSD"', { storageClass: 'Fast SSD' }],
  ])('%s', (_case, postgres) => {
    const props = { ...enterprise.postgres, ...postgres };
    const tier = verdict(() => deriveTier(enterprise, { postgres }));
    const construct = verdict(() => new PostgresReplicated(testChart(), 'pg', { ...props, ...SECRETS }));
    expect(tier).toEqual(construct);
  });

  test('the boundary cases above include both verdicts', () => {
    expect(verdict(() => deriveTier(enterprise, { postgres: { readReplicas: 33 } }))).toEqual(["'readReplicas' must be an integer between 0 and 32, got: 33"]);
    expect(verdict(() => deriveTier(enterprise, { postgres: { readReplicas: 32 } }))).toEqual([]);
  });
});
