import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App } from 'cdk8s';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { createCloudApp } from '../../apps/cloud';
import { DEFAULT_BACKUP_BUCKET_PREFIX, TierChart, postgresBackupLocationFor } from '../../lib';
import { TIERS, hasCloudIngress } from '../../tiers';

// One cloud app for both sides' checks below, which only read its templates (the first Template.fromStack synthesises
// the whole app, with cdk-nag).
const cloud = createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-')) });
const stacks = cloud.node.children.filter((c): c is Stack => c instanceof Stack);
afterAll(() => fs.rmSync(cloud.outdir, { recursive: true, force: true }));

describe('the cluster side binds to the cloud side by target group name', () => {

  test.each(TIERS.filter(hasCloudIngress).map((t) => [t.name, t]))('%s: one TargetGroupBinding per region, named as the ALB target group', (_name, tier) => {
    const chart = new TierChart(new App(), tier.name, { ...tier, loadBalancerRegions: tier.regions });
    expect([...chart.regionalComponents.keys()]).toEqual(tier.regions.map((r) => r.name));
    for (const region of tier.regions) {
      const [binding] = chart.regionalComponents.get(region.name)!.toJson();
      const stack = stacks.find((s) => s.stackName === `${tier.name}-${region.name}`)!;
      const groups = Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as Array<{ Properties: { Name: string; Port: number; TargetType: string } }>;
      expect(groups).toHaveLength(1);
      expect(binding.spec.targetGroupName).toBe(groups[0].Properties.Name);
      expect(binding.spec.targetType).toBe(groups[0].Properties.TargetType);
      expect(binding.spec.networking.ingress[0]).toEqual({ from: [{ ipBlock: { cidr: region.vpcCidr } }], ports: [{ port: groups[0].Properties.Port, protocol: 'TCP' }] });
      expect(binding.spec.serviceRef).toEqual({ name: 'nginx', port: 80 });
      const vpcs = Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPC')) as Array<{ Properties: { CidrBlock: string } }>;
      expect(vpcs[0].Properties.CidrBlock).toBe(region.vpcCidr);
    }
  });

  test('single-region tiers have no binding', () => {
    for (const tier of TIERS.filter((t) => !hasCloudIngress(t))) {
      expect(new TierChart(new App(), tier.name, tier).regionalComponents.size).toBe(0);
    }
  });
});

describe('the cluster side finds its Postgres backups where the cloud side put them (bucket, prefix, role)', () => {
  const withBackups = TIERS.filter((t) => t.postgres.backup !== undefined);

  interface StoreConfiguration {
    destinationPath: string;
    s3Credentials: unknown;
    wal?: { encryption?: string; archiveAdditionalCommandArgs?: string[] };
    data?: { encryption?: string; additionalCommandArgs?: string[] };
  }
  interface K8sObject {
    kind: string;
    metadata: { name: string; namespace?: string };
    spec: { configuration: StoreConfiguration; plugins: Array<{ isWALArchiver?: boolean; parameters: { serverName: string } }> };
  }
  /** Every Kubernetes object of a chart, as JSON. */
  const objectsOf = (chart: TierChart) => chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson() as K8sObject);
  const arnJoin = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${rest}`]] });

  test('department and enterprise have backups (the tiers the issue names)', () => {
    expect(withBackups.map((t) => t.name)).toEqual(['department', 'enterprise']);
  });

  test.each(withBackups.map((t) => [t.name, t]))('%s: every region', (_name, tier) => {
    for (const region of tier.regions) {
      // GIVEN the Kubernetes side of this region and the cloud stack of this region
      const objects = objectsOf(new TierChart(new App(), tier.name, { ...tier, postgresRegion: region.name }));
      const cluster = objects.find((o) => o.kind === 'Cluster')!;
      const store = objects.find((o) => o.kind === 'ObjectStore')!;
      const template = Template.fromStack(stacks.find((s) => s.stackName === `${tier.name}-${region.name}-backups`)!);
      const podIdentity = Template.fromStack(stacks.find((s) => s.stackName === `${tier.name}-${region.name}-pod-identity`)!);
      const [bucket] = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: Match.stringLikeRegexp('-pg-backups-') } })) as Array<{ Properties: { BucketName: string } }>;
      const [association] = Object.values(podIdentity.findResources('AWS::EKS::PodIdentityAssociation')) as Array<{ Properties: Record<string, unknown> }>;
      const [role] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'pods.eks.amazonaws.com' } })] } } })) as Array<{ Properties: { RoleName: string } }>;
      const policy = (Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Array<{ Properties: { Description: string; PolicyDocument: { Statement: Array<{ Sid?: string; Resource: unknown }> } } }>)
        .find((p) => p.Properties.Description.startsWith('Barman Cloud'))!.Properties.PolicyDocument.Statement;

      // THEN the same names, computed once
      const location = postgresBackupLocationFor({ tier: tier.name, region: region.name, bucketPrefix: DEFAULT_BACKUP_BUCKET_PREFIX, clusterName: cluster.metadata.name, namespace: cluster.metadata.namespace });
      expect(store.spec.configuration.destinationPath).toBe(`s3://${bucket.Properties.BucketName}/${location.path}`);
      expect(store.spec.configuration.destinationPath).toBe(location.destinationPath);
      expect(store.spec.configuration.s3Credentials).toEqual({ inheritFromIAMRole: true }); // no static keys
      // The ServiceAccount CNPG creates is named after the Cluster; Pod Identity associates exactly it with the role.
      expect(association.Properties).toMatchObject({ Namespace: cluster.metadata.namespace, ServiceAccount: cluster.metadata.name });
      expect(role.Properties.RoleName).toBe(location.roleName);
      // The association (a later stack) names that role by the ARN both compute, not by a cross-stack reference.
      expect(JSON.stringify(association.Properties.RoleArn)).toContain(`:iam::111111111111:role/${location.roleName}"`);
      // The role reads the prefix the ObjectStore writes under, and writes this region's server folder (or all of it).
      expect(policy.find((s) => s.Sid === 'ReadOwnPrefix')!.Resource).toEqual(arnJoin(`${bucket.Properties.BucketName}/${location.path}*`));
      const archiver = cluster.spec.plugins.find((p) => p.isWALArchiver)!;
      const write = policy.find((s) => s.Sid === 'WriteOwnFolder')!.Resource;
      expect(write).toEqual(arnJoin(`${bucket.Properties.BucketName}/${location.path}${region.role === 'primary' ? '' : archiver.parameters.serverName}*`));
      expect(archiver.parameters.serverName).toBe(location.serverName);
    }
  });

  test.each(withBackups.map((t) => [t.name, t]))('%s: the ObjectStore lets the bucket key encrypt (the bucket refuses aws:kms without a key id)', (_name, tier) => {
    // S3 serves `aws:kms` without a key id with the AWS managed key (aws/s3), not the bucket's customer-managed key;
    // the bucket policy refuses such uploads. Barman must send no encryption header (the bucket default applies).
    const { wal, data } = objectsOf(new TierChart(new App(), tier.name, tier)).find((o) => o.kind === 'ObjectStore')!.spec.configuration;
    expect({ wal: wal?.encryption, data: data?.encryption }).toEqual({ wal: undefined, data: undefined });
    expect([...(wal?.archiveAdditionalCommandArgs ?? []), ...(data?.additionalCommandArgs ?? [])].filter((a) => a.startsWith('--sse-kms-key-id'))).toEqual([]);
  });
});
