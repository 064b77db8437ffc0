import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Problems } from '../_problems';
import { isObjectName, objectNameAllowed } from './_names';
import { ScalableService, ScalableServiceProps } from './scalable-service';

/** The application service of a tier: the sizing part of {@link ScalableServiceProps}. */
export type TierAppProps = Pick<ScalableServiceProps, 'image' | 'resources' | 'replicas' | 'autoscaling' | 'verticalScaling'>;

/**
 * Props of {@link TierChart}. A `TierSpec` from `tiers/` is assignable to it as it is.
 */
export interface TierChartProps {
  /** The tier's name (a DNS label): labels every object, and names the namespace unless `namespace` is set. */
  readonly name: string;
  /**
   * The namespace every object goes to. The chart creates it with the restricted Pod Security Standard enforced.
   *
   * @default - the tier's name
   */
  readonly namespace?: string;
  /**
   * The name of the application service.
   *
   * @default 'app'
   */
  readonly appName?: string;
  /** The application service's sizing. */
  readonly app: TierAppProps;
}

/**
 * Everything one tier runs in Kubernetes. Each component is a child chart, so it synthesises to a file of its
 * own (`namespace.yaml`, `app.yaml`, ...) that {@link writeTierManifests} lists in a `Kustomization`.
 */
export class TierChart extends Chart {
  /** The tier's name. */
  public readonly tierName: string;
  /** The namespace of every object. */
  public readonly namespaceName: string;
  /** The component charts, in the order they are applied. */
  public readonly components: Chart[] = [];
  /** The application service. */
  public readonly app: ScalableService;
  private readonly tierLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: TierChartProps) {
    const namespace = props.namespace ?? props.name;
    super(scope, id, { disableResourceNameHashes: true });
    const problems = new Problems(this.node.path);
    if (!isObjectName(props.name)) problems.add('name', props.name, objectNameAllowed());
    if (!isObjectName(namespace)) problems.add('namespace', namespace, objectNameAllowed());
    problems.throwIfAny();

    this.tierName = props.name;
    this.namespaceName = namespace;
    const labels = { 'scaling-tiers.io/tier': props.name, 'app.kubernetes.io/part-of': 'scaling-tiers' };

    this.tierLabels = labels;
    const ns = this.newComponent('namespace', false);
    new k8s.KubeNamespace(ns, 'Namespace', {
      metadata: {
        name: namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });

    const appChart = this.addComponent('app');
    this.app = new ScalableService(appChart, props.appName ?? 'app', {
      ...props.app,
      labels: { 'scaling-tiers.io/tier': props.name },
      // No load balancer in front yet: any pod of the tier's namespace may call the app.
      allowIngressFrom: [{ podLabels: {} }],
    });
  }

  /**
   * Adds a component of the platform's own (a second service, a worker): a chart in the tier's namespace with the
   * tier's labels, written to `<name>.yaml` and listed in the Kustomization.
   *
   * @param name the component's name, a DNS label, unique in this tier
   */
  public addComponent(name: string): Chart {
    const problems = new Problems(this.node.path);
    if (!isObjectName(name)) problems.add('component name', name, objectNameAllowed());
    else if (this.components.some((c) => c.node.id === name)) problems.add('component name', name, 'a name not already used in this tier');
    problems.throwIfAny();
    return this.newComponent(name, true);
  }

  private newComponent(name: string, namespaced: boolean): Chart {
    const chart = new Chart(this, name, {
      namespace: namespaced ? this.namespaceName : undefined,
      labels: this.tierLabels,
      disableResourceNameHashes: true,
    });
    this.components.push(chart);
    return chart;
  }
}
