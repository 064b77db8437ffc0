/**
 * The aws-cdk app: for every tier that runs in more than one region, one stack per region (a RegionalIngress)
 * and one global DNS stack in us-east-1 (a GlobalDns), checked by cdk-nag (AwsSolutions and NIST 800-53 rev 5)
 * as validation plugins. Synthesises offline: `npm run synth:cloud` or `npx cdk synth`.
 *
 * Context (`-c key=value`, or cdk.json):
 * - `account`: the AWS account of every stack; else `CDK_DEFAULT_ACCOUNT`; else the placeholder 111111111111.
 * - `domain`: the parent domain; each tier is served at `<tier>.<domain>`. Default `example.com` (placeholder).
 * - `hostedZoneId`: an existing public zone for `<domain>`; by default each tier's DNS stack creates a zone
 *   `<tier>.<domain>` that the parent zone must delegate to.
 * - `certificateArns`: a JSON object `{ "<region>": "<ACM certificate ARN>" }`; a region without one gets a
 *   placeholder ARN of the right shape (synthesises, does not deploy).
 * - `edgeCertificateArns`: a JSON object `{ "<tier>": "<ACM certificate ARN in us-east-1>" }` for the tiers with a
 *   CDN (`cdn.enabled`); a tier without one gets the placeholder.
 * - `originPrefixLists`: a JSON object `{ "<region>": "pl-..." }`: the id of
 *   `com.amazonaws.global.cloudfront.origin-facing` where the library's table lacks the region.
 * - `originSecretVersions`: a JSON object `{ "<tier>": { "send": "<version>", "accept": ["<version>", ...] } }`: the
 *   version of the origin secret the distribution sends and the one or two the load balancers accept (version ids,
 *   or staging labels); default AWSCURRENT on both sides. The rotation is lib/cloud/README.md's runbook.
 * - `backupBucketPrefix`: the first part of every Postgres backup bucket name (S3 names are global); default
 *   `scaling-tiers` (placeholder). The Kubernetes app must use the same prefix (`postgresBackupLocationFor`).
 * - `eksClusterNames`: a JSON object `{ "<region>": "<EKS cluster name>" }` for the Pod Identity association of the
 *   CloudNativePG ServiceAccount; a region without one gets the placeholder `<tier>-<region>` (synthesises; the
 *   association fails to deploy until the name is right).
 *
 * Tiers with `postgres.backup` get, in every region's stack, a `PostgresBackupBucket` (bucket, key, the
 * ServiceAccount's role); the primary region's bucket replicates to the others (weak references to their keys).
 *
 * Cross-region references (ALB DNS names from the regional stacks into the DNS stack) are weak
 * (`@aws-cdk/core:defaultCrossStackReferences: weak` in cdk.json): CloudFormation `Fn::GetStackOutput`, no custom
 * resources, and outputs that may change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import {
  DEFAULT_BACKUP_BUCKET_PREFIX, EDGE_REGION, EdgeDistribution, GlobalDns, OriginProtection, PLACEHOLDER_CERTIFICATE_ARN,
  PostgresBackupAccess, PostgresBackupBucket, RegionalIngress, RegionalStack, TierAlarms, backupRetentionDays,
} from '../lib/cloud';
import { TIERS } from '../tiers';
import { TIER_POSTGRES_NAME, hasCloudIngress, type TierSpec } from '../lib/tier';

/** The account used when neither context `account` nor `CDK_DEFAULT_ACCOUNT` is set. */
const PLACEHOLDER_ACCOUNT = '111111111111';
/** Route 53 is global; its stack lives in its control-plane region. */
const DNS_REGION = 'us-east-1';

/** Builds the cloud app; `context` adds to (and overrides) cdk.json's context; `tiers` replaces the built-in tiers. */
export function createCloudApp(options: { outdir?: string; context?: Record<string, unknown>; tiers?: readonly TierSpec[] } = {}): App {
  const cdkJson = JSON.parse(fs.readFileSync(path.resolve('cdk.json'), 'utf8') /* read from the working directory, like the CDK CLI */) as { context?: Record<string, unknown> };
  // The CDK CLI passes its output folder in CDK_OUTDIR; run directly, the app writes to cdk.out like the CLI would.
  const outdir = options.outdir ?? (process.env.CDK_OUTDIR ? undefined : 'cdk.out');
  const app = new App({ outdir, context: { ...cdkJson.context, ...options.context } });
  const ctx = (key: string) => app.node.tryGetContext(key) as string | undefined;
  const account = ctx('account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT;
  const domain = ctx('domain') ?? 'example.com';
  const hostedZoneId = ctx('hostedZoneId');
  const rawArns = app.node.tryGetContext('certificateArns') as string | Record<string, string> | undefined;
  const certificateArns: Record<string, string> = typeof rawArns === 'string' ? (JSON.parse(rawArns) as Record<string, string>) : (rawArns ?? {});
  const edgeCertificateArns = jsonContext(app, 'edgeCertificateArns');
  const originPrefixLists = jsonContext(app, 'originPrefixLists');
  const eksClusterNames = jsonContext(app, 'eksClusterNames');
  const originSecretVersions = jsonContext(app, 'originSecretVersions') as unknown as Record<string, OriginSecretVersions>;
  const backupBucketPrefix = ctx('backupBucketPrefix') ?? DEFAULT_BACKUP_BUCKET_PREFIX;

  (options.tiers ?? TIERS).forEach((tier) => {
    if (!hasCloudIngress(tier)) return; // single-region tiers have no cloud resources (lib/cloud/README.md)
    addTier(app, tier, { account, domain, hostedZoneId, certificateArns, edgeCertificateArns, originPrefixLists, eksClusterNames, backupBucketPrefix, originSecretVersions });
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return app;
}

function addTier(
  app: App,
  tier: TierSpec,
  o: TierOptions,
): void {
  const production = tier.sla !== undefined;
  const edge = tier.cdn?.enabled ? addEdge(app, tier, o) : undefined;
  const stacks = new Map<string, RegionalStack>();
  const ingresses = tier.regions.map((r) => {
    const stack = new RegionalStack(app, `${tier.name}-${r.name}`, {
      env: { account: o.account, region: r.name },
      description: `scaling-tiers ${tier.name}: ingress${tier.postgres.backup ? ' and Postgres backups' : ''} in ${r.name} (${r.role})`,
    });
    stacks.set(r.name, stack);
    const ingress = new RegionalIngress(stack, 'Ingress', {
      tier: tier.name,
      production,
      certificateArn: o.certificateArns[r.name] ?? PLACEHOLDER_CERTIFICATE_ARN.replace('<region>', r.name),
      vpcCidr: r.vpcCidr, // from the tier data, which nginx's trusted proxy ranges also use

      rateLimits: tier.nginx?.rateLimits,
      originProtection: edge?.protection(r.name),
    });
    if (edge) stack.addStackDependency(edge.stack, 'the origin secret replica must exist before the listener rule resolves it');
    // ALB 5xx and unhealthy targets, to the tier's encrypted topic in this region.
    new TierAlarms(stack, 'Alarms', { tier: tier.name, loadBalancer: ingress.loadBalancer, targetGroup: ingress.targetGroup });
    return { region: r.name, role: r.role, loadBalancer: ingress.loadBalancer, logsBucket: ingress.logsBucket };
  });
  const backup = tier.postgres.backup;
  if (backup) {
    // The other regions first: the primary's bucket replicates to theirs and refers to their keys.
    const [primary, ...others] = tier.regions;
    const bucketIn = (region: string, access: PostgresBackupAccess, replicateTo?: PostgresBackupBucket[]) =>
      new PostgresBackupBucket(stacks.get(region)!, 'PostgresBackups', {
        tier: tier.name,
        bucketPrefix: o.backupBucketPrefix,
        clusterName: TIER_POSTGRES_NAME, // the name TierChart gives the cluster
        retentionDays: backupRetentionDays(backup.retentionPolicy),
        access,
        replicateTo,
        eksClusterName: o.eksClusterNames[region] ?? `${tier.name}-${region}`,
        serverAccessLogsBucket: ingresses.find((i) => i.region === region)!.logsBucket,
      });
    const replicas = others.map((r) => bucketIn(r.name, PostgresBackupAccess.REPLICA));
    bucketIn(primary.name, PostgresBackupAccess.READ_WRITE, replicas);
  }
  const dnsStack = new Stack(app, `${tier.name}-dns`, {
    env: { account: o.account, region: DNS_REGION },
    description: `scaling-tiers ${tier.name}: Route 53 records and health checks`,
  });
  const dns = new GlobalDns(dnsStack, 'Dns', {
    domainName: `${tier.name}.${o.domain}`,
    hostedZone: o.hostedZoneId ? { hostedZoneId: o.hostedZoneId, zoneName: o.domain } : undefined,
    regions: ingresses,
    ...edge?.dnsProps,
  });
  // One alarm per Route 53 health check, or per distribution's 5xx rate behind the CDN; the DNS stack is in
  // us-east-1, where Route 53's and CloudFront's metrics are.
  new TierAlarms(dnsStack, 'Alarms', { tier: tier.name, healthChecks: dns.healthChecks, distributions: edge?.distributions });
  edge?.addAliasRecords(dns.hostedZone, dnsStack);
}

interface TierOptions {
  account: string;
  domain: string;
  hostedZoneId?: string;
  certificateArns: Record<string, string>;
  edgeCertificateArns: Record<string, string>;
  originPrefixLists: Record<string, string>;
  eksClusterNames: Record<string, string>;
  backupBucketPrefix: string;
  originSecretVersions: Record<string, OriginSecretVersions>;
}

/** The origin secret's versions of one tier (context `originSecretVersions`). */
interface OriginSecretVersions {
  send?: string;
  accept?: string[];
}

/**
 * The tier's edge stack in us-east-1: a distribution for the main name (and `www.`) whose origin is
 * `origin.<name>`, and, when the tier has a read-only region, one for `read.<name>` whose origin is
 * `origin-read.<name>`; both send the same secret header (one secret, replicated to the tier's other regions).
 */
function addEdge(app: App, tier: TierSpec, o: TierOptions) {
  const name = `${tier.name}.${o.domain}`;
  const stack = new Stack(app, `${tier.name}-edge`, {
    env: { account: o.account, region: EDGE_REGION },
    description: `scaling-tiers ${tier.name}: CloudFront distribution, edge web ACL and origin secret`,
  });
  const certificateArn = o.edgeCertificateArns[tier.name] ?? PLACEHOLDER_CERTIFICATE_ARN.replace('<region>', EDGE_REGION);
  const versions = o.originSecretVersions[tier.name] ?? {};
  if (versions.send !== undefined && versions.accept !== undefined && !versions.accept.includes(versions.send)) {
    throw new Error(`context originSecretVersions.${tier.name}: 'accept' (${JSON.stringify(versions.accept)}) must include 'send' (${versions.send}), or every region answers 403`);
  }
  const main = new EdgeDistribution(stack, 'Edge', {
    domainName: name,
    originDomainName: `origin.${name}`,
    certificateArn,
    originSecretName: `scaling-tiers/${tier.name}/origin-verify`,
    originSecretReplicaRegions: tier.regions.map((r) => r.name).filter((r) => r !== EDGE_REGION),
    originSecretVersion: versions.send,
    staticPathPatterns: tier.cdn?.staticPathPatterns,
    webAcl: tier.cdn?.waf,
  });
  const readOnly = tier.regions.some((r) => r.role === 'read-only');
  const read = readOnly
    ? new EdgeDistribution(stack, 'ReadEdge', {
        domainName: `read.${name}`,
        wwwAlias: false,
        originDomainName: `origin-read.${name}`,
        certificateArn,
        originSecret: main.originSecret,
        originSecretVersion: versions.send,
        staticPathPatterns: tier.cdn?.staticPathPatterns,
        webAcl: tier.cdn?.waf,
      })
    : undefined;
  return {
    stack,
    protection: (region: string): OriginProtection => ({ secretName: main.originSecretName, prefixListId: o.originPrefixLists[region], acceptedSecretVersions: versions.accept ?? (versions.send ? [versions.send] : undefined) }),
    // Route 53's health checkers cannot reach load balancers that admit only CloudFront: target health decides.
    dnsProps: { recordName: `origin.${name}`, readOnlyRecordName: `origin-read.${name}`, healthChecks: false },
    distributions: { main: main.distribution, ...(read ? { read: read.distribution } : {}) },
    addAliasRecords: (zone: route53.IHostedZone, scope: Stack) => [main, read].forEach((d) => d?.addAliasRecords(zone, scope)),
  };
}

function jsonContext(app: App, key: string): Record<string, string> {
  const raw = app.node.tryGetContext(key) as string | Record<string, string> | undefined;
  return typeof raw === 'string' ? (JSON.parse(raw) as Record<string, string>) : (raw ?? {});
}

if (require.main === module) {
  createCloudApp().synth();
}
