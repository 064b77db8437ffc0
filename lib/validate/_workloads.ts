import { Manifest, arrayAt, kindOf, objectAt } from './manifest';

/** A container of a pod template, with the path of the field it sits at. */
export interface ContainerAt {
  readonly container: Record<string, unknown>;
  /** `spec.template.spec.containers[0]` */
  readonly path: string;
  /** True for containers that run for the pod's life: app containers and restartable (sidecar) init containers. */
  readonly longRunning: boolean;
}

/** A pod template found in an object, with what the checks need to know about it. */
export interface Workload {
  readonly manifest: Manifest;
  /** The path of the pod spec: `spec.template.spec`, `spec.jobTemplate.spec.template.spec` or `spec`. */
  readonly specPath: string;
  readonly spec: Record<string, unknown>;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly namespace: string | undefined;
  /** Every container (init, app, ephemeral). */
  readonly containers: readonly ContainerAt[];
  /** Whether the pods are meant to keep running (not a Job's). */
  readonly longRunning: boolean;
  /** Whether the kind scales by `spec.replicas` (Deployment, StatefulSet, ReplicaSet). */
  readonly scalable: boolean;
  /** Labels the controller adds to each pod (a StatefulSet's pod name and index), which selectors may use. */
  readonly controllerLabel: (key: string, value: string) => boolean;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);
const SCALABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** The pod template of an object, or undefined when the kind has none. */
export function workloadOf(m: Manifest): Workload | undefined {
  const kind = kindOf(m.object);
  let templatePath: string;
  let template: Record<string, unknown> | undefined;
  if (TEMPLATE_KINDS.has(kind)) {
    templatePath = 'spec.template';
    template = objectAt(objectAt(m.object, 'spec'), 'template');
  } else if (kind === 'CronJob') {
    templatePath = 'spec.jobTemplate.spec.template';
    template = objectAt(objectAt(objectAt(objectAt(m.object, 'spec'), 'jobTemplate'), 'spec'), 'template');
  } else if (kind === 'Pod') {
    templatePath = '';
    template = m.object;
  } else {
    return undefined;
  }
  const spec = objectAt(template, 'spec');
  if (!spec) return undefined;
  const metadata = objectAt(template, 'metadata');
  const specPath = templatePath ? `${templatePath}.spec` : 'spec';
  const restartPolicy = spec.restartPolicy;
  const longRunning = kind !== 'Job' && kind !== 'CronJob' && restartPolicy !== 'Never' && restartPolicy !== 'OnFailure';
  const containers: ContainerAt[] = [
    ...arrayAt(spec, 'initContainers').map((c, i) => ({ container: c, path: `${specPath}.initContainers[${i}]`, longRunning: longRunning && c.restartPolicy === 'Always' })),
    ...arrayAt(spec, 'containers').map((c, i) => ({ container: c, path: `${specPath}.containers[${i}]`, longRunning })),
    ...arrayAt(spec, 'ephemeralContainers').map((c, i) => ({ container: c, path: `${specPath}.ephemeralContainers[${i}]`, longRunning: false })),
  ];
  return {
    manifest: m,
    specPath,
    spec,
    labels: stringMap(metadata?.labels),
    annotations: stringMap(metadata?.annotations),
    namespace: m.object.metadata?.namespace,
    containers,
    longRunning,
    scalable: SCALABLE_KINDS.has(kind),
    controllerLabel: kind === 'StatefulSet' ? statefulSetPodLabel(String(m.object.metadata?.name)) : () => false,
  };
}

const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** The labels a controller adds to each pod (never on the template), which `Workload.controllerLabel` answers for. */
export const CONTROLLER_LABEL_KEYS: ReadonlySet<string> = new Set([POD_INDEX_LABEL, POD_NAME_LABEL]);

/** A StatefulSet's controller labels its pods `statefulset.kubernetes.io/pod-name: <name>-<i>` and `apps.kubernetes.io/pod-index: <i>`. */
function statefulSetPodLabel(name: string): (key: string, value: string) => boolean {
  return (key, value) => {
    if (key === POD_INDEX_LABEL) return /^\d+$/.test(value);
    return key === POD_NAME_LABEL && value.startsWith(`${name}-`) && /^\d+$/.test(value.slice(name.length + 1));
  };
}

function stringMap(value: unknown): Record<string, string> {
  return value !== null && typeof value === 'object' ? (value as Record<string, string>) : {};
}

/** A label selector (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/**
 * Whether `selector` selects `labels`, by the Kubernetes rules. An empty selector selects everything where
 * `emptyMatchesAll` (NetworkPolicy, PodDisruptionBudget in policy/v1) and nothing otherwise.
 */
export function selects(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
  emptyMatchesAll: boolean,
  controllerLabel: (key: string, value: string) => boolean = () => false,
): boolean {
  const matchLabels = selector?.matchLabels ?? {};
  const expressions = selector?.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return emptyMatchesAll;
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v && !controllerLabel(k, v)) return false;
  for (const e of expressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
