/**
 * The cdk8s app: one TierChart per built-in tier, written to `dist/<tier>/`, then checked by the validation gate
 * (`lib/validate`): any finding fails the run with the findings listed.
 * Run with `npm run synth` or `cdk8s synth`.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { TierChart, writeTierManifests } from '../lib';
import { formatFindings, readManifests, validateManifests } from '../lib/validate';
import { TIERS, hasCloudIngress } from '../tiers';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
const app = new App({ outdir });
for (const tier of TIERS) {
  const chart = new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
  const files = writeTierManifests(chart, path.join(outdir, tier.name));
  console.log(`${tier.name}: ${files.join(', ')}`);
}

const written = readManifests(outdir);
const findings = [...written.findings, ...validateManifests(written.manifests)];
if (findings.length > 0) {
  console.error(`${formatFindings(findings)}\nvalidation gate: ${findings.length} finding(s) in ${outdir}/`);
  process.exitCode = 1;
} else {
  console.log(`validation gate: ${written.manifests.length} objects, 0 findings`);
}
