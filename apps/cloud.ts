/**
 * The aws-cdk app: for every tier that runs in more than one region, stacks split by lifecycle (lib/cloud/README.md,
 * "Stacks and deploy order"), checked by cdk-nag (AwsSolutions and NIST 800-53 rev 5) as validation plugins.
 * Synthesises offline: `npm run synth:cloud` or `npx cdk synth`.
 *
 * Per tier: `<tier>-edge` (with a CDN), then per region `<tier>-<region>` (VPC, ALB, web ACL, alarms) and, with
 * Postgres backups, `<tier>-<region>-backups` (bucket, key, roles; termination protection) and
 * `<tier>-<region>-pod-identity` (the association, deployed once the region's EKS cluster exists); last `<tier>-dns`.
 *
 * Context (`-c key=value`, or cdk.json, whose values are examples so that offline synthesis works):
 * - required: `domain` (each tier is served at `<tier>.<domain>`); `certificateArns` (`{ "<region>": "<ACM ARN>" }`,
 *   every region of every tier); `edgeCertificateArns` (`{ "<tier>": "<ACM ARN in us-east-1>" }`, tiers with a CDN);
 *   with Postgres backups, `backupBucketPrefix` (the first part of every backup bucket name; the Kubernetes app must
 *   use the same) and `eksClusterNames` (`{ "<region>": "<EKS cluster name>" }`). A missing one fails synthesis
 *   with one line per key naming it.
 * - optional: `account` (else `CDK_DEFAULT_ACCOUNT`, else the placeholder 111111111111); `hostedZoneId` (an existing
 *   public zone for `<domain>`; without it each tier's DNS stack creates a zone `<tier>.<domain>` that the parent
 *   must delegate to); `originPrefixLists` (`{ "<region>": "pl-..." }` where the library's table lacks the region);
 *   `originSecretVersions` (`{ "<tier>": { "send": "<version>", "accept": ["<version>", ...] } }`: the version of the
 *   origin secret the distribution sends and the one or two the load balancers accept, version ids or staging labels;
 *   default AWSCURRENT on both sides; the rotation is lib/cloud/README.md's runbook).
 *
 * Cross-stack values: the backup and Pod Identity stacks refer to nothing in other stacks (every name is computed
 * from the tier data). The DNS stack reads the ALBs' and distributions' names through weak references
 * (`@aws-cdk/core:defaultCrossStackReferences: weak` in cdk.json, `Fn::GetStackOutput`), resolved when the DNS stack
 * deploys: see the README for when to redeploy it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import {
  EDGE_REGION, EdgeDistribution, GlobalDns, OriginProtection, PostgresBackupAccess, PostgresBackupBucket, PostgresBackupPodIdentity,
  RegionalIngress, RegionalStack, TierAlarms, backupRetentionDays,
} from '../lib/cloud';
import { EKS_CLUSTER_NAME } from '../lib/cloud/postgres-backup-pod-identity';
import { Problems, PropsError } from '../lib/core/problems';
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
  const tiers = (options.tiers ?? TIERS).filter(hasCloudIngress); // single-region tiers have no cloud resources (lib/cloud/README.md)
  const o = readContext(app, tiers);
  tiers.forEach((tier) => addTier(app, tier, o));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
  return app;
}

/**
 * The context the tiers need, or one error with a line per missing or malformed key: a value that only looks right
 * (a placeholder certificate, a guessed cluster name) would synthesise and then fail to deploy, or deploy wrong.
 */
function readContext(app: App, tiers: readonly TierSpec[]): TierOptions {
  const problems = new Problems('cloud app context (cdk.json or -c key=value)');
  const str = (key: string, allowed: string, pattern: RegExp): string => {
    const value = app.node.tryGetContext(key) as unknown;
    if (typeof value !== 'string' || !pattern.test(value)) problems.add(key, value, allowed);
    return value as string;
  };
  const map = (key: string, needed: string[], allowed: (k: string) => string, pattern: (k: string) => RegExp): Record<string, string> => {
    const value = jsonContext(app, key, problems);
    for (const k of needed) {
      if (typeof value[k] !== 'string' || !pattern(k).test(value[k])) problems.add(`${key}["${k}"]`, value[k], allowed(k));
    }
    return value as Record<string, string>;
  };
  const unique = (xs: string[]) => [...new Set(xs)];
  const regions = unique(tiers.flatMap((t) => t.regions.map((r) => r.name)));
  const withBackups = tiers.filter((t) => t.postgres.backup);
  const acm = (region: string) => new RegExp(`^arn:aws[a-z-]*:acm:${region}:[0-9]{12}:certificate/[0-9a-f-]{36}$`);
  const options: TierOptions = {
    account: (app.node.tryGetContext('account') as string | undefined) ?? process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT,
    domain: str('domain', 'the parent domain of the tiers, e.g. "example.org"', /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/),
    hostedZoneId: app.node.tryGetContext('hostedZoneId') as string | undefined,
    certificateArns: map('certificateArns', regions, (r) => `the ARN of an ACM certificate in ${r}`, acm),
    edgeCertificateArns: map(
      'edgeCertificateArns',
      tiers.filter((t) => t.cdn?.enabled).map((t) => t.name),
      () => `the ARN of an ACM certificate in ${EDGE_REGION} (CloudFront reads certificates there)`,
      () => acm(EDGE_REGION),
    ),
    originPrefixLists: jsonContext(app, 'originPrefixLists', problems) as Record<string, string>,
    eksClusterNames: eksClusterNames(app, problems, withBackups),
    originSecretVersions: originSecretVersions(app, problems, tiers),
    backupBucketPrefix: withBackups.length
      ? str('backupBucketPrefix', 'the first part of every Postgres backup bucket name (S3 names are global), e.g. your organisation', /^[a-z][a-z0-9-]*[a-z0-9]$/)
      : '',
  };
  problems.throwIfAny();
  return options;
}

/** `originSecretVersions`: per tier, the version sent must be one the load balancers accept, or every region answers 403. */
function originSecretVersions(app: App, problems: Problems, tiers: readonly TierSpec[]): Record<string, OriginSecretVersions> {
  const given = jsonContext(app, 'originSecretVersions', problems) as unknown as Record<string, OriginSecretVersions>;
  for (const tier of tiers) {
    const v = given[tier.name];
    if (v?.send !== undefined && v.accept !== undefined && !v.accept.includes(v.send)) {
      problems.add(`originSecretVersions["${tier.name}"].accept`, v.accept, `a list that includes the version sent, "${v.send}" (else every region answers 403)`);
    }
  }
  return given;
}

/**
 * `eksClusterNames`: `{ "<region>": name }`, or `{ "<tier>/<region>": name }` where tiers of one region run in
 * different clusters (the more specific key wins). Returns the name by `<tier>/<region>`.
 */
function eksClusterNames(app: App, problems: Problems, tiers: readonly TierSpec[]): Record<string, string> {
  const given = jsonContext(app, 'eksClusterNames', problems);
  const names: Record<string, string> = {};
  for (const t of tiers) {
    for (const { name: region } of t.regions) {
      const key = `${t.name}/${region}` in given ? `${t.name}/${region}` : region;
      const v = given[key];
      if (typeof v !== 'string' || !EKS_CLUSTER_NAME.test(v)) problems.add(`eksClusterNames["${key}"]`, v, `the name of the EKS cluster in ${region} that runs ${t.name}'s Postgres`);
      names[`${t.name}/${region}`] = v as string;
    }
  }
  return names;
}

function addTier(app: App, tier: TierSpec, o: TierOptions): void {
  const production = tier.sla !== undefined;
  const edge = tier.cdn?.enabled ? addEdge(app, tier, o) : undefined;
  const ingresses = tier.regions.map((r) => {
    // Network and ingress: deployed first; the region's EKS cluster is created in this VPC afterwards.
    const stack = new RegionalStack(app, `${tier.name}-${r.name}`, {
      env: { account: o.account, region: r.name },
      description: `scaling-tiers ${tier.name}: network and ingress in ${r.name} (${r.role})`,
    });
    const ingress = new RegionalIngress(stack, 'Ingress', {
      tier: tier.name,
      production,
      certificateArn: o.certificateArns[r.name],
      vpcCidr: r.vpcCidr, // from the tier data, which nginx's trusted proxy ranges also use

      rateLimits: tier.nginx?.rateLimits,
      originProtection: edge?.protection(r.name),
    });
    if (edge) stack.addStackDependency(edge.stack, 'the origin secret replica must exist before the listener rule resolves it');
    // ALB 5xx and unhealthy targets, to the tier's encrypted topic in this region.
    new TierAlarms(stack, 'Alarms', { tier: tier.name, loadBalancer: ingress.loadBalancer, targetGroup: ingress.targetGroup });
    return { region: r.name, role: r.role, loadBalancer: ingress.loadBalancer, stack };
  });
  if (tier.postgres.backup) addBackups(app, tier, o, tier.postgres.backup.retentionPolicy, ingresses.map((i) => i.stack));
  const dnsStack = new Stack(app, `${tier.name}-dns`, {
    env: { account: o.account, region: DNS_REGION },
    description: `scaling-tiers ${tier.name}: Route 53 records and health checks`,
  });
  const dns = new GlobalDns(dnsStack, 'Dns', {
    domainName: `${tier.name}.${o.domain}`,
    hostedZone: o.hostedZoneId ? { hostedZoneId: o.hostedZoneId, zoneName: o.domain } : undefined,
    regions: ingresses.map(({ region, role, loadBalancer }) => ({ region, role, loadBalancer })),
    ...edge?.dnsProps,
  });
  // One alarm per Route 53 health check, or per distribution's 5xx rate behind the CDN; the DNS stack is in
  // us-east-1, where Route 53's and CloudFront's metrics are.
  new TierAlarms(dnsStack, 'Alarms', { tier: tier.name, healthChecks: dns.healthChecks, distributions: edge?.distributions });
  edge?.addAliasRecords(dns.hostedZone, dnsStack);
}

/**
 * Per region, two stacks of their own lifecycle: `<tier>-<region>-backups` (the bucket, its key and the roles: data,
 * so termination protection, `RetainExceptOnCreate`, and no reference to any other stack, so it can be deployed
 * before anything else and outlives the network) and `<tier>-<region>-pod-identity` (the association, which needs the
 * region's EKS cluster, created by the platform team in the network stack's VPC). The primary's backup stack deploys
 * after the others' (its replication rules name their buckets).
 */
function addBackups(app: App, tier: TierSpec, o: TierOptions, retentionPolicy: string, networkStacks: RegionalStack[]): void {
  const [primary, ...others] = tier.regions;
  const names = tier.regions.map((r) => r.name);
  const common = { tier: tier.name, bucketPrefix: o.backupBucketPrefix, clusterName: TIER_POSTGRES_NAME /* the name TierChart gives the cluster */ };
  const bucketIn = (region: string, access: PostgresBackupAccess, replicateTo?: PostgresBackupBucket[]) => {
    const stack = new RegionalStack(app, `${tier.name}-${region}-backups`, {
      env: { account: o.account, region },
      description: `scaling-tiers ${tier.name}: Postgres backups in ${region} (bucket, key, roles; retained)`,
      terminationProtection: true, // it holds the backups: deleting it must be a deliberate two-step act
    });
    // Failed replication notifies this stack's own topic (alarms notify topics of their own region only).
    const alarms = new TierAlarms(stack, 'Alarms', { tier: tier.name });
    return new PostgresBackupBucket(stack, 'PostgresBackups', {
      ...common,
      retentionDays: backupRetentionDays(retentionPolicy),
      access,
      replicateTo,
      peerRegions: names.filter((n) => n !== region), // the distributed topology reads every other member's store
      eksClusterName: o.eksClusterNames[`${tier.name}/${region}`],
      alarms,
    });
  };
  // The other regions first: the primary's bucket replicates to theirs.
  const replicas = others.map((r) => bucketIn(r.name, PostgresBackupAccess.REPLICA));
  const buckets = [bucketIn(primary.name, PostgresBackupAccess.READ_WRITE, replicas), ...replicas];
  tier.regions.forEach((r, i) => {
    const bucket = buckets.find((b) => Stack.of(b).region === r.name)!;
    const stack = new RegionalStack(app, `${tier.name}-${r.name}-pod-identity`, {
      env: { account: o.account, region: r.name },
      description: `scaling-tiers ${tier.name}: EKS Pod Identity of the Postgres ServiceAccount in ${r.name} (deploy after the EKS cluster exists)`,
    });
    new PostgresBackupPodIdentity(stack, 'PostgresBackups', { ...common, eksClusterName: o.eksClusterNames[`${tier.name}/${r.name}`] });
    stack.addStackDependency(networkStacks[i], 'the EKS cluster runs in the network stack\'s VPC and must exist before the association');
    stack.addStackDependency(Stack.of(bucket), 'the association names the backup role');
  });
}

interface TierOptions {
  account: string;
  domain: string;
  hostedZoneId?: string;
  certificateArns: Record<string, string>;
  edgeCertificateArns: Record<string, string>;
  originPrefixLists: Record<string, string>;
  /** By `<tier>/<region>`. */
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
  const certificateArn = o.edgeCertificateArns[tier.name];
  const versions = o.originSecretVersions[tier.name] ?? {};
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

/** A context value that is a JSON object (cdk.json) or its text (`-c key='{...}'`); `{}` when absent. */
function jsonContext(app: App, key: string, problems: Problems): Record<string, unknown> {
  const raw = app.node.tryGetContext(key) as unknown;
  try {
    const value = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.add(key, raw, 'a JSON object');
  return {};
}

if (require.main === module) {
  try {
    createCloudApp().synth();
  } catch (e) {
    // Bad context or props: print the message alone (node would print the bundled source line above it), and fail.
    if (!(e instanceof PropsError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}
