/**
 * The Postgres backup policies judged by an IAM policy simulator (test/cloud/_iam-simulate.ts): each request as the
 * AWS service really sends it, with the principals and context keys its documentation gives, Allowed; and for each
 * policy at least one wrong request denied.
 *
 * - barman-cloud (the Barman Cloud plugin's sidecar, boto3 over HTTPS) adds `ServerSideEncryption` to PutObject and
 *   CreateMultipartUpload only when `encryption` is set, and `Tagging` only with tags (EnterpriseDB/barman,
 *   barman/cloud_providers/aws_s3.py, `_extra_upload_args`, `upload_fileobj`, `create_multipart_upload`). The
 *   ObjectStore sets neither, so the request carries no encryption key and the bucket default (SSE-KMS, this bucket's
 *   key, S3 Bucket Key) encrypts; HeadBucket (`s3:ListBucket`, no prefix) comes first.
 * - S3 calls KMS for the caller with `kms:ViaService = s3.<region>.amazonaws.com`
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service); KMS adds
 *   the key's aliases as `kms:ResourceAliases`. The encryption context S3 sends (`aws:s3:arn`) is not given: the
 *   simulator ignores `kms:EncryptionContext:<key>` keys, and no policy here depends on it.
 * - EKS Pod Identity calls AssumeRole and TagSession as `pods.eks.amazonaws.com` with the session tags eks-cluster-arn,
 *   eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid
 *   (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html).
 * - S3 replication assumes its role as `s3.amazonaws.com`, reads versions of the source, replicates to the destination
 *   and asks KMS through S3 in each region (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PostgresBackupAccess, PostgresBackupBucket, PostgresBackupBucketProps } from '../../lib/cloud';
import { CONTEXT, regionalStack } from './_cloud';
import { DeployedTemplate, decide, FAKE_ENV, type PolicyDocument } from './_iam-simulate';

const ACCOUNT = FAKE_ENV.account;
const BASE: PostgresBackupBucketProps = { tier: 'enterprise', bucketPrefix: 'acme', clusterName: 'postgres', retentionDays: 2604 };
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
const PATH = 'enterprise/postgres/';
const HTTPS = { 'aws:SecureTransport': 'true' };

/** One region's deployed backup store: its policies resolved as AWS would hold them. */
interface Deployed {
  region: string;
  bucket: string;
  bucketArn: string;
  keyArn: string;
  roleArn: string;
  bucketPolicy: PolicyDocument;
  keyPolicy: PolicyDocument;
  trustPolicy: PolicyDocument;
  rolePolicy: PolicyDocument;
  replication?: { roleArn: string; trustPolicy: PolicyDocument; policy: PolicyDocument };
  accessLogs: { bucketArn: string; policy: PolicyDocument };
}

/** The enterprise layout as apps/cloud.ts builds it: a primary in us-east-1 replicating to the others, each reading the others. */
function deploy(): Record<string, Deployed> {
  const app = new App({ context: CONTEXT });
  const peers = (r: string) => REGIONS.filter((p) => p !== r);
  const bucketIn = (region: string, access: PostgresBackupAccess, replicateTo?: PostgresBackupBucket[]) =>
    new PostgresBackupBucket(regionalStack(region, app), 'Backups', { ...BASE, access, replicateTo, peerRegions: peers(region), eksClusterName: `eks-${region}` });
  const eu = bucketIn('eu-west-1', PostgresBackupAccess.REPLICA);
  const ap = bucketIn('ap-southeast-1', PostgresBackupAccess.REPLICA);
  const us = bucketIn('us-east-1', PostgresBackupAccess.READ_WRITE, [eu, ap]);
  return Object.fromEntries([us, eu, ap].map((b) => [Stack.of(b).region, deployed(b)]));
}

function deployed(b: PostgresBackupBucket): Deployed {
  const stack = Stack.of(b);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  const t = new DeployedTemplate(Template.fromStack(stack).toJSON() as never, { account: ACCOUNT, region: stack.region });
  const props = (c: { node: { defaultChild?: unknown } }) => t.properties(id(c));
  const bucketPolicy = Object.values(t.policies('AWS::S3::BucketPolicy')).find((p) => p.Statement.some((s) => s.Sid === 'DenyOtherKmsKeys'))!;
  const accessLogsPolicy = Object.values(t.policies('AWS::S3::BucketPolicy')).find((p) => p.Statement.some((s) => JSON.stringify(s.Principal).includes('logging.s3')))!;
  const managed = (description: string) => Object.values(t.policies('AWS::IAM::ManagedPolicy')).find((_, i) => (t.properties(t.idsOf('AWS::IAM::ManagedPolicy')[i]).Description as string).startsWith(description))!;
  const logsId = t.idsOf('AWS::S3::Bucket').find((i) => i.includes('AccessLogs'))!;
  return {
    region: stack.region,
    bucket: b.location.bucketName,
    bucketArn: `arn:aws:s3:::${b.location.bucketName}`,
    keyArn: t.resolve({ 'Fn::GetAtt': [id(b.encryptionKey), 'Arn'] }) as string,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${b.location.roleName}`,
    bucketPolicy,
    keyPolicy: props(b.encryptionKey).KeyPolicy as PolicyDocument,
    trustPolicy: props(b.role).AssumeRolePolicyDocument as PolicyDocument,
    rolePolicy: managed('Barman Cloud'),
    replication: b.replicationRole
      ? {
          roleArn: t.resolve({ 'Fn::GetAtt': [id(b.replicationRole), 'Arn'] }) as string,
          trustPolicy: props(b.replicationRole).AssumeRolePolicyDocument as PolicyDocument,
          policy: managed('S3 replication'),
        }
      : undefined,
    accessLogs: { bucketArn: t.resolve({ 'Fn::GetAtt': [logsId, 'Arn'] }) as string, policy: accessLogsPolicy },
  };
}

describe('Postgres backup policies, judged by the IAM policy simulator', () => {
  let d: Record<string, Deployed>;
  beforeAll(() => {
    d = deploy();
  });
  const us = () => d['us-east-1'];
  const eu = () => d['eu-west-1'];

  /** A request of a region's backup role to a bucket (its policy applies) in `to`. */
  const asBackupRole = (from: Deployed, to: Deployed, action: string, key: string, context: Record<string, string> = {}) =>
    decide({ principal: from.roleArn, action, resource: key === '' ? to.bucketArn : `${to.bucketArn}/${key}`, identityPolicies: [from.rolePolicy], resourcePolicy: to.bucketPolicy, context: { ...HTTPS, ...context } });
  /** A KMS request of `principal` (with its policy) on `to`'s key (carrying `aliases`), through S3 in `via`. */
  const kms = (principal: string, policy: PolicyDocument, to: Deployed, action: string, via: string, aliases = [`alias/${to.bucket}`]) =>
    decide({
      principal,
      action,
      resource: to.keyArn,
      identityPolicies: [policy],
      resourcePolicy: to.keyPolicy,
      context: { 'kms:ViaService': `s3.${via}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT, 'kms:ResourceAliases': aliases },
    });
  const wal = `${PATH}postgres-us-east-1/wals/0000000100000000/000000010000000000000001.gz`;

  describe('bucket policy and backup role: barman-cloud archiving', () => {
    test('PutObject with exactly the headers barman-cloud sends (none for encryption) is Allowed', async () => {
      expect(await asBackupRole(us(), us(), 's3:PutObject', wal)).toBe('Allowed');
      expect(await asBackupRole(us(), us(), 's3:PutObject', `${PATH}postgres-us-east-1/base/20261204T000000/data.tar.gz`)).toBe('Allowed');
    });
    test('PutObject naming this bucket key (aws:kms and its ARN) is Allowed', async () => {
      expect(await asBackupRole(us(), us(), 's3:PutObject', wal, { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': us().keyArn })).toBe('Allowed');
    });
    test('a foreign KMS key, aws:kms without a key (aws/s3), SSE-S3 and plain HTTP are denied by the bucket policy', async () => {
      const foreign = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
      expect(await asBackupRole(us(), us(), 's3:PutObject', wal, { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': foreign })).toBe('ExplicitlyDenied');
      expect(await asBackupRole(us(), us(), 's3:PutObject', wal, { 's3:x-amz-server-side-encryption': 'aws:kms' })).toBe('ExplicitlyDenied');
      expect(await asBackupRole(us(), us(), 's3:PutObject', wal, { 's3:x-amz-server-side-encryption': 'AES256' })).toBe('ExplicitlyDenied');
      expect(await asBackupRole(us(), us(), 's3:PutObject', wal, { 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
    });
    test('a replica region writes its own server folders (and a later incarnation), not the primary copy', async () => {
      expect(await asBackupRole(eu(), eu(), 's3:PutObject', `${PATH}postgres-eu-west-1/wals/x.gz`)).toBe('Allowed');
      expect(await asBackupRole(eu(), eu(), 's3:PutObject', `${PATH}postgres-eu-west-1-2/wals/x.gz`)).toBe('Allowed');
      expect(await asBackupRole(eu(), eu(), 's3:PutObject', `${PATH}postgres-us-east-1/wals/x.gz`)).toBe('ImplicitlyDenied');
      expect(await asBackupRole(eu(), eu(), 's3:DeleteObject', `${PATH}postgres-us-east-1/wals/x.gz`)).toBe('ImplicitlyDenied');
    });
    test('no write into another region\'s bucket, another tier\'s prefix or another bucket', async () => {
      expect(await asBackupRole(eu(), us(), 's3:PutObject', `${PATH}postgres-eu-west-1/wals/x.gz`)).toBe('ImplicitlyDenied');
      expect(await asBackupRole(us(), us(), 's3:PutObject', 'team/postgres/x')).toBe('ImplicitlyDenied');
      expect(await decide({ principal: us().roleArn, action: 's3:PutObject', resource: 'arn:aws:s3:::another-bucket/enterprise/postgres/x', identityPolicies: [us().rolePolicy], context: HTTPS })).toBe('ImplicitlyDenied');
    });
    test('KMS through S3 for the own bucket (S3 Bucket Key context) is Allowed; outside S3 it is denied', async () => {
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(await kms(us().roleArn, us().rolePolicy, us(), action, 'us-east-1')).toBe('Allowed');
      }
      const direct = await decide({ principal: us().roleArn, action: 'kms:Decrypt', resource: us().keyArn, identityPolicies: [us().rolePolicy], resourcePolicy: us().keyPolicy, context: { 'kms:CallerAccount': ACCOUNT } });
      expect(direct).toBe('ImplicitlyDenied');
    });
  });

  describe('restore reads (own bucket, and every other region\'s bucket in the distributed topology)', () => {
    test('HeadBucket/ListObjectsV2 on the prefix and GetObject are Allowed, here and cross-region', async () => {
      for (const [from, to] of [[us(), us()], [eu(), eu()], [eu(), us()], [us(), eu()], [d['ap-southeast-1'], us()]] as const) {
        expect(await asBackupRole(from, to, 's3:ListBucket', '', { 's3:prefix': `${PATH}postgres-us-east-1/wals/` })).toBe('Allowed');
        expect(await asBackupRole(from, to, 's3:ListBucket', '')).toBe('Allowed'); // HeadBucket carries no prefix
        expect(await asBackupRole(from, to, 's3:GetObject', wal)).toBe('Allowed');
      }
    });
    test('cross-region KMS Decrypt through S3 there, with that bucket\'s key (by its alias: key ids are unknown across regions), is Allowed', async () => {
      expect(await kms(eu().roleArn, eu().rolePolicy, us(), 'kms:Decrypt', 'us-east-1')).toBe('Allowed');
      expect(await kms(us().roleArn, us().rolePolicy, eu(), 'kms:Decrypt', 'eu-west-1')).toBe('Allowed');
    });
    test('denied: another prefix, another bucket, HTTP, another key, KMS through S3 elsewhere, and encryption', async () => {
      expect(await asBackupRole(eu(), us(), 's3:ListBucket', '', { 's3:prefix': 'team/' })).toBe('ImplicitlyDenied');
      expect(await asBackupRole(eu(), us(), 's3:GetObject', 'team/postgres/x')).toBe('ImplicitlyDenied');
      expect(await asBackupRole(eu(), us(), 's3:GetObject', wal, { 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
      expect(await kms(eu().roleArn, eu().rolePolicy, us(), 'kms:Decrypt', 'us-east-1', ['alias/another-key'])).toBe('ImplicitlyDenied');
      expect(await kms(eu().roleArn, eu().rolePolicy, us(), 'kms:Decrypt', 'us-east-1', [])).toBe('ImplicitlyDenied');
      expect(await kms(eu().roleArn, eu().rolePolicy, us(), 'kms:Decrypt', 'us-west-2')).toBe('ImplicitlyDenied');
      expect(await kms(eu().roleArn, eu().rolePolicy, us(), 'kms:GenerateDataKey', 'us-east-1')).toBe('ImplicitlyDenied');
    });
  });

  describe('Pod Identity trust', () => {
    const tags = (region: string, over: Record<string, string> = {}) => {
      const t: Record<string, string> = {
        'eks-cluster-arn': `arn:aws:eks:${region}:${ACCOUNT}:cluster/eks-${region}`,
        'eks-cluster-name': `eks-${region}`,
        'kubernetes-namespace': 'enterprise',
        'kubernetes-service-account': 'postgres',
        'kubernetes-pod-name': 'postgres-1',
        'kubernetes-pod-uid': '1f9d3c1e-5a9b-4c1e-9a3b-2f1d0c9e8b7a',
        ...over,
      };
      return { ...Object.fromEntries(Object.entries(t).map(([k, v]) => [`aws:RequestTag/${k}`, v])), 'aws:TagKeys': Object.keys(t) };
    };
    const assume = (to: Deployed, action: string, context: Record<string, string | string[]>) =>
      decide({ principal: 'pods.eks.amazonaws.com', action, resource: to.roleArn, resourcePolicy: to.trustPolicy, context });

    test('AssumeRole and TagSession with the session tags of the cluster\'s own ServiceAccount are Allowed', async () => {
      for (const to of Object.values(d)) {
        expect(await assume(to, 'sts:AssumeRole', tags(to.region))).toBe('Allowed');
        expect(await assume(to, 'sts:TagSession', tags(to.region))).toBe('Allowed');
      }
    });
    test('another namespace, ServiceAccount or cluster, or no session tags, is denied', async () => {
      expect(await assume(us(), 'sts:AssumeRole', tags('us-east-1', { 'kubernetes-namespace': 'team' }))).toBe('ImplicitlyDenied');
      expect(await assume(us(), 'sts:AssumeRole', tags('us-east-1', { 'kubernetes-service-account': 'default' }))).toBe('ImplicitlyDenied');
      expect(await assume(us(), 'sts:AssumeRole', tags('eu-west-1'))).toBe('ImplicitlyDenied'); // eu's cluster, us's role
      expect(await assume(us(), 'sts:AssumeRole', {})).toBe('ImplicitlyDenied');
      expect(await decide({ principal: 'ec2.amazonaws.com', action: 'sts:AssumeRole', resource: us().roleArn, resourcePolicy: us().trustPolicy, context: tags('us-east-1') })).toBe('ImplicitlyDenied');
    });
  });

  describe('S3 replication (primary to each other region)', () => {
    const rep = () => us().replication!;
    const asReplication = (action: string, resource: string, resourcePolicy?: PolicyDocument) =>
      decide({ principal: rep().roleArn, action, resource, identityPolicies: [rep().policy], resourcePolicy, context: HTTPS });

    test('S3 assumes the replication role', async () => {
      expect(await decide({ principal: 's3.amazonaws.com', action: 'sts:AssumeRole', resource: rep().roleArn, resourcePolicy: rep().trustPolicy })).toBe('Allowed');
      expect(await decide({ principal: 'pods.eks.amazonaws.com', action: 'sts:AssumeRole', resource: rep().roleArn, resourcePolicy: rep().trustPolicy })).toBe('ImplicitlyDenied');
    });
    test('reads source versions, replicates to each destination, decrypts here and encrypts there through S3', async () => {
      expect(await asReplication('s3:GetReplicationConfiguration', us().bucketArn, us().bucketPolicy)).toBe('Allowed');
      expect(await asReplication('s3:GetObjectVersionForReplication', `${us().bucketArn}/${wal}`, us().bucketPolicy)).toBe('Allowed');
      for (const to of [eu(), d['ap-southeast-1']]) {
        expect(await asReplication('s3:ReplicateObject', `${to.bucketArn}/${wal}`, to.bucketPolicy)).toBe('Allowed');
        expect(await kms(rep().roleArn, rep().policy, to, 'kms:Encrypt', to.region)).toBe('Allowed');
        expect(await kms(rep().roleArn, rep().policy, to, 'kms:GenerateDataKey', to.region)).toBe('Allowed');
      }
      expect(await kms(rep().roleArn, rep().policy, us(), 'kms:Decrypt', 'us-east-1')).toBe('Allowed');
    });
    test('denied: another destination bucket, another key of that region, KMS outside S3 there, plain HTTP', async () => {
      expect(await asReplication('s3:ReplicateObject', `arn:aws:s3:::another-bucket/${wal}`)).toBe('ImplicitlyDenied');
      expect(await kms(rep().roleArn, rep().policy, eu(), 'kms:Encrypt', 'eu-west-1', ['alias/another-key'])).toBe('ImplicitlyDenied');
      expect(await kms(rep().roleArn, rep().policy, eu(), 'kms:Encrypt', 'us-east-1')).toBe('ImplicitlyDenied');
      expect(await asReplication('s3:GetObjectVersionForReplication', `${us().bucketArn}/${wal}`, { Statement: [] })).toBe('Allowed'); // same account: the role alone suffices
      expect(await decide({ principal: rep().roleArn, action: 's3:ReplicateObject', resource: `${eu().bucketArn}/${wal}`, identityPolicies: [rep().policy], resourcePolicy: eu().bucketPolicy, context: { 'aws:SecureTransport': 'false' } })).toBe('ExplicitlyDenied');
    });
  });

  describe('server access logs', () => {
    test('the S3 logging service writes the bucket\'s logs, for this bucket and account only', async () => {
      const { accessLogs } = us();
      const put = (sourceArn: string, sourceAccount = ACCOUNT) =>
        decide({
          principal: 'logging.s3.amazonaws.com',
          action: 's3:PutObject',
          resource: `${accessLogs.bucketArn}/s3-access/${us().bucket}/2026-12-04-00-00-00-ABCDEF`,
          resourcePolicy: accessLogs.policy,
          context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': sourceAccount, ...HTTPS },
        });
      expect(await put(us().bucketArn)).toBe('Allowed');
      expect(await put('arn:aws:s3:::another-bucket')).toBe('ImplicitlyDenied');
      expect(await put(us().bucketArn, '222222222222')).toBe('ImplicitlyDenied');
    });
  });
});
