/**
 * The horizontal autoscaler (an HPA, or a KEDA ScaledObject and its TriggerAuthentication) and the
 * VerticalPodAutoscaler of a {@link ScalableService}. Internal to lib/app ({@link horizontalPodAutoscalerSpec} and
 * {@link scaledObjectSpec} are public through scalable-service.ts).
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesControlledValues as ControlledValues,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed as MaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed as MinAllowed,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode as UpdateMode,
} from '../../imports/autoscaling.k8s.io';
import { ScaledObject, ScaledObjectSpec, ScaledObjectSpecTriggers, TriggerAuthentication } from '../../imports/keda.sh';
import { k8s } from '../core/k8s';
import { USER_PROVIDED_ANNOTATION, validationAnnotations } from '../validate/annotations';
import { HorizontalScaling, hpaResourceMetrics } from './horizontal-scaling';
import { PrometheusAuthentication, dailyCron } from './keda-scaling';
import { ResolvedVerticalScaling, resolveVerticalScaling } from './vertical-scaling';
import type { ResolvedScalableService } from './_resolve';

/**
 * Adds the horizontal autoscaler — with the `hpa` engine the HPA (id `HorizontalPodAutoscaler`), with `keda` the
 * ScaledObject (id `ScaledObject`) and, when Prometheus needs credentials, its TriggerAuthentication (id
 * `TriggerAuthentication`); never both — and the VPA (id `VerticalPodAutoscaler`, with vertical scaling) to `scope`,
 * in that order.
 *
 * @returns the VPA settings actually emitted, when there is a VPA
 */
export function addAutoscalers(scope: Construct, r: ResolvedScalableService, labels: Record<string, string>): ResolvedVerticalScaling | undefined {
  const { name } = r;
  const a = r.autoscaling;
  if (a) {
    const exemptions = validationAnnotations([], r.validationExemptions);
    const metadata = { name, labels, ...(Object.keys(exemptions).length > 0 ? { annotations: exemptions } : {}) };
    if (a.engine === 'keda') {
      const auth = a.prometheus?.authentication;
      const authName = `${name}-prometheus`;
      if (auth) {
        new TriggerAuthentication(scope, 'TriggerAuthentication', {
          metadata: { name: authName, labels, annotations: { [USER_PROVIDED_ANNOTATION]: `secret/${auth.secretName}` } },
          spec: { secretTargetRef: secretTargetRefs(auth) },
        });
      }
      new ScaledObject(scope, 'ScaledObject', {
        metadata,
        spec: scaledObjectSpec(name, a, { namespace: Chart.of(scope).namespace, authenticationRef: auth ? authName : undefined }),
      });
    } else {
      new k8s.KubeHorizontalPodAutoscalerV2(scope, 'HorizontalPodAutoscaler', { metadata, spec: horizontalPodAutoscalerSpec(name, a) });
    }
  }

  const v = r.verticalScaling;
  if (!v) return undefined;
  const by = a?.engine === 'keda' ? 'the ScaledObject' : 'the HPA';
  const resolved = resolveVerticalScaling(v, a ? hpaResourceMetrics(a) : [], by);
  new VerticalPodAutoscaler(scope, 'VerticalPodAutoscaler', {
    metadata: {
      name,
      labels,
      annotations: resolved.reason ? { 'scaling-tiers.io/vpa-resolution': resolved.reason } : undefined,
    },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      updatePolicy: { updateMode: resolved.updateMode as UpdateMode },
      resourcePolicy: {
        containerPolicies: [
          {
            containerName: name,
            controlledResources: resolved.controlledResources,
            controlledValues: ControlledValues.REQUESTS_AND_LIMITS,
            minAllowed: bound(v.minAllowed, (q) => MinAllowed.fromString(q)),
            maxAllowed: bound(v.maxAllowed, (q) => MaxAllowed.fromString(q)),
          },
        ],
      },
    },
  });
  return resolved;
}

function bound<T>(b: { cpu?: string; memory?: string } | undefined, make: (s: string) => T): Record<string, T> | undefined {
  if (!b || (b.cpu === undefined && b.memory === undefined)) return undefined;
  const out: Record<string, T> = {};
  if (b.cpu !== undefined) out.cpu = make(b.cpu);
  if (b.memory !== undefined) out.memory = make(b.memory);
  return out;
}

/** The autoscaling/v2 spec for a Deployment named `name`. */
export function horizontalPodAutoscalerSpec(name: string, h: HorizontalScaling, kind = 'Deployment'): k8s.HorizontalPodAutoscalerSpecV2 {
  const metrics: k8s.MetricSpecV2[] = [];
  if (h.cpuUtilization !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: h.cpuUtilization } } });
  }
  if (h.memoryUtilization !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: h.memoryUtilization } } });
  }
  if (h.podsMetric !== undefined) {
    metrics.push({
      type: 'Pods',
      pods: { metric: { name: h.podsMetric.name }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(h.podsMetric.averageValue) } },
    });
  }
  const rules = (r: HorizontalScaling['scaleUp']): k8s.HpaScalingRulesV2 => ({
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: r.selectPolicy ?? 'Max',
    policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
  });
  return {
    scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
    minReplicas: h.minReplicas,
    maxReplicas: h.maxReplicas,
    metrics,
    behavior: { scaleUp: rules(h.scaleUp), scaleDown: rules(h.scaleDown) },
  };
}

/** Where {@link scaledObjectSpec} puts the ScaledObject. */
export interface ScaledObjectPlacement {
  /**
   * The namespace of the workload: the default queue-depth query selects its pods' series there.
   *
   * @default - none: then `prometheus.query` must be given
   */
  readonly namespace?: string;
  /**
   * The TriggerAuthentication of the prometheus trigger.
   *
   * @default - none
   */
  readonly authenticationRef?: string;
}

/** KEDA's polling interval and cooldown, written out so the output says what the simulator assumes. */
const POLLING_INTERVAL_SECONDS = 30;
const COOLDOWN_SECONDS = 300;
/** Failed polls in a row before KEDA holds `fallbackReplicas`. */
const FALLBACK_FAILURE_THRESHOLD = 3;

/**
 * The keda.sh/v1alpha1 ScaledObject spec for a Deployment named `name` (KEDA 2.17+): one trigger per metric (cpu
 * and memory `Utilization`, the queue depth as `prometheus` `AverageValue`, one `cron` per schedule window), the
 * bounds, the behaviour in `advanced.horizontalPodAutoscalerConfig` and the fallback. KEDA creates and owns the HPA
 * (`keda-hpa-<name>`); the HPA takes the maximum over the triggers.
 */
export function scaledObjectSpec(name: string, h: HorizontalScaling, placement: ScaledObjectPlacement = {}, kind = 'Deployment'): ScaledObjectSpec {
  const triggers: ScaledObjectSpecTriggers[] = [];
  if (h.cpuUtilization !== undefined) triggers.push({ type: 'cpu', metricType: 'Utilization', metadata: { value: String(h.cpuUtilization) } });
  if (h.memoryUtilization !== undefined) triggers.push({ type: 'memory', metricType: 'Utilization', metadata: { value: String(h.memoryUtilization) } });
  if (h.podsMetric !== undefined && h.prometheus !== undefined) {
    const auth = h.prometheus.authentication;
    triggers.push({
      type: 'prometheus',
      name: 'queue-depth',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: h.prometheus.serverAddress,
        query: h.prometheus.query ?? defaultQueueQuery(name, h.podsMetric.seriesName ?? h.podsMetric.name, placement.namespace),
        threshold: h.podsMetric.averageValue,
        ...(h.podsMetric.activationThreshold !== undefined ? { activationThreshold: h.podsMetric.activationThreshold } : {}),
        ...(auth ? { authModes: auth.mode } : {}),
      },
      ...(placement.authenticationRef ? { authenticationRef: { name: placement.authenticationRef } } : {}),
    });
  }
  for (const w of h.schedule?.windows ?? []) {
    triggers.push({
      type: 'cron',
      name: `schedule-${w.start.replace(':', '')}-${w.end.replace(':', '')}`,
      metadata: { timezone: h.schedule!.timezone, start: dailyCron(w.start), end: dailyCron(w.end), desiredReplicas: String(w.replicas) },
    });
  }
  const rules = (r: HorizontalScaling['scaleUp']) => ({
    stabilizationWindowSeconds: r.stabilizationWindowSeconds,
    selectPolicy: r.selectPolicy ?? 'Max',
    policies: r.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
  });
  return {
    scaleTargetRef: { apiVersion: 'apps/v1', kind, name },
    pollingInterval: POLLING_INTERVAL_SECONDS,
    cooldownPeriod: COOLDOWN_SECONDS,
    minReplicaCount: h.minReplicas,
    maxReplicaCount: h.maxReplicas,
    ...(h.fallbackReplicas !== undefined ? { fallback: { failureThreshold: FALLBACK_FAILURE_THRESHOLD, replicas: h.fallbackReplicas } } : {}),
    advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleUp: rules(h.scaleUp), scaleDown: rules(h.scaleDown) } } },
    triggers,
  };
}

/** The queue depth of one workload's pods: the sum of their series, in their namespace. */
export function defaultQueueQuery(name: string, series: string, namespace: string | undefined): string {
  // Pods of a Deployment are named <deployment>-<replicaset hash>-<pod hash>.
  const pods = `pod=~"${name}-[a-z0-9]+-[a-z0-9]+"`;
  return `sum(${series}{${namespace !== undefined ? `namespace="${namespace}",` : ''}${pods}})`;
}

function secretTargetRefs(auth: PrometheusAuthentication): { parameter: string; name: string; key: string }[] {
  const keys = auth.mode === 'bearer' ? ['bearerToken'] : ['username', 'password'];
  return keys.map((key) => ({ parameter: key, name: auth.secretName, key }));
}
