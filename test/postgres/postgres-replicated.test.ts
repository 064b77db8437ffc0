import { Yaml } from 'cdk8s';
import { Problems } from '../../lib/core/problems';
import { PostgresReplicatedProps, checkPostgresReplicatedProps } from '../../lib/postgres';
import { propsErrorOf } from '../_props';
import { Manifest, matches, named, ofKind } from '../_synth';
import { BASE, POOLER, build } from './_postgres-replicated';

function errorOf(props: Partial<PostgresReplicatedProps>): string {
  return propsErrorOf(() => build(props));
}

function podsOf(objects: Manifest[], kind: string, name: string): any {
  return named(objects, kind, name).spec.template;
}

describe('PostgresReplicated', () => {
  test('a primary and two streaming replicas with a pooler', () => {
    // GIVEN / WHEN
    const { postgres, objects } = build({ synchronousReplicas: 1, pooler: POOLER });

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/postgres-config',
      'ServiceAccount/postgres',
      'Service/postgres-primary-headless',
      'StatefulSet/postgres-primary',
      'PodDisruptionBudget/postgres-primary',
      'Service/postgres-replica-headless',
      'StatefulSet/postgres-replica',
      'PodDisruptionBudget/postgres-replica',
      'Service/postgres-rw',
      'Service/postgres-ro',
      'NetworkPolicy/postgres',
      'ConfigMap/postgres-pooler',
      'ServiceAccount/postgres-pooler',
      'Deployment/postgres-pooler',
      'Service/postgres-pooler',
      'PodDisruptionBudget/postgres-pooler',
      'NetworkPolicy/postgres-pooler',
    ]);
    expect(postgres.readWriteServiceName).toBe('postgres-rw');
    expect(postgres.poolerServiceName).toBe('postgres-pooler');
    expect(named(objects, 'StatefulSet', 'postgres-primary').spec.replicas).toBe(1);
    expect(named(objects, 'StatefulSet', 'postgres-replica').spec.replicas).toBe(2);
    expect(objects).toMatchSnapshot();
  });

  test('synchronous standbys are named in the replicas\' order, with quorum commit', () => {
    const { objects } = build({ synchronousReplicas: 1 });

    const data = named(objects, 'ConfigMap', 'postgres-config').data;
    expect(data['postgresql-primary.conf']).toContain("synchronous_standby_names = 'ANY 1 (replica_0, replica_1)'");
    expect(data['postgresql-replica.conf']).toContain("synchronous_standby_names = 'ANY 1 (replica_0, replica_1)'");
    expect(Object.keys(data).sort()).toEqual([
      'pg_hba.conf', 'postgresql-primary.conf', 'postgresql-replica.conf', 'primary-init.sh', 'primary-start.sh', 'promote.sh', 'replica-start.sh',
    ]);
  });

  test('asynchronous by default', () => {
    const { objects } = build();

    expect(named(objects, 'ConfigMap', 'postgres-config').data['postgresql-primary.conf']).toContain("synchronous_standby_names = ''");
  });

  test('the read-write Service selects only the primary, the read-only Service only the replicas', () => {
    const { objects } = build();

    const primaryLabels = podsOf(objects, 'StatefulSet', 'postgres-primary').metadata.labels;
    const replicaLabels = podsOf(objects, 'StatefulSet', 'postgres-replica').metadata.labels;
    const rw = named(objects, 'Service', 'postgres-rw').spec.selector;
    const ro = named(objects, 'Service', 'postgres-ro').spec.selector;
    expect(rw).toEqual({ 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'postgres', 'app.kubernetes.io/component': 'primary' });
    expect(matches(rw, primaryLabels)).toBe(true);
    expect(matches(rw, replicaLabels)).toBe(false);
    expect(matches(ro, replicaLabels)).toBe(true);
    expect(matches(ro, primaryLabels)).toBe(false);
    expect(named(objects, 'StatefulSet', 'postgres-replica').spec.serviceName).toBe('postgres-replica-headless');
    expect(named(objects, 'Service', 'postgres-replica-headless').spec.clusterIP).toBe('None');
  });

  test('volumes are ReadWriteOnce claims that are retained when scaled down or deleted', () => {
    const { objects } = build({ storageClass: 'fast-ssd' });

    for (const set of ofKind(objects, 'StatefulSet')) {
      expect(set.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      expect(set.spec.volumeClaimTemplates).toHaveLength(1);
      expect(set.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
      expect(set.spec.volumeClaimTemplates[0].spec).toEqual({
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'fast-ssd',
        resources: { requests: { storage: '50Gi' } },
      });
      expect(set.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    }
  });

  test('servers run restricted as uid/gid 10001 (named postgres by nss_wrapper), with the generators\' container contract', () => {
    const { objects } = build({ pooler: POOLER });

    const primary = podsOf(objects, 'StatefulSet', 'postgres-primary').spec;
    expect(primary.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = primary.containers[0];
    expect(c.command).toEqual(['sh', '/etc/postgresql/primary-start.sh']);
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, capabilities: { drop: ['ALL'] },
    });
    // No exemption from the gate's UID rule any more.
    expect(Object.keys(named(objects, 'StatefulSet', 'postgres-primary').metadata.annotations ?? {})).toEqual(['validate.scaling-tiers.io/user-provided']);
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(c.env.map((e: any) => e.name)).toEqual(['PG_ORDINAL']);
    // Every password is a file of one read-only projected Secret volume, mode 0400.
    expect(c.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/var/run/secrets/postgresql', readOnly: true });
    expect(primary.volumes.find((v: any) => v.name === 'secrets')).toEqual({
      name: 'secrets',
      projected: {
        defaultMode: 0o400,
        sources: [
          { secret: { name: 'postgres-credentials', items: [{ key: 'replication-password', path: 'replication-password' }] } },
          { secret: { name: 'postgres-credentials', items: [{ key: 'app-password', path: 'app-password' }] } },
          { secret: { name: 'postgres-credentials', items: [{ key: 'pooler-password', path: 'pooler-auth-password' }] } },
        ],
      },
    });
    const files = named(objects, 'ConfigMap', 'postgres-config').data;
    expect(files['primary-start.sh']).toContain("REPLICATION_PASSWORD_FILE='/var/run/secrets/postgresql/replication-password'");
    expect(files['primary-start.sh']).toContain("RUNTIME_DIR='/tmp'");
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(c.lifecycle.preStop.exec.command).toEqual(['pg_ctl', 'stop', '-D', '/var/lib/postgresql/data/pgdata', '-m', 'fast', '-w', '-t', '270']);
    expect(primary.terminationGracePeriodSeconds).toBe(300);
    expect(primary.volumes.filter((v: any) => v.emptyDir).map((v: any) => [v.name, v.emptyDir.medium])).toEqual([['socket', 'Memory'], ['shm', 'Memory'], ['tmp', 'Memory']]);
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBeGreaterThanOrEqual(3600);

    const replica = podsOf(objects, 'StatefulSet', 'postgres-replica').spec.containers[0];
    expect(replica.command).toEqual(['sh', '/etc/postgresql/replica-start.sh']);
    expect(replica.env.map((e: any) => e.name)).toEqual(['PG_ORDINAL']);
    // A replica gets the replication password only.
    expect(podsOf(objects, 'StatefulSet', 'postgres-replica').spec.volumes.find((v: any) => v.name === 'secrets').projected.sources).toEqual([
      { secret: { name: 'postgres-credentials', items: [{ key: 'replication-password', path: 'replication-password' }] } },
    ]);
    expect(replica.readinessProbe.exec.command.join(' ')).toContain("pg_stat_wal_receiver WHERE status = 'streaming'");

    const pooler = podsOf(objects, 'Deployment', 'postgres-pooler').spec;
    expect(pooler.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(pooler.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('PodDisruptionBudgets never block every eviction', () => {
    const { objects } = build({ pooler: POOLER });

    const budgets = ofKind(objects, 'PodDisruptionBudget');
    expect(budgets).toHaveLength(3);
    for (const pdb of budgets) {
      expect(pdb.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
      expect(pdb.spec.minAvailable).toBeUndefined();
    }
  });

  test('the pooler: 2 pods, pool size 25, 200 clients, password from the Secret, behind <name>-pooler', () => {
    const { objects } = build({ pooler: POOLER, namespace: 'shop' });

    const deployment = named(objects, 'Deployment', 'postgres-pooler');
    expect(deployment.spec.replicas).toBe(2);
    const ini = named(objects, 'ConfigMap', 'postgres-pooler').data['pgbouncer.ini'];
    expect(ini).toContain('default_pool_size = 25');
    expect(ini).toContain('max_client_conn = 200');
    expect(ini).toContain('* = host=postgres-rw.shop.svc.cluster.local port=5432');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toBeUndefined();
    expect(container.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/var/run/secrets/pgbouncer', readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'secrets',
      secret: { secretName: 'postgres-credentials', defaultMode: 0o400, items: [{ key: 'pooler-password', path: 'pooler-auth-password' }] },
    });
    expect(named(objects, 'ConfigMap', 'postgres-pooler').data['pgbouncer-start.sh'])
      .toContain("require_secret '/var/run/secrets/pgbouncer/pooler-auth-password'");
    expect(deployment.metadata.annotations).toEqual({ 'validate.scaling-tiers.io/user-provided': 'secret/postgres-credentials' });
    const service = named(objects, 'Service', 'postgres-pooler');
    expect(matches(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
    expect(service.spec.ports[0].port).toBe(6432);
    expect(objects.every((o) => o.metadata.namespace === 'shop')).toBe(true);
  });

  test('no pooler objects without a pooler', () => {
    const { objects, postgres } = build();

    expect(objects.filter((o) => o.metadata.name.endsWith('-pooler'))).toEqual([]);
    expect(postgres.poolerServiceName).toBeUndefined();
  });

  test('no replica StatefulSet with 0 read replicas', () => {
    const { objects } = build({ readReplicas: 0 });

    expect(ofKind(objects, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['postgres-primary']);
  });

  test('NetworkPolicies: clients to 5432 and 6432, servers to each other, pooler to servers', () => {
    const { objects } = build({ pooler: POOLER });

    const servers = named(objects, 'NetworkPolicy', 'postgres').spec;
    expect(servers.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'postgres' });
    expect(servers.ingress).toEqual([{
      from: [
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql', 'app.kubernetes.io/instance': 'postgres' } } },
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pgbouncer', 'app.kubernetes.io/instance': 'postgres-pooler' } } },
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
      ],
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
    const pooler = named(objects, 'NetworkPolicy', 'postgres-pooler').spec;
    expect(pooler.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }], ports: [{ port: 6432, protocol: 'TCP' }] }]);
  });

  test('no password literal anywhere in the output, and no Secret in env', () => {
    const { objects } = build({ pooler: POOLER });

    const text = Yaml.stringify(...objects);
    expect(text).not.toMatch(/PASSWORD\s*=\s*['"]?[^$'"\s{]/);
    expect(text).not.toMatch(/secretKeyRef|secretRef|PGPASSWORD/);
    for (const c of objects.flatMap((o) => o.spec?.template?.spec?.containers ?? [])) {
      for (const e of c.env ?? []) {
        expect(e.value === undefined || !/PASSWORD/.test(e.name)).toBe(true);
        expect(e.valueFrom?.secretKeyRef).toBeUndefined();
      }
      expect(c.envFrom).toBeUndefined();
    }
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  describe('throws', () => {
    test('if the replica count is negative', () => {
      expect(errorOf({ readReplicas: -1 })).toBe("[test/pg] 'readReplicas' must be an integer between 0 and 32, got: -1");
    });

    test('if more synchronous standbys than replicas are asked for', () => {
      expect(errorOf({ synchronousReplicas: 3 })).toBe("[test/pg] 'synchronousReplicas' must be an integer between 0 and 'readReplicas' (2), got: 3");
    });

    test('if a memory quantity or the storage does not parse', () => {
      const replicaResources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: 'lots' } };
      expect(errorOf({ replicaResources, storage: '50 gigs' })).toBe([
        `[test/pg] 'replicaResources.limits.memory' must be a positive Kubernetes memory quantity such as "512Mi", "2Gi" or "1G", got: "lots"`,
        `[test/pg] 'storage' must be a positive Kubernetes storage quantity such as "50Gi" or "1Ti", got: "50 gigs"`,
      ].join('\n'));
    });

    test('if a memory limit is too small for PostgreSQL', () => {
      const primaryResources = { requests: { cpu: '1', memory: '64Mi' }, limits: { cpu: '2', memory: '128Mi' } };
      expect(errorOf({ primaryResources })).toBe(`[test/pg] 'primaryResources.limits.memory' must be at least "256Mi" (25 % of it becomes shared_buffers), got: "128Mi"`);
    });

    test('if a password is given literally', () => {
      expect(errorOf({ replicationPassword: 'hunter2' as unknown as PostgresReplicatedProps['replicationPassword'] })).toBe(
        "[test/pg] 'replicationPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: a string of 7 characters (not shown)",
      );
    });

    test('if the name is not a DNS label', () => {
      expect(errorOf({ name: 'Postgres_DB' })).toBe(
        `[test/pg] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 44 characters), got: "Postgres_DB"`,
      );
    });

    test('if the pooler has no password or a pool larger than max_connections', () => {
      expect(errorOf({ poolerAuthPassword: undefined, pooler: { poolSize: 300, maxClientConnections: 200 } })).toBe([
        "[test/pg] 'pooler.poolSize' must be an integer between 1 and 'maxConnections' (200), got: 300",
        "[test/pg] 'poolerAuthPassword' must be a Secret reference { secretName, key } (secrets are never given literally), got: undefined",
      ].join('\n'));
    });

    test('with the construct path and the field on every line, listing every problem at once', () => {
      const message = errorOf({
        name: 'Postgres_DB',
        readReplicas: 40,
        storageClass: 'Fast SSD',
        maxConnections: 0,
        appPassword: { secretName: 'postgres-credentials', key: 'a/b' },
        clusterDomain: 'cluster local',
        pooler: { poolSize: 0, maxClientConnections: 200_000, replicas: 1 },
      });
      expect(message.split('\n')).toEqual([
        `[test/pg] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 44 characters), got: "Postgres_DB"`,
        "[test/pg] 'readReplicas' must be an integer between 0 and 32, got: 40",
        `[test/pg] 'storageClass' must be a StorageClass name (a DNS subdomain), got: "Fast SSD"`,
        "[test/pg] 'maxConnections' must be an integer between 1 and 10000, got: 0",
        "[test/pg] 'pooler.poolSize' must be an integer between 1 and 10000, got: 0",
        "[test/pg] 'pooler.maxClientConnections' must be an integer between 1 and 100000, got: 200000",
        "[test/pg] 'pooler.replicas' must be an integer between 2 and 100 (a single pooler pod is a single point of failure), got: 1",
        `[test/pg] 'appPassword.key' must be a Secret key (letters, digits, "-", "_" and "."), got: "a/b"`,
        `[test/pg] 'clusterDomain' must be a DNS domain such as "cluster.local", got: "cluster local"`,
      ]);
    });

    test('if the image is older than PostgreSQL 15 or not pinned', () => {
      expect(errorOf({ image: 'postgres:14.12-bookworm', poolerImage: 'pgbouncer/pgbouncer:latest' })).toBe([
        `[test/pg] 'image' must be a PostgreSQL image of major version 15 or later, got: "postgres:14.12-bookworm"`,
        `[test/pg] 'poolerImage' must be an image reference with an explicit tag other than 'latest' (e.g. "registry.example.com/app:1.4.2") or a sha256 digest, got: "pgbouncer/pgbouncer:latest"`,
      ].join('\n'));
    });
  });
});

describe('checkPostgresReplicatedProps', () => {
  test('prefixes every field with the path it is given', () => {
    // GIVEN the props as part of a larger object, under 'postgres'
    const problems = new Problems('tier shop');

    // WHEN
    checkPostgresReplicatedProps(problems, 'postgres', { ...BASE, synchronousReplicas: 3, pooler: { poolSize: 500, maxClientConnections: 200 } });

    // THEN
    expect(propsErrorOf(() => problems.throwIfAny()).split('\n')).toEqual([
      "[tier shop] 'postgres.synchronousReplicas' must be an integer between 0 and 'postgres.readReplicas' (2), got: 3",
      "[tier shop] 'postgres.pooler.poolSize' must be an integer between 1 and 'postgres.maxConnections' (200), got: 500",
    ]);
  });

  test('records nothing for valid props', () => {
    const problems = new Problems('test');
    checkPostgresReplicatedProps(problems, '', { ...BASE, pooler: POOLER });
    expect(problems.ok).toBe(true);
  });
});
