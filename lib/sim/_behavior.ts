/**
 * The HPA controller's behaviour stage, shared by the HPA and KEDA simulators (KEDA's HPA is an HPA): bounds first,
 * then stabilisation and the rate-limit policies, as kubernetes/kubernetes `pkg/controller/podautoscaler/horizontal.go`
 * (reconcileAutoscaler, stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate,
 * calculateScaleUpLimitWithScalingRules, calculateScaleDownLimitWithBehaviors). See hpa-simulator.ts for the steps.
 * Internal to lib/sim.
 */
import type { ScalingRules } from '../app/horizontal-scaling';

interface Timed {
  readonly t: number;
  readonly value: number;
}

function pruneBefore(events: Timed[], cutoff: number): void {
  for (let i = events.length - 1; i >= 0; i--) if (!(events[i].t > cutoff)) events.splice(i, 1);
}

function changeWithin(events: readonly Timed[], now: number, periodSeconds: number): number {
  const cutoff = now - periodSeconds;
  return events.filter((e) => e.t > cutoff).reduce((sum, e) => sum + e.value, 0);
}

/** The bounds and behaviour of one HPA, as far as the controller's behaviour stage reads them. */
export interface BehaviorSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaleUp: ScalingRules;
  readonly scaleDown: ScalingRules;
}

/** The controller's memory of one HPA: past recommendations and scale events. */
export class BehaviorState {
  private readonly recommendations: Timed[] = [];
  private readonly upEvents: Timed[] = [];
  private readonly downEvents: Timed[] = [];
  private readonly longestUpPeriod: number;
  private readonly longestDownPeriod: number;

  constructor(private readonly spec: BehaviorSpec) {
    this.longestUpPeriod = Math.max(0, ...spec.scaleUp.policies.map((x) => x.periodSeconds));
    this.longestDownPeriod = Math.max(0, ...spec.scaleDown.policies.map((x) => x.periodSeconds));
  }

  /**
   * The replica count of one sync at `now` from `current` replicas and the metrics' `desired` count (`undefined`
   * when the bounds alone decide: current above max or below min). Records the recommendation and the scale event.
   */
  public next(now: number, current: number, desired: () => number): { next: number; desired: number } {
    const { minReplicas: min, maxReplicas: max, scaleUp: up, scaleDown: down } = this.spec;
    let next: number;
    let wanted = current;
    if (current > max) {
      next = max;
    } else if (current < min) {
      next = min;
    } else {
      wanted = desired();
      // stabilizeRecommendationWithBehaviors
      let upRec = wanted;
      let downRec = wanted;
      for (const r of this.recommendations) {
        if (r.t > now - up.stabilizationWindowSeconds) upRec = Math.min(upRec, r.value);
        if (r.t > now - down.stabilizationWindowSeconds) downRec = Math.max(downRec, r.value);
      }
      let stabilized = Math.min(Math.max(current, upRec), downRec);
      const keep = Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds);
      pruneBefore(this.recommendations, now - keep); // upstream recycles samples older than both windows
      this.recommendations.push({ t: now, value: wanted });
      // convertDesiredReplicasWithBehaviorRate
      if (stabilized > current) {
        const limit = Math.max(this.scaleLimit('up', current, up, now), current);
        stabilized = Math.min(stabilized, Math.min(max, limit));
      } else if (stabilized < current) {
        const limit = Math.min(this.scaleLimit('down', current, down, now), current);
        stabilized = Math.max(stabilized, Math.max(min, limit));
      }
      next = stabilized;
    }
    // Scale events older than every policy period never count again (upstream marks them outdated).
    pruneBefore(this.upEvents, now - this.longestUpPeriod);
    pruneBefore(this.downEvents, now - this.longestDownPeriod);
    if (next > current) this.upEvents.push({ t: now, value: next - current });
    else if (next < current) this.downEvents.push({ t: now, value: current - next });
    return { next, desired: wanted };
  }

  /** Records a change made outside the HPA (KEDA's activation from or to zero) as a scale event. */
  public recordExternal(now: number, from: number, to: number): void {
    if (to > from) this.upEvents.push({ t: now, value: to - from });
    else if (to < from) this.downEvents.push({ t: now, value: from - to });
  }

  /**
   * calculateScaleUpLimitWithScalingRules (`up`: the most replicas the policies allow now) and
   * calculateScaleDownLimitWithBehaviors (`down`: the fewest). `Max` lets the largest change through: the highest
   * limit up, the lowest down; `Min` the smallest.
   */
  private scaleLimit(direction: 'up' | 'down', current: number, rules: ScalingRules, now: number): number {
    const select = rules.selectPolicy ?? 'Max';
    if (select === 'Disabled') return current;
    const highest = (direction === 'up') === (select === 'Max');
    let result = highest ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    for (const policy of rules.policies) {
      const start = current - changeWithin(this.upEvents, now, policy.periodSeconds) + changeWithin(this.downEvents, now, policy.periodSeconds);
      const proposed =
        direction === 'up'
          ? policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100))
          : policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
      result = highest ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }
}
