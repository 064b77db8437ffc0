import { SKIP_ANNOTATION_PREFIX } from './annotations';
import { Finding, Manifest, finding } from './manifest';
import { checkObject } from './object-rules';
import { checkPodSecurity } from './pod-security';
import { RULES, RULE_IDS, RuleId } from './rules';
import { CustomResourceDefinition, SchemaRegistry, BUILT_IN_CRDS } from './structure';
import { checkLinks, checkReferences } from './links';
import { checkWorkload } from './workload-rules';
import { checkSyncOrder } from './sync-order';
import { GateContext } from './_context';


/** How the gate runs. */
export interface ValidateOptions {
  /**
   * Rules to turn on (`true`) or off (`false`), by id.
   *
   * @default - each rule's `enabledByDefault` in `RULES`
   */
  readonly rules?: Partial<Record<RuleId, boolean>>;

  /**
   * Objects applied outside this output that pods may use, as `kind/name` in lower case
   * (`secret/db-credentials`, `configmap/ca-bundle`, `serviceaccount/ci`). A workload can also declare its own with
   * the `validate.scaling-tiers.io/user-provided` annotation.
   *
   * @default - none
   */
  readonly userProvided?: readonly string[];

  /**
   * CustomResourceDefinitions whose resources may appear in the output, besides the VerticalPodAutoscaler,
   * TargetGroupBinding, ScaledObject and TriggerAuthentication CRDs this library emits.
   *
   * @default - none
   */
  readonly customResourceDefinitions?: readonly CustomResourceDefinition[];
}

/**
 * Runs every enabled rule over a set of manifests and returns the findings, sorted by file, object and field.
 * An empty result means the manifests pass the gate.
 */
export function validateManifests(manifests: readonly Manifest[], options: ValidateOptions = {}): Finding[] {
  const enabled = new Set(RULE_IDS.filter((id) => options.rules?.[id] ?? RULES[id].enabledByDefault));
  const registry = new SchemaRegistry([...BUILT_IN_CRDS, ...(options.customResourceDefinitions ?? [])]);
  const userProvided = new Set((options.userProvided ?? []).map((s) => s.toLowerCase()));
  const objects = manifests.filter((m) => typeof m.object.apiVersion === 'string' && typeof m.object.kind === 'string');
  const typed = new Set(objects);
  const ctx = new GateContext(objects);
  const workloads = new Map(ctx.workloads.map((w) => [w.manifest, w]));

  const findings: Finding[] = [];
  for (const m of manifests) {
    if (!typed.has(m)) {
      findings.push(finding(m, 'yaml', '(root)', 'every document must be a mapping with string apiVersion and kind'));
      continue;
    }
    const own: Finding[] = [...registry.check(m), ...checkObject(m, ctx, registry.isNamespaced(m.object.apiVersion as string, m.object.kind as string)), ...checkLinks(m, ctx, userProvided), ...checkSyncOrder(m, ctx)];
    const w = workloads.get(m);
    if (w) own.push(...checkPodSecurity(w), ...checkWorkload(w, ctx), ...checkReferences(w, ctx, userProvided));
    findings.push(...applyExemptions(m, own.filter((f) => enabled.has(f.rule as RuleId))));
  }
  return findings.sort(byLocation);
}

/** Drops the findings an object exempts itself from, with a reason; reports exemptions without one or for no rule. */
function applyExemptions(m: Manifest, findings: Finding[]): Finding[] {
  const skips = new Map<string, string>();
  const out: Finding[] = [];
  for (const [key, reason] of Object.entries(m.object.metadata?.annotations ?? {})) {
    if (!key.startsWith(SKIP_ANNOTATION_PREFIX)) continue;
    const rule = key.slice(SKIP_ANNOTATION_PREFIX.length);
    const field = `metadata.annotations.${key}`;
    if (!(rule in RULES)) out.push(finding(m, 'metadata', field, `exempts from ${JSON.stringify(rule)}, which is not a rule; rules: ${RULE_IDS.join(', ')}`));
    else if (typeof reason !== 'string' || reason.trim() === '') out.push(finding(m, 'metadata', field, 'an exemption must give its reason as the annotation value'));
    else skips.set(rule, reason);
  }
  return [...out, ...findings.filter((f) => !skips.has(f.rule))];
}

function byLocation(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.field.localeCompare(b.field) || a.rule.localeCompare(b.rule);
}

/** One line per finding: `file: Kind/name field [rule] message`. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.file}: ${f.kind}/${f.namespace ? `${f.namespace}/` : ''}${f.name} ${f.field} [${f.rule}] ${f.message}`).join('\n');
}
