/**
 * The defaults and checks of {@link ScalableServiceProps}: the props resolved once, for the construct's builders to
 * read. Internal to lib/app.
 */
import { fieldAt, isDnsSubdomain, isIntegerIn } from '../core/checks';
import { ContainerResources, checkContainerResources } from '../core/container-resources';
import { IngressPeer, checkIngressPeers } from '../core/ingress-peer';
import { CREDENTIAL_NAME, ENV_NAME, IMAGE_ALLOWED, isObjectName, isPinnedImage, objectNameAllowed } from '../core/names';
import { idAllowed } from '../core/pod-security';
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';
import type { SecretFilesMount, SecretKeyRef } from '../core/secret-ref';
import { RULES, RULE_IDS, type RuleId } from '../validate/rules';
import { HorizontalScaling, checkHorizontalScaling } from './horizontal-scaling';
import { VerticalScaling, checkVerticalScaling } from './vertical-scaling';
import { ConfigFileMount, SCALABLE_SERVICE_DEFAULT_REPLICAS, ScalableServiceProps } from './scalable-service-props';

/** {@link ScalableServiceProps} with every default applied; each field is the prop of the same name. */
export interface ResolvedScalableService {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent';
  readonly containerPort: number;
  readonly servicePort: number;
  readonly resources: ContainerResources;
  /** The fixed count; unused with autoscaling. */
  readonly replicas: number;
  /** The most replicas this service can run. */
  readonly maxReplicas: number;
  readonly autoscaling?: HorizontalScaling;
  readonly verticalScaling?: VerticalScaling;
  readonly readinessPath: string;
  readonly livenessPath: string;
  readonly startupTimeoutSeconds: number;
  readonly env: Record<string, string>;
  readonly secretEnv: Record<string, SecretKeyRef>;
  readonly envFromConfigMaps: string[];
  readonly secretFiles: SecretFilesMount[];
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly writableTmp: boolean;
  readonly tmpSizeLimit: string;
  readonly terminationGracePeriodSeconds: number;
  readonly preStopDelaySeconds: number;
  readonly headlessService: boolean;
  readonly allowIngressFrom: IngressPeer[];
  readonly labels?: Record<string, string>;
  readonly component: string;
  readonly podAnnotations?: Record<string, string>;
  readonly configFiles: ConfigFileMount[];
  readonly serviceType: 'ClusterIP' | 'LoadBalancer';
  readonly validationExemptions?: Readonly<Partial<Record<RuleId, string>>>;
}

/**
 * Applies the documented defaults and records every invalid prop in `problems`, each field under the prefix
 * `path`. `name` defaults to `id`; without either the name is not checked.
 *
 * @returns the resolved props, which hold only when nothing was recorded
 */
export function resolveScalableServiceProps(problems: Problems, path: string, props: ScalableServiceProps, id?: string): ResolvedScalableService {
  const field = (f: string): string => fieldAt(path, f);
  const add = (f: string, value: unknown, allowed: string): void => problems.add(field(f), value, allowed);
  const r: ResolvedScalableService = {
    name: props.name ?? id ?? '',
    image: props.image,
    imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
    containerPort: props.containerPort ?? 8080,
    servicePort: props.servicePort ?? 80,
    resources: props.resources,
    replicas: props.replicas ?? SCALABLE_SERVICE_DEFAULT_REPLICAS,
    maxReplicas: props.autoscaling?.maxReplicas ?? props.replicas ?? SCALABLE_SERVICE_DEFAULT_REPLICAS,
    autoscaling: props.autoscaling,
    verticalScaling: props.verticalScaling,
    readinessPath: props.readinessPath ?? '/health',
    livenessPath: props.livenessPath ?? '/health',
    startupTimeoutSeconds: props.startupTimeoutSeconds ?? 60,
    env: props.env ?? {},
    secretEnv: props.secretEnv ?? {},
    envFromConfigMaps: props.envFromConfigMaps ?? [],
    secretFiles: props.secretFiles ?? [],
    runAsUser: props.runAsUser ?? 10001,
    runAsGroup: props.runAsGroup ?? 10001,
    writableTmp: props.writableTmp ?? true,
    tmpSizeLimit: props.tmpSizeLimit ?? '64Mi',
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
    preStopDelaySeconds: props.preStopDelaySeconds ?? 5,
    headlessService: props.headlessService ?? false,
    allowIngressFrom: props.allowIngressFrom ?? [],
    labels: props.labels,
    component: props.component ?? 'server',
    podAnnotations: props.podAnnotations,
    configFiles: props.configFiles ?? [],
    serviceType: props.serviceType ?? 'ClusterIP',
    validationExemptions: props.validationExemptions,
  };
  const allowLowIds = props.allowLowIds ?? false;
  const { replicas, env, secretEnv } = r;
  const grace = r.terminationGracePeriodSeconds;
  const preStop = r.preStopDelaySeconds;
  const startupTimeout = r.startupTimeoutSeconds;

  if ((props.name !== undefined || id !== undefined) && !isObjectName(r.name, '-headless'.length)) {
    add('name', r.name, objectNameAllowed('-headless'.length));
  }
  if (!isPinnedImage(props.image)) add('image', props.image, IMAGE_ALLOWED);
  for (const [f, port] of [['containerPort', r.containerPort], ['servicePort', r.servicePort]] as const) {
    const min = f === 'containerPort' ? 1024 : 1;
    if (!isIntegerIn(port, min, 65535)) {
      add(f, port, `an integer between ${min} and 65535${min > 1 ? ' (unprivileged: the container runs as non-root with every capability dropped)' : ''}`);
    }
  }
  checkContainerResources(problems, field('resources'), props.resources);
  if (props.autoscaling !== undefined) {
    checkHorizontalScaling(problems, field('autoscaling'), props.autoscaling);
    if (props.replicas !== undefined) {
      problems.addMessage(`'${field('replicas')}' (${props.replicas}) must not be set together with '${field('autoscaling')}': the HPA owns the replica count`);
    }
    // Scale-to-zero leaves nothing to answer until KEDA notices work (a poll, then a pod start): only for a queue
    // worker that nothing calls. Whatever may connect (allowIngressFrom), a LoadBalancer or a headless Service means
    // a caller expects an answer.
    const callers = r.allowIngressFrom.length > 0 || r.serviceType === 'LoadBalancer' || r.headlessService;
    if (props.autoscaling.minReplicas === 0 && callers) {
      add('autoscaling.minReplicas', 0, "at least 1 for a service that must answer ('allowIngressFrom', a LoadBalancer or a headless Service lets callers in): scale-to-zero is for queue workers nothing calls");
    }
  } else if (!isIntegerIn(replicas, 1, 1000)) {
    add('replicas', replicas, 'an integer between 1 and 1000');
  }
  if (props.verticalScaling !== undefined) checkVerticalScaling(problems, field('verticalScaling'), props.verticalScaling);
  if (!idAllowed(r.runAsUser, allowLowIds)) add('runAsUser', r.runAsUser, idRange(allowLowIds));
  if (!idAllowed(r.runAsGroup, allowLowIds)) add('runAsGroup', r.runAsGroup, idRange(allowLowIds));
  if (r.writableTmp && parseMemory(r.tmpSizeLimit) === undefined) add('tmpSizeLimit', r.tmpSizeLimit, MEMORY_ALLOWED);
  if (!isIntegerIn(grace, 1, 3600)) add('terminationGracePeriodSeconds', grace, 'an integer between 1 and 3600');
  if (!isIntegerIn(preStop, 0, grace - 1)) {
    add('preStopDelaySeconds', preStop, `an integer between 0 and '${field('terminationGracePeriodSeconds')}' - 1 (${grace - 1})`);
  }
  if (!isIntegerIn(startupTimeout, 5, 3600)) add('startupTimeoutSeconds', startupTimeout, 'an integer between 5 and 3600');
  for (const [f, p] of [['readinessPath', r.readinessPath], ['livenessPath', r.livenessPath]] as const) {
    if (!/^\/[\x21-\x7e]*$/.test(p)) add(f, p, "an absolute HTTP path such as '/health'");
  }
  const fewest = props.autoscaling ? props.autoscaling.minReplicas : replicas;
  if (fewest === 1 && !props.validationExemptions?.['min-replicas']) {
    add(
      props.autoscaling ? 'autoscaling.minReplicas' : 'replicas',
      fewest,
      `at least 2 (a single pod is down on every drain, rollout or crash), or a reason for one in ${field('validationExemptions')}['min-replicas']`,
    );
  }
  for (const [rule, reason] of Object.entries(props.validationExemptions ?? {})) {
    if (!(rule in RULES)) add(`validationExemptions.${rule}`, rule, `a rule of the validation gate: ${RULE_IDS.join(', ')}`);
    else if (typeof reason !== 'string' || reason.trim() === '') add(`validationExemptions.${rule}`, reason, 'a non-empty reason');
  }
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_NAME.test(key)) add(`env.${key}`, key, 'an environment variable name (letters, digits, _; not starting with a digit)');
    else if (CREDENTIAL_NAME.test(key)) add(`env.${key}`, value, "no literal credential: pass it in 'secretEnv' as a Secret reference");
  }
  for (const [key, ref] of Object.entries(secretEnv)) {
    if (!ENV_NAME.test(key)) add(`secretEnv.${key}`, key, 'an environment variable name (letters, digits, _; not starting with a digit)');
    if (key in env) add(`secretEnv.${key}`, key, "a name not also set in 'env'");
    if (!isObjectName(ref?.secretName) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref?.secretName ?? '')) {
      add(`secretEnv.${key}.secretName`, ref?.secretName, 'a Secret name (DNS-1123 subdomain)');
    }
    if (!/^[-._a-zA-Z0-9]+$/.test(ref?.key ?? '')) add(`secretEnv.${key}.key`, ref?.key, 'a Secret key (letters, digits, -, _, .)');
  }
  r.envFromConfigMaps.forEach((name, i) => {
    if (!isDnsSubdomain(name)) add(`envFromConfigMaps[${i}]`, name, 'a ConfigMap name (DNS-1123 subdomain)');
  });
  const folders = new Set<string>();
  r.secretFiles.forEach((m, i) => {
    if (!isDnsSubdomain(m?.secretName)) add(`secretFiles[${i}].secretName`, m?.secretName, 'a Secret name (DNS-1123 subdomain)');
    if (!/^\/[^\0]*[^/]$/.test(m?.mountPath ?? '')) add(`secretFiles[${i}].mountPath`, m?.mountPath, 'an absolute folder path');
    else if (folders.has(m.mountPath)) add(`secretFiles[${i}].mountPath`, m.mountPath, 'a folder no other secretFiles entry uses');
    folders.add(m?.mountPath);
    for (const [key, file] of Object.entries(m?.items ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) add(`secretFiles[${i}].items`, key, 'Secret keys (letters, digits, -, _, .)');
      if (!/^[-_a-zA-Z0-9][-._a-zA-Z0-9]*$/.test(file)) add(`secretFiles[${i}].items.${key}`, file, 'a file name (letters, digits, -, _, .; no folder)');
    }
  });
  checkIngressPeers(problems, field('allowIngressFrom'), r.allowIngressFrom);
  r.configFiles.forEach((f, i) => {
    if (!/^\/[^\0]*[^/]$/.test(f.mountPath ?? '')) add(`configFiles[${i}].mountPath`, f.mountPath, 'an absolute file path');
    if (!/^[-._a-zA-Z0-9]+$/.test(f.key ?? '')) add(`configFiles[${i}].key`, f.key, 'a ConfigMap key (letters, digits, -, _, .)');
  });
  return r;
}

function idRange(allowLow: boolean): string {
  return allowLow ? 'a non-zero integer UID/GID' : "an integer between 10000 and 2147483647 (set 'allowLowIds' for an image built around a lower id; 0 is never allowed)";
}
