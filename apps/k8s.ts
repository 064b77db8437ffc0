/**
 * The cdk8s app: one TierChart per built-in tier, written to `dist/<tier>/` (base, one overlay per region, and the
 * Argo CD and Flux objects that deploy the overlays and the operators they need from Git). `writeTierManifests` runs
 * the validation gate (`lib/validate`) first: any finding fails the run with the findings listed and writes nothing.
 * Run with `npm run synth` or `cdk8s synth`. The Git source of the GitOps objects is `gitSource()`'s: the
 * environment (`SCALING_TIERS_REPO_URL`, `SCALING_TIERS_REVISION`, `SCALING_TIERS_PATH_PREFIX`), else the `gitops:`
 * block of cdk8s.yaml (this repository pins its own there), else the working tree's `origin` remote.
 */
import * as path from 'node:path';
import { App } from 'cdk8s';
import { TierChart, hasCloudIngress, writeTierManifests } from '../lib';
import { gitSource } from '../lib/gitops';
import { PLATFORM_RELEASES, TIERS } from '../tiers';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
const { repoURL, revision, pathPrefix } = gitSource();
const app = new App({ outdir });
for (const tier of TIERS) {
  const chart = new TierChart(app, tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
  const files = writeTierManifests(chart, path.join(outdir, tier.name), {
    regions: tier.regions.map((r) => r.name),
    gitops: { repoURL, revision, pathPrefix, platform: PLATFORM_RELEASES },
  });
  console.log(`${tier.name}: ${files.join(', ')} (validation gate: 0 findings)`);
}
