import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { Problems } from '../core/problems';
import type { ResolvedVerticalScaling } from './vertical-scaling';
import type { ScalableServiceProps } from './scalable-service-props';
import { resolveScalableServiceProps } from './_resolve';
import { addDeployment } from './_deployment';
import { addDisruptionBudgetAndNetworkPolicy, addServices } from './_service';
import { addAutoscalers } from './_autoscalers';

export * from './scalable-service-props';
export { horizontalPodAutoscalerSpec, scaledObjectSpec, defaultQueueQuery } from './_autoscalers';
export type { ScaledObjectPlacement } from './_autoscalers';

/**
 * Records in `problems` every invalid prop of a {@link ScalableService}, each field under the prefix `path` (`''` for
 * the construct itself, `'app'` for a tier's app). Without `name` (the construct defaults it to its id) the name is
 * not checked.
 */
export function checkScalableServiceProps(problems: Problems, path: string, props: ScalableServiceProps): void {
  resolveScalableServiceProps(problems, path, props);
}

/** The Kubernetes name of the label that selects a ScalableService's pods. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * One HTTP service and everything that keeps it running at its tier: Deployment, ServiceAccount, Service
 * (and optionally a headless twin), HorizontalPodAutoscaler or KEDA ScaledObject (never both), VerticalPodAutoscaler,
 * PodDisruptionBudget and NetworkPolicy. Pods run under the restricted Pod Security Standard.
 */
export class ScalableService extends Construct {
  /** The name shared by every object of this service. */
  public readonly name: string;
  /** Labels that select this service's pods. */
  public readonly selectorLabels: Record<string, string>;
  /** The Service's port. */
  public readonly servicePort: number;
  /** The container's port. */
  public readonly containerPort: number;
  /** The most replicas this service can run. */
  public readonly maxReplicas: number;
  /** The name of the headless Service, when there is one. */
  public readonly headlessServiceName?: string;
  /** The VPA settings actually emitted (after keeping away from the HPA's resources), when there is a VPA. */
  public readonly verticalScaling?: ResolvedVerticalScaling;

  /**
   * The Deployment. A plain `ApiObject` rather than `KubeDeployment`: cdk8s-plus-28's bindings (Kubernetes 1.28)
   * drop fields they do not know, such as the preStop `sleep` action, even from JSON patches.
   */
  public readonly deployment: ApiObject;
  /** The ClusterIP Service. */
  public readonly service: k8s.KubeService;

  /** @throws PropsError naming this construct's path and the prop on every line */
  constructor(scope: Construct, id: string, props: ScalableServiceProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    const r = resolveScalableServiceProps(problems, '', props, id);
    const a = props.autoscaling;
    if (a?.engine === 'keda' && a.podsMetric !== undefined && a.prometheus !== undefined && a.prometheus.query === undefined && Chart.of(this).namespace === undefined) {
      problems.add('autoscaling.prometheus.query', undefined, "a PromQL query: the default selects the pods' series in the chart's namespace, and this chart sets none");
    }
    problems.throwIfAny();

    this.name = r.name;
    this.containerPort = r.containerPort;
    this.servicePort = r.servicePort;
    this.maxReplicas = r.maxReplicas;
    this.selectorLabels = { [NAME_LABEL]: r.name, 'app.kubernetes.io/instance': r.name };
    const labels = {
      ...r.labels,
      ...this.selectorLabels,
      'app.kubernetes.io/component': r.component,
      'app.kubernetes.io/managed-by': 'scaling-tiers',
    };

    // The order of these objects is the order of the output.
    this.deployment = addDeployment(this, r, this.selectorLabels, labels);
    const services = addServices(this, r, this.selectorLabels, labels);
    this.service = services.service;
    this.headlessServiceName = services.headlessServiceName;
    this.verticalScaling = addAutoscalers(this, r, labels);
    addDisruptionBudgetAndNetworkPolicy(this, r, this.selectorLabels, labels);
  }

  /** The cluster-internal DNS name of the ClusterIP Service, relative to the namespace. */
  public get serviceName(): string {
    return this.name;
  }
}
