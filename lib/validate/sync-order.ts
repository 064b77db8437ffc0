import { Finding, Manifest, arrayAt, finding, kindOf, objectAt } from './manifest';
import { GateContext } from './_context';

/** A kind whose objects an admission webhook (or controller) checks against another object, which must exist first. */
export interface AdmissionReference {
  /** The referring kind. */
  readonly kind: string;
  /** The field holding the reference (`{ kind, name }` in the referring object's namespace). */
  readonly field: string;
  /** The target's kind when the reference names none. */
  readonly defaultKind?: string;
  /** Who checks, and what happens when the target is missing (the upstream source). */
  readonly because: string;
}

/**
 * Which kinds reference which, for the sync order: each referring object must be applied after its target, in a later
 * Argo CD sync wave (Flux applies Deployments and StatefulSets before custom resources within one Kustomization:
 * fluxcd/pkg ssa/sort.go).
 */
export const ADMISSION_REFERENCES: readonly AdmissionReference[] = [
  {
    kind: 'ScaledObject',
    field: 'spec.scaleTargetRef',
    defaultKind: 'Deployment',
    because: "KEDA's admission webhook reads the target to check its containers' requests for cpu/memory triggers and refuses the ScaledObject when the target is missing (kedacore/keda apis/keda/v1alpha1/scaledobject_webhook.go, verifyCPUMemoryScalers)",
  },
  {
    kind: 'VerticalPodAutoscaler',
    field: 'spec.targetRef',
    because: "the VPA recommender resolves targetRef to the workload's pods and marks the VPA ConfigUnsupported (\"Cannot read targetRef\") while it is missing (kubernetes/autoscaler vertical-pod-autoscaler recommender)",
  },
];

/** The annotations Argo CD orders a sync by. */
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const HOOK = 'argocd.argoproj.io/hook';
const PLATFORM_RELEASE = 'scaling-tiers.io/platform-release';

/** A kustomize patch of an Application: its target kind and the annotations it sets, read from the patch text. */
function patchAnnotations(patch: Record<string, unknown>): { kind?: string; wave?: number; hook: boolean } {
  const text = typeof patch.patch === 'string' ? patch.patch : '';
  const wave = new RegExp(`${SYNC_WAVE}:\\s*["']?(-?[0-9]+)["']?`).exec(text)?.[1];
  const kind = objectAt(patch, 'target')?.kind;
  return { kind: typeof kind === 'string' ? kind : undefined, wave: wave === undefined ? undefined : Number(wave), hook: text.includes(HOOK) };
}

function annotationWave(m: Manifest): number {
  const value = Number(m.object.metadata?.annotations?.[SYNC_WAVE] ?? 0);
  return Number.isInteger(value) ? value : 0;
}

/**
 * `sync-order` for one Argo CD Application of a Git folder: under the sync waves its kustomize patches give (else the
 * objects' own annotations, else 0), every object of `ADMISSION_REFERENCES` that is in the output syncs in a later
 * wave than its target; and every platform-release Application (label `scaling-tiers.io/platform-release`) with the
 * same destination is in an earlier wave than it, so the operators are installed before their custom resources.
 */
export function checkSyncOrder(m: Manifest, ctx: GateContext): Finding[] {
  if (kindOf(m.object) !== 'Application') return [];
  const spec = objectAt(m.object, 'spec');
  const source = objectAt(spec, 'source');
  if (typeof source?.path !== 'string' || m.object.metadata?.labels?.[PLATFORM_RELEASE] !== undefined) return [];
  const out: Finding[] = [];

  const waves = new Map<string, number>();
  const hooked = new Set<string>();
  for (const patch of arrayAt(objectAt(source, 'kustomize'), 'patches')) {
    const p = patchAnnotations(patch);
    if (p.kind === undefined) continue;
    if (p.hook) hooked.add(p.kind);
    else if (p.wave !== undefined) waves.set(p.kind, p.wave);
  }
  const waveOf = (o: Manifest) => waves.get(kindOf(o.object)) ?? annotationWave(o);

  for (const ref of ADMISSION_REFERENCES) {
    if (hooked.has(ref.kind)) continue;
    for (const o of ctx.ofKind(ref.kind)) {
      const target = ref.field.split('.').reduce<Record<string, unknown> | undefined>((at, key) => objectAt(at, key), o.object as Record<string, unknown>);
      const targetKind = typeof target?.kind === 'string' ? target.kind : ref.defaultKind;
      if (targetKind === undefined || typeof target?.name !== 'string') continue;
      const t = ctx.find(o.object.metadata?.namespace, targetKind, target.name);
      if (!t || hooked.has(targetKind) || waveOf(o) > waveOf(t)) continue;
      out.push(finding(m, 'sync-order', 'spec.source.kustomize.patches',
        `syncs ${ref.kind}/${o.object.metadata?.name} in wave ${waveOf(o)}, not after its target ${targetKind}/${target.name} (wave ${waveOf(t)}): ${ref.because}`));
    }
  }

  const destination = JSON.stringify(objectAt(spec, 'destination')?.name ?? objectAt(spec, 'destination')?.server);
  const ownWave = annotationWave(m);
  for (const app of ctx.ofKind('Application')) {
    const release = app.object.metadata?.labels?.[PLATFORM_RELEASE];
    const appDestination = objectAt(objectAt(app.object, 'spec'), 'destination');
    if (release === undefined || JSON.stringify(appDestination?.name ?? appDestination?.server) !== destination) continue;
    if (annotationWave(app) < ownWave) continue;
    out.push(finding(m, 'sync-order', `metadata.annotations.${SYNC_WAVE}`,
      `is in wave ${ownWave}, not after the operator it needs, Application ${String(app.object.metadata?.name)} (${release}, wave ${annotationWave(app)}): custom resources are refused until their CRDs exist`));
  }
  return out;
}
