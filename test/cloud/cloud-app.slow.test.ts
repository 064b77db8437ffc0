import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { createCloudApp } from '../../apps/cloud';

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
      'department-us-west-2',
      'enterprise-ap-southeast-1',
      'enterprise-dns',
      'enterprise-edge',
      'enterprise-eu-west-1',
      'enterprise-us-east-1',
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
      ['enterprise-us-east-1', 'scaling-tiers-enterprise-pg-backups-use1', 2],
      ['enterprise-eu-west-1', 'scaling-tiers-enterprise-pg-backups-euw1', 0],
      ['enterprise-ap-southeast-1', 'scaling-tiers-enterprise-pg-backups-apse1', 0],
      ['department-us-east-1', 'scaling-tiers-department-pg-backups-use1', 1],
      ['department-us-west-2', 'scaling-tiers-department-pg-backups-usw2', 0],
    ] as const) {
      const buckets = Object.values(template(stack).findResources('AWS::S3::Bucket', { Properties: { BucketName: bucket } })) as Array<{ Properties: { ReplicationConfiguration?: { Rules: unknown[] }; LifecycleConfiguration: { Rules: Array<{ ExpirationInDays?: number }> } } }>;
      expect(buckets).toHaveLength(1);
      expect(buckets[0].Properties.ReplicationConfiguration?.Rules.length ?? 0).toBe(replicates);
      // Retention 84m (enterprise) or 90d (department), plus the 7-day margin.
      expect(buckets[0].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(stack.startsWith('enterprise') ? 84 * 31 + 7 : 97);
    }
  });

  test('regional templates are stable (snapshot of one)', () => {
    expect(Template.fromStack(defaultApp().node.findChild('department-us-west-2') as Stack).toJSON()).toMatchSnapshot();
  });
});
