/**
 * The aws-cdk app: for every tier that runs in more than one region, one stack per region (a RegionalIngress)
 * and one global DNS stack in us-east-1 (a GlobalDns), checked by cdk-nag (AwsSolutions and NIST 800-53 rev 5)
 * as validation plugins. Synthesises offline: `npx tsx apps/cloud.ts` or `npx cdk synth`.
 *
 * Context (`-c key=value`, or cdk.json):
 * - `account`: the AWS account of every stack; else `CDK_DEFAULT_ACCOUNT`; else the placeholder 111111111111.
 * - `domain`: the parent domain; each tier is served at `<tier>.<domain>`. Default `example.com` (placeholder).
 * - `hostedZoneId`: an existing public zone for `<domain>`; by default each tier's DNS stack creates a zone
 *   `<tier>.<domain>` that the parent zone must delegate to.
 * - `certificateArns`: a JSON object `{ "<region>": "<ACM certificate ARN>" }`; a region without one gets a
 *   placeholder ARN of the right shape (synthesises, does not deploy).
 *
 * Cross-region references (ALB DNS names from the regional stacks into the DNS stack) are weak
 * (`@aws-cdk/core:defaultCrossStackReferences: weak` in cdk.json): CloudFormation `Fn::GetStackOutput`, no custom
 * resources, and outputs that may change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { GlobalDns, PLACEHOLDER_CERTIFICATE_ARN, RegionalIngress, RegionalStack, TierAlarms } from '../lib/cloud';
import { TIERS, TierSpec, hasCloudIngress } from '../tiers';

/** The account used when neither context `account` nor `CDK_DEFAULT_ACCOUNT` is set. */
const PLACEHOLDER_ACCOUNT = '111111111111';
/** Route 53 is global; its stack lives in its control-plane region. */
const DNS_REGION = 'us-east-1';

/** Builds the cloud app; `context` adds to (and overrides) cdk.json's context. */
export function createCloudApp(options: { outdir?: string; context?: Record<string, unknown> } = {}): App {
  const cdkJson = JSON.parse(fs.readFileSync(path.resolve('cdk.json'), 'utf8') /* read from the working directory, like the CDK CLI */) as { context?: Record<string, unknown> };
  // The CDK CLI passes its output folder in CDK_OUTDIR; run directly, the app writes to cdk.out like the CLI would.
  const outdir = options.outdir ?? (process.env.CDK_OUTDIR ? undefined : 'cdk.out');
  const app = new App({ outdir, context: { ...cdkJson.context, ...options.context } });
  const ctx = (key: string): string | undefined => app.node.tryGetContext(key);
  const account = ctx('account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT;
  const domain = ctx('domain') ?? 'example.com';
  const hostedZoneId = ctx('hostedZoneId');
  const rawArns = app.node.tryGetContext('certificateArns') as string | Record<string, string> | undefined;
  const certificateArns: Record<string, string> = typeof rawArns === 'string' ? JSON.parse(rawArns) : (rawArns ?? {});

  TIERS.forEach((tier) => {
    if (!hasCloudIngress(tier)) return; // single-region tiers have no cloud resources (DESIGN: cloud column)
    addTier(app, tier, { account, domain, hostedZoneId, certificateArns });
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return app;
}

function addTier(
  app: App,
  tier: TierSpec,
  o: { account: string; domain: string; hostedZoneId?: string; certificateArns: Record<string, string> },
): void {
  const production = tier.sla !== undefined;
  const ingresses = tier.regions.map((r) => {
    const stack = new RegionalStack(app, `${tier.name}-${r.name}`, {
      env: { account: o.account, region: r.name },
      description: `scaling-tiers ${tier.name}: ingress in ${r.name} (${r.role})`,
    });
    const ingress = new RegionalIngress(stack, 'Ingress', {
      tier: tier.name,
      production,
      certificateArn: o.certificateArns[r.name] ?? PLACEHOLDER_CERTIFICATE_ARN.replace('<region>', r.name),
      vpcCidr: r.vpcCidr, // from the tier data, which nginx's trusted proxy ranges also use

      rateLimits: tier.nginx?.rateLimits,
    });
    // ALB 5xx and unhealthy targets, to the tier's encrypted topic in this region.
    new TierAlarms(stack, 'Alarms', { tier: tier.name, loadBalancer: ingress.loadBalancer, targetGroup: ingress.targetGroup });
    return { region: r.name, role: r.role, loadBalancer: ingress.loadBalancer };
  });
  const dnsStack = new Stack(app, `${tier.name}-dns`, {
    env: { account: o.account, region: DNS_REGION },
    description: `scaling-tiers ${tier.name}: Route 53 records and health checks`,
  });
  const dns = new GlobalDns(dnsStack, 'Dns', {
    domainName: `${tier.name}.${o.domain}`,
    hostedZone: o.hostedZoneId ? { hostedZoneId: o.hostedZoneId, zoneName: o.domain } : undefined,
    regions: ingresses,
  });
  // One alarm per Route 53 health check; the DNS stack is in us-east-1, where Route 53's metrics are.
  new TierAlarms(dnsStack, 'Alarms', { tier: tier.name, healthChecks: dns.healthChecks });
}

if (require.main === module) {
  createCloudApp().synth();
}
