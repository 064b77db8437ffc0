import { App } from 'cdk8s';
import { TierChart } from '../../lib';
import { DeepPartial, TierSpec, deriveTier, validateTierSpec } from '../../lib/tier';
import * as tiersEntry from '../../tiers';
import { TIERS, development, enterprise, team } from '../../tiers';

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
    ['a Redis cluster with 2 masters', enterprise, { redis: { masters: 2 } }, "[tier enterprise] 'redis.masters' must be an integer between 3 and 1000 (a cluster needs a majority of masters to fail over), got: 2"],
    ['negative Redis replicas', enterprise, { redis: { replicasPerMaster: -1 } }, "[tier enterprise] 'redis.replicasPerMaster' must be an integer between 0 and 100, got: -1"],
    ['a standalone Redis with 3 masters', development, { redis: { masters: 3 } }, "[tier development] 'redis.masters' must be unset or 1 unless 'redis.mode' is \"cluster\", got: 3"],
    ['Sentinel on a Redis Cluster', enterprise, { redis: { sentinel: { downAfterMilliseconds: 5000 } } }, "[tier enterprise] 'redis.sentinel' must be unset unless 'redis.mode' is \"replicated\" (a Redis Cluster fails over by itself), got: {\"downAfterMilliseconds\":5000}"],
    ['a Sentinel failover timeout shorter than twice down-after', team, { redis: { sentinel: { failoverTimeout: 9000 } } }, "[tier team] 'redis.sentinel.failoverTimeout' must be at least twice 'downAfterMilliseconds' (10000): a failover must have time to finish before it is retried, got: 9000"],
    ['a TLS renewBefore not shorter than the duration', enterprise, { redis: { tls: { renewBefore: '2160h' } } }, "[tier enterprise] 'redis.tls.renewBefore' must be shorter than 'duration' (2160h), or the certificate is renewed as soon as it is issued, got: \"2160h\""],
    ['a Redis maxMemory below 1Mi', team, { redis: { maxMemory: '512Ki' } }, "[tier team] 'redis.maxMemory' must be at least \"1Mi\" (Redis needs room for its own bookkeeping), got: \"512Ki\""],
    ['more synchronous replicas than replicas', enterprise, { postgres: { synchronousReplicas: 4 } }, "[tier enterprise] 'postgres.synchronousReplicas' must be an integer between 0 and 'postgres.readReplicas' (3), got: 4"],
    ['an unknown Postgres engine', team, { postgres: { engine: 'crunchy' as never } }, "[tier team] 'postgres.engine' must be 'statefulset' or 'cloudnative-pg', got: \"crunchy\""],
    ['a WAL volume on the StatefulSet engine', development, { postgres: { walStorage: '5Gi' } }, "[tier development] 'postgres.walStorage' must be unset unless 'postgres.engine' is 'cloudnative-pg' (the StatefulSet engine keeps pg_wal on the data volume), got: \"5Gi\""],
    ['backups on the StatefulSet engine', enterprise, { postgres: { engine: 'statefulset' } }, "[tier enterprise] 'postgres.backup' must be unset unless 'postgres.engine' is 'cloudnative-pg' (backups use CloudNativePG's Barman Cloud plugin), got: {\"intervalHours\":1,\"retentionPolicy\":\"84m\",\"archiveTimeoutSeconds\":60}\n[tier enterprise] 'postgres.walStorage' must be unset unless 'postgres.engine' is 'cloudnative-pg' (the StatefulSet engine keeps pg_wal on the data volume), got: \"20Gi\""],
    ['a backup interval that does not divide a day', enterprise, { postgres: { backup: { intervalHours: 7 } } }, "[tier enterprise] 'postgres.backup.intervalHours' must be one of 1, 2, 3, 4, 6, 8, 12, 24 (hours that divide a day, so backups stay evenly spaced across midnight), got: 7"],
    ['a retention in years', enterprise, { postgres: { backup: { retentionPolicy: '7y' } } }, "[tier enterprise] 'postgres.backup.retentionPolicy' must be a retention of days, weeks or months matching ^[1-9][0-9]*[dwm]$ such as \"90d\", \"4w\" or \"84m\" (the CRD has no unit for years: 7 years is \"84m\"), got: \"7y\""],
    ['a pool larger than max_connections', enterprise, { postgres: { pooler: { poolSize: 600 } } }, "[tier enterprise] 'postgres.pooler.poolSize' must be an integer between 1 and 'postgres.maxConnections' (578), got: 600"],
    ['a capacity model with no concurrency', team, { capacity: { model: { concurrencyPercent: 0 } } }, "[tier team] 'capacity.model.concurrencyPercent' must be a percentage above 0 and at most 100, got: 0"],
    ['a capacity model with half a zone', team, { capacity: { model: { zones: 2.5 } } }, "[tier team] 'capacity.model.zones' must be a whole number of zones from 1 to 10, got: 2.5"],
    ['nginx max below min', enterprise, { nginx: { maxReplicas: 1 } }, "[tier enterprise] 'nginx.maxReplicas' must be an integer between 'nginx.replicas' (3) and 100, got: 1"],
    ['a region CIDR used twice', enterprise, { regions: [{ name: 'us-east-1', role: 'primary', vpcCidr: '10.30.0.0/16' }, { name: 'eu-west-1', role: 'secondary', vpcCidr: '10.30.0.0/16' }] }, "[tier enterprise] 'regions[1].vpcCidr' must be a CIDR not used by another region of the tier, got: \"10.30.0.0/16\""],
    ['replication factor 0', team, { replicationFactor: 0 }, "[tier team] 'replicationFactor' must be an integer between 1 and 7, got: 0"],
    ['an availability of 100 %', enterprise, { sla: { availabilityPercent: 100 } }, "[tier enterprise] 'sla.availabilityPercent' must be a percentage above 0 and below 100, got: 100"],
    ['a static path pattern CloudFront rejects', enterprise, { cdn: { staticPathPatterns: ['/static/*', '/a b/*'] } }, `[tier enterprise] 'cdn.staticPathPatterns[1]' must be a CloudFront path pattern: 1 to 255 of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & and the wildcards * ?, not '*' alone (the default behaviour is the API), got: "/a b/*"`],
  ])('rejects %s', (_case, base, overrides, message) => {
    expect(errorOf(base, overrides)).toBe(message);
  });
});

describe('the CDN (cdn)', () => {
  test('enterprise is served through the CDN with cached static paths; department can opt in', () => {
    expect(enterprise.cdn).toEqual({
      enabled: true,
      staticPathPatterns: ['/static/*', '/assets/*', '/favicon.ico'],
      waf: { perClientPerMinute: 1000, apiPathPrefixes: ['/api/'], ipReputation: true, logRetentionDays: 365 },
    });
    const dept = TIERS.find((t) => t.name === 'department')!;
    expect(dept.cdn?.enabled).toBe(false);
    expect(deriveTier(dept, { cdn: { enabled: true } }).cdn).toEqual({ enabled: true, staticPathPatterns: dept.cdn?.staticPathPatterns, waf: dept.cdn?.waf });
  });

  test('throws on an edge web ACL the cloud side would refuse, naming the tier field', () => {
    expect(() => validateTierSpec(deriveTier(enterprise, { cdn: { waf: { perClientPerMinute: 0 } } }))).toThrow(
      "[tier enterprise] 'cdn.waf.perClientPerMinute' must be an integer between 10 and 2000000000, got: 0",
    );
    expect(TIERS.filter((t) => t.cdn?.enabled).map((t) => t.name)).toEqual(['enterprise']);
  });
});

describe('the tiers entry (scaling-tiers/tiers)', () => {
  test('re-exports the tier model of lib/tier, so a platform repo derives its tiers from one import', () => {
    expect(tiersEntry.deriveTier).toBe(deriveTier);
    expect(tiersEntry.validateTierSpec).toBe(validateTierSpec);
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

describe('one rule for the tier and the construct', () => {
  /** Whether the tier validation accepts `tier`, and whether the chart builds it. */
  function verdicts(tier: TierSpec): { tier: boolean; construct: boolean } {
    const accepts = (fn: () => unknown): boolean => {
      try {
        fn();
        return true;
      } catch {
        return false;
      }
    };
    return { tier: accepts(() => validateTierSpec(tier)), construct: accepts(() => new TierChart(new App({ outdir: '/dev/null' }), tier.name, tier)) };
  }

  const withNginx = (n: Partial<NonNullable<TierSpec['nginx']>>): TierSpec => ({ ...enterprise, nginx: { ...enterprise.nginx!, ...n } });
  const withApp = (a: Partial<TierSpec['app']>): TierSpec => ({ ...development, app: { ...development.app, ...a } });

  test.each<[string, TierSpec, boolean]>([
    ['nginx replicas 1', withNginx({ replicas: 1, maxReplicas: undefined }), false],
    ['nginx replicas 2', withNginx({ replicas: 2, maxReplicas: undefined }), true],
    ['nginx replicas 100', withNginx({ replicas: 100, maxReplicas: undefined }), true],
    ['nginx replicas 101', withNginx({ replicas: 101, maxReplicas: undefined }), false],
    ['nginx maxReplicas below replicas', withNginx({ replicas: 3, maxReplicas: 2 }), false],
    ['nginx maxReplicas 100', withNginx({ replicas: 3, maxReplicas: 100 }), true],
    ['nginx maxReplicas 101', withNginx({ replicas: 3, maxReplicas: 101 }), false],
    ['nginx keepalive 0', withNginx({ upstream: { ...enterprise.nginx!.upstream, keepalive: 0 } }), false],
    ['nginx maxFails -1', withNginx({ upstream: { ...enterprise.nginx!.upstream, maxFails: -1 } }), false],
    ['nginx maxFails 0', withNginx({ upstream: { ...enterprise.nginx!.upstream, maxFails: 0 } }), true],
    ['nginx failTimeout "0s"', withNginx({ upstream: { ...enterprise.nginx!.upstream, failTimeout: '0s' } }), false],
    ['a trusted proxy range without a prefix', withNginx({ trustedProxyCidrs: ['10.30.0.1'] }), false],
    ['a trusted proxy range /33', withNginx({ trustedProxyCidrs: ['10.30.0.0/33'] }), false],
    ['a rate limit of 0 per minute', withNginx({ rateLimits: { globalPerMinute: 0, perClientPerMinute: 10, burst: 0 } }), false],
    ['app replicas 0', withApp({ replicas: 0 }), false],
    ['app replicas 1 with its reason', withApp({ replicas: 1 }), true],
    ['app replicas 1 without a reason', withApp({ replicas: 1, validationExemptions: undefined }), false],
    ['app replicas 1000', withApp({ replicas: 1000 }), true],
    ['app replicas 1001', withApp({ replicas: 1001 }), false],
    ['app replicas left to the default', withApp({ replicas: undefined, validationExemptions: undefined }), true],
    ['app replicas beside an HPA', { ...team, app: { ...team.app, replicas: 2 } }, false],
  ])('%s: the tier validation and the chart give the same verdict', (_case, tier, valid) => {
    expect(verdicts(tier)).toEqual({ tier: valid, construct: valid });
  });

  test('the tier names the field the tier data holds', () => {
    expect(errorOf(enterprise, { nginx: { upstream: { keepalive: 0 } } })).toBe("[tier enterprise] 'nginx.upstream.keepalive' must be an integer >= 1, got: 0");
    expect(errorOf(development, { app: { replicas: 0 } })).toBe("[tier development] 'app.replicas' must be an integer between 1 and 1000, got: 0");
  });
});
