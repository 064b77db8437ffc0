/**
 * One benchmark scenario, run in a fresh process by `test/bench/run.ts` so that module loading and peak memory
 * are measured whole. Prints one JSON line: { scenario, maxRssMiB }.
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
 *   cloud         synthesise every cloud stack of the cloud app (offline)
 *   services:N    the four tiers, each with N extra ScalableServices in a platform component
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

const scenario = process.argv[2] ?? 'floor';

function loadFloor(): void {
  require('cdk8s');
  require('cdk8s-plus-28');
  require('aws-cdk-lib');
}

function synthK8s(extraServices: number, gate = true): number {
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { ScalableService, TierChart, validateManifests } = require('../../lib') as typeof import('../../lib');
  const { manifestsToYaml } = require('../../lib/chart') as typeof import('../../lib/chart');
  const { TIERS } = require('../../tiers') as typeof import('../../tiers');
  const app = new App({ outdir: os.tmpdir() });
  let bytes = 0;
  for (const tier of TIERS) {
    const chart = new TierChart(app, tier.name, tier);
    if (extraServices > 0) {
      const platform = chart.addComponent('platform');
      for (let i = 0; i < extraServices; i++) {
        new ScalableService(platform, `svc-${i}`, {
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
    const synthesized = chart.synthesizeComponents();
    const objects = [...synthesized.components, ...synthesized.regional.filter((r) => r.region === tier.regions[0].name)].map((c) => c.objects);
    const findings = gate ? validateManifests(objects.flat().map((object) => ({ file: tier.name, object }))) : [];
    if (findings.length > 0) throw new Error(`the benchmark's output fails the gate: ${findings[0].message}`);
    for (const o of objects) bytes += manifestsToYaml(o).length;
  }
  return bytes;
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

function synthCloud(): number {
  const { createCloudApp } = require('../../apps/cloud') as typeof import('../../apps/cloud');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cdk-'));
  const assembly = createCloudApp({ outdir: out }).synth();
  fs.rmSync(out, { recursive: true, force: true });
  return assembly.stacks.length;
}

let work = 0;
if (scenario === 'k8s-app') work = synthK8sApp(); // no floor first: only what the app loads
else {
  loadFloor();
  if (scenario === 'k8s') work = synthK8s(0);
  else if (scenario === 'k8s-no-gate') work = synthK8s(0, false);
  else if (scenario.startsWith('services:')) work = synthK8s(Number(scenario.split(':')[1]));
  else if (scenario === 'cloud') work = synthCloud();
  else if (scenario !== 'floor') throw new Error(`unknown scenario ${scenario}`);
}
console.log(JSON.stringify({ scenario, work, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
