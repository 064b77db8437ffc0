import { Manifest, kindOf, nameOf, objectAt } from './manifest';
import { LabelSelector, Workload, selects, workloadOf } from './_workloads';

/** Everything the cross-object rules look up, built once per run. */
export class GateContext {
  public readonly workloads: Workload[] = [];
  private readonly objects = new Map<string, Manifest>();
  private readonly byKind = new Map<string, Manifest[]>();

  constructor(public readonly manifests: readonly Manifest[]) {
    for (const m of manifests) {
      const w = workloadOf(m);
      if (w) this.workloads.push(w);
      const kind = kindOf(m.object);
      this.objects.set(key(m.object.metadata?.namespace, kind, nameOf(m.object)), m);
      const list = this.byKind.get(kind) ?? [];
      list.push(m);
      this.byKind.set(kind, list);
    }
  }

  /** The objects of one kind. */
  public ofKind(kind: string): readonly Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The object of this kind and name in this namespace, if the output has it. */
  public find(namespace: string | undefined, kind: string, name: string): Manifest | undefined {
    return this.objects.get(key(namespace, kind, name));
  }

  /** The HPA that scales this workload, if any. */
  public hpaOf(w: Workload): Manifest | undefined {
    return this.autoscalersOf(w).find((a) => kindOf(a.object) === 'HorizontalPodAutoscaler');
  }

  /**
   * Every horizontal autoscaler of this workload: HPAs and KEDA ScaledObjects whose `scaleTargetRef` names it
   * (a ScaledObject's kind defaults to Deployment, as KEDA's does).
   */
  public autoscalersOf(w: Workload): Manifest[] {
    const kind = kindOf(w.manifest.object);
    const name = nameOf(w.manifest.object);
    return [...this.ofKind('HorizontalPodAutoscaler'), ...this.ofKind('ScaledObject')].filter((a) => {
      const ref = objectAt(objectAt(a.object, 'spec'), 'scaleTargetRef');
      const refKind = ref?.kind ?? (kindOf(a.object) === 'ScaledObject' ? 'Deployment' : undefined);
      return a.object.metadata?.namespace === w.namespace && refKind === kind && ref?.name === name;
    });
  }

  /**
   * The fewest and most replicas a workload runs: its autoscaler's bounds (an HPA's minReplicas/maxReplicas, a
   * ScaledObject's minReplicaCount/maxReplicaCount with KEDA's defaults 0 and 100), else `spec.replicas` (default 1).
   */
  public replicaRange(w: Workload): { min: number; max: number } {
    const autoscaler = this.autoscalersOf(w)[0];
    const spec = objectAt(autoscaler?.object, 'spec');
    if (spec && kindOf(autoscaler.object) === 'ScaledObject') return { min: num(spec.minReplicaCount, 0), max: num(spec.maxReplicaCount, 100) };
    if (spec) return { min: num(spec.minReplicas, 1), max: num(spec.maxReplicas, 1) };
    const replicas = num(objectAt(w.manifest.object, 'spec')?.replicas, 1);
    return { min: replicas, max: replicas };
  }

  /** The workloads in `namespace` whose pod labels `selector` selects. */
  public selected(namespace: string | undefined, selector: LabelSelector | undefined, emptyMatchesAll: boolean): Workload[] {
    return this.workloads.filter((w) => w.namespace === namespace && selects(selector, w.labels, emptyMatchesAll, w.controllerLabel));
  }

  /** The objects of `kind` in the workload's namespace whose `spec.<selectorField>` selects its pods. */
  public selecting(w: Workload, kind: string, selectorField: string, emptyMatchesAll: boolean): Manifest[] {
    return this.ofKind(kind).filter(
      (m) => m.object.metadata?.namespace === w.namespace && selects(objectAt(objectAt(m.object, 'spec'), selectorField) as LabelSelector | undefined, w.labels, emptyMatchesAll, w.controllerLabel),
    );
  }
}

function key(namespace: string | undefined, kind: string, name: string): string {
  return `${namespace ?? ''}/${kind}/${name}`;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
