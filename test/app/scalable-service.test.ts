import { ScalableService, ScalableServiceProps } from '../../lib';
import { checkScalableServiceProps } from '../../lib/app';
import { Problems } from '../../lib/core/problems';
import { propsErrorOf } from '../_props';
import { one, ofKind, synth, testChart } from '../_synth';

const BASE: ScalableServiceProps = {
  image: 'registry.example.com/web:1.2.3',
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
};

const AUTOSCALING = {
  minReplicas: 2,
  maxReplicas: 5,
  cpuUtilization: 70,
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods' as const, value: 2, periodSeconds: 30 }] },
  scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent' as const, value: 50, periodSeconds: 60 }] },
};

function build(props: Partial<ScalableServiceProps> = {}) {
  const chart = testChart();
  const service = new ScalableService(chart, 'web', { ...BASE, ...props });
  return { service, objects: synth(chart) };
}

function errorOf(props: Partial<ScalableServiceProps>): string {
  try {
    build(props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the construct to throw');
}

describe('ScalableService', () => {
  test('a single-pod service, with its reason: Deployment with 1 replica, no HPA, no PDB, restricted pod security', () => {
    // GIVEN / WHEN
    const { objects } = build({ replicas: 1, validationExemptions: { 'min-replicas': 'a preview environment' } });

    // THEN
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'NetworkPolicy']);
    const deployment = one(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: '25%' });
    const pod = deployment.spec.template.spec;
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('web');
    expect(deployment.metadata.annotations).toEqual({ 'validate.scaling-tiers.io/skip-min-replicas': 'a preview environment' });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const container = pod.containers[0];
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: 'http', scheme: 'HTTP' });
    expect(container.readinessProbe).toBeDefined();
    expect(container.livenessProbe).toBeDefined();
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]);
    expect(one(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(objects).toMatchSnapshot();
  });

  test('with an HPA: no replicas on the Deployment, explicit behaviour, PDB and topology spread', () => {
    const { objects } = build({ autoscaling: AUTOSCALING });

    const deployment = one(objects, 'Deployment');
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = one(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 30 }] },
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
      },
    });
    const pdb = one(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    const spread = deployment.spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(deployment.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
  });

  test('a custom Pods metric is emitted with its average value', () => {
    const { objects } = build({ autoscaling: { ...AUTOSCALING, podsMetric: { name: 'task_queue_depth', averageValue: '10' } } });
    expect(one(objects, 'HorizontalPodAutoscaler').spec.metrics[1]).toEqual({
      type: 'Pods',
      pods: { metric: { name: 'task_queue_depth' }, target: { type: 'AverageValue', averageValue: '10' } },
    });
  });

  test('a VPA beside a CPU HPA controls memory only', () => {
    const { service, objects } = build({
      autoscaling: AUTOSCALING,
      verticalScaling: { updateMode: 'Recreate', controlledResources: ['cpu', 'memory'], maxAllowed: { memory: '2Gi' } },
    });
    const vpa = one(objects, 'VerticalPodAutoscaler');
    expect(vpa.spec.updatePolicy.updateMode).toBe('Recreate');
    expect(vpa.spec.resourcePolicy.containerPolicies[0]).toMatchObject({ containerName: 'web', controlledResources: ['memory'], maxAllowed: { memory: '2Gi' } });
    expect(vpa.metadata.annotations?.['scaling-tiers.io/vpa-resolution']).toBe('the HPA scales on cpu, so the VPA controls only memory');
    expect(service.verticalScaling?.controlledResources).toEqual(['memory']);
  });

  test('a VPA on memory beside an HPA on memory drops to recommendation-only, and says why', () => {
    const { objects } = build({
      autoscaling: { ...AUTOSCALING, memoryUtilization: 80 },
      verticalScaling: { updateMode: 'InPlaceOrRecreate', controlledResources: ['memory'] },
    });
    const vpa = one(objects, 'VerticalPodAutoscaler');
    expect(vpa.spec.updatePolicy.updateMode).toBe('Off');
    expect(vpa.metadata.annotations?.['scaling-tiers.io/vpa-resolution']).toBe(
      'the HPA scales on memory, so the VPA only recommends (updateMode Off) instead of InPlaceOrRecreate',
    );
  });

  test('a VPA without an HPA keeps what was asked and has no annotation', () => {
    const { objects } = build({ verticalScaling: { updateMode: 'Off', controlledResources: ['cpu', 'memory'] } });
    const vpa = one(objects, 'VerticalPodAutoscaler');
    expect(vpa.spec.updatePolicy.updateMode).toBe('Off');
    expect(vpa.spec.resourcePolicy.containerPolicies[0].controlledResources).toEqual(['cpu', 'memory']);
    expect(vpa.metadata.annotations).toBeUndefined();
  });

  test('the NetworkPolicy admits only the named sources on the container port', () => {
    const { objects } = build({ allowIngressFrom: [{ podLabels: { app: 'nginx' } }, { cidr: '10.0.0.0/16' }] });
    expect(one(objects, 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nginx' } } }, { ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  test('with no sources named the NetworkPolicy denies all ingress', () => {
    const { objects } = build();
    expect(one(objects, 'NetworkPolicy').spec.ingress).toEqual([]);
  });

  test('a headless twin Service selects the same pods', () => {
    const { service, objects } = build({ headlessService: true });
    const services = ofKind(objects, 'Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['web', 'web-headless']);
    expect(services[1].spec.clusterIP).toBe('None');
    expect(services[1].spec.selector).toEqual(services[0].spec.selector);
    expect(service.headlessServiceName).toBe('web-headless');
  });

  test('Secret-backed env vars are references, plain env vars are literals, both sorted', () => {
    const { objects } = build({ env: { LOG_LEVEL: 'info' }, secretEnv: { DATABASE_PASSWORD: { secretName: 'db', key: 'password' } } });
    expect(one(objects, 'Deployment').spec.template.spec.containers[0].env).toEqual([
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });

  test('a low UID is accepted when explicitly allowed', () => {
    const { objects } = build({ runAsUser: 1000, runAsGroup: 1000, allowLowIds: true });
    expect(one(objects, 'Deployment').spec.template.spec.securityContext.runAsUser).toBe(1000);
  });

  describe('rejects bad props with the construct path, the field, the value and what is allowed', () => {
    test.each<[string, Partial<ScalableServiceProps>, unknown]>([
      ['min > max', { autoscaling: { ...AUTOSCALING, minReplicas: 6 } }, "[test/web] 'autoscaling.minReplicas' must be an integer between 1 and 'autoscaling.maxReplicas' - 1 (4): an HPA with equal bounds cannot scale, got: 6"],
      ['min 0', { autoscaling: { ...AUTOSCALING, minReplicas: 0 } }, "[test/web] 'autoscaling.minReplicas' must be an integer between 1 and 'autoscaling.maxReplicas' - 1 (4): an HPA with equal bounds cannot scale, got: 0"],
      ['max 0', { autoscaling: { ...AUTOSCALING, minReplicas: 2, maxReplicas: 0 } }, "[test/web] 'autoscaling.maxReplicas' must be an integer between 1 and 1000, got: 0"],
      ['0 replicas', { replicas: 0 }, "[test/web] 'replicas' must be an integer between 1 and 1000, got: 0"],
      ['one replica without a reason', { replicas: 1 }, "[test/web] 'replicas' must be at least 2 (a single pod is down on every drain, rollout or crash), or a reason for one in validationExemptions['min-replicas'], got: 1"],
      ['an HPA down to one pod without a reason', { autoscaling: { ...AUTOSCALING, minReplicas: 1 } }, "[test/web] 'autoscaling.minReplicas' must be at least 2 (a single pod is down on every drain, rollout or crash), or a reason for one in validationExemptions['min-replicas'], got: 1"],
      ['an exemption from no rule', { validationExemptions: { 'min-replica': 'typo' } as never }, expect.stringContaining("[test/web] 'validationExemptions.min-replica' must be a rule of the validation gate: yaml, schema,")],
      ['an exemption without reason', { validationExemptions: { probes: '' } }, "[test/web] 'validationExemptions.probes' must be a non-empty reason, got: \"\""],
      ['a secret folder that is relative', { secretFiles: [{ secretName: 'tls', mountPath: 'etc/tls' }] }, "[test/web] 'secretFiles[0].mountPath' must be an absolute folder path, got: \"etc/tls\""],
      ['two secrets in one folder', { secretFiles: [{ secretName: 'a', mountPath: '/etc/x' }, { secretName: 'b', mountPath: '/etc/x' }] }, "[test/web] 'secretFiles[1].mountPath' must be a folder no other secretFiles entry uses, got: \"/etc/x\""],
      ['a secret file in a subfolder', { secretFiles: [{ secretName: 'a', mountPath: '/etc/x', items: { pw: '../pw' } }] }, "[test/web] 'secretFiles[0].items.pw' must be a file name (letters, digits, -, _, .; no folder), got: \"../pw\""],
      ['a bad secret name', { secretFiles: [{ secretName: 'Bad_Name', mountPath: '/etc/x' }] }, "[test/web] 'secretFiles[0].secretName' must be a Secret name (DNS-1123 subdomain), got: \"Bad_Name\""],
      ['negative replicas', { replicas: -2 }, "[test/web] 'replicas' must be an integer between 1 and 1000, got: -2"],
      ['fractional replicas', { replicas: 1.5 }, "[test/web] 'replicas' must be an integer between 1 and 1000, got: 1.5"],
      ['cpu utilisation 0', { autoscaling: { ...AUTOSCALING, cpuUtilization: 0 } }, "[test/web] 'autoscaling.cpuUtilization' must be an integer percentage between 1 and 100, got: 0"],
      ['memory utilisation 101', { autoscaling: { ...AUTOSCALING, memoryUtilization: 101 } }, "[test/web] 'autoscaling.memoryUtilization' must be an integer percentage between 1 and 100, got: 101"],
      ['no metric', { autoscaling: { ...AUTOSCALING, cpuUtilization: undefined } }, "[test/web] 'autoscaling' must be at least one of 'cpuUtilization', 'memoryUtilization' or 'podsMetric', got: \"no metric\""],
      ['bad metric value', { autoscaling: { ...AUTOSCALING, podsMetric: { name: 'q', averageValue: 'ten' } } }, "[test/web] 'autoscaling.podsMetric.averageValue' must be a positive Kubernetes quantity such as \"10\" or \"500m\", got: \"ten\""],
      ['policy period 0', { autoscaling: { ...AUTOSCALING, scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 0 }] } } }, "[test/web] 'autoscaling.scaleUp.policies[0].periodSeconds' must be an integer between 1 and 1800, got: 0"],
      ['no policies', { autoscaling: { ...AUTOSCALING, scaleDown: { stabilizationWindowSeconds: 300, policies: [] } } }, "[test/web] 'autoscaling.scaleDown.policies' must be at least one policy (or selectPolicy 'Disabled'), got: []"],
      ['window too long', { autoscaling: { ...AUTOSCALING, scaleDown: { ...AUTOSCALING.scaleDown, stabilizationWindowSeconds: 4000 } } }, "[test/web] 'autoscaling.scaleDown.stabilizationWindowSeconds' must be an integer between 0 and 3600, got: 4000"],
      ['replicas with an HPA', { replicas: 3, autoscaling: AUTOSCALING }, "[test/web] 'replicas' (3) must not be set together with 'autoscaling': the HPA owns the replica count"],
      ['unparseable cpu', { resources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, "[test/web] 'resources.requests.cpu' must be a positive Kubernetes CPU quantity such as \"250m\", \"1\" or \"1.5\", got: \"lots\""],
      ['unparseable memory', { resources: { requests: { cpu: '1', memory: '1GB' }, limits: { cpu: '1', memory: '1Gi' } } }, "[test/web] 'resources.requests.memory' must be a positive Kubernetes memory quantity such as \"512Mi\", \"2Gi\" or \"1G\", got: \"1GB\""],
      ['requests above limits', { resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, "[test/web] 'resources.requests.cpu' must be at most 'resources.limits.cpu' (1), got: \"2\""],
      ['memory requests above limits', { resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, "[test/web] 'resources.requests.memory' must be at most 'resources.limits.memory' (1Gi), got: \"2Gi\""],
      ['name not DNS', { name: 'Web_1' }, "[test/web] 'name' must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 54 characters), got: \"Web_1\""],
      ['image latest', { image: 'nginx:latest' }, "[test/web] 'image' must be an image reference with an explicit tag other than 'latest' (e.g. \"registry.example.com/app:1.4.2\") or a sha256 digest, got: \"nginx:latest\""],
      ['image untagged', { image: 'nginx' }, "[test/web] 'image' must be an image reference with an explicit tag other than 'latest' (e.g. \"registry.example.com/app:1.4.2\") or a sha256 digest, got: \"nginx\""],
      ['root UID', { runAsUser: 0, allowLowIds: true }, "[test/web] 'runAsUser' must be a non-zero integer UID/GID, got: 0"],
      ['low UID', { runAsUser: 1000 }, "[test/web] 'runAsUser' must be an integer between 10000 and 2147483647 (set 'allowLowIds' for an image built around a lower id; 0 is never allowed), got: 1000"],
      ['privileged port', { containerPort: 80 }, "[test/web] 'containerPort' must be an integer between 1024 and 65535 (unprivileged: the container runs as non-root with every capability dropped), got: 80"],
      ['preStop too long', { preStopDelaySeconds: 30 }, "[test/web] 'preStopDelaySeconds' must be an integer between 0 and 'terminationGracePeriodSeconds' - 1 (29), got: 30"],
      ['credential literal', { env: { API_TOKEN: 'hunter2' } }, "[test/web] 'env.API_TOKEN' must be no literal credential: pass it in 'secretEnv' as a Secret reference, got: \"hunter2\""],
      ['VPA Auto', { verticalScaling: { updateMode: 'Auto' as never } }, "[test/web] 'verticalScaling.updateMode' must be one of 'Off', 'Initial', 'Recreate', 'InPlaceOrRecreate' ('Auto' is deprecated upstream and means 'Recreate'), got: \"Auto\""],
      ['VPA bounds inverted', { verticalScaling: { updateMode: 'Initial', minAllowed: { memory: '2Gi' }, maxAllowed: { memory: '1Gi' } } }, "[test/web] 'verticalScaling.minAllowed.memory' must be at most 'verticalScaling.maxAllowed.memory' (1Gi), got: \"2Gi\""],
      ['bad CIDR', { allowIngressFrom: [{ cidr: '10.0.0.0/33' }] }, "[test/web] 'allowIngressFrom[0].cidr' must be an IPv4 or IPv6 CIDR such as \"10.0.0.0/16\", got: \"10.0.0.0/33\""],
      ['bad readiness path', { readinessPath: 'health' }, "[test/web] 'readinessPath' must be an absolute HTTP path such as '/health', got: \"health\""],
    ])('throws if %s', (_case, props, message) => {
      expect(errorOf(props)).toEqual(message);
    });

    test('collects every problem and throws once', () => {
      const message = errorOf({ replicas: 0, image: 'app' });
      expect(message.split('\n')).toEqual([
        expect.stringContaining("'image'"),
        expect.stringContaining("'replicas'"),
      ]);
    });

    test('throws a PropsError that names the construct path and the prop on every line', () => {
      // GIVEN every kind of problem at once: own fields, shared checks, a conflict between two fields
      const message = propsErrorOf(() =>
        build({ image: 'app', autoscaling: { ...AUTOSCALING, minReplicas: 9 }, replicas: 3, allowIngressFrom: [{ cidr: '10.0.0.0/33' }] }),
      );
      // THEN
      expect(message.split('\n')).toEqual([
        expect.stringMatching(/^\[test\/web\] 'image' /),
        expect.stringMatching(/^\[test\/web\] 'autoscaling\.minReplicas' /),
        "[test/web] 'replicas' (3) must not be set together with 'autoscaling': the HPA owns the replica count",
        expect.stringMatching(/^\[test\/web\] 'allowIngressFrom\[0\]\.cidr' /),
      ]);
    });
  });

  describe('checkScalableServiceProps', () => {
    function check(path: string, props: ScalableServiceProps): string {
      return propsErrorOf(() => {
        const problems = new Problems('tier x');
        checkScalableServiceProps(problems, path, props);
        problems.throwIfAny();
      });
    }

    test('states the same rules as the construct, under the field prefix it is given', () => {
      expect(check('app', { ...BASE, replicas: 1001 })).toBe("[tier x] 'app.replicas' must be an integer between 1 and 1000, got: 1001");
      expect(errorOf({ replicas: 1001 })).toBe("[test/web] 'replicas' must be an integer between 1 and 1000, got: 1001");
      expect(check('app', { ...BASE, autoscaling: AUTOSCALING, replicas: 2 })).toBe(
        "[tier x] 'app.replicas' (2) must not be set together with 'app.autoscaling': the HPA owns the replica count",
      );
      expect(check('app', { ...BASE, replicas: 1 })).toBe(
        "[tier x] 'app.replicas' must be at least 2 (a single pod is down on every drain, rollout or crash), or a reason for one in app.validationExemptions['min-replicas'], got: 1",
      );
    });

    test('records nothing for valid props, without a name (the construct defaults it to its id)', () => {
      const problems = new Problems('tier x');
      checkScalableServiceProps(problems, 'app', BASE);
      expect(problems.ok).toBe(true);
    });
  });
});
