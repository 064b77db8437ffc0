import { Manifest, kindOf, nameOf, objectAt } from './manifest';
import { CONTROLLER_LABEL_KEYS, LabelSelector, Workload, selects, workloadOf } from './_workloads';

/**
 * Everything the cross-object rules look up, built once per run.
 *
 * Each lookup reads an index instead of scanning every object: the workloads and the objects of each kind by
 * namespace and label, the autoscalers by the workload they target, the objects by namespace, kind and name. An index
 * only narrows the candidates; each lookup then applies the same test as a scan would (`selects`, the same equality),
 * in the order of the output, so it answers exactly what scanning every object answered. With thousands of services a
 * scan per workload made the gate quadratic.
 */
export class GateContext {
  private readonly allWorkloads: Workload[] = [];
  private readonly objects = new Map<string, Manifest>();
  private readonly byKind = new Map<string, Manifest[]>();
  private readonly workloadsByLabel = new LabelIndex<Workload>();
  private readonly autoscalers = new Map<unknown, Map<string, Manifest[]>>();
  private readonly selectorIndexes = new Map<string, SelectorIndex>();
  private readonly labelIndexes = new Map<string, LabelIndex<Manifest>>();

  constructor(private readonly allManifests: readonly Manifest[]) {
    for (const m of allManifests) {
      const w = workloadOf(m);
      if (w) {
        this.allWorkloads.push(w);
        this.workloadsByLabel.add(w.namespace, w.labels, w);
      }
      const kind = kindOf(m.object);
      this.objects.set(key(m.object.metadata?.namespace, kind, nameOf(m.object)), m);
      const list = this.byKind.get(kind) ?? [];
      list.push(m);
      this.byKind.set(kind, list);
    }
    // HPAs before ScaledObjects, each in output order: the order `autoscalersOf` has always listed them in.
    for (const a of [...this.ofKindUncounted('HorizontalPodAutoscaler'), ...this.ofKindUncounted('ScaledObject')]) {
      const { refKind, refName } = scaleTarget(a);
      if (typeof refKind !== 'string' || typeof refName !== 'string') continue; // targets no workload
      const inNamespace = this.autoscalers.get(a.object.metadata?.namespace) ?? new Map<string, Manifest[]>();
      const list = inNamespace.get(targetKey(refKind, refName)) ?? [];
      list.push(a);
      inNamespace.set(targetKey(refKind, refName), list);
      this.autoscalers.set(a.object.metadata?.namespace, inNamespace);
    }
  }

  /** Every object checked. Reading the whole list counts as visiting every object (see {@link objectsVisited}). */
  public get manifests(): readonly Manifest[] {
    visited += this.allManifests.length;
    return this.allManifests;
  }

  /** Every pod template of the output. Reading the whole list counts as visiting every workload. */
  public get workloads(): Workload[] {
    visited += this.allWorkloads.length;
    return this.allWorkloads;
  }

  /** The objects of one kind. Reading them counts as visiting each. */
  public ofKind(kind: string): readonly Manifest[] {
    const list = this.ofKindUncounted(kind);
    visited += list.length;
    return list;
  }

  /** The object of this kind and name in this namespace, if the output has it. */
  public find(namespace: string | undefined, kind: string, name: string): Manifest | undefined {
    visited += 1;
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
    const candidates = this.autoscalers.get(w.namespace)?.get(targetKey(kind, name)) ?? [];
    visited += candidates.length;
    return candidates.filter((a) => {
      const { refKind, refName } = scaleTarget(a);
      return a.object.metadata?.namespace === w.namespace && refKind === kind && refName === name;
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
    const candidates = this.workloadsByLabel.candidates(namespace, selector);
    visited += candidates.length;
    return candidates.filter((w) => w.namespace === namespace && selects(selector, w.labels, emptyMatchesAll, w.controllerLabel));
  }

  /**
   * The objects of `kind` in `namespace` whose own labels (`metadata.labels`) `selector` selects: the Services a
   * ServiceMonitor selects, say.
   */
  public selectedObjects(kind: string, namespace: string | undefined, selector: LabelSelector | undefined, emptyMatchesAll: boolean): Manifest[] {
    let index = this.labelIndexes.get(kind);
    if (!index) {
      index = new LabelIndex<Manifest>();
      for (const m of this.ofKindUncounted(kind)) index.add(m.object.metadata?.namespace, m.object.metadata?.labels ?? {}, m);
      this.labelIndexes.set(kind, index);
    }
    const candidates = index.candidates(namespace, selector);
    visited += candidates.length;
    return candidates.filter((m) => m.object.metadata?.namespace === namespace && selects(selector, m.object.metadata?.labels ?? {}, emptyMatchesAll));
  }

  /** The objects of `kind` in the workload's namespace whose `spec.<selectorField>` selects its pods. */
  public selecting(w: Workload, kind: string, selectorField: string, emptyMatchesAll: boolean): Manifest[] {
    const indexKey = `${kind}\0${selectorField}`;
    let index = this.selectorIndexes.get(indexKey);
    if (!index) {
      index = new SelectorIndex(this.ofKindUncounted(kind), (m) => objectAt(objectAt(m.object, 'spec'), selectorField));
      this.selectorIndexes.set(indexKey, index);
    }
    const candidates = index.candidates(w.namespace, w.labels);
    visited += candidates.length;
    return candidates.filter(
      (m) => m.object.metadata?.namespace === w.namespace && selects(objectAt(objectAt(m.object, 'spec'), selectorField) as LabelSelector | undefined, w.labels, emptyMatchesAll, w.controllerLabel),
    );
  }

  private ofKindUncounted(kind: string): readonly Manifest[] {
    return this.byKind.get(kind) ?? [];
  }
}

let visited = 0;

/**
 * How many objects the gate's cross-object lookups have visited in this process: each object a lookup reads, or
 * tests, counts once. `test/validate/gate-work.test.ts` holds it linear in the number of objects: a rule that scans
 * every object for every object makes it grow with their square.
 */
export function objectsVisited(): number {
  return visited;
}

/** Where an autoscaler points: `spec.scaleTargetRef`'s kind (a ScaledObject's defaults to Deployment) and name. */
function scaleTarget(a: Manifest): { refKind: unknown; refName: unknown } {
  const ref = objectAt(objectAt(a.object, 'spec'), 'scaleTargetRef');
  return { refKind: ref?.kind ?? (kindOf(a.object) === 'ScaledObject' ? 'Deployment' : undefined), refName: ref?.name };
}

function targetKey(kind: string, name: string): string {
  return `${kind}\0${name}`;
}

function key(namespace: string | undefined, kind: string, name: string): string {
  return `${namespace ?? ''}/${kind}/${name}`;
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** A label map's entries, or none when it is not a plain map (a selector the index cannot narrow). */
function entriesOf(labels: unknown): [string, unknown][] | undefined {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return undefined;
  return Object.entries(labels);
}

/** Items by namespace and by label (`key` -> `value`), each list in the order added. */
class LabelIndex<T> {
  private readonly namespaces = new Map<unknown, { all: T[]; byLabel: Map<string, Map<unknown, T[]>> }>();

  public add(namespace: unknown, labels: Record<string, unknown>, item: T): void {
    let ns = this.namespaces.get(namespace);
    if (!ns) {
      ns = { all: [], byLabel: new Map() };
      this.namespaces.set(namespace, ns);
    }
    ns.all.push(item);
    for (const [k, v] of entriesOf(labels) ?? []) {
      const byValue = ns.byLabel.get(k) ?? new Map<unknown, T[]>();
      const list = byValue.get(v) ?? [];
      list.push(item);
      byValue.set(v, list);
      ns.byLabel.set(k, byValue);
    }
  }

  /**
   * Every item in `namespace` that `selector` may select, in the order added: those carrying the rarest of its
   * `matchLabels` (each selected item carries them all), or all of the namespace when it has none to narrow by. A
   * StatefulSet's controller labels are never on its template, so they narrow nothing.
   */
  public candidates(namespace: unknown, selector: LabelSelector | undefined): readonly T[] {
    const ns = this.namespaces.get(namespace);
    if (!ns) return [];
    let best: readonly T[] | undefined;
    for (const [k, v] of entriesOf(selector?.matchLabels) ?? []) {
      if (CONTROLLER_LABEL_KEYS.has(k)) continue;
      const list = ns.byLabel.get(k)?.get(v) ?? [];
      if (best === undefined || list.length < best.length) best = list;
    }
    return best ?? ns.all;
  }
}

/**
 * Objects by the labels their selectors require: each object under the rarest pair of its `matchLabels` (among the
 * objects of its namespace), or among those to test for every workload when its selector has no label to file it
 * under (empty, expressions only, a StatefulSet's controller labels).
 */
class SelectorIndex {
  /** Each object with its place among the objects of its kind, which orders the answers as a scan would. */
  private readonly namespaces = new Map<unknown, { always: Placed[]; byLabel: Map<string, Map<unknown, Placed[]>> }>();

  constructor(objects: readonly Manifest[], selectorOf: (m: Manifest) => Record<string, unknown> | undefined) {
    const counts = new Map<unknown, Map<string, Map<unknown, number>>>();
    const pairs = objects.map((m) => (entriesOf(selectorOf(m)?.matchLabels) ?? []).filter(([k]) => !CONTROLLER_LABEL_KEYS.has(k)));
    objects.forEach((m, i) => {
      const ns = counts.get(m.object.metadata?.namespace) ?? new Map<string, Map<unknown, number>>();
      for (const [k, v] of pairs[i]) {
        const byValue = ns.get(k) ?? new Map<unknown, number>();
        byValue.set(v, (byValue.get(v) ?? 0) + 1);
        ns.set(k, byValue);
      }
      counts.set(m.object.metadata?.namespace, ns);
    });
    objects.forEach((m, i) => {
      const namespace = m.object.metadata?.namespace;
      let ns = this.namespaces.get(namespace);
      if (!ns) {
        ns = { always: [], byLabel: new Map() };
        this.namespaces.set(namespace, ns);
      }
      const nsCounts = counts.get(namespace)!;
      let rarest: [string, unknown] | undefined;
      for (const pair of pairs[i]) if (!rarest || nsCounts.get(pair[0])!.get(pair[1])! < nsCounts.get(rarest[0])!.get(rarest[1])!) rarest = pair;
      if (!rarest) {
        ns.always.push({ m, i });
        return;
      }
      const byValue = ns.byLabel.get(rarest[0]) ?? new Map<unknown, Placed[]>();
      const list = byValue.get(rarest[1]) ?? [];
      list.push({ m, i });
      byValue.set(rarest[1], list);
      ns.byLabel.set(rarest[0], byValue);
    });
  }

  /** The objects in `namespace` whose selectors may select `labels`, in output order. */
  public candidates(namespace: unknown, labels: Record<string, string>): Manifest[] {
    const ns = this.namespaces.get(namespace);
    if (!ns) return [];
    const lists = [ns.always];
    for (const [k, v] of entriesOf(labels) ?? []) {
      const list = ns.byLabel.get(k)?.get(v);
      if (list) lists.push(list);
    }
    const found = lists.flat();
    if (lists.length > 1) found.sort((a, b) => a.i - b.i);
    return found.map((p) => p.m);
  }
}

interface Placed {
  readonly m: Manifest;
  readonly i: number;
}
