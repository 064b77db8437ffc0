/**
 * One benchmark scenario, run in a fresh process by `test/bench/run.ts` so that module loading and peak memory
 * are measured whole. Prints one JSON line: { scenario, work, maxRssMiB, cpuMs }.
 *
 *   floor         load cdk8s, cdk8s-plus-28 and aws-cdk-lib; synthesise nothing
 *   k8s           the floor, then synthesise the four built-in tiers to YAML (in memory) and run the validation
 *                 gate on them: floor + synthesis
 *   k8s-no-gate   the same without the validation gate, to show what the gate costs
 *   k8s-app       the synthesis of the Kubernetes app (apps/k8s.ts) as it does it, and only that: load what it
 *                 loads for synthesis (cdk8s, this library's root entry, the tiers; neither aws-cdk-lib nor
 *                 cdk8s-plus-28's L2 constructs), synthesise the four tiers with their regional overlays and write
 *                 them with writeTierManifests (to a temporary folder), which runs the validation gate first, as
 *                 the app does. No floor first, so it is not floor + synthesis.
 *   k8s-yaml      the `k8s` scenario with the standard YAML writer: the `yaml` package's `stringify` (the options
 *                 `manifestsToYaml` reproduces) in place of the library's emitter, lib/chart/_manifest-yaml.ts
 *   k8s-tojson    the `k8s` scenario with cdk8s's own per-chart synthesis: `Chart.toJson()` on each component chart
 *                 (which prepares and validates the whole app every time) in place of `synthesizeComponents()`,
 *                 lib/chart/_synthesize-charts.ts
 *   k8s-app-synth the four tiers as `k8s-app` builds them, written by cdk8s's own `App.synth()` (its synthesis and
 *                 its YAML writer, one file per chart, to a temporary folder) in place of writeTierManifests: no
 *                 validation gate and no kustomize layout, so less work than `k8s-app`, not more
 *   cloud         synthesise every cloud stack of the cloud app (offline)
 *   services:N    the four tiers, each with N extra ScalableServices in a platform component
 *   components:N  the same, each extra service in a component (a chart) of its own, as a platform repo composes them
 *   components-tojson:N  the same by `Chart.toJson()` per component chart: what the chart synthesis saves as components grow
 *   scale:N       the README's composing example at scale: a TierChart for the department tier plus N extra
 *                 ScalableServices, each in a component of its own (`chart.addComponent`), written by
 *                 writeTierManifests (gate included) to a temporary folder. Loads only what that app loads.
 *   plain:N       the same N services written with plain cdk8s-plus-28, one chart: a ServiceAccount, Deployment,
 *                 Service, HPA, PodDisruptionBudget and NetworkPolicy each, written by cdk8s's `App.synth()`
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { KubeObject } from '../../lib';

const scenario = process.argv[2] ?? 'floor';

function loadFloor(): void {
  require('cdk8s');
  require('cdk8s-plus-28');
  require('aws-cdk-lib');
}

/** How `synthK8s` turns the constructs into YAML: the library's way, or a standard alternative (see the top). */
interface SynthWay {
  readonly gate?: boolean;
  /** `package`: the `yaml` package's stringify instead of the library's emitter. */
  readonly yaml?: 'emitter' | 'package';
  /** `toJson`: cdk8s's `Chart.toJson()` per component chart instead of `synthesizeComponents()`. */
  readonly json?: 'components' | 'toJson';
  /** `true`: each extra service in a component of its own (`chart.addComponent`), as a platform repo composes them. */
  readonly componentPerService?: boolean;
}

function synthK8s(extraServices: number, way: SynthWay = {}): number {
  const { gate = true, yaml = 'emitter', json = 'components', componentPerService = false } = way;
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { ScalableService, TierChart, validateManifests } = require('../../lib') as typeof import('../../lib');
  const { manifestsToYaml } = require('../../lib/chart') as typeof import('../../lib/chart');
  const { TIERS } = require('../../tiers') as typeof import('../../tiers');
  const app = new App({ outdir: os.tmpdir() });
  let bytes = 0;
  for (const tier of TIERS) {
    const chart = new TierChart(app, tier.name, tier);
    if (extraServices > 0) {
      const platform = componentPerService ? undefined : chart.addComponent('platform');
      for (let i = 0; i < extraServices; i++) {
        new ScalableService(platform ?? chart.addComponent(`svc-${i}`), `svc-${i}`, {
          image: 'registry.example.com/svc:1.0.0',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
          autoscaling: tier.app.autoscaling,
          verticalScaling: tier.app.verticalScaling,
          allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'nginx' } }],
        });
      }
    }
    // The validation gate runs on every synthesis, as writeTierManifests runs it for the app.
    // The base and the primary region's own components (its PostgreSQL cluster), as the tier folder applies them.
    const objects = json === 'toJson' ? toJsonObjects(chart, tier.regions[0].name) : componentObjects(chart, tier.regions[0].name);
    const findings = gate ? validateManifests(objects.flat().map((object) => ({ file: tier.name, object }))) : [];
    if (findings.length > 0) throw new Error(`the benchmark's output fails the gate: ${findings[0].message}`);
    for (const o of objects) bytes += (yaml === 'package' ? yamlPackage(o) : manifestsToYaml(o)).length;
  }
  return bytes;
}

/** The objects of the base and of the primary region's own components, as the tier folder applies them. */
function componentObjects(chart: import('../../lib').TierChart, primary: string): KubeObject[][] {
  const synthesized = chart.synthesizeComponents();
  return [...synthesized.components, ...synthesized.regional.filter((r) => r.region === primary)].map((c) => c.objects);
}

/** The same objects by cdk8s's own `Chart.toJson()`, called on every component chart as `synthesizeComponents` covers them. */
function toJsonObjects(chart: import('../../lib').TierChart, primary: string): KubeObject[][] {
  const { regionalComponentsOf } = require('../../lib/chart/regional-component') as typeof import('../../lib/chart/regional-component');
  const components = chart.components.map((c) => c.toJson() as KubeObject[]);
  const regional = regionalComponentsOf(chart).map((r) => ({ region: r.region, objects: r.chart.toJson() as KubeObject[] }));
  return [...components, ...regional.filter((r) => r.region === primary).map((r) => r.objects)];
}

/** The standard YAML writer: what `manifestsToYaml` writes, by the `yaml` package (cdk8s's `Yaml.stringify` less its anchors). */
function yamlPackage(objects: readonly unknown[]): string {
  const { stringify } = require('yaml') as typeof import('yaml');
  return objects.map((o) => stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false })).join('---\n');
}

/** The four tiers as `k8s-app` builds them, synthesised by cdk8s's own `App.synth()` into a temporary folder. */
function synthK8sAppSynth(): number {
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { TierChart } = require('../../lib') as typeof import('../../lib');
  const { TIERS, hasCloudIngress } = require('../../tiers') as typeof import('../../tiers');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-app-synth-'));
  const app = new App({ outdir });
  for (const tier of TIERS) new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
  app.synth();
  const files = fs.readdirSync(outdir).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

/** The synthesis part of apps/k8s.ts, statement for statement, writing to a temporary folder. */
function synthK8sApp(): number {
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { TierChart, writeTierManifests } = require('../../lib') as typeof import('../../lib');
  const { TIERS, hasCloudIngress } = require('../../tiers') as typeof import('../../tiers');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-k8s-'));
  const app = new App({ outdir });
  let files = 0;
  for (const tier of TIERS) {
    const chart = new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
    files += writeTierManifests(chart, path.join(outdir, tier.name)).length;
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

/** The image, resources and autoscaling bounds every extra service of `scale:N` and `plain:N` shares. */
const EXTRA = {
  image: 'registry.example.com/svc:1.0.0',
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '200m', memory: '256Mi' },
  minReplicas: 3,
  maxReplicas: 20,
  cpuUtilization: 70,
} as const;

/** The README's composing example with N extra services: the department tier, a component per service, writeTierManifests. */
function synthScale(extraServices: number): number {
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { ScalableService, TierChart, writeTierManifests, hasCloudIngress } = require('../../lib') as typeof import('../../lib');
  const { department } = require('../../tiers') as typeof import('../../tiers');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const app = new App({ outdir });
  const chart = new TierChart(app, department.name, { ...department, loadBalancerRegions: hasCloudIngress(department) ? department.regions : undefined });
  for (let i = 0; i < extraServices; i++) {
    new ScalableService(chart.addComponent(`svc-${i}`), `svc-${i}`, {
      image: EXTRA.image,
      resources: { requests: EXTRA.requests, limits: EXTRA.limits },
      autoscaling: department.app.autoscaling,
      verticalScaling: department.app.verticalScaling,
      allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'app' } }],
    });
  }
  const files = writeTierManifests(chart, path.join(outdir, department.name), { regions: department.regions.map((r) => r.name) }).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

/** The same N services in plain cdk8s-plus-28, in one chart, synthesised by cdk8s's `App.synth()`. */
function synthPlain(extraServices: number): number {
  const { App, Chart, Duration, Size } = require('cdk8s') as typeof import('cdk8s');
  const kplus = require('cdk8s-plus-28') as typeof import('cdk8s-plus-28');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plain-'));
  const app = new App({ outdir });
  const chart = new Chart(app, 'department', { namespace: 'department', disableResourceNameHashes: true });
  const frontend = kplus.Pods.select(chart, 'frontend', { labels: { 'app.kubernetes.io/name': 'app' } });
  for (let i = 0; i < extraServices; i++) {
    const name = `svc-${i}`;
    const serviceAccount = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name }, automountToken: false });
    const deployment = new kplus.Deployment(chart, `${name}-deployment`, {
      metadata: { name },
      serviceAccount,
      automountServiceAccountToken: false,
      podMetadata: { labels: { 'app.kubernetes.io/name': name } },
      containers: [{
        name,
        image: EXTRA.image,
        portNumber: 8080,
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(200) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
        liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
        securityContext: { user: 10001, group: 10001, ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      }],
    });
    deployment.exposeViaService({ name, ports: [{ port: 80, targetPort: 8080 }] });
    new kplus.HorizontalPodAutoscaler(chart, `${name}-hpa`, {
      metadata: { name },
      target: deployment,
      minReplicas: EXTRA.minReplicas,
      maxReplicas: EXTRA.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(EXTRA.cpuUtilization))],
      scaleUp: { stabilizationWindow: Duration.seconds(0) },
    });
    new kplus.k8s.KubePodDisruptionBudget(chart, `${name}-pdb`, {
      metadata: { name },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': name } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
    const policy = new kplus.NetworkPolicy(chart, `${name}-netpol`, { metadata: { name }, selector: deployment });
    policy.addIngressRule(frontend, [kplus.NetworkPolicyPort.tcp(8080)]);
  }
  app.synth();
  const files = fs.readdirSync(outdir).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

function synthCloud(): number {
  const { createCloudApp } = require('../../apps/cloud') as typeof import('../../apps/cloud');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cdk-'));
  const assembly = createCloudApp({ outdir: out }).synth();
  fs.rmSync(out, { recursive: true, force: true });
  return assembly.stacks.length;
}

let work = 0;
if (scenario === 'k8s-app') work = synthK8sApp(); // no floor first: only what the app loads
else if (scenario.startsWith('scale:')) work = synthScale(Number(scenario.split(':')[1])); // only what the example loads
else if (scenario.startsWith('plain:')) work = synthPlain(Number(scenario.split(':')[1])); // only cdk8s and cdk8s-plus-28
else if (scenario === 'k8s-app-synth') work = synthK8sAppSynth(); // the same, by cdk8s's App.synth()
else {
  loadFloor();
  if (scenario === 'k8s') work = synthK8s(0);
  else if (scenario === 'k8s-no-gate') work = synthK8s(0, { gate: false });
  else if (scenario === 'k8s-yaml') work = synthK8s(0, { yaml: 'package' });
  else if (scenario === 'k8s-tojson') work = synthK8s(0, { json: 'toJson' });
  else if (scenario.startsWith('services:')) work = synthK8s(Number(scenario.split(':')[1]));
  else if (scenario.startsWith('components:')) work = synthK8s(Number(scenario.split(':')[1]), { componentPerService: true });
  else if (scenario.startsWith('components-tojson:')) work = synthK8s(Number(scenario.split(':')[1]), { componentPerService: true, json: 'toJson' });
  else if (scenario === 'cloud') work = synthCloud();
  else if (scenario !== 'floor') throw new Error(`unknown scenario ${scenario}`);
}
// CPU time (user + system) as well as the wall time run.ts measures: on a loaded machine it varies far less.
const cpu = process.cpuUsage();
console.log(JSON.stringify({ scenario, work, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), cpuMs: Math.round((cpu.user + cpu.system) / 1000) }));
