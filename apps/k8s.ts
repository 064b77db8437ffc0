/**
 * The cdk8s app: one TierChart per built-in tier, written to `dist/<tier>/`. `writeTierManifests` runs the
 * validation gate (`lib/validate`) first: any finding fails the run with the findings listed and writes nothing.
 * Run with `npm run synth` or `cdk8s synth`.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { TierChart, writeTierManifests } from '../lib';
import { TIERS, hasCloudIngress } from '../tiers';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
const app = new App({ outdir });
for (const tier of TIERS) {
  const chart = new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
  const files = writeTierManifests(chart, path.join(outdir, tier.name));
  console.log(`${tier.name}: ${files.join(', ')} (validation gate: 0 findings)`);
}
