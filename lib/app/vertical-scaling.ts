import { Problems } from '../core/problems';
import { CPU_ALLOWED, MEMORY_ALLOWED, parseCpu, parseMemory } from '../core/quantity';

/**
 * The VerticalPodAutoscaler update modes (autoscaling.k8s.io/v1). `Auto` is deprecated upstream (it means
 * `Recreate`) and is not accepted here; `InPlace` is alpha and not offered.
 *
 * @see https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#quick-start
 */
export type VpaUpdateMode = 'Off' | 'Initial' | 'Recreate' | 'InPlaceOrRecreate';

/** A CPU and/or memory bound for the VPA's recommendations. */
export interface ResourceBound {
  /**
   * CPU quantity, e.g. `100m`.
   *
   * @default - unbounded
   */
  readonly cpu?: string;
  /**
   * Memory quantity, e.g. `128Mi`.
   *
   * @default - unbounded
   */
  readonly memory?: string;
}

/** What the VerticalPodAutoscaler of a workload does. */
export interface VerticalScaling {
  /** When the VPA applies its recommendations: `Off` only recommends. */
  readonly updateMode: VpaUpdateMode;
  /**
   * The resources the VPA sizes. A resource the HPA scales on is removed from this list (they would fight); if
   * nothing remains the VPA runs in `Off` mode and its annotation says why.
   *
   * @default ['memory'] - the VPA FAQ's advice beside a CPU-based HPA
   */
  readonly controlledResources?: Array<'cpu' | 'memory'>;
  /**
   * Lower bound of recommendations.
   *
   * @default - no lower bound
   */
  readonly minAllowed?: ResourceBound;
  /**
   * Upper bound of recommendations; keep it within the node size, or a recommendation may not schedule.
   *
   * @default - no upper bound
   */
  readonly maxAllowed?: ResourceBound;
}

/** The VPA settings after resolving the conflict with an HPA. */
export interface ResolvedVerticalScaling {
  /** The update mode actually emitted. */
  readonly updateMode: VpaUpdateMode;
  /** The resources actually controlled. */
  readonly controlledResources: Array<'cpu' | 'memory'>;
  /** Why the emitted settings differ from the requested ones, if they do. */
  readonly reason?: string;
}

/**
 * Keeps the VPA away from the resources the HPA scales on. The VPA documentation says not to run both on the same
 * resource metric: the HPA adds pods because utilisation (usage / request) is high while the VPA raises the request,
 * which lowers utilisation, and the two chase each other. The same holds for a KEDA cpu or memory trigger (`by` names
 * the autoscaler in the reason).
 */
export function resolveVerticalScaling(v: VerticalScaling, hpaResources: ReadonlyArray<'cpu' | 'memory'>, by = 'the HPA'): ResolvedVerticalScaling {
  const requested = v.controlledResources ?? ['memory'];
  const clash = requested.filter((r) => hpaResources.includes(r));
  if (clash.length === 0 || v.updateMode === 'Off') {
    return { updateMode: v.updateMode, controlledResources: [...requested] };
  }
  const remaining = requested.filter((r) => !hpaResources.includes(r));
  if (remaining.length > 0) {
    return {
      updateMode: v.updateMode,
      controlledResources: remaining,
      reason: `${by} scales on ${clash.join(' and ')}, so the VPA controls only ${remaining.join(' and ')}`,
    };
  }
  return {
    updateMode: 'Off',
    controlledResources: [...requested],
    reason: `${by} scales on ${clash.join(' and ')}, so the VPA only recommends (updateMode Off) instead of ${v.updateMode}`,
  };
}

const MODES: readonly string[] = ['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate'];

/** Records every problem of a {@link VerticalScaling} under the field prefix `field`. */
export function checkVerticalScaling(problems: Problems, field: string, v: VerticalScaling): void {
  if (!MODES.includes(v.updateMode)) {
    const hint = (v.updateMode as string) === 'Auto' ? " ('Auto' is deprecated upstream and means 'Recreate')" : '';
    problems.add(`${field}.updateMode`, v.updateMode, `one of 'Off', 'Initial', 'Recreate', 'InPlaceOrRecreate'${hint}`);
  }
  const controlled = v.controlledResources;
  if (controlled !== undefined) {
    if (controlled.length === 0 || controlled.some((r) => r !== 'cpu' && r !== 'memory') || new Set(controlled).size !== controlled.length) {
      problems.add(`${field}.controlledResources`, controlled, "a non-empty list of distinct 'cpu' and 'memory'");
    }
  }
  for (const bound of ['minAllowed', 'maxAllowed'] as const) {
    const b = v[bound];
    if (b?.cpu !== undefined && parseCpu(b.cpu) === undefined) problems.add(`${field}.${bound}.cpu`, b.cpu, CPU_ALLOWED);
    if (b?.memory !== undefined && parseMemory(b.memory) === undefined) problems.add(`${field}.${bound}.memory`, b.memory, MEMORY_ALLOWED);
  }
  const parse = { cpu: parseCpu, memory: parseMemory };
  for (const r of ['cpu', 'memory'] as const) {
    const lo = v.minAllowed?.[r];
    const hi = v.maxAllowed?.[r];
    if (lo === undefined || hi === undefined) continue;
    const l = parse[r](lo);
    const h = parse[r](hi);
    if (l !== undefined && h !== undefined && l > h) {
      problems.add(`${field}.minAllowed.${r}`, lo, `at most '${field}.maxAllowed.${r}' (${hi})`);
    }
  }
}
