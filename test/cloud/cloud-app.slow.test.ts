import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createCloudApp } from '../../apps/cloud';
import { DeployedTemplate, decide, type PolicyDocument } from './_iam-simulate';

const outdir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-app-'));

describe('apps/cloud.ts', () => {
  // The default app, built once for the tests that only read its templates (Template.fromStack synthesises the
  // whole app, once per app).
  let built: App | undefined;
  const defaultApp = (): App => (built ??= createCloudApp({ outdir: outdir() }));
  afterAll(() => {
    if (built) fs.rmSync(built.outdir, { recursive: true, force: true });
  });

  test('synthesises every multi-region tier with cdk-nag (AwsSolutions, NIST 800-53 r5) and no unacknowledged finding, offline', () => {
    // GIVEN
    const dir = outdir();
    const app = createCloudApp({ outdir: dir, context: { account: '222222222222' } });

    // WHEN
    const assembly = app.synth();

    // THEN
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([
      'department-dns',
      'department-us-east-1',
      'department-us-east-1-backups',
      'department-us-east-1-pod-identity',
      'department-us-west-2',
      'department-us-west-2-backups',
      'department-us-west-2-pod-identity',
      'enterprise-ap-southeast-1',
      'enterprise-ap-southeast-1-backups',
      'enterprise-ap-southeast-1-pod-identity',
      'enterprise-dns',
      'enterprise-edge',
      'enterprise-eu-west-1',
      'enterprise-eu-west-1-backups',
      'enterprise-eu-west-1-pod-identity',
      'enterprise-us-east-1',
      'enterprise-us-east-1-backups',
      'enterprise-us-east-1-pod-identity',
    ]);
    expect(assembly.manifest.missing).toBeUndefined(); // no context lookup, so no credentials needed
    expect(assembly.getStackByName('enterprise-eu-west-1').environment).toMatchObject({ account: '222222222222', region: 'eu-west-1' });
    const dns = assembly.getStackByName('enterprise-dns').template;
    const records = Object.values(dns.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).filter((r) => r.Type === 'AWS::Route53::RecordSet');
    // Enterprise is behind the CDN: its regions are routed under origin names, its names point at CloudFront.
    expect(records.map((r) => [r.Properties.Name, r.Properties.Region ?? r.Properties.Failover ?? r.Properties.Type])).toEqual([
      ['origin.enterprise.example.com.', 'us-east-1'],
      ['origin.enterprise.example.com.', 'eu-west-1'],
      ['origin-read.enterprise.example.com.', 'PRIMARY'],
      ['origin-read.enterprise.example.com.', 'SECONDARY'],
      ['enterprise.example.com.', 'A'],
      ['enterprise.example.com.', 'AAAA'],
      ['www.enterprise.example.com.', 'A'],
      ['www.enterprise.example.com.', 'AAAA'],
      ['read.enterprise.example.com.', 'A'],
      ['read.enterprise.example.com.', 'AAAA'],
    ]);
    const department = assembly.getStackByName('department-dns').template;
    expect(JSON.stringify(department)).toContain('"Failover":"SECONDARY"');
    // Weak cross-region references: outputs read with Fn::GetStackOutput, no custom resources.
    expect(JSON.stringify(dns)).toContain('Fn::GetStackOutput');
    expect(JSON.stringify(dns)).not.toContain('Custom::');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an unacknowledged cdk-nag finding fails synthesis', () => {
    // GIVEN an app with a bucket that has no server access logs
    const dir = outdir();
    const app = createCloudApp({ outdir: dir });
    new s3.Bucket(app.node.findChild('enterprise-us-east-1'), 'Unlogged', { enforceSSL: true });

    // WHEN / THEN
    // (run in memory, the app throws the report; run by the CLI, it prints it and fails the same way)
    expect(() => app.synth()).toThrow(
      /ERROR The S3 Bucket has server access logs disabled\. \(AwsSolutions\)\s+enterprise-us-east-1\/Unlogged\/Resource/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('tiers with Postgres backups get a backup bucket per region; the primary region replicates to the others', () => {
    const template = (name: string) => Template.fromStack(defaultApp().node.findChild(name) as Stack);
    for (const [stack, bucket, replicates] of [
      ['enterprise-us-east-1-backups', 'scaling-tiers-enterprise-pg-backups-use1', 2],
      ['enterprise-eu-west-1-backups', 'scaling-tiers-enterprise-pg-backups-euw1', 0],
      ['enterprise-ap-southeast-1-backups', 'scaling-tiers-enterprise-pg-backups-apse1', 0],
      ['department-us-east-1-backups', 'scaling-tiers-department-pg-backups-use1', 1],
      ['department-us-west-2-backups', 'scaling-tiers-department-pg-backups-usw2', 0],
    ] as const) {
      const buckets = Object.values(template(stack).findResources('AWS::S3::Bucket', { Properties: { BucketName: bucket } })) as Array<{ Properties: { ReplicationConfiguration?: { Rules: unknown[] }; LifecycleConfiguration: { Rules: Array<{ ExpirationInDays?: number }> } } }>;
      expect(buckets).toHaveLength(1);
      expect(buckets[0].Properties.ReplicationConfiguration?.Rules.length ?? 0).toBe(replicates);
      // Retention 84m (enterprise) or 90d (department), plus the 7-day margin.
      expect(buckets[0].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(stack.startsWith('enterprise') ? 84 * 31 + 7 : 97);
    }
  });

  test('stacks split by lifecycle: data apart and protected, the Pod Identity association after the network and the backups', () => {
    const app = defaultApp();
    const stack = (name: string) => app.node.findChild(name) as Stack;
    const deps = (name: string) => stack(name).dependencies.map((s) => s.stackName).sort();
    for (const [tier, regions] of [['department', ['us-east-1', 'us-west-2']], ['enterprise', ['us-east-1', 'eu-west-1', 'ap-southeast-1']]] as const) {
      for (const region of regions) {
        // The network stack holds no backup resource; the backup stack holds no network and is protected.
        Template.fromStack(stack(`${tier}-${region}`)).resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
        expect(Object.keys(Template.fromStack(stack(`${tier}-${region}`)).findResources('AWS::S3::Bucket', { Properties: { BucketName: Match.stringLikeRegexp('pg-backups') } }))).toEqual([]);
        Template.fromStack(stack(`${tier}-${region}-backups`)).resourceCountIs('AWS::EC2::VPC', 0);
        expect(stack(`${tier}-${region}-backups`).terminationProtection).toBe(true);
        expect(stack(`${tier}-${region}`).terminationProtection).toBe(false);
        // The association: in a later stack than the VPC (the EKS cluster runs in it) and the role.
        Template.fromStack(stack(`${tier}-${region}-pod-identity`)).resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
        expect(deps(`${tier}-${region}-pod-identity`)).toEqual([`${tier}-${region}`, `${tier}-${region}-backups`]);
        // No reference from a backup or Pod Identity stack to any other stack: nothing to go stale, nothing to block a delete.
        for (const s of [`${tier}-${region}-backups`, `${tier}-${region}-pod-identity`]) {
          expect(JSON.stringify(Template.fromStack(stack(s)).toJSON())).not.toMatch(/Fn::GetStackOutput|Fn::ImportValue/);
        }
      }
      // The primary's backups deploy after the buckets it replicates to.
      expect(deps(`${tier}-${regions[0]}-backups`)).toEqual(regions.slice(1).map((r) => `${tier}-${r}-backups`).sort());
    }
    // Named data resources: RetainExceptOnCreate (a failed first create leaves no name taken), Retain on replacement.
    const backups = Template.fromStack(stack('enterprise-us-east-1-backups'));
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key']) {
      const policies = Object.values(backups.findResources(type)).map((r) => [r.DeletionPolicy, r.UpdateReplacePolicy]);
      expect(policies.length).toBeGreaterThan(0);
      expect(policies.filter(([d]) => d === 'RetainExceptOnCreate').length).toBeGreaterThan(0);
    }
    backups.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ BucketName: 'scaling-tiers-enterprise-pg-backups-use1' }) });
  });

  test.each([
    ['domain', { domain: undefined }, `'domain' must be the parent domain of the tiers, e.g. "example.org", got: undefined`],
    ['backupBucketPrefix', { backupBucketPrefix: undefined }, `'backupBucketPrefix' must be the first part of every Postgres backup bucket name`],
    ['certificateArns', { certificateArns: Object.fromEntries(['us-east-1', 'eu-west-1', 'ap-southeast-1'].map((r) => [r, `arn:aws:acm:${r}:111111111111:certificate/00000000-0000-0000-0000-000000000000`])) }, `'certificateArns["us-west-2"]' must be the ARN of an ACM certificate in us-west-2, got: undefined`],
    ['edgeCertificateArns', { edgeCertificateArns: {} }, `'edgeCertificateArns["enterprise"]' must be the ARN of an ACM certificate in us-east-1`],
    ['eksClusterNames', { eksClusterNames: '{"department/us-east-1":"a","department/us-west-2":"b","enterprise/us-east-1":"c","eu-west-1":"d"}' }, `'eksClusterNames["ap-southeast-1"]' must be the name of the EKS cluster in ap-southeast-1 that runs enterprise's Postgres, got: undefined`],
  ])('a missing required context key (%s) fails synthesis with one line naming it', (_key, context, message) => {
    let error: Error | undefined;
    try {
      createCloudApp({ outdir: path.join(os.tmpdir(), 'cloud-app-never-written'), context }); // throws before writing
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message.split('\n')).toEqual([expect.stringContaining(message)]);
    expect(error?.message).toMatch(/^\[cloud app context \(cdk.json or -c key=value\)\] /);
  });

  test('run as the CDK CLI runs it, a missing key prints its one line and fails', () => {
    // The CLI passes context in CDK_CONTEXT_JSON and the output folder in CDK_OUTDIR.
    const dir = outdir();
    const run = spawnSync(process.execPath, ['-r', './apps/_ts-register.js', 'apps/cloud.ts'], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ domain: '' }), CDK_OUTDIR: dir },
      encoding: 'utf8',
      timeout: 120_000,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`[cloud app context (cdk.json or -c key=value)] 'domain' must be the parent domain of the tiers, e.g. "example.org", got: ""`);
  });

  test('the repo\'s cdk.json marks its context values as examples', () => {
    const context = (JSON.parse(fs.readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
    expect(context['// example values']).toMatch(/^EXAMPLES, not yours: domain, certificateArns, edgeCertificateArns, eksClusterNames and backupBucketPrefix/);
    for (const key of ['domain', 'certificateArns', 'edgeCertificateArns', 'eksClusterNames', 'backupBucketPrefix']) expect(context[key]).toBeDefined();
  });

  // Every alarm of the app that names a topic in its actions can really publish to it: CloudWatch's request
  // (cloudwatch.amazonaws.com, sns:Publish, aws:SourceArn = the alarm, aws:SourceAccount) judged by the IAM policy
  // simulator against that topic's policy. An alarm wired to a topic without TierAlarms.notify fails here.
  test('every alarm that notifies a topic may publish to it (IAM policy simulator, every stack)', async () => {
    const app = defaultApp();
    let checked = 0;
    for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
      const raw = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
      const deployed = new DeployedTemplate(raw, { account: stack.account, region: stack.region });
      const policies = Object.values(raw.Resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
      for (const id of deployed.idsOf('AWS::CloudWatch::Alarm')) {
        const alarmArn = deployed.resolve({ 'Fn::GetAtt': [id, 'Arn'] }) as string;
        for (const action of (raw.Resources[id].Properties?.AlarmActions ?? []) as unknown[]) {
          const topicArn = deployed.resolve(action) as string;
          const policy = policies.find((p) => (deployed.resolve(p.Properties?.Topics) as string[]).includes(topicArn));
          const decision = await decide({
            principal: 'cloudwatch.amazonaws.com',
            action: 'sns:Publish',
            resource: topicArn,
            resourceAccount: stack.account,
            resourcePolicy: policy ? (deployed.resolve(policy.Properties?.PolicyDocument) as PolicyDocument) : undefined,
            context: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': alarmArn, 'aws:SecureTransport': 'true' },
          });
          expect(`${stack.stackName}/${id}: ${decision}`).toBe(`${stack.stackName}/${id}: Allowed`);
          checked++;
        }
      }
    }
    expect(checked).toBe(17); // 2 per regional stack (5), 1 per replica bucket (3), 1 per health check or distribution (4)
  });

  test.each(['department-us-west-2', 'department-us-west-2-backups', 'department-us-west-2-pod-identity'])('regional templates are stable (snapshot of one region): %s', (name) => {
    expect(Template.fromStack(defaultApp().node.findChild(name) as Stack).toJSON()).toMatchSnapshot();
  });
});
