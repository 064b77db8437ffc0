import { RedisDeployment, RedisDeploymentProps } from '../../lib/redis/redis-deployment';
import { redisSentinelMinReplicasToWrite } from '../../lib/redis/redis-sentinel';
import { REDIS_HANDOVER_SECONDS } from '../../lib/redis/redis-scripts';
import { redisClientWiring } from '../../lib/redis/redis-client';
import { DeepPartial, TierSpec, deriveTier, enterprise, team } from '../../tiers';
import { propsErrorOf } from '../_props';
import { named, ofKind, one, synth, testChart } from '../_synth';
import { AUTH, MODES, build } from './_redis-deployment';

/** The construct's PropsError message; fails unless every line starts with the construct path. */
function errorOf(props: Partial<RedisDeploymentProps> | Record<string, unknown>): string {
  return propsErrorOf(() => build(props));
}

describe('RedisDeployment', () => {
  test.each(MODES)('%s: snapshot', (_mode, props) => {
    const { objects } = build(props);
    expect(objects).toMatchSnapshot();
  });

  test('standalone: one server, no PDB, no Job, one client Service', () => {
    // GIVEN / WHEN
    const { objects, redis } = build();

    // THEN
    const sts = one(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(redis.replicas).toBe(1);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(ofKind(objects, 'Job')).toHaveLength(0);
    expect(ofKind(objects, 'Service').map((s) => s.metadata.name)).toEqual(['redis-headless', 'redis']);
    expect(sts.spec.template.spec.containers[0].command).toEqual(['sh', '/etc/redis/redis-startup.sh']);
    expect(Object.keys(named(objects, 'ConfigMap', 'redis-config').data)).toEqual(['redis-ready.sh', 'redis-startup.sh', 'redis.conf']);
    // Nobody to hand over to: no preStop hook, and the grace period is the server's shutdown alone.
    expect(sts.spec.template.spec.containers[0].lifecycle).toBeUndefined();
    expect(sts.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });

  test.each([
    ['cluster', { mode: 'cluster' }, "CLUSTER=1"],
    ['replicated with Sentinel', { mode: 'replicated', replicasPerMaster: 1, sentinel: {} }, "MASTER_NAME='redis'"],
  ] as const)('%s: a preStop handover within the grace period, and a readiness probe that knows replication', (_, props, marker) => {
    const { objects } = build(props);
    const pod = named(objects, 'StatefulSet', 'redis').spec.template.spec;
    const [redis] = pod.containers;
    expect(redis.lifecycle).toEqual({ preStop: { exec: { command: ['sh', '/etc/redis/redis-handover.sh'] } } });
    // The grace period counts the preStop hook: the handover's bound, then 60 s for the server to save and exit.
    expect(pod.terminationGracePeriodSeconds).toBe(REDIS_HANDOVER_SECONDS + 60);
    const data = named(objects, 'ConfigMap', 'redis-config').data;
    expect(data['redis-handover.sh']).toContain(`HANDOVER_WAIT=${REDIS_HANDOVER_SECONDS}`);
    expect(data['redis-handover.sh']).toContain(props.mode === 'cluster' ? 'CLUSTER FAILOVER' : 'SENTINEL FAILOVER');
    expect(data['redis-handover.sh']).toContain(props.mode === 'cluster' ? 'CLUSTER NODES' : marker);
    expect(data['redis-ready.sh']).toContain(`CLUSTER=${props.mode === 'cluster' ? 1 : 0}`);
    expect(data['redis-ready.sh']).toContain('master_link_status');
    expect(pod.volumes.find((v: { name: string }) => v.name === 'config').configMap.items).toEqual(expect.arrayContaining([
      { key: 'redis-ready.sh', path: 'redis-ready.sh' }, { key: 'redis-handover.sh', path: 'redis-handover.sh' },
    ]));
    // Liveness stays the lax PING: a long load or a lost primary never restarts the server.
    expect(redis.livenessProbe.exec.command.join(' ')).toContain("grep -Eq 'PONG|LOADING|MASTERDOWN'");
  });

  test('every mode: StatefulSet with Parallel pods, retained PVCs, headless Service publishing not-ready addresses', () => {
    for (const [, props] of MODES) {
      const { objects } = build(props);
      const sts = one(objects, 'StatefulSet');
      expect(sts.spec.podManagementPolicy).toBe('Parallel');
      expect(sts.spec.serviceName).toBe('redis-headless');
      expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      expect(sts.spec.volumeClaimTemplates).toEqual([
        expect.objectContaining({ metadata: expect.objectContaining({ name: 'data' }), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }),
      ]);
      const headless = named(objects, 'Service', 'redis-headless');
      expect(headless.spec.clusterIP).toBe('None');
      expect(headless.spec.publishNotReadyAddresses).toBe(true);
      expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    }
  });

  test('replicated: 1 + N servers, primary and replica confs, a write Service on pod 0 and a read Service', () => {
    const { objects } = build({ mode: 'replicated', replicasPerMaster: 2 });

    const sts = one(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(3);
    const conf = named(objects, 'ConfigMap', 'redis-config').data;
    expect(conf['primary.conf']).not.toContain('replicaof');
    expect(conf['replica.conf']).toContain('replicaof redis-0.redis-headless.shop.svc.cluster.local 6379');
    expect(named(objects, 'Service', 'redis').spec.selector['statefulset.kubernetes.io/pod-name']).toBe('redis-0');
    expect(named(objects, 'Service', 'redis-read').spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(one(objects, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: sts.spec.selector.matchLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(ofKind(objects, 'Job')).toHaveLength(0);
  });

  test('cluster: masters x (1 + replicas) servers, cluster bus, bootstrap Job naming every pod', () => {
    const { objects, redis } = build({ mode: 'cluster', masters: 4, replicasPerMaster: 2 });

    const sts = one(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(12);
    expect(redis.podHostnames).toHaveLength(12);
    expect(named(objects, 'Service', 'redis-headless').spec.ports.map((p: any) => p.port)).toEqual([6379, 16379]);
    const pod = sts.spec.template.spec;
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    // A master and its replica never share a node: no two servers may.
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: sts.spec.selector.matchLabels } },
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(pod.containers[0].env).toContainEqual({ name: 'REDIS_ANNOUNCE_HOSTNAME', value: '$(POD_NAME).redis-headless.shop.svc.cluster.local' });

    const job = one(objects, 'Job');
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const jobPod = job.spec.template.spec;
    // The password is a mounted file (mode 0400, read-only), never env.
    expect(jobPod.containers[0].env).toBeUndefined();
    expect(jobPod.volumes).toContainEqual({ name: 'auth', secret: { secretName: 'redis-auth', defaultMode: 0o400, items: [{ key: 'password', path: 'password' }] } });
    expect(jobPod.containers[0].volumeMounts).toContainEqual({ name: 'auth', mountPath: '/etc/redis-auth', readOnly: true });
    expect(jobPod.containers[0].resources.limits).toBeDefined();
    const script = named(objects, 'ConfigMap', 'redis-bootstrap').data['cluster-bootstrap.sh'];
    for (let i = 0; i < 12; i++) expect(script).toContain(`redis-${i}.redis-headless.shop.svc.cluster.local:6379`);
    expect(script).toContain('--cluster-replicas "$REPLICAS"');

    // The NetworkPolicy admits the Job's pods on 6379 and the servers on 6379 + 16379.
    const policy = named(objects, 'NetworkPolicy', 'redis');
    const jobLabels = job.spec.template.metadata.labels;
    // ...and the Job's own pods accept no ingress at all.
    expect(named(objects, 'NetworkPolicy', 'redis-bootstrap').spec).toEqual({ podSelector: { matchLabels: expect.any(Object) }, policyTypes: ['Ingress'], ingress: [] });
    expect(Object.entries(named(objects, 'NetworkPolicy', 'redis-bootstrap').spec.podSelector.matchLabels).every(([k, v]) => jobLabels[k] === v)).toBe(true);
    const jobRule = policy.spec.ingress.find((r: any) => Object.entries(r.from[0].podSelector?.matchLabels ?? {}).every(([k, v]) => jobLabels[k] === v));
    expect(jobRule.ports).toEqual([{ port: 6379, protocol: 'TCP' }]);
    expect(policy.spec.ingress[0]).toEqual({
      from: [{ podSelector: { matchLabels: sts.spec.selector.matchLabels } }],
      ports: [{ port: 6379, protocol: 'TCP' }, { port: 16379, protocol: 'TCP' }],
    });
    // The Job's pods are not Redis servers: no Service or PDB selects them.
    expect(Object.entries(sts.spec.selector.matchLabels).every(([k, v]) => jobLabels[k] === v)).toBe(false);
  });

  test('clients are admitted on 6379 only', () => {
    const { objects } = build();
    expect(one(objects, 'NetworkPolicy').spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }],
      ports: [{ port: 6379, protocol: 'TCP' }],
    });
  });

  test('restricted pod security, resources and probes on every container; no password in the output', () => {
    for (const [, props] of MODES) {
      const { objects } = build(props);
      for (const o of objects.filter((x) => ['StatefulSet', 'Job'].includes(x.kind))) {
        const pod = o.spec.template.spec;
        expect(pod.securityContext).toEqual({
          runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001,
          fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const c of pod.containers) {
          expect(c.securityContext).toEqual({
            allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
            runAsUser: 10001, runAsGroup: 10001, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
          expect(c.resources.limits).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
          if (o.kind === 'StatefulSet') {
            expect(c.startupProbe.tcpSocket).toEqual({ port: 'redis' });
            // The password reaches redis-cli on stdin (--askpass), from the mounted file: not argv, not env.
            if (c.name === 'redis') {
              expect(c.readinessProbe.exec.command).toEqual(['sh', '/etc/redis/redis-ready.sh']);
              expect(o.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'config').configMap.items).toContainEqual({ key: 'redis-ready.sh', path: 'redis-ready.sh' });
            } else {
              expect(c.readinessProbe.exec.command.join(' ')).toContain('redis-cli --askpass -h 127.0.0.1 -p 6379 ping < /etc/redis-auth/password');
            }
            expect(JSON.stringify(c)).not.toMatch(/REDISCLI_AUTH|secretKeyRef/);
            expect(c.livenessProbe).toBeDefined();
            expect(JSON.stringify([c.readinessProbe, c.livenessProbe])).not.toMatch(/ -a /);
          }
        }
      }
      const text = JSON.stringify(objects);
      expect(text).not.toMatch(/requirepass [^"$\\]/);
      expect(text).not.toContain('hunter2');
    }
  });

  test('default resources follow redisMemoryLimit; default storage is 3 x maxMemory in Gi', () => {
    const { objects } = build({ maxMemory: '2Gi', storageClass: 'fast-ssd' });
    const sts = one(objects, 'StatefulSet');
    expect(sts.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '3616Mi' }, limits: { cpu: '1', memory: '3616Mi' } });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '6Gi' } } });
  });

  test('throws if a cluster has fewer than 3 masters', () => {
    expect(errorOf({ mode: 'cluster', masters: 2 })).toBe(
      "[test/cache] 'masters' must be an integer between 3 and 1000 (a cluster needs a majority of masters to fail over), got: 2");
  });

  test('throws if replicas are negative', () => {
    expect(errorOf({ mode: 'cluster', replicasPerMaster: -1 })).toBe("[test/cache] 'replicasPerMaster' must be an integer between 0 and 100, got: -1");
    expect(errorOf({ mode: 'replicated', replicasPerMaster: 0 })).toBe("[test/cache] 'replicasPerMaster' must be an integer between 1 and 100 in replicated mode, got: 0");
  });

  test('throws if maxMemory is not a memory quantity', () => {
    expect(errorOf({ maxMemory: 'lots' })).toBe(
      "[test/cache] 'maxMemory' must be a positive Kubernetes memory quantity such as \"512Mi\", \"2Gi\" or \"1G\", got: \"lots\"");
  });

  test('throws if the password is given as a literal, without showing it', () => {
    const message = errorOf({ auth: 'hunter2' as unknown as RedisDeploymentProps['auth'] });
    expect(message).toBe("[test/cache] 'auth' must be a Secret reference { secretName, key } (secrets are never given literally), got: a string of 7 characters (not shown)");
    const literal = errorOf({ password: 'hunter2' });
    expect(literal).toBe(
      "[test/cache] 'password' must not be set: pass the secret as a Secret reference in 'auth' ({ secretName, key }), never literally, got: a string of 7 characters (not shown)");
    expect(literal).not.toContain('hunter2');
    expect(errorOf({ auth: { secretName: 'redis-auth', secretKey: 'password' } as unknown as RedisDeploymentProps['auth'] })).toBe(
      "[test/cache] 'auth' must be a Secret reference { secretName, key } (secrets are never given literally), got: an object with the unexpected key(s) \"secretKey\" (values not shown)");
  });

  test('throws if the name is not a DNS label', () => {
    expect(errorOf({ name: 'Redis_1' })).toBe(
      "[test/cache] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 52 characters), got: \"Redis_1\"");
  });

  test('throws if the memory limit is below redisMemoryLimit, and lists every problem at once', () => {
    expect(errorOf({ name: 'x_', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '128Mi' } } })).toBe([
      "[test/cache] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 52 characters), got: \"x_\"",
      "[test/cache] 'resources.limits.memory' must be at least 207Mi for 'maxMemory' 100Mi (redisMemoryLimit: fragmentation, buffers and fork copy-on-write), got: \"128Mi\"",
    ].join('\n'));
  });

  test('throws if masters is other than 1 outside cluster mode', () => {
    expect(errorOf({ mode: 'replicated', masters: 3 })).toBe("[test/cache] 'masters' must be unset or 1 unless 'mode' is \"cluster\", got: 3");
    expect(build({ mode: 'replicated', masters: 1 }).redis.replicas).toBe(2);
  });

  test('throws one PropsError naming the construct path and the field on every line', () => {
    const message = errorOf({
      name: 'Redis_1', mode: 'cluster', masters: 2, maxMemory: '512Ki', auth: 'hunter2' as unknown,
      storageClass: 'Fast_SSD', clusterDomain: 'cluster local', password: 'hunter2',
    });
    const lines = message.split('\n');
    expect(lines.map((l) => l.match(/^\[test\/cache\] '([^']+)'/)?.[1])).toEqual([
      'name', 'maxMemory', 'auth', 'masters', 'storageClass', 'clusterDomain', 'password',
    ]);
    expect(message).not.toContain('hunter2');
  });

  describe('the tier validation and the construct give the same verdict (one rule, checkRedisDeploymentProps)', () => {
    /** The Redis lines of a tier's error, with the 'redis.' field prefix and the tier's path removed. */
    function tierVerdict(base: TierSpec, redis: DeepPartial<TierSpec['redis']>): string[] {
      try {
        deriveTier(base, { redis });
        return [];
      } catch (e) {
        return (e as Error).message.split('\n').map((l) => l.replace(/^\[[^\]]+\] /, '').replace(/'redis\./g, '\''));
      }
    }
    function constructVerdict(base: TierSpec, redis: Partial<RedisDeploymentProps>): string[] {
      try {
        build({ ...base.redis, ...redis });
        return [];
      } catch (e) {
        return (e as Error).message.split('\n').map((l) => l.replace(/^\[[^\]]+\] /, ''));
      }
    }
    test.each<[string, TierSpec, Partial<RedisDeploymentProps>, boolean]>([
      ['masters 2', enterprise, { masters: 2 }, false],
      ['masters 3', enterprise, { masters: 3 }, true],
      ['masters 1000', enterprise, { masters: 1000, replicasPerMaster: 0 }, true],
      ['masters 1001', enterprise, { masters: 1001 }, false],
      ['masters 16385', enterprise, { masters: 16385 }, false],
      ['cluster replicas -1', enterprise, { replicasPerMaster: -1 }, false],
      ['cluster replicas 0', enterprise, { replicasPerMaster: 0 }, true],
      ['cluster replicas 100', enterprise, { replicasPerMaster: 100 }, true],
      ['cluster replicas 101', enterprise, { replicasPerMaster: 101 }, false],
      ['replicated replicas 0', team, { replicasPerMaster: 0 }, false],
      ['replicated replicas 1', team, { replicasPerMaster: 1 }, true],
      ['replicated replicas 101', team, { replicasPerMaster: 101 }, false],
      ['replicated masters 2', team, { masters: 2 }, false],
      ['maxMemory 512Ki', team, { maxMemory: '512Ki' }, false],
    ])('%s', (_case, base, redis, valid) => {
      const fromTier = tierVerdict(base, redis);
      expect(fromTier.length === 0).toBe(valid);
      expect(constructVerdict(base, redis)).toEqual(fromTier);
    });
  });

  describe('exporter sidecar', () => {
    test('absent by default', () => {
      const { objects } = build();
      expect(named(objects, 'StatefulSet', 'redis').spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['redis']);
    });

    test('a restricted redis_exporter with probes, the password from a file its init container writes, port 9121 open to the scrapers only', () => {
      const { objects } = build({ exporter: { allowScrapeFrom: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }] } });
      const [, exporter] = named(objects, 'StatefulSet', 'redis').spec.template.spec.containers;
      expect(exporter).toMatchObject({
        name: 'exporter',
        image: 'oliver006/redis_exporter:v1.62.0',
        ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      });
      expect(exporter.args).toEqual(['--redis.addr=redis://127.0.0.1:6379', '--redis.password-file=/run/exporter/passwords.json']);
      expect(exporter.env).toBeUndefined();
      const pod = named(objects, 'StatefulSet', 'redis').spec.template.spec;
      expect(pod.initContainers.map((c: { name: string }) => c.name)).toEqual(['exporter-auth']);
      expect(pod.initContainers[0].command).toEqual(['sh', '/etc/redis/exporter-auth.sh', '/run/exporter/passwords.json', 'redis://127.0.0.1:6379', '/etc/redis-auth/password']);
      expect(pod.volumes).toContainEqual({ name: 'exporter-auth', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) expect(exporter[probe].httpGet.path).toBe('/health');
      expect(named(objects, 'NetworkPolicy', 'redis').spec.ingress).toContainEqual({
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }],
        ports: [{ port: 9121, protocol: 'TCP' }],
      });
    });

    test('throws if the exporter image is not pinned', () => {
      expect(errorOf({ exporter: { image: 'oliver006/redis_exporter:latest' } })).toContain("'exporter.image' must be an image reference with an explicit tag other than 'latest'");
    });
  });

  describe('Sentinel (replicated mode)', () => {
    const sentinelProps: Partial<RedisDeploymentProps> = { mode: 'replicated', replicasPerMaster: 1, sentinel: { downAfterMilliseconds: 5000 } };

    test('3 Sentinels in a StatefulSet of their own, quorum 2, stable names, restricted, a PDB that keeps the quorum', () => {
      const { objects } = build(sentinelProps);
      const sts = named(objects, 'StatefulSet', 'redis-sentinel');
      expect(sts.spec.replicas).toBe(3);
      expect(sts.spec.serviceName).toBe('redis-sentinel-headless');
      expect(named(objects, 'Service', 'redis-sentinel-headless').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
      expect(named(objects, 'Service', 'redis-sentinel').spec.ports).toEqual([{ name: 'sentinel', port: 26379, targetPort: 'sentinel', protocol: 'TCP', appProtocol: 'redis' }]);
      expect(named(objects, 'PodDisruptionBudget', 'redis-sentinel').spec.maxUnavailable).toBe(1);
      const pod = sts.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
      const [c] = pod.containers;
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.env).toContainEqual({ name: 'REDIS_ANNOUNCE_HOSTNAME', value: '$(POD_NAME).redis-sentinel-headless.shop.svc.cluster.local' });
      expect(JSON.stringify(c.env)).not.toContain('secretKeyRef');
      expect(pod.volumes).toContainEqual({ name: 'auth', secret: { secretName: 'redis-auth', defaultMode: 0o400, items: [{ key: 'password', path: 'password' }] } });
      expect(c.readinessProbe.exec.command.join(' ')).toContain('redis-cli --askpass -h 127.0.0.1 -p 26379 ping < /etc/redis-auth/password');
      const script = named(objects, 'ConfigMap', 'redis-config').data['sentinel-startup.sh'];
      expect(script).toContain("FIRST_BOOT_PRIMARY='redis-0.redis-headless.shop.svc.cluster.local:6379'");
      expect(script).toContain('QUORUM=2');
      expect(script).toContain('sentinel down-after-milliseconds $MASTER_NAME 5000');
      expect(script).toContain('sentinel failover-timeout $MASTER_NAME 60000');
      expect(script).toContain('sentinel parallel-syncs $MASTER_NAME 1');
      for (let i = 0; i < 3; i++) expect(script).toContain(`redis-sentinel-${i}.redis-sentinel-headless.shop.svc.cluster.local:26379`);
    });

    test.each([
      ['a cache with one replica keeps writing on a lone primary', { use: 'cache', replicasPerMaster: 1 }, 0],
      ['a cache with two replicas never stalls on one loss', { use: 'cache', replicasPerMaster: 2 }, 1],
      ['data with one replica stalls rather than lose writes', { use: 'data', replicasPerMaster: 1 }, 1],
      ['data with two replicas', { use: 'data', replicasPerMaster: 2 }, 1],
    ] as const)('min-replicas-to-write: %s', (_, over, expected) => {
      const conf = named(build({ ...sentinelProps, ...over }).objects, 'ConfigMap', 'redis-config').data['redis.conf'];
      if (expected === 0) expect(conf).not.toMatch(/^min-replicas-to-write/m);
      else expect(conf).toMatch(new RegExp(`^min-replicas-to-write ${expected}$`, 'm'));
      expect(redisSentinelMinReplicasToWrite(over.use, over.replicasPerMaster)).toBe(expected);
    });

    test('one conf for every server: no replicaof baked in, the startup script asks Sentinel; no Service pinned to pod 0', () => {
      const { objects } = build(sentinelProps);
      const data = named(objects, 'ConfigMap', 'redis-config').data;
      expect(Object.keys(data)).toEqual(expect.arrayContaining(['redis.conf', 'redis-startup.sh', 'sentinel-startup.sh']));
      expect(data['redis.conf']).not.toMatch(/^replicaof /m);
      expect(data['redis-startup.sh']).toContain('SENTINEL get-master-addr-by-name');
      expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name).sort()).toEqual(['redis-headless', 'redis-read', 'redis-sentinel', 'redis-sentinel-headless']);
      // The Sentinels reach the servers on 6379; the servers and the clients reach the Sentinels on 26379.
      expect(named(objects, 'NetworkPolicy', 'redis').spec.ingress).toContainEqual({
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'redis', 'app.kubernetes.io/component': 'sentinel' } } }],
        ports: [{ port: 6379, protocol: 'TCP' }],
      });
      expect(named(objects, 'NetworkPolicy', 'redis-sentinel').spec.ingress).toContainEqual({
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } }],
        ports: [{ port: 26379, protocol: 'TCP' }],
      });
    });

    test('throws if Sentinel is asked for outside replicated mode', () => {
      expect(errorOf({ mode: 'cluster', sentinel: {} })).toContain("'sentinel' must be unset unless 'mode' is \"replicated\" (a Redis Cluster fails over by itself), got: {}");
    });
  });

  describe('TLS', () => {
    const tlsProps: Partial<RedisDeploymentProps> = { mode: 'replicated', replicasPerMaster: 1, sentinel: {}, tls: { issuer: { name: 'internal-ca', kind: 'ClusterIssuer' } } };

    test('a cert-manager Certificate naming every pod, Service and Sentinel, with a duration and renewBefore', () => {
      const { objects } = build(tlsProps);
      const cert = named(objects, 'Certificate', 'redis-tls');
      expect(cert.apiVersion).toBe('cert-manager.io/v1');
      expect(cert.spec).toMatchObject({
        secretName: 'redis-tls', duration: '2160h', renewBefore: '720h',
        issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        usages: ['digital signature', 'server auth', 'client auth'],
      });
      expect(cert.spec.dnsNames).toEqual(expect.arrayContaining([
        'redis-0.redis-headless.shop.svc.cluster.local', 'redis-1.redis-headless.shop.svc.cluster.local',
        'redis-sentinel-2.redis-sentinel-headless.shop.svc.cluster.local', 'redis-read', 'redis-read.shop.svc.cluster.local',
        'redis-sentinel', 'redis-sentinel.shop.svc',
      ]));
    });

    test('TLS-only servers and Sentinels; probes, reloader and Sentinel speak TLS', () => {
      const { objects } = build(tlsProps);
      const data = named(objects, 'ConfigMap', 'redis-config').data;
      expect(data['redis.conf']).toMatch(/^port 0\ntls-port 6379\ntls-cert-file \/etc\/redis-tls\/tls.crt\ntls-key-file \/etc\/redis-tls\/tls.key\ntls-ca-cert-file \/etc\/redis-tls\/ca.crt\ntls-auth-clients yes\ntls-replication yes$/m);
      expect(data['sentinel-startup.sh']).toContain("echo 'tls-port 26379'");
      expect(data['redis-tls-reloader.sh']).toContain('CONFIG SET tls-cert-file');
      const pod = named(objects, 'StatefulSet', 'redis').spec.template.spec;
      expect(pod.containers.map((c: { name: string }) => c.name)).toEqual(['redis', 'tls-reloader']);
      expect(named(objects, 'ConfigMap', 'redis-config').data['redis-ready.sh']).toContain("TLS_ARGS='--tls --cacert /etc/redis-tls/ca.crt --cert /etc/redis-tls/tls.crt --key /etc/redis-tls/tls.key'");
      expect(named(objects, 'ConfigMap', 'redis-config').data['redis-handover.sh']).toContain("TLS_ARGS='--tls --cacert /etc/redis-tls/ca.crt --cert /etc/redis-tls/tls.crt --key /etc/redis-tls/tls.key'");
      expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'redis-tls', defaultMode: 0o400 } });
    });

    test('cluster mode: tls-cluster yes, and the bootstrap Job and the exporter use TLS', () => {
      const { objects } = build({ mode: 'cluster', tls: { issuer: { name: 'ca' } }, exporter: {} });
      expect(named(objects, 'ConfigMap', 'redis-config').data['redis.conf']).toMatch(/^tls-cluster yes$/m);
      expect(named(objects, 'ConfigMap', 'redis-bootstrap').data['cluster-bootstrap.sh']).toContain("TLS_ARGS='--tls --cacert /etc/redis-tls/ca.crt");
      const exporter = named(objects, 'StatefulSet', 'redis').spec.template.spec.containers.find((c: { name: string }) => c.name === 'exporter');
      expect(exporter.args).toEqual([
        '--redis.addr=rediss://$(POD_NAME).redis-headless.shop.svc.cluster.local:6379', '--redis.password-file=/run/exporter/passwords.json',
        '--tls-ca-cert-file=/etc/redis-tls/ca.crt', '--tls-client-cert-file=/etc/redis-tls/tls.crt', '--tls-client-key-file=/etc/redis-tls/tls.key',
      ]);
    });

    test('a client certificate per listed client (client auth only, same issuer), and the connection settings for it', () => {
      const { objects } = build({ ...tlsProps, tls: { ...tlsProps.tls!, clients: ['web'] } });
      expect(named(objects, 'Certificate', 'redis-web-client-tls').spec).toEqual({
        secretName: 'redis-web-client-tls',
        secretTemplate: { labels: expect.any(Object) },
        commonName: 'web',
        duration: '2160h',
        renewBefore: '720h',
        issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'client auth'],
      });
      expect(named(objects, 'ConfigMap', 'redis-client').data).toEqual({
        REDIS_MODE: 'replicated',
        REDIS_SENTINEL_HOST: 'redis-sentinel.shop.svc.cluster.local',
        REDIS_SENTINEL_PORT: '26379',
        REDIS_SENTINEL_MASTER: 'redis',
        REDIS_READ_HOST: 'redis-read.shop.svc.cluster.local',
        REDIS_AUTH_FILE: '/etc/redis-client-auth/password',
        REDIS_TLS: 'true',
        REDIS_TLS_CA_FILE: '/etc/redis-client-tls/ca.crt',
        REDIS_TLS_CERT_FILE: '/etc/redis-client-tls/tls.crt',
        REDIS_TLS_KEY_FILE: '/etc/redis-client-tls/tls.key',
      });
      expect(redisClientWiring({ name: 'redis', client: 'web', auth: AUTH, tls: true })).toEqual({
        configMapName: 'redis-client',
        secretFiles: [
          { secretName: AUTH.secretName, mountPath: '/etc/redis-client-auth', items: { [AUTH.key]: 'password' } },
          { secretName: 'redis-web-client-tls', mountPath: '/etc/redis-client-tls' },
        ],
      });
    });

    test('throws if a client name is not a label, is repeated, or makes the Secret name too long', () => {
      const msg = errorOf({ ...tlsProps, tls: { ...tlsProps.tls!, clients: ['Web', 'web', 'web', 'x'.repeat(50)] } });
      expect(msg).toContain("'tls.clients[0]' must be a workload name (a DNS-1035 label) short enough for \"redis-<client>-client-tls\" to be at most 63 characters, got: \"Web\"");
      expect(msg).toContain("'tls.clients' must be distinct names");
      expect(msg).toContain(`'tls.clients[3]' must be a workload name`);
    });

    test('throws if renewBefore is not shorter than the duration', () => {
      expect(errorOf({ tls: { issuer: { name: 'ca' }, duration: '24h', renewBefore: '24h' } })).toContain("'tls.renewBefore' must be shorter than 'duration' (24h)");
    });
  });

  test('CKV_K8S_35 and CKV_K8S_40 logic on every tier: no Redis container reads a Secret through env, every UID/GID is >= 10000', () => {
    for (const tier of [team, enterprise, deriveTier(team, { name: 'team-tls', redis: { tls: { issuer: { name: 'ca' } } } })]) {
      const chart = testChart();
      new RedisDeployment(chart, 'redis', { ...tier.redis, namespace: tier.name, auth: AUTH, exporter: {} });
      for (const o of synth(chart).filter((x) => ['StatefulSet', 'Job', 'Deployment'].includes(x.kind))) {
        const pod = o.spec.template.spec;
        for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
          const where = `${tier.name} ${o.kind}/${o.metadata.name} ${c.name}`;
          // CKV_K8S_35: secrets as files, never env.
          expect([where, (c.env ?? []).filter((e: { valueFrom?: { secretKeyRef?: unknown } }) => e.valueFrom?.secretKeyRef)]).toEqual([where, []]);
          expect([where, (c.envFrom ?? []).filter((e: { secretRef?: unknown }) => e.secretRef)]).toEqual([where, []]);
          // CKV_K8S_40: a high UID (container or pod level), and the same for the group (kube-score).
          const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
          const gid = c.securityContext?.runAsGroup ?? pod.securityContext?.runAsGroup;
          expect([where, uid >= 10000, gid >= 10000]).toEqual([where, true, true]);
        }
        for (const v of pod.volumes ?? []) if (v.secret) expect([o.metadata.name, v.name, v.secret.defaultMode]).toEqual([o.metadata.name, v.name, 0o400]);
      }
    }
  });
});
