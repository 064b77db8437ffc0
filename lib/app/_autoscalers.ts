/**
 * The HorizontalPodAutoscaler and VerticalPodAutoscaler of a {@link ScalableService}. Internal to lib/app
 * ({@link horizontalPodAutoscalerSpec} is public through scalable-service.ts).
 */
import { Construct } from 'constructs';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesControlledValues as ControlledValues,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed as MaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed as MinAllowed,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode as UpdateMode,
} from '../../imports/autoscaling.k8s.io';
import { k8s } from '../core/k8s';
import { validationAnnotations } from '../validate/annotations';
import { HorizontalScaling, hpaResourceMetrics } from './horizontal-scaling';
import { ResolvedVerticalScaling, resolveVerticalScaling } from './vertical-scaling';
import type { ResolvedScalableService } from './_resolve';

/**
 * Adds the HPA (id `HorizontalPodAutoscaler`, with autoscaling) and the VPA (id `VerticalPodAutoscaler`, with
 * vertical scaling) to `scope`, in that order.
 *
 * @returns the VPA settings actually emitted, when there is a VPA
 */
export function addAutoscalers(scope: Construct, r: ResolvedScalableService, labels: Record<string, string>): ResolvedVerticalScaling | undefined {
  const { name } = r;
  if (r.autoscaling) {
    const exemptions = validationAnnotations([], r.validationExemptions as Record<string, string> | undefined);
    new k8s.KubeHorizontalPodAutoscalerV2(scope, 'HorizontalPodAutoscaler', {
      metadata: { name, labels, ...(Object.keys(exemptions).length > 0 ? { annotations: exemptions } : {}) },
      spec: horizontalPodAutoscalerSpec(name, r.autoscaling),
    });
  }

  const v = r.verticalScaling;
  if (!v) return undefined;
  const resolved = resolveVerticalScaling(v, r.autoscaling ? hpaResourceMetrics(r.autoscaling) : []);
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
            minAllowed: bound(v.minAllowed, MinAllowed.fromString),
            maxAllowed: bound(v.maxAllowed, MaxAllowed.fromString),
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
