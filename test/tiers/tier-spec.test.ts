import { DeepPartial, TIERS, TierSpec, deriveTier, enterprise, team, validateTierSpec } from '../../tiers';

function errorOf(base: TierSpec, overrides: DeepPartial<TierSpec>): string {
  try {
    deriveTier(base, overrides);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected deriveTier to throw');
}

describe('validateTierSpec', () => {
  test.each(TIERS.map((t) => [t.name, t]))('the built-in tier %s is valid', (_name, tier) => {
    expect(validateTierSpec(tier)).toBe(tier);
  });

  test.each<[string, TierSpec, DeepPartial<TierSpec>, string]>([
    ['min > max', team, { app: { autoscaling: { minReplicas: 12 } } }, "[tier team] 'app.autoscaling.minReplicas' must be an integer between 1 and 'app.autoscaling.maxReplicas' - 1 (9): an HPA with equal bounds cannot scale, got: 12"],
    ['utilisation above 100', team, { app: { autoscaling: { cpuUtilization: 150 } } }, "[tier team] 'app.autoscaling.cpuUtilization' must be an integer percentage between 1 and 100, got: 150"],
    ['an unparseable memory quantity', team, { app: { resources: { limits: { memory: '1 gig' } } } }, "[tier team] 'app.resources.limits.memory' must be a positive Kubernetes memory quantity such as \"512Mi\", \"2Gi\" or \"1G\", got: \"1 gig\""],
    ['requests above limits', team, { app: { resources: { requests: { cpu: '4' } } } }, "[tier team] 'app.resources.requests.cpu' must be at most 'app.resources.limits.cpu' (500m), got: \"4\""],
    ['a name that is not a DNS label', team, { name: 'Team_A' }, "[tier Team_A] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 43 characters), got: \"Team_A\""],
    ['no primary region', team, { regions: [{ name: 'us-east-1', role: 'secondary', vpcCidr: '10.10.0.0/16' }] }, "[tier team] 'regions' must be exactly one region with role 'primary', got: [\"us-east-1:secondary\"]"],
    ['a duplicate region', enterprise, { regions: [{ name: 'us-east-1', role: 'primary', vpcCidr: '10.30.0.0/16' }, { name: 'us-east-1', role: 'secondary', vpcCidr: '10.31.0.0/16' }] }, "[tier enterprise] 'regions[1].name' must be a region not listed twice, got: \"us-east-1\""],
    ['an unknown region name', team, { regions: [{ name: 'mars-north-1', role: 'primary', vpcCidr: '10.10.0.0/16' }] }, "[tier team] 'regions[0].name' must be an AWS region name such as \"us-east-1\", got: \"mars-north-1\""],
    ['a Redis cluster with 2 masters', enterprise, { redis: { masters: 2 } }, "[tier enterprise] 'redis.masters' must be an integer between 3 and 100 (a Redis Cluster needs at least 3 masters to elect a failover), got: 2"],
    ['negative Redis replicas', enterprise, { redis: { replicasPerMaster: -1 } }, "[tier enterprise] 'redis.replicasPerMaster' must be an integer between 0 and 10, got: -1"],
    ['more synchronous replicas than replicas', enterprise, { postgres: { synchronousReplicas: 4 } }, "[tier enterprise] 'postgres.synchronousReplicas' must be an integer between 0 and 'postgres.readReplicas' (3), got: 4"],
    ['an unknown Postgres engine', team, { postgres: { engine: 'crunchy' as never } }, "[tier team] 'postgres.engine' must be 'statefulset' or 'cloudnative-pg', got: \"crunchy\""],
    ['backups on the StatefulSet engine', enterprise, { postgres: { engine: 'statefulset' } }, "[tier enterprise] 'postgres.backup' must be unset unless 'postgres.engine' is 'cloudnative-pg' (backups use CloudNativePG's Barman Cloud plugin), got: {\"intervalHours\":1,\"retentionPolicy\":\"84m\",\"archiveTimeoutSeconds\":60}"],
    ['a backup interval that does not divide a day', enterprise, { postgres: { backup: { intervalHours: 7 } } }, "[tier enterprise] 'postgres.backup.intervalHours' must be one of 1, 2, 3, 4, 6, 8, 12, 24 (hours that divide a day, so backups stay evenly spaced across midnight), got: 7"],
    ['a retention in years', enterprise, { postgres: { backup: { retentionPolicy: '7y' } } }, "[tier enterprise] 'postgres.backup.retentionPolicy' must be a retention of days, weeks or months matching ^[1-9][0-9]*[dwm]$ such as \"90d\", \"4w\" or \"84m\" (the CRD has no unit for years: 7 years is \"84m\"), got: \"7y\""],
    ['a pool larger than max_connections', enterprise, { postgres: { pooler: { poolSize: 500 } } }, "[tier enterprise] 'postgres.pooler.poolSize' must be an integer between 1 and 'postgres.maxConnections' (200), got: 500"],
    ['nginx max below min', enterprise, { nginx: { maxReplicas: 1 } }, "[tier enterprise] 'nginx.maxReplicas' must be an integer between 'nginx.replicas' (3) and 100, got: 1"],
    ['a region CIDR used twice', enterprise, { regions: [{ name: 'us-east-1', role: 'primary', vpcCidr: '10.30.0.0/16' }, { name: 'eu-west-1', role: 'secondary', vpcCidr: '10.30.0.0/16' }] }, "[tier enterprise] 'regions[1].vpcCidr' must be a CIDR not used by another region of the tier, got: \"10.30.0.0/16\""],
    ['replication factor 0', team, { replicationFactor: 0 }, "[tier team] 'replicationFactor' must be an integer between 1 and 7, got: 0"],
    ['an availability of 100 %', enterprise, { sla: { availabilityPercent: 100 } }, "[tier enterprise] 'sla.availabilityPercent' must be a percentage above 0 and below 100, got: 100"],
  ])('rejects %s', (_case, base, overrides, message) => {
    expect(errorOf(base, overrides)).toBe(message);
  });
});

describe('deriveTier', () => {
  test('merges overrides in depth and leaves the base untouched', () => {
    const staging = deriveTier(team, { name: 'staging', app: { autoscaling: { maxReplicas: 4 }, image: 'registry.example.com/shop:2.3.1' } });
    expect(staging.name).toBe('staging');
    expect(staging.app.autoscaling).toEqual({ ...team.app.autoscaling, maxReplicas: 4 });
    expect(staging.app.image).toBe('registry.example.com/shop:2.3.1');
    expect(staging.app.resources).toBe(team.app.resources);
    expect(team.app.autoscaling?.maxReplicas).toBe(10);
  });

  test('replaces arrays whole', () => {
    const single = deriveTier(enterprise, { name: 'single', regions: [{ name: 'eu-central-1', role: 'primary', vpcCidr: '10.40.0.0/16' }] });
    expect(single.regions).toEqual([{ name: 'eu-central-1', role: 'primary', vpcCidr: '10.40.0.0/16' }]);
  });
});
