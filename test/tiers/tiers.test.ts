import { Yaml } from 'cdk8s';
import { TIERS, department, development, enterprise, team } from '../../tiers';
import { Manifest, matches, named, ofKind, one, podTemplates, synthTier } from '../_synth';

const synthesised = new Map(TIERS.map((t) => [t.name, synthTier(t).objects]));
const objectsOf = (name: string): Manifest[] => synthesised.get(name)!;

describe.each(TIERS.map((t) => [t.name]))('tier %s', (name) => {
  const objects = objectsOf(name);

  test('matches its snapshot', () => {
    expect(Yaml.stringify(...objects)).toMatchSnapshot();
  });

  test('names no placeholder host; the app is a real stand-in that answers its probes on its port', () => {
    expect(Yaml.stringify(...objects)).not.toMatch(/example\.(com|org|net)/);
    const app = named(objects, 'Deployment', 'app').spec.template.spec.containers[0];
    // traefik/whoami answers GET /health and listens on WHOAMI_PORT_NUMBER (tiers/_shared.ts, STAND_IN_APP).
    expect(app.image).toBe('docker.io/traefik/whoami:v1.11.0');
    expect(app.env).toContainEqual({ name: 'WHOAMI_PORT_NUMBER', value: String(app.ports[0].containerPort) });
    expect([app.readinessProbe.httpGet.path, app.livenessProbe.httpGet.path]).toEqual(['/health', '/health']);
  });

  test('every object is in the tier namespace, which enforces the restricted Pod Security Standard', () => {
    const ns = one(objects, 'Namespace');
    expect(ns.metadata.name).toBe(name);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // The one exception: prometheus-adapter's rules live beside the adapter (tiers with a Pods metric on the HPA).
    const adapterRules = (x: { kind: string; metadata: { name: string } }) => x.kind === 'ConfigMap' && x.metadata.name === 'prometheus-adapter-rules';
    for (const o of objects.filter((x) => x.kind !== 'Namespace' && !adapterRules(x))) expect(o.metadata.namespace).toBe(name);
    for (const o of objects.filter(adapterRules)) expect(o.metadata.namespace).toBe('monitoring');
  });

  test('every container has requests, limits, probes and the restricted security context', () => {
    const templates = podTemplates(objects);
    expect(templates.length).toBeGreaterThan(0);
    for (const { owner, spec } of templates) {
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      // No exception: PostgreSQL too runs at 10000 or above (its start script names the uid `postgres` through
      // nss_wrapper).
      expect(spec.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
      expect(spec.securityContext.runAsGroup).toBeGreaterThanOrEqual(10000);
      expect(spec.securityContext.runAsUser).not.toBe(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        if (owner.kind !== 'Job' && !(spec.initContainers ?? []).includes(c)) {
          // long-running containers; a Job's container runs to completion and an init container before the pod starts: neither has probes
          expect(c.readinessProbe).toBeDefined();
          expect(c.livenessProbe).toBeDefined();
          expect(c.startupProbe).toBeDefined();
        }
        expect(c.image).toMatch(/:(?!latest$)[\w][\w.-]*$|@sha256:/);
      }
    }
  });

  test('every Service, PDB and NetworkPolicy selects pods that exist; every HPA and VPA targets a workload that exists', () => {
    const templates = podTemplates(objects);
    const selects = (selector: Record<string, string>) => templates.some((t) => matches(selector, t.labels, t.owner));
    for (const svc of ofKind(objects, 'Service')) expect(selects(svc.spec.selector)).toBe(true);
    for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
      const poolerName = pdb.spec.selector.matchLabels['cnpg.io/poolerName'];
      // A Pooler's pods are the operator's: its budget selects them by the name of a Pooler of the output.
      if (poolerName !== undefined) expect(ofKind(objects, 'Pooler').map((p) => p.metadata.name)).toContain(poolerName);
      else expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    }
    for (const np of ofKind(objects, 'NetworkPolicy')) {
      if (np.metadata.annotations?.['validate.scaling-tiers.io/skip-dangling-selector']) {
        // CloudNativePG's pods are the operator's: the policy selects by the name of a Cluster of the output.
        const clusters = ofKind(objects, 'Cluster').map((c) => c.metadata.name);
        expect(clusters.some((name) => JSON.stringify(np.spec.podSelector).includes(`"${name}`))).toBe(true);
        continue;
      }
      expect(selects(np.spec.podSelector.matchLabels)).toBe(true);
    }
    for (const scaler of [...ofKind(objects, 'HorizontalPodAutoscaler'), ...ofKind(objects, 'VerticalPodAutoscaler')]) {
      const ref = scaler.spec.scaleTargetRef ?? scaler.spec.targetRef;
      expect(objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name && o.apiVersion === ref.apiVersion)).toBe(true);
    }
  });

  test('every pod is selected by a NetworkPolicy, and every workload that can run 2+ pods has a PDB that never blocks all evictions', () => {
    for (const t of podTemplates(objects)) {
      expect(ofKind(objects, 'NetworkPolicy').some((np) => matches(np.spec.podSelector.matchLabels, t.labels))).toBe(true);
      const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === t.owner.metadata.name);
      const maxPods = hpa?.spec.maxReplicas ?? t.owner.spec.replicas ?? 1;
      const pdbs = ofKind(objects, 'PodDisruptionBudget').filter((p) => matches(p.spec.selector.matchLabels, t.labels));
      if (maxPods >= 2) {
        expect(pdbs).toHaveLength(1);
        const minPods = hpa?.spec.minReplicas ?? t.owner.spec.replicas;
        const { maxUnavailable, minAvailable } = pdbs[0].spec;
        if (maxUnavailable !== undefined) expect(maxUnavailable).toBeGreaterThanOrEqual(1);
        else expect(minAvailable).toBeLessThan(minPods);
      }
    }
  });

  test('a Deployment an HPA scales leaves replicas unset', () => {
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      const target = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === hpa.spec.scaleTargetRef.name)!;
      expect(target.spec.replicas).toBeUndefined();
    }
  });

  test('no VPA controls a resource its HPA scales on', () => {
    for (const vpa of ofKind(objects, 'VerticalPodAutoscaler')) {
      if (vpa.spec.updatePolicy.updateMode === 'Off') continue;
      const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === vpa.spec.targetRef.name);
      const hpaResources = (hpa?.spec.metrics ?? []).filter((m: { type: string }) => m.type === 'Resource').map((m: { resource: { name: string } }) => m.resource.name);
      for (const policy of vpa.spec.resourcePolicy.containerPolicies) {
        for (const r of policy.controlledResources) expect(hpaResources).not.toContain(r);
      }
    }
  });
});

describe('tier figures', () => {
  test('development runs one replica, no HPA, no PDB, and a recommendation-only VPA', () => {
    const objects = objectsOf('development');
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'PodDisruptionBudget').filter((p) => p.metadata.name === 'app')).toHaveLength(0);
    expect(named(objects, 'Deployment', 'app').spec.replicas).toBe(1);
    expect(one(objects, 'VerticalPodAutoscaler').spec.updatePolicy.updateMode).toBe('Off');
    expect(development.app.replicas).toBe(1);
  });

  test('team scales 2-10 on CPU 70 % with the seed 000 behaviour, without its 60 s scale-up window', () => {
    const hpa = named(objectsOf('team'), 'HorizontalPodAutoscaler', 'app');
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(hpa.spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 30 },
          { type: 'Pods', value: 2, periodSeconds: 30 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
    });
    const vpa = one(objectsOf('team'), 'VerticalPodAutoscaler');
    expect(vpa.spec.updatePolicy.updateMode).toBe('Initial');
    expect(vpa.spec.resourcePolicy.containerPolicies[0].controlledResources).toEqual(['memory']);
  });

  test("department scales 3-24 with KEDA on CPU, queue depth and seed 001's 06:00-02:00 floor, and has no HPA of its own", () => {
    const objects = objectsOf('department');
    const so = named(objects, 'ScaledObject', 'app');
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([3, 24]); // [001] max 20, raised: the capacity promise
    expect(so.spec.triggers.map((t: { type: string }) => t.type)).toEqual(['cpu', 'prometheus', 'cron']);
    expect(so.spec.triggers[1].metadata).toMatchObject({ threshold: '10', serverAddress: 'http://prometheus-operated.monitoring.svc:9090' });
    expect(so.spec.triggers[2].metadata).toEqual({ timezone: 'America/New_York', start: '0 6 * * *', end: '0 2 * * *', desiredReplicas: '4' });
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 6 });
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'app')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-adapter-rules')).toEqual([]);
    expect(department.regions.map((r) => r.role)).toEqual(['primary', 'standby']);
  });

  test('enterprise scales 3-240 with the seed 003 rates (+max(100 %, 4 pods)/60 s, -10 %/60 s after 300 s) and VPA bounds', () => {
    const objects = objectsOf('enterprise');
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'app');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 240]); // [003, 004] max 50, raised: the capacity promise
    expect(hpa.spec.behavior.scaleUp.policies).toEqual([
      { type: 'Percent', value: 100, periodSeconds: 60 },
      { type: 'Pods', value: 4, periodSeconds: 60 },
    ]);
    expect(hpa.spec.behavior.scaleUp.selectPolicy).toBe('Max');
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
    const policy = one(objects, 'VerticalPodAutoscaler').spec.resourcePolicy.containerPolicies[0];
    expect(policy).toMatchObject({ controlledResources: ['memory'], minAllowed: { cpu: '100m', memory: '128Mi' }, maxAllowed: { cpu: '4', memory: '8Gi' } });
    expect(enterprise.regions.map((r) => `${r.name}:${r.role}`)).toEqual(['us-east-1:primary', 'eu-west-1:secondary', 'ap-southeast-1:read-only']);
  });

  test('enterprise: the app holds a client certificate (client auth) from the Redis issuer, mounted with the CA, and the connection settings', () => {
    const objects = objectsOf('enterprise');
    const cert = named(objects, 'Certificate', 'redis-app-client-tls');
    expect(cert.spec).toMatchObject({ secretName: 'redis-app-client-tls', commonName: 'app', usages: ['digital signature', 'client auth'], issuerRef: { name: 'internal-ca', kind: 'ClusterIssuer' } });
    expect(cert.spec.issuerRef).toEqual(named(objects, 'Certificate', 'redis-tls').spec.issuerRef);
    const pod = named(objects, 'Deployment', 'app').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'secret-1', secret: { secretName: 'redis-app-client-tls', defaultMode: 0o400 } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'secret-1', mountPath: '/etc/redis-client-tls', readOnly: true });
    expect(pod.containers[0].envFrom).toContainEqual({ configMapRef: { name: 'redis-client' } });
    expect(named(objects, 'ConfigMap', 'redis-client').data).toMatchObject({
      REDIS_MODE: 'cluster', REDIS_HOST: 'redis.enterprise.svc.cluster.local', REDIS_PORT: '6379', REDIS_TLS: 'true',
      REDIS_TLS_CA_FILE: '/etc/redis-client-tls/ca.crt', REDIS_TLS_CERT_FILE: '/etc/redis-client-tls/tls.crt', REDIS_TLS_KEY_FILE: '/etc/redis-client-tls/tls.key',
    });
    expect(named(objects, 'Deployment', 'app').metadata.annotations?.['validate.scaling-tiers.io/user-provided']).toContain('secret/redis-app-client-tls');
  });

  test.each(['development', 'team', 'department'])('%s: the app mounts the Redis password and reads the connection settings; no client certificate without TLS', (name) => {
    const objects = objectsOf(name);
    const pod = named(objects, 'Deployment', 'app').spec.template.spec;
    expect(pod.containers[0].envFrom).toContainEqual({ configMapRef: { name: 'redis-client' } });
    expect(pod.volumes).toContainEqual({ name: 'secret-0', secret: { secretName: 'redis-auth', defaultMode: 0o400, items: [{ key: 'password', path: 'password' }] } });
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    expect(named(objects, 'ConfigMap', 'redis-client').data.REDIS_TLS).toBeUndefined();
  });

  test('development has no nginx; the app admits any pod of its namespace', () => {
    const objects = objectsOf('development');
    expect(objects.some((o) => o.metadata.name.startsWith('nginx'))).toBe(false);
    expect(named(objects, 'NetworkPolicy', 'app').spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: {} } }]);
  });

  test.each(['team', 'department', 'enterprise'])('%s: only nginx may reach the app, through its headless Service', (name) => {
    const objects = objectsOf(name);
    expect(named(objects, 'NetworkPolicy', 'app').spec.ingress[0].from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'nginx' } } },
    ]);
    expect(named(objects, 'Service', 'app-headless').spec.clusterIP).toBe('None');
    const conf: string = named(objects, 'ConfigMap', 'nginx-config').data['nginx.conf'];
    expect(conf).toContain(`server app-headless.${name}.svc.cluster.local:8080 resolve max_fails=3 fail_timeout=30s;`);
    expect(conf).toContain('keepalive 32;');
  });

  test('team: 2 nginx replicas, round robin, its own cloud load balancer', () => {
    const objects = objectsOf('team');
    expect(named(objects, 'Deployment', 'nginx').spec.replicas).toBe(2);
    expect(named(objects, 'Service', 'nginx').spec.type).toBe('LoadBalancer');
    const conf: string = named(objects, 'ConfigMap', 'nginx-config').data['nginx.conf'];
    expect(conf).not.toMatch(/^\s*(least_conn|ip_hash|hash) /m);
  });

  test('department: least_conn, an nginx HPA 2-6, websocket affinity by client hash', () => {
    const objects = objectsOf('department');
    expect(named(objects, 'HorizontalPodAutoscaler', 'nginx').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    const conf: string = named(objects, 'ConfigMap', 'nginx-config').data['nginx.conf'];
    expect(conf).toContain('least_conn;');
    expect(conf).toContain('hash $remote_addr;');
  });

  test('enterprise: behind the ALB (ClusterIP), real client IP from the VPC, seed 003 rate limits', () => {
    const objects = objectsOf('enterprise');
    expect(named(objects, 'Service', 'nginx').spec.type).toBe('ClusterIP');
    const conf: string = named(objects, 'ConfigMap', 'nginx-config').data['nginx.conf'];
    for (const r of enterprise.regions) expect(conf).toContain(`set_real_ip_from ${r.vpcCidr};`);
    expect(conf).toContain('rate=5000r/m');
    expect(conf).toContain('rate=1000r/m');
    expect(conf).toMatch(/limit_req zone=per_client burst=100/);
    expect(named(objects, 'NetworkPolicy', 'nginx').spec.ingress[0].from).toEqual(enterprise.regions.map((r) => ({ ipBlock: { cidr: r.vpcCidr } })));
  });

  test("enterprise nginx trusts X-Forwarded-For from exactly its regions' VPCs (where the ALBs are)", () => {
    expect(enterprise.nginx?.trustedProxyCidrs).toEqual(enterprise.regions.map((r) => r.vpcCidr));
  });

  test.each<[string, number, number, boolean]>([
    // tier, Redis servers, maxmemory bytes, bootstrap Job
    ['development', 1, 100 * 2 ** 20, false], // [002] standalone 100 MB
    ['team', 2, 500 * 2 ** 20, false], // [002] primary + 1 replica, 500 MB
    ['department', 6, 2 * 2 ** 30, true], // [003] cluster 3 masters + 3 replicas, 2 GB
    ['enterprise', 6, 8 * 2 ** 30, true], // [003] cluster 3 + 3, 8 GB
  ])('%s: Redis runs %i servers with maxmemory %i (bootstrap Job: %s), volumes retained', (name, servers, bytes, job) => {
    const objects = objectsOf(name);
    const sts = named(objects, 'StatefulSet', 'redis');
    expect(sts.spec.replicas).toBe(servers);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    const confs = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name.startsWith('redis')).flatMap((c) => Object.values(c.data as Record<string, string>));
    expect(confs.some((c) => c.includes(`maxmemory ${bytes}\n`))).toBe(true);
    expect(ofKind(objects, 'Job').length).toBe(job ? 1 : 0);
  });

  test('development: one Postgres without an operator (the StatefulSet engine)', () => {
    const objects = objectsOf('development');
    expect(named(objects, 'StatefulSet', 'postgres-primary').spec.replicas).toBe(1);
    expect(objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'postgres-replica')).toBe(false);
    expect(ofKind(objects, 'Cluster')).toEqual([]);
  });

  test.each<[string, number, number | undefined, string | undefined, string | undefined]>([
    ['team', 1, undefined, undefined, undefined], // [003] + a streaming replica; automatic failover
    ['department', 2, undefined, '0 0 */6 * * *', '90d'], // [003] + 2 read replicas, pooler; [002] every 6 h, 90 days
    ['enterprise', 3, 1, '0 0 * * * *', '84m'], // [004] + 3 read replicas, pooler, sync ANY 1; [002] every 1 h, 7 years
  ])('%s: a CloudNativePG Cluster of 1 + %i instances (sync %s), schedule %s, retention %s', (name, replicas, sync, schedule, retention) => {
    const objects = objectsOf(name);
    expect(objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name.startsWith('postgres'))).toBe(false);
    const cluster = named(objects, 'Cluster', 'postgres').spec;
    expect(cluster.instances).toBe(1 + replicas);
    // Enterprise has the room for a separate pg_wal volume (20 % of its 100Gi, same class); WAL retention follows it.
    expect(cluster.walStorage).toEqual(name === 'enterprise' ? { size: '20Gi', storageClass: 'fast-ssd' } : undefined);
    if (name === 'enterprise') expect(cluster.postgresql.parameters).toMatchObject({ wal_keep_size: '204MB', max_slot_wal_keep_size: '2048MB' });
    expect(cluster.postgresql.synchronous).toEqual(sync ? { method: 'any', number: sync, dataDurability: 'required' } : undefined);
    // One replica: the read Pooler is type r (every instance), so reads survive that replica's restart.
    const read = replicas >= 2 ? 'ro' : 'r';
    expect(ofKind(objects, 'Pooler').map((p) => `${p.metadata.name}:${p.spec.type}:${p.spec.instances}`)).toEqual(['postgres-pooler-rw:rw:2', `postgres-pooler-${read}:${read}:2`]);
    // Every Pooler has requests (not BestEffort), spread, and a budget that lets one pod go at a time.
    for (const p of ofKind(objects, 'Pooler')) {
      expect(p.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '64Mi' });
      expect(p.spec.template.spec.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      expect(named(objects, 'PodDisruptionBudget', p.metadata.name).spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { 'cnpg.io/poolerName': p.metadata.name } } });
    }
    expect(ofKind(objects, 'ScheduledBackup').map((b) => b.spec.schedule)).toEqual(schedule ? [schedule] : []);
    expect(ofKind(objects, 'ObjectStore').filter((b) => b.spec.retentionPolicy !== undefined).map((b) => b.spec.retentionPolicy)).toEqual(retention ? [retention] : []);
    if (retention) {
      expect(named(objects, 'ObjectStore', 'postgres-backups').spec.configuration.destinationPath).toBe(`s3://scaling-tiers-${name}-pg-backups-use1/${name}/postgres/`);
      // One primary across the regions: the base is the primary region's member of the distributed topology.
      expect(cluster.replica.primary).toBe('postgres-us-east-1');
      expect(cluster.replica.self).toBe('postgres-us-east-1');
    }
  });

  test.each<[string, string, string, number, [string, string] | undefined]>([
    ['development', '500m', '256Mi', 33, undefined],
    ['team', '500m', '1Gi', 100, ['20', '180']],
    ['department', '500m', '1Gi', 200, ['29', '720']],
    ['enterprise', '500m', '1Gi', 578, ['286', '7200']],
  ])('%s: the figures the capacity promise sets reach the output (app requests %s / %s, max_connections %i, pool and clients %j)', (name, cpu, memory, maxConnections, pool) => {
    const objects = objectsOf(name);
    const app = named(objects, 'Deployment', 'app').spec.template.spec.containers[0];
    expect(app.resources.requests).toEqual({ cpu, memory });
    if (pool === undefined) {
      // the StatefulSet engine: postgresql.conf in its ConfigMap
      const conf = ofKind(objects, 'ConfigMap').map((c) => Object.values(c.data ?? {}).join('\n')).join('\n');
      expect(conf).toContain(`max_connections = ${maxConnections}\n`);
      return;
    }
    expect(named(objects, 'Cluster', 'postgres').spec.postgresql.parameters.max_connections).toBe(String(maxConnections));
    for (const pooler of ofKind(objects, 'Pooler')) {
      expect([pooler.spec.pgbouncer.parameters.default_pool_size, pooler.spec.pgbouncer.parameters.max_client_conn]).toEqual(pool);
    }
  });

  test('replication factor and capacity grow with the tier (seed 002)', () => {
    expect(TIERS.map((t) => t.replicationFactor)).toEqual([1, 2, 3, 5]);
    expect(TIERS.map((t) => t.capacity.concurrentUsers.max)).toEqual([5, 25, 100, 1000]);
    expect(TIERS.map((t) => t.regions.length)).toEqual([1, 1, 2, 3]);
    expect(team.redis.mode).toBe('replicated');
  });
});
