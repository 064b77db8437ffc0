import * as path from 'node:path';
import { emitDocument } from './_manifest-yaml';
import { synthesizeCharts } from './_synthesize-charts';
import { syncFolder } from './_sync-folder';
import { RegionalComponent, regionalComponentsOf } from './regional-component';
import { GitOpsProps, fluxPlatformPath } from '../gitops/gitops-props';
import { gitOpsObjects } from '../gitops/gitops-objects';
import { Problems } from '../core/problems';
import { Finding, KubeObject, Manifest } from '../validate/manifest';
import { ValidateOptions, formatFindings, validateManifests } from '../validate/validate-manifests';
import { TierChart } from './tier-chart';

/** Options of {@link writeTierManifests}. */
export interface WriteTierManifestsOptions {
  /**
   * How the validation gate (`lib/validate`) checks the tier before anything is written; `false` skips it.
   *
   * @default {} - every rule that is on by default
   */
  readonly validation?: ValidateOptions | false;
  /**
   * The regions whose clusters run the tier, primary first: each gets an overlay `regions/<region>/`, and the tier
   * folder renders the first one. Every region of a regional component must be listed.
   *
   * @default - the regions of the tier's regional components, in the order they were added; none: the tier folder
   * renders the base
   */
  readonly regions?: readonly string[];
  /**
   * Argo CD and Flux objects that deploy each region overlay from Git, written to `gitops/argocd/` and
   * `gitops/flux/`.
   *
   * @default - none
   */
  readonly gitops?: GitOpsProps;
}

/** The Kustomization file's name: kustomize's extension-less one, which kustomize, Argo CD and Flux recognise. */
export const KUSTOMIZATION_FILE = 'Kustomization';

/**
 * Validates a tier chart and writes its manifests to `outdir`, in folders that kustomize, Argo CD and Flux render as
 * they are (no overlay sits inside its base, which kustomize refuses). Afterwards `outdir` holds exactly these files:
 * anything else there is removed, and a file whose text is unchanged is not rewritten.
 *
 * ```
 * <outdir>/Kustomization                the tier as its primary region runs it (resources: regions/<primary>)
 * <outdir>/base/Kustomization           every component in apply order: namespace.yaml, app.yaml, ...
 * <outdir>/regions/<region>/Kustomization  ../../base plus the region's own files
 * <outdir>/regions/<region>/<name>.yaml    the region's components (load-balancer-binding.yaml, and those added
 *                                          with addRegionalComponent): objects only that region's cluster applies,
 *                                          or that differ per region
 * <outdir>/gitops/argocd/, gitops/flux/    with `gitops`: the objects that deploy each region overlay from Git
 * <outdir>/gitops/flux/platform/<region>/ with `gitops`: the Flux HelmReleases of the operators the region needs
 * ```
 *
 * A tier without regions gets `base/` and a tier Kustomization that renders it. The Kustomization files use
 * kustomize's extension-less file name so that schema validators that read every `*.yaml` do not mistake them for
 * Kubernetes objects.
 *
 * Nothing is written unless every object (GitOps objects included) passes the validation gate: a finding throws,
 * listing every finding.
 *
 * @returns the paths of the output's files, relative to `outdir`
 */
export function writeTierManifests(chart: TierChart, outdir: string, options: WriteTierManifestsOptions = {}): string[] {
  const output = tierOutput(chart, options);
  if (options.validation !== false) {
    const findings = validateManifests(tierOutputManifests(output), options.validation);
    if (findings.length > 0) throw new Error(gateFailure(findings, outdir));
  }
  return writeTierOutput(output, outdir);
}

/** A tier's output before it is written: its manifest files and Kustomization folders, relative to the tier folder. */
export interface TierOutput {
  /** The tier chart's id: the tier folder's name in validation findings. */
  readonly tier: string;
  /** The objects of each manifest file (`base/app.yaml`, `regions/<region>/postgres.yaml`, `gitops/flux/flux.yaml`). */
  readonly files: ReadonlyMap<string, readonly KubeObject[]>;
  /** The resources of each Kustomization folder (`.` is the tier folder). */
  readonly kustomizations: ReadonlyMap<string, readonly string[]>;
}

/**
 * Synthesises a tier chart into the files {@link writeTierManifests} writes, without validating or writing them:
 * for a caller that runs the validation gate itself (on a worker thread, say) before {@link writeTierOutput}.
 * Throws when a construct's own validation fails, naming the construct.
 */
export function tierOutput(chart: TierChart, options: Omit<WriteTierManifestsOptions, 'validation'> = {}): TierOutput {
  const regional = regionalComponentsOf(chart);
  const regions = regionsOf(chart, regional, options.regions);
  // Validates every construct first (cdk8s's construct validations), throwing with their paths.
  const json = synthesizeCharts([...chart.components, ...regional.map((r) => r.chart)]) as KubeObject[][];
  const base = chart.components.map((c, i) => ({ file: `${c.node.id}.yaml`, objects: json[i] })).filter((c) => c.objects.length > 0);
  const overlays = regions.map((region) => ({
    region,
    files: regional
      .map((r, i) => ({ ...r, objects: json[chart.components.length + i] }))
      .filter((r) => r.region === region && r.objects.length > 0)
      .map((r) => ({ file: `${r.name}.yaml`, objects: r.objects })),
  }));

  const files = new Map<string, KubeObject[]>();
  for (const { file, objects } of base) files.set(path.join('base', file), objects);
  for (const { region, files: own } of overlays) for (const { file, objects } of own) files.set(path.join('regions', region, file), objects);
  const kustomizations = new Map<string, string[]>();
  kustomizations.set('base', base.map((c) => c.file));
  for (const { region, files: own } of overlays) kustomizations.set(path.join('regions', region), ['../../base', ...own.map((f) => f.file)]);
  kustomizations.set('.', [regions.length > 0 ? `regions/${regions[0]}` : 'base']);

  if (options.gitops) {
    const baseObjects = base.flatMap((c) => c.objects);
    const gitops = gitOpsObjects(chart.tierName, chart.namespaceName, overlays.map((o) => ({ name: o.region, objects: [...baseObjects, ...o.files.flatMap((f) => f.objects)] })), options.gitops);
    if (gitops.argoCd.length > 0) {
      files.set(path.join('gitops', 'argocd', 'applications.yaml'), gitops.argoCd);
      kustomizations.set(path.join('gitops', 'argocd'), ['applications.yaml']);
    }
    if (gitops.flux.length > 0) {
      files.set(path.join('gitops', 'flux', 'flux.yaml'), gitops.flux);
      kustomizations.set(path.join('gitops', 'flux'), ['flux.yaml']);
    }
    for (const [region, releases] of gitops.fluxPlatform) {
      files.set(path.join(fluxPlatformPath(region), 'platform.yaml'), releases);
      kustomizations.set(fluxPlatformPath(region), ['platform.yaml']);
    }
  }
  return { tier: chart.node.id, files, kustomizations };
}

/** The objects of a tier's output as the validation gate takes them, each named `<tier>/<file>`. */
export function tierOutputManifests(output: TierOutput): Manifest[] {
  return [...output.files].flatMap(([file, objects]) => objects.map((object) => ({ file: path.join(output.tier, file), object })));
}

/** The error of a gate that found problems: how many, that nothing was written, and every finding. */
export function gateFailure(findings: readonly Finding[], outdir: string): string {
  return `The validation gate found ${findings.length} problem(s); nothing was written to ${outdir}:\n${formatFindings(findings)}`;
}

/**
 * Writes a tier's output to `outdir`, which then holds exactly its files: anything else there is removed, and a file
 * whose text is unchanged is not rewritten. Validates nothing: {@link writeTierManifests} runs the gate first.
 *
 * @returns the paths of the output's files, relative to `outdir`
 */
export function writeTierOutput(output: TierOutput, outdir: string): string[] {
  const texts = new Map<string, string>();
  for (const [file, objects] of output.files) texts.set(file, manifestsToYaml(objects));
  for (const [dir, resources] of output.kustomizations) texts.set(path.join(dir, KUSTOMIZATION_FILE), kustomization(resources));
  syncFolder(outdir, texts);
  return [...texts.keys()];
}

/** The overlay regions: the given ones (checked against the regional components), or the components' own. */
function regionsOf(chart: TierChart, regional: readonly RegionalComponent[], given: readonly string[] | undefined): string[] {
  const own = [...new Set(regional.map((r) => r.region))];
  if (given === undefined) return own;
  const problems = new Problems(chart.node.path);
  if (new Set(given).size !== given.length) problems.add('regions', given, 'regions listed once each');
  for (const region of own) if (!given.includes(region)) problems.add('regions', given, `a list including ${region}, which has a regional component`);
  problems.throwIfAny();
  return [...given];
}

/**
 * Kubernetes objects as a multi-document YAML stream, byte for byte what cdk8s's `Yaml.stringify` writes (YAML 1.1,
 * no line folding) but without its search for repeated objects to turn into anchors: synthesised objects never
 * share references, and anchors confuse some manifest tools.
 *
 * Documents are written by a small emitter (`_manifest-yaml.ts`) that reproduces the `yaml` package's output for
 * plain JSON-like objects and is several times faster in a short-lived process; a document it does not cover
 * exactly (a top-level scalar, a non-integer number, a string with control characters, ...) is written by the
 * `yaml` package, loaded only then.
 */
export function manifestsToYaml(objects: readonly unknown[]): string {
  return objects.map((o) => emitDocument(o) ?? yamlStringify(o)).join('---\n');
}

function yamlStringify(o: unknown): string {
  const { stringify } = require('yaml') as typeof import('yaml');
  return stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false });
}

function kustomization(resources: readonly string[]): string {
  return [
    '# Generated by scaling-tiers. Apply with `kubectl apply -k .` or point Argo CD / Flux at this folder.',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    ...resources.map((f) => `  - ${f}`),
    '',
  ].join('\n');
}
