import { CronExpressionParser } from 'cron-parser';
import { Testing } from 'cdk8s';
import { PostgresCluster, PostgresClusterProps } from '../../lib/postgres/cnpg/postgres-cluster';
import { POSTGRES_ENDPOINT_ENV, postgresClusterEnv, postgresClusterTopologyFor } from '../../lib/postgres/cnpg/postgres-cluster-endpoints';
import { CNPG_FIXED_PARAMETERS, cnpgPostgresParameters, walRetentionForVolume } from '../../lib/postgres/cnpg/cnpg-parameters';
import { BACKUP_INTERVAL_HOURS, cnpgBackupSchedule } from '../../lib/postgres/cnpg/cnpg-backup-schedule';
import { postgresqlConf } from '../../lib/postgres/postgres-conf';
import { postgresBackupLocationFor } from '../../lib/cloud/postgres-backup-location';
import { Manifest, named, ofKind, one, synth, testChart } from '../_synth';
import { propsErrorOf } from '../_props';
import { App } from 'cdk8s';
import { TierChart } from '../../lib/chart/tier-chart';
import { deriveTier, department, enterprise } from '../../tiers';

const LOCATION = postgresBackupLocationFor({ tier: 'enterprise', region: 'us-east-1', bucketPrefix: 'acme', clusterName: 'postgres' });

const BASE: PostgresClusterProps = {
  namespace: 'shop',
  readReplicas: 3,
  synchronousReplicas: 1,
  resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } },
  storage: '100Gi',
  storageClass: 'fast-ssd',
  maxConnections: 200,
  pooler: { poolSize: 25, maxClientConnections: 200 },
  appSecretName: 'postgres-app',
  allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'web' } }],
  backup: { destinationPath: LOCATION.destinationPath, region: 'us-east-1', intervalHours: 1, retentionPolicy: '84m' },
};

function build(props: Partial<PostgresClusterProps> = {}) {
  const chart = testChart();
  const cluster = new PostgresCluster(chart, 'pg', { ...BASE, ...props });
  return { cluster, objects: synth(chart) };
}

function errorOf(props: Partial<PostgresClusterProps>): string {
  return propsErrorOf(() => build(props));
}

const REGIONS = [
  { name: 'us-east-1', role: 'primary' as const },
  { name: 'eu-west-1', role: 'secondary' as const },
  { name: 'ap-southeast-1', role: 'read-only' as const },
];

describe('PostgresCluster', () => {
  test('a Cluster, two Poolers, two PodMonitors, two NetworkPolicies, an ObjectStore and a ScheduledBackup', () => {
    // GIVEN / WHEN
    const { cluster, objects } = build();

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Cluster/postgres',
      'Pooler/postgres-pooler-rw',
      'PodDisruptionBudget/postgres-pooler-rw',
      'Pooler/postgres-pooler-ro',
      'PodDisruptionBudget/postgres-pooler-ro',
      'PodMonitor/postgres',
      'PodMonitor/postgres-pooler',
      'NetworkPolicy/postgres-instances',
      'NetworkPolicy/postgres-pooler',
      'ObjectStore/postgres-backups',
      'ScheduledBackup/postgres',
    ]);
    expect(objects.every((o) => o.metadata.namespace === 'shop')).toBe(true);
    expect(cluster.readWritePoolerName).toBe('postgres-pooler-rw');
    expect(cluster.readOnlyPoolerName).toBe('postgres-pooler-ro');
    expect(cluster.archiveServerName).toBe('postgres');
    expect(objects).toMatchSnapshot();
  });

  test('the Cluster: 1 + read replicas instances, storage, resources, spread over nodes and zones', () => {
    const spec = one(build().objects, 'Cluster').spec;
    expect(spec.instances).toBe(4);
    expect(spec.storage).toEqual({ size: '100Gi', storageClass: 'fast-ssd' });
    expect(spec.resources).toEqual(BASE.resources);
    expect(spec.affinity).toEqual({ enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'preferred' });
    expect(spec.topologySpreadConstraints).toEqual([{
      topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'cnpg.io/cluster': 'postgres', 'cnpg.io/podRole': 'instance' } },
    }]);
    expect(spec.primaryUpdateMethod).toBe('switchover');
    expect(spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:15.13-standard-bookworm');
  });

  test('synchronous replication through postgresql.synchronous (method any), never minSyncReplicas', () => {
    const spec = one(build().objects, 'Cluster').spec;
    expect(spec.postgresql.synchronous).toEqual({ method: 'any', number: 1, dataDurability: 'required' });
    expect(spec.minSyncReplicas).toBeUndefined();
    expect(spec.maxSyncReplicas).toBeUndefined();
    expect(one(build({ synchronousReplicas: 0 }).objects, 'Cluster').spec.postgresql.synchronous).toBeUndefined();
    expect(one(build({ synchronousReplicas: 3, dataDurability: 'preferred' }).objects, 'Cluster').spec.postgresql.synchronous)
      .toEqual({ method: 'any', number: 3, dataDurability: 'preferred' });
  });

  test('WAL retention is scaled to the data volume it shares: 1 % kept, 10 % at most pinned by slots', () => {
    expect(walRetentionForVolume('100Gi')).toEqual({ walKeepSizeMiB: 1024, maxSlotWalKeepSizeMiB: 10240 }); // the seed's figures
    expect(walRetentionForVolume('20Gi')).toEqual({ walKeepSizeMiB: 204, maxSlotWalKeepSizeMiB: 2048 }); // team
    expect(walRetentionForVolume('1Gi')).toEqual({ walKeepSizeMiB: 64, maxSlotWalKeepSizeMiB: 1024 }); // the floors
    const team = one(build({ storage: '20Gi' }).objects, 'Cluster').spec.postgresql.parameters;
    expect([team.wal_keep_size, team.max_slot_wal_keep_size]).toEqual(['204MB', '2048MB']);
    expect(() => walRetentionForVolume('lots')).toThrow("[walRetentionForVolume] 'volumeSize' must be a positive Kubernetes storage quantity such as \"20Gi\", got: \"lots\"");
  });

  test('a separate WAL volume in the data volume\'s class; the WAL retention then follows that volume', () => {
    const spec = one(build({ walStorage: '20Gi' }).objects, 'Cluster').spec;
    expect(spec.walStorage).toEqual({ size: '20Gi', storageClass: 'fast-ssd' });
    expect([spec.postgresql.parameters.wal_keep_size, spec.postgresql.parameters.max_slot_wal_keep_size]).toEqual(['204MB', '2048MB']);
    expect(one(build().objects, 'Cluster').spec.walStorage).toBeUndefined(); // pg_wal on the 100Gi data volume by default
  });

  test("the tuned parameters are the StatefulSet engine's, without the ones CloudNativePG fixes", () => {
    const parameters = one(build().objects, 'Cluster').spec.postgresql.parameters as Record<string, string>;
    expect(parameters).toEqual(cnpgPostgresParameters({ memoryLimit: '8Gi', maxConnections: 200, archiveTimeoutSeconds: 60 }));
    expect(parameters).toMatchObject({
      shared_buffers: '2048MB', effective_cache_size: '6144MB', work_mem: '10MB', maintenance_work_mem: '512MB',
      max_connections: '200', archive_timeout: '60s', hot_standby_feedback: 'on', wal_keep_size: '1024MB',
    });
    for (const fixed of [...CNPG_FIXED_PARAMETERS, 'wal_level', 'max_wal_senders', 'max_replication_slots']) expect(parameters[fixed]).toBeUndefined();
    // Every value equals the StatefulSet engine's postgresql.conf line for the same limit.
    const conf = postgresqlConf({ replicas: 0, maxConnections: 200, primaryMemoryLimit: '8Gi', replicationPassword: { secretName: 's', key: 'k' } }, 'primary');
    for (const [key, value] of Object.entries(parameters)) {
      if (key === 'archive_timeout') continue;
      expect(conf).toMatch(new RegExp(`^${key} = '?${value}'?$`, 'm'));
    }
    expect(Object.values(parameters).every((v) => typeof v === 'string')).toBe(true);
  });

  test('no password anywhere: the app role and the superuser come from Secrets the platform creates', () => {
    const { objects } = build({ superuserSecretName: 'postgres-superuser' });
    const spec = one(objects, 'Cluster').spec;
    expect(spec.bootstrap).toEqual({ initdb: { database: 'app', owner: 'app', secret: { name: 'postgres-app' }, dataChecksums: true } });
    expect(spec.enableSuperuserAccess).toBe(true);
    expect(spec.superuserSecret).toEqual({ name: 'postgres-superuser' });
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/password"\s*:\s*"/i);
    expect(one(build().objects, 'Cluster').spec.enableSuperuserAccess).toBe(false);
  });

  test('Poolers: rw and ro in transaction mode, 2 pods each, parameters from the props, sized, spread and budgeted', () => {
    const { objects } = build();
    for (const type of ['rw', 'ro']) {
      const name = `postgres-pooler-${type}`;
      const selector = { 'cnpg.io/poolerName': name };
      expect(named(objects, 'Pooler', name).spec).toEqual({
        cluster: { name: 'postgres' }, instances: 2, type,
        pgbouncer: { poolMode: 'transaction', parameters: { default_pool_size: '25', max_client_conn: '200' } },
        template: {
          metadata: { labels: selector },
          spec: {
            // Requests keep PgBouncer out of BestEffort, the first class evicted under node pressure.
            containers: [{ name: 'pgbouncer', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } }],
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
              topologyKey, maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector }, matchLabelKeys: ['pod-template-hash'],
            })),
          },
        },
      });
      // CloudNativePG budgets the instances only: one drain must not evict both PgBouncers of a Pooler.
      expect(named(objects, 'PodDisruptionBudget', name).spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    }
    const single = build({ readReplicas: 0, synchronousReplicas: 0 });
    expect(ofKind(single.objects, 'Pooler').map((p) => p.metadata.name)).toEqual(['postgres-pooler-rw']);
    expect(single.cluster.readOnlyPoolerName).toBe('postgres-pooler-rw');
    // One replica: reads go to every instance (type r), so they survive that replica's restart.
    const one1 = build({ readReplicas: 1, synchronousReplicas: 0 });
    expect(ofKind(one1.objects, 'Pooler').map((p) => `${p.metadata.name}:${p.spec.type}`)).toEqual(['postgres-pooler-rw:rw', 'postgres-pooler-r:r']);
    expect(one1.cluster.readOnlyPoolerName).toBe('postgres-pooler-r');
  });

  test('PodMonitors scrape the metrics ports with the labels the alert rules group by', () => {
    const { objects } = build({ podMonitorLabels: { release: 'kube-prometheus-stack' } });
    const instances = named(objects, 'PodMonitor', 'postgres');
    expect(instances.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(instances.spec).toEqual({
      selector: { matchLabels: { 'cnpg.io/cluster': 'postgres', 'cnpg.io/podRole': 'instance' } },
      podTargetLabels: ['cnpg.io/cluster', 'cnpg.io/instanceName', 'cnpg.io/instanceRole'],
      podMetricsEndpoints: [{ port: 'metrics', interval: '30s', scrapeTimeout: '10s' }],
    });
    expect(named(objects, 'PodMonitor', 'postgres-pooler').spec.podTargetLabels).toEqual(['cnpg.io/cluster', 'cnpg.io/poolerName']);
    expect(one(objects, 'Cluster').spec.monitoring).toBeUndefined(); // enablePodMonitor is deprecated
  });

  test('NetworkPolicies: the app reaches only the poolers; operator, instances, poolers and Prometheus reach the instances', () => {
    const { objects } = build();
    const instances = named(objects, 'NetworkPolicy', 'postgres-instances').spec;
    const port = (ps: any[]) => ps.map((p) => p.port);
    expect(instances.podSelector).toEqual({ matchLabels: { 'cnpg.io/cluster': 'postgres', 'cnpg.io/podRole': 'instance' } });
    expect(instances.ingress.map((r: any) => [r.from, port(r.ports)])).toEqual([
      [[{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'postgres' } } }], [5432]],
      [[{ podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['postgres-pooler-rw', 'postgres-pooler-ro'] }] } }], [5432]],
      [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' } } }], [8000, 5432]],
      [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }], [9187]],
    ]);
    const pooler = named(objects, 'NetworkPolicy', 'postgres-pooler').spec;
    expect(pooler.ingress.map((r: any) => [r.from, port(r.ports)])).toEqual([
      [[{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], [5432]],
      [[{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }], [9127]],
    ]);
    // The app is in no rule of the instances' policy.
    expect(JSON.stringify(instances)).not.toContain('"web"');
    const custom = named(build({ operatorNamespaceLabels: { team: 'dba' } }).objects, 'NetworkPolicy', 'postgres-instances').spec;
    expect(custom.ingress[2].from).toEqual([{ namespaceSelector: { matchLabels: { team: 'dba' } } }]);
  });

  test('backups: an S3 ObjectStore per cluster path (encrypted by the bucket\'s KMS key), credentials from the IAM role, WAL archiving by the plugin', () => {
    const { objects } = build();
    expect(one(objects, 'ObjectStore').spec).toEqual({
      retentionPolicy: '84m',
      configuration: {
        destinationPath: 's3://acme-enterprise-pg-backups-use1/enterprise/postgres/',
        s3Credentials: { inheritFromIAMRole: true },
        // No encryption header: the bucket's default SSE-KMS key applies (aws:kms without a key id would be aws/s3).
        wal: { compression: 'gzip', maxParallel: 4 },
        data: { compression: 'gzip', jobs: 2 },
      },
      instanceSidecarConfiguration: { env: [{ name: 'AWS_REGION', value: 'us-east-1' }, { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' }] },
    });
    expect(one(objects, 'Cluster').spec.plugins).toEqual([{
      name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'postgres-backups', serverName: 'postgres' },
    }]);
    expect(one(objects, 'Cluster').spec.backup).toBeUndefined(); // in-tree barmanObjectStore is deprecated
    expect(one(objects, 'ScheduledBackup').spec).toEqual({
      schedule: '0 0 * * * *', cluster: { name: 'postgres' }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      immediate: true, backupOwnerReference: 'self', target: 'prefer-standby',
    });
    const kms = one(build({ backup: { ...BASE.backup!, kmsKeyId: 'alias/pg-backups' } }).objects, 'ObjectStore').spec.configuration;
    expect(kms.wal.encryption).toBe('aws:kms');
    expect(kms.data.encryption).toBe('aws:kms');
    expect(kms.wal.archiveAdditionalCommandArgs).toEqual(['--sse-kms-key-id=alias/pg-backups']);
    expect(kms.data.additionalCommandArgs).toEqual(['--sse-kms-key-id=alias/pg-backups']);
  });

  test('without backup: no ObjectStore, no ScheduledBackup, no plugin, CloudNativePG\'s archive_timeout', () => {
    const { objects } = build({ backup: undefined });
    expect(ofKind(objects, 'ObjectStore')).toEqual([]);
    expect(ofKind(objects, 'ScheduledBackup')).toEqual([]);
    expect(one(objects, 'Cluster').spec.plugins).toBeUndefined();
    expect(one(objects, 'Cluster').spec.postgresql.parameters.archive_timeout).toBe('300s');
  });

  test('point-in-time recovery: bootstraps from the archive up to the target time and archives under a new server name', () => {
    const { cluster, objects } = build({ recovery: { targetTime: '2026-11-29T14:05:00Z' } });
    const spec = one(objects, 'Cluster').spec;
    expect(spec.bootstrap).toEqual({
      recovery: {
        source: 'origin', database: 'app', owner: 'app', secret: { name: 'postgres-app' },
        recoveryTarget: { targetTime: '2026-11-29T14:05:00Z' },
      },
    });
    expect(spec.externalClusters).toEqual([{
      name: 'origin', plugin: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'postgres-backups', serverName: 'postgres' } },
    }]);
    expect(cluster.archiveServerName).toBe('postgres-pitr-20261129140500');
    expect(spec.plugins[0].parameters.serverName).toBe('postgres-pitr-20261129140500');
    const again = one(build({ recovery: { targetTime: '2026-12-01T08:00:00Z', sourceServerName: 'postgres-pitr-20261129140500' } }).objects, 'Cluster').spec;
    expect(again.externalClusters[0].plugin.parameters.serverName).toBe('postgres-pitr-20261129140500');
    expect(again.plugins[0].parameters.serverName).toBe('postgres-pitr-20261201080000');
  });

  test('regions: the primary region runs the primary; the others run replica clusters fed from the object store', () => {
    const at = (region: string, streaming = {}) => one(build({ topology: postgresClusterTopologyFor(REGIONS, region, 'postgres', streaming) }).objects, 'Cluster').spec;
    const primary = at('us-east-1');
    expect(primary.replica).toEqual({ self: 'postgres-us-east-1', primary: 'postgres-us-east-1', source: 'postgres-eu-west-1' });
    expect(primary.bootstrap.initdb).toBeDefined();
    expect(primary.plugins[0].parameters.serverName).toBe('postgres-us-east-1');
    for (const region of ['eu-west-1', 'ap-southeast-1']) {
      const replica = at(region);
      expect(replica.replica).toEqual({ self: `postgres-${region}`, primary: 'postgres-us-east-1', source: 'postgres-us-east-1' });
      expect(replica.replica.enabled).toBeUndefined(); // distributed topology: derived from primary/self
      // Recovery, never initdb (the webhook's validateReplicaMode), with the app database, owner and Secret.
      expect(replica.bootstrap).toEqual({ recovery: { source: 'postgres-us-east-1', database: 'app', owner: 'app', secret: { name: 'postgres-app' } } });
      expect(replica.externalClusters.map((c: any) => [c.name, c.plugin.parameters.serverName, c.connectionParameters])).toEqual([
        ['postgres-us-east-1', 'postgres-us-east-1', undefined],
        ['postgres-eu-west-1', 'postgres-eu-west-1', undefined],
        ['postgres-ap-southeast-1', 'postgres-ap-southeast-1', undefined],
      ]);
      expect(replica.plugins[0].parameters.serverName).toBe(`postgres-${region}`);
    }
    // Optional streaming where the platform gives a host.
    const streamed = at('eu-west-1', { 'postgres-us-east-1': { host: 'pg-use1.db.example.internal', replicationSecretName: 'use1-replication', caSecretName: 'use1-ca' } });
    expect(streamed.externalClusters[0]).toMatchObject({
      connectionParameters: { host: 'pg-use1.db.example.internal', user: 'streaming_replica', dbname: 'postgres', sslmode: 'verify-full' },
      sslKey: { name: 'use1-replication', key: 'tls.key' },
      sslCert: { name: 'use1-replication', key: 'tls.crt' },
      sslRootCert: { name: 'use1-ca', key: 'ca.crt' },
    });
  });

  test('every member is read where it archives: its own region\'s store, at its own server name', () => {
    // GIVEN a topology whose members archive to their own regions' buckets, us-east-1 in its second generation
    const loc = (region: string, generation?: number) => postgresBackupLocationFor({ tier: 'enterprise', region, bucketPrefix: 'acme', clusterName: 'postgres', generation });
    const base = postgresClusterTopologyFor(REGIONS, 'eu-west-1');
    const members = base.members.map((m, i) => {
      const l = loc(REGIONS[i].name, i === 0 ? 2 : undefined);
      return { ...m, serverName: l.serverName, objectStore: { destinationPath: l.destinationPath, region: l.region } };
    });

    // WHEN
    const { objects } = build({ backup: { ...BASE.backup!, destinationPath: loc('eu-west-1').destinationPath, region: 'eu-west-1' }, topology: { ...base, members } });

    // THEN the Cluster reads each other member through an ObjectStore of that member's bucket and region
    const cluster = one(objects, 'Cluster').spec;
    const stores = Object.fromEntries(objects.filter((o) => o.kind === 'ObjectStore').map((o) => [o.metadata.name, o.spec]));
    expect(cluster.externalClusters.map((c: any) => [c.name, c.plugin.parameters.barmanObjectName, c.plugin.parameters.serverName])).toEqual([
      ['postgres-us-east-1', 'postgres-us-east-1-archive', 'postgres-us-east-1-g2'],
      ['postgres-eu-west-1', 'postgres-backups', 'postgres-eu-west-1'],
      ['postgres-ap-southeast-1', 'postgres-ap-southeast-1-archive', 'postgres-ap-southeast-1'],
    ]);
    expect(stores['postgres-us-east-1-archive'].configuration).toMatchObject({ destinationPath: 's3://acme-enterprise-pg-backups-use1/enterprise/postgres/', endpointURL: 'https://s3.us-east-1.amazonaws.com' });
    expect(stores['postgres-us-east-1-archive'].retentionPolicy).toBeUndefined();
    expect(stores['postgres-backups'].configuration.destinationPath).toBe('s3://acme-enterprise-pg-backups-euw1/enterprise/postgres/');
    expect(cluster.plugins[0].parameters).toEqual({ barmanObjectName: 'postgres-backups', serverName: 'postgres-eu-west-1' });
  });

  test('a promotion token is passed on only where this member is the primary', () => {
    const t = postgresClusterTopologyFor(REGIONS, 'eu-west-1');
    const token = 'eyJzeXN0ZW1faWQiOiI3In0=';
    const spec = one(build({ topology: { ...t, primary: t.self, source: 'postgres-us-east-1', promotionToken: token } }).objects, 'Cluster').spec;
    expect(spec.replica).toEqual({ self: 'postgres-eu-west-1', primary: 'postgres-eu-west-1', source: 'postgres-us-east-1', promotionToken: token });
    // Being promoted, it was created as a replica: its bootstrap stays recovery from the former primary.
    expect(spec.bootstrap.recovery.source).toBe('postgres-us-east-1');
    expect(() => build({ topology: { ...t, promotionToken: token } })).toThrow(/'topology.promotionToken' must be unset unless 'topology.primary' is 'topology.self'/);
  });

  test('a replica region reads the primary\'s archive from its own bucket under the same path', () => {
    const eu = postgresBackupLocationFor({ tier: 'enterprise', region: 'eu-west-1', bucketPrefix: 'acme', clusterName: 'postgres' });
    const { objects } = build({ backup: { ...BASE.backup!, destinationPath: eu.destinationPath, region: 'eu-west-1' }, topology: postgresClusterTopologyFor(REGIONS, 'eu-west-1') });
    expect(one(objects, 'ObjectStore').spec.configuration.destinationPath).toBe('s3://acme-enterprise-pg-backups-euw1/enterprise/postgres/');
    expect(eu.path).toBe(LOCATION.path);
  });

  describe('throws', () => {
    test.each<[string, Partial<PostgresClusterProps>, string]>([
      ['read replicas out of range', { readReplicas: 16 }, "[test/pg] 'readReplicas' must be an integer between 0 and 15, got: 16"],
      ['more synchronous replicas than replicas (CNPG: number < instances)', { readReplicas: 2, synchronousReplicas: 3 },
        "[test/pg] 'synchronousReplicas' must be an integer between 0 and 'readReplicas' (2), got: 3"],
      ['an unknown data durability', { dataDurability: 'strict' as never }, "[test/pg] 'dataDurability' must be one of \"required\", \"preferred\", got: \"strict\""],
      ['a single pooler pod', { pooler: { poolSize: 25, maxClientConnections: 200, replicas: 1 } },
        "[test/pg] 'pooler.replicas' must be an integer between 2 and 100 (a single pooler pod is a single point of failure), got: 1"],
      ['a pool larger than max_connections', { pooler: { poolSize: 500, maxClientConnections: 200 } },
        "[test/pg] 'pooler.poolSize' must be an integer between 1 and 'maxConnections' (200), got: 500"],
      ['a five-hour interval (uneven across midnight)', { backup: { ...BASE.backup!, intervalHours: 5 } },
        "[test/pg] 'backup.intervalHours' must be one of 1, 2, 3, 4, 6, 8, 12, 24 (hours that divide a day, so backups stay evenly spaced across midnight), got: 5"],
      ['a retention in years', { backup: { ...BASE.backup!, retentionPolicy: '7y' } },
        "[test/pg] 'backup.retentionPolicy' must be a retention of days, weeks or months matching ^[1-9][0-9]*[dwm]$ such as \"90d\", \"4w\" or \"84m\" (the CRD has no unit for years: 7 years is \"84m\"), got: \"7y\""],
      ['a destination that is not S3', { backup: { ...BASE.backup!, destinationPath: 'https://bucket/path' } },
        "[test/pg] 'backup.destinationPath' must be an S3 folder \"s3://<bucket>/<path>\" (postgresBackupLocationFor(...).destinationPath), got: \"https://bucket/path\""],
      ['recovery without backup', { backup: undefined, recovery: { targetTime: '2026-11-29T14:05:00Z' } },
        "[test/pg] 'recovery' must be unset unless 'backup' is set (recovery reads the backup's object store), got: {\"targetTime\":\"2026-11-29T14:05:00Z\"}"],
      ['a target time without a zone', { recovery: { targetTime: '2026-11-29 14:05' } },
        "[test/pg] 'recovery.targetTime' must be an RFC 3339 time with a zone such as \"2026-11-29T14:05:00Z\", got: \"2026-11-29 14:05\""],
      ['a topology whose self is not a member', { topology: { self: 'postgres-x', primary: 'postgres-a', members: [{ name: 'postgres-a' }] } },
        "[test/pg] 'topology.self' must be one of the members' names (postgres-a), got: \"postgres-x\""],
      ['a WAL volume that is not a quantity', { walStorage: 'a fifth' },
        "[test/pg] 'walStorage' must be a positive Kubernetes storage quantity such as \"20Gi\", or unset (pg_wal on the data volume), got: \"a fifth\""],
      ['a name too long for the backup role', { name: 'a'.repeat(51) },
        `[test/pg] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 50 characters), got: "${'a'.repeat(51)}"`],
    ])('if %s', (_, props, message) => {
      expect(errorOf(props)).toBe(message);
    });

    test('every problem at once, without showing a secret', () => {
      const message = errorOf({ readReplicas: -1, storage: 'lots', appSecretName: 'Not A Secret!' });
      expect(message.split('\n')).toEqual([
        "[test/pg] 'readReplicas' must be an integer between 0 and 15, got: -1",
        "[test/pg] 'storage' must be a positive Kubernetes storage quantity such as \"50Gi\" or \"1Ti\", got: \"lots\"",
        "[test/pg] 'appSecretName' must be a Kubernetes Secret name (a DNS subdomain), got: \"Not A Secret!\"",
      ]);
    });
  });
});

describe('backup schedules (CloudNativePG six-field cron, seconds first)', () => {
  test.each([[6, '0 0 */6 * * *'], [1, '0 0 * * * *'], [24, '0 0 0 * * *'], [12, '0 0 */12 * * *']])('every %i h is %s', (hours, expr) => {
    expect(cnpgBackupSchedule(hours)).toBe(expr);
  });

  test.each(BACKUP_INTERVAL_HOURS.map((h) => [h]))('every %i h: six fields, and the next three runs are that far apart', (hours) => {
    const expr = cnpgBackupSchedule(hours);
    expect(expr.split(' ')).toHaveLength(6);
    const interval = CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date('2026-11-29T13:17:42Z') });
    const runs = [interval.next(), interval.next(), interval.next()].map((d) => d.getTime());
    expect(runs[1] - runs[0]).toBe(hours * 3600_000);
    expect(runs[2] - runs[1]).toBe(hours * 3600_000);
    expect(new Date(runs[0]).getUTCMinutes()).toBe(0);
    expect(new Date(runs[0]).getUTCSeconds()).toBe(0);
  });

  test('department every 6 h from midnight UTC; a five-field reading of the same text would be every 6 minutes', () => {
    const interval = CronExpressionParser.parse(cnpgBackupSchedule(6), { tz: 'UTC', currentDate: new Date('2026-11-29T13:17:42Z') });
    expect([interval.next(), interval.next(), interval.next()].map((d) => d.toISOString()))
      .toEqual(['2026-11-29T18:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-11-30T06:00:00.000Z']);
    // A seconds-first reader shifts the familiar five fields one place left: seconds 0, every 6th minute.
    const fiveFields = '0 */6 * * *';
    const misread = CronExpressionParser.parse(`${fiveFields} *`, { tz: 'UTC', currentDate: new Date('2026-11-29T13:17:42Z') });
    expect(misread.next().getTime() - Date.parse('2026-11-29T13:17:42Z')).toBeLessThan(6 * 60_000);
  });

  test('throws for an interval that does not divide a day', () => {
    expect(() => cnpgBackupSchedule(5)).toThrow('backup interval must be one of 1, 2, 3, 4, 6, 8, 12, 24 (hours that divide a day, so backups stay evenly spaced across midnight), got: 5');
  });
});

describe('postgresClusterEnv', () => {
  const pooler = { readWritePoolerName: 'postgres-pooler-rw', readOnlyPoolerName: 'postgres-pooler-ro', namespace: 'enterprise' };
  const env = (o = {}) => Object.fromEntries(postgresClusterEnv({ ...pooler, ...o }).map((e) => [e.name, e.value]));

  test('primary region: both endpoints local, writable', () => {
    expect(env()).toEqual({
      [POSTGRES_ENDPOINT_ENV.readWrite]: 'postgres-pooler-rw.enterprise.svc.cluster.local:5432',
      [POSTGRES_ENDPOINT_ENV.readOnly]: 'postgres-pooler-ro.enterprise.svc.cluster.local:5432',
      [POSTGRES_ENDPOINT_ENV.readOnlyFlag]: 'false',
    });
  });

  test('read-only region: reads local, the read-only flag set, writes to the primary region when a host is given', () => {
    expect(env({ regionRole: 'read-only', primaryEndpoint: 'pg-use1.db.example.internal:5432' })).toEqual({
      DATABASE_RW_ENDPOINT: 'pg-use1.db.example.internal:5432',
      DATABASE_RO_ENDPOINT: 'postgres-pooler-ro.enterprise.svc.cluster.local:5432',
      DATABASE_READ_ONLY: 'true',
    });
  });

  test('secondary region without a network path: the local pooler, writable once promoted', () => {
    expect(env({ regionRole: 'secondary' })[POSTGRES_ENDPOINT_ENV.readWrite]).toBe('postgres-pooler-rw.enterprise.svc.cluster.local:5432');
    expect(env({ regionRole: 'secondary' })[POSTGRES_ENDPOINT_ENV.readOnlyFlag]).toBe('false');
  });

  test('throws for a primary endpoint in the primary region', () => {
    expect(propsErrorOf(() => postgresClusterEnv({ ...pooler, primaryEndpoint: 'x:5432' })))
      .toBe("[postgresClusterEnv] 'primaryEndpoint' must be unset in the 'primary' region (its own Pooler is the primary), got: \"x:5432\"");
  });
});

describe('postgresClusterTopologyFor', () => {
  test('one member per region, the primary region primary', () => {
    expect(postgresClusterTopologyFor(REGIONS, 'ap-southeast-1')).toEqual({
      self: 'postgres-ap-southeast-1',
      primary: 'postgres-us-east-1',
      members: [{ name: 'postgres-us-east-1' }, { name: 'postgres-eu-west-1' }, { name: 'postgres-ap-southeast-1' }].map((m) => ({ ...m, streaming: undefined })),
    });
  });

  test('throws for a region not in the tier', () => {
    expect(propsErrorOf(() => postgresClusterTopologyFor(REGIONS, 'us-west-2')))
      .toBe("[postgresClusterTopologyFor] 'region' must be one of the tier's regions (us-east-1, eu-west-1, ap-southeast-1), got: \"us-west-2\"");
  });
});

test('cdk8s Testing is available for snapshot serialisation', () => {
  expect(typeof Testing.synth).toBe('function');
  const objects: Manifest[] = build().objects;
  expect(objects.length).toBe(11);
});

describe('TierChart with point-in-time recovery', () => {
  test('a single-region tier with backups bootstraps its Cluster from the archive', () => {
    // GIVEN a one-region copy of the department tier
    const tier = deriveTier(department, { regions: [department.regions[0]] });
    // WHEN the chart is given a recovery target
    const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, { ...tier, postgresRecovery: { targetTime: '2026-11-29T14:05:00Z' } });
    const spec = chart.postgresCluster!.cluster.toJson().spec;
    // THEN
    expect(spec.bootstrap.recovery.recoveryTarget).toEqual({ targetTime: '2026-11-29T14:05:00Z' });
    expect(spec.plugins[0].parameters.serverName).toBe('postgres-pitr-20261129140500');
  });

  test('throws for a multi-region tier without the archive to recover from, or into the same folder', () => {
    expect(propsErrorOf(() => new TierChart(new App({ outdir: '/dev/null' }), 'enterprise', { ...enterprise, postgresRecovery: { targetTime: '2026-11-29T14:05:00Z' } })))
      .toBe("[enterprise/region-us-east-1-postgres/postgres] 'recovery.sourceServerName' must be the server name of the archive to recover from, other than this member's own ('postgres-us-east-1': raise its generation), got: undefined");
    expect(propsErrorOf(() => new TierChart(new App({ outdir: '/dev/null' }), 'enterprise', { ...enterprise, postgresRecovery: { targetTime: '2026-11-29T14:05:00Z', sourceServerName: 'postgres-us-east-1' } })))
      .toMatch(/'recovery.sourceServerName' must be .* \('postgres-us-east-1': raise its generation\), got: "postgres-us-east-1"/);
  });
});
