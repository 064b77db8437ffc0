/**
 * The prometheus-adapter rule that makes a {@link PodsMetric} real for the plain HPA: it maps the Prometheus series
 * the pods export (labelled `namespace` and `pod`) to the metric name the HPA asks `custom.metrics.k8s.io` for.
 * Chain: pods export `<series>{namespace,pod}` → Prometheus scrapes it → prometheus-adapter (this rule) serves
 * `pods/<name>` → the HPA's `Pods` metric averages it over the pods.
 *
 * @see https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config.md
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { isObjectName, objectNameAllowed } from '../core/names';
import { Problems } from '../core/problems';
import type { PodsMetric } from './horizontal-scaling';

/** One discovery rule of prometheus-adapter's config (`rules:`). */
export interface PrometheusAdapterRule {
  /** Which series the rule discovers: the series of pods in a namespace. */
  readonly seriesQuery: string;
  /** Which labels name Kubernetes resources. */
  readonly resources: { readonly overrides: Readonly<Record<string, { readonly resource: string }>> };
  /** How the series is named in the custom metrics API. */
  readonly name: { readonly matches: string; readonly as: string };
  /** The query the adapter runs for a request (the adapter fills in the templates). */
  readonly metricsQuery: string;
}

/** The rule that serves `metric.seriesName` (default `metric.name`) as the pods metric `metric.name`. */
export function prometheusAdapterRule(metric: Pick<PodsMetric, 'name' | 'seriesName'>): PrometheusAdapterRule {
  const series = metric.seriesName ?? metric.name;
  return {
    seriesQuery: `${series}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: `^${series}$`, as: metric.name },
    // The latest value per pod (a gauge): the HPA averages it over the pods and divides by the target.
    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  };
}

/**
 * prometheus-adapter's config file (`config.yaml`) with one rule per metric, duplicates dropped. Written as JSON,
 * which is YAML (the adapter reads it with a YAML parser), as the tiers' Prometheus rule file is: no YAML printer
 * is loaded on the synthesis path, and JSON needs no quoting rules for the regex and Go-template strings.
 */
export function prometheusAdapterConfig(metrics: ReadonlyArray<Pick<PodsMetric, 'name' | 'seriesName'>>): string {
  const seen = new Set<string>();
  const rules = metrics.filter((m) => !seen.has(m.name) && seen.add(m.name)).map(prometheusAdapterRule);
  return `${JSON.stringify({ rules }, undefined, 2)}\n`;
}

/** Props of {@link PrometheusAdapterRules}. */
export interface PrometheusAdapterRulesProps {
  /** The metrics the HPAs of this output read. At least one. */
  readonly metrics: ReadonlyArray<Pick<PodsMetric, 'name' | 'seriesName'>>;
  /**
   * The ConfigMap's name: point the adapter at it (Helm chart prometheus-community/prometheus-adapter:
   * `rules.existing: <name>`, which mounts it as the adapter's `config.yaml` in place of the chart's own rules).
   *
   * @default 'prometheus-adapter-rules'
   */
  readonly name?: string;
  /**
   * The adapter's namespace (the ConfigMap must be beside it).
   *
   * @default 'monitoring'
   */
  readonly namespace?: string;
}

/**
 * A ConfigMap holding prometheus-adapter's rules (key `config.yaml`) for the HPAs' custom `Pods` metrics. It is the
 * adapter's whole rule set: one per cluster.
 */
export class PrometheusAdapterRules extends Construct {
  /** The ConfigMap. */
  public readonly configMap: ApiObject;

  constructor(scope: Construct, id: string, props: PrometheusAdapterRulesProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    const name = props.name ?? 'prometheus-adapter-rules';
    const namespace = props.namespace ?? 'monitoring';
    if (!isObjectName(name)) problems.add('name', name, objectNameAllowed());
    if (!isObjectName(namespace)) problems.add('namespace', namespace, objectNameAllowed());
    if (!Array.isArray(props.metrics) || props.metrics.length === 0) problems.add('metrics', props.metrics, 'at least one metric');
    problems.throwIfAny();
    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name,
        namespace,
        labels: { 'app.kubernetes.io/name': 'prometheus-adapter', 'app.kubernetes.io/component': 'metrics-adapter-rules' },
        annotations: { 'scaling-tiers.io/usage': `prometheus-adapter reads these rules with the Helm value rules.existing: ${name}` },
      },
      data: { 'config.yaml': prometheusAdapterConfig(props.metrics) },
    });
  }
}
