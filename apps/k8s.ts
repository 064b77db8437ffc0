/**
 * The cdk8s app: one TierChart per built-in tier, written to `dist/<tier>/` (base, one overlay per region, and the
 * Argo CD and Flux objects that deploy the overlays from Git). `writeTierManifests` runs the validation gate
 * (`lib/validate`) first: any finding fails the run with the findings listed and writes nothing.
 * Run with `npm run synth` or `cdk8s synth`. The repository the GitOps objects point at comes from
 * `SCALING_TIERS_REPO_URL` (with `SCALING_TIERS_REVISION`, default main, and `SCALING_TIERS_PATH_PREFIX`, the
 * output's folder in that repository, default dist); the default URL is a placeholder.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { TierChart, hasCloudIngress, writeTierManifests } from '../lib';
import { TIERS } from '../tiers';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
const repoURL = process.env.SCALING_TIERS_REPO_URL ?? 'https://git.example.com/platform/scaling-tiers.git';
const app = new App({ outdir });
for (const tier of TIERS) {
  const chart = new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
  const files = writeTierManifests(chart, path.join(outdir, tier.name), {
    regions: tier.regions.map((r) => r.name),
    gitops: { repoURL, revision: process.env.SCALING_TIERS_REVISION, pathPrefix: process.env.SCALING_TIERS_PATH_PREFIX ?? 'dist' },
  });
  console.log(`${tier.name}: ${files.join(', ')} (validation gate: 0 findings)`);
}
