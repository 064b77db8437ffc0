import {
  POSTGRES_ENDPOINTS_CONFIG_MAP, TIER_POSTGRES_NAME, hasCloudIngress, runsPostgresPerRegion, tierNginxAutoscaled, tierNginxLoadBalancerProps,
  tierPostgresClusterProps, tierPostgresReplicatedProps, tierScalableServiceProps,
} from '../../lib/tier';
import { TIERS, department, development, enterprise, team } from '../../tiers';

describe('the mapping of a tier to construct props', () => {
  test('the app: labelled with the tier, reached only through nginx when there is one, told where its database is', () => {
    // GIVEN the enterprise app behind nginx on CloudNativePG
    const props = tierScalableServiceProps('enterprise', enterprise.app, true, true);
    // THEN
    expect(props.image).toBe(enterprise.app.image);
    expect(props.labels).toEqual({ 'scaling-tiers.io/tier': 'enterprise' });
    expect(props.headlessService).toBe(true);
    expect(props.allowIngressFrom).toEqual([{ podLabels: { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'nginx' } }]);
    expect(props.envFromConfigMaps).toEqual([POSTGRES_ENDPOINTS_CONFIG_MAP]);
    expect(tierScalableServiceProps('development', development.app, false).allowIngressFrom).toEqual([{ podLabels: {} }]);
  });

  test('nginx: the rate limits become a global and a per-client zone, the trusted proxies the real-IP ranges and the ingress peers', () => {
    const props = tierNginxLoadBalancerProps(enterprise.nginx!);
    expect(props.config?.rateLimits).toEqual([
      { name: 'global', key: 'global', requests: 5000, per: 'minute', burst: 100 },
      { name: 'per_client', key: 'client', requests: 1000, per: 'minute', burst: 100 },
    ]);
    expect(props.config?.realIp).toEqual({ trustedCidrs: enterprise.nginx!.trustedProxyCidrs });
    expect(props.allowIngressFrom).toEqual(enterprise.nginx!.trustedProxyCidrs!.map((cidr) => ({ cidr })));
    expect(tierNginxLoadBalancerProps(team.nginx!).serviceType).toBe('LoadBalancer');
    expect([team, department, enterprise].map((t) => tierNginxAutoscaled(t.nginx!))).toEqual([false, true, true]);
  });

  test('PostgresReplicated: the sizing as it is, the passwords from one Secret, no engine or backup', () => {
    const props = tierPostgresReplicatedProps(team.postgres, { namespace: 'team', secretName: 'pg', allowIngressFrom: [] });
    expect(props).not.toHaveProperty('engine');
    expect(props).not.toHaveProperty('backup');
    expect(props.readReplicas).toBe(team.postgres.readReplicas);
    expect(props.replicationPassword).toEqual({ secretName: 'pg', key: 'replication-password' });
    expect(props.appPassword).toEqual({ secretName: 'pg', key: 'app-password' });
    expect(props.poolerAuthPassword).toEqual(team.postgres.pooler ? { secretName: 'pg', key: 'pooler-password' } : undefined);
  });

  test("PostgresCluster: a secondary region's member archives to its own region's bucket and follows the primary region", () => {
    // GIVEN enterprise's cluster in eu-west-1
    const props = tierPostgresClusterProps(enterprise.postgres, {
      namespace: 'enterprise', secretName: 'postgres-auth', allowIngressFrom: [], tier: 'enterprise', region: 'eu-west-1',
      regions: enterprise.regions, backupBucketPrefix: 'acme',
    });
    // THEN
    expect(props.name).toBe(TIER_POSTGRES_NAME);
    expect(props.appSecretName).toBe('postgres-auth-app');
    expect(props.backup?.destinationPath).toMatch(/^s3:\/\/acme-enterprise-pg-backups-euw1\//);
    expect(props.topology?.primary).not.toBe(props.topology?.self);
    expect(props.topology?.members).toHaveLength(enterprise.regions.length);
  });

  test('which tiers have cloud resources and which run a PostgreSQL cluster per region', () => {
    expect(TIERS.filter(hasCloudIngress).map((t) => t.name)).toEqual(['department', 'enterprise']);
    expect(TIERS.filter(runsPostgresPerRegion).map((t) => t.name)).toEqual(['department', 'enterprise']);
  });
});
