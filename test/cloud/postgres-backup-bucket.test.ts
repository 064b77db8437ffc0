import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PostgresBackupAccess, PostgresBackupBucket, PostgresBackupBucketProps } from '../../lib/cloud';
import { CONTEXT, errorOf, regionalStack } from './_cloud';

const BASE: PostgresBackupBucketProps = { tier: 'enterprise', bucketPrefix: 'acme', clusterName: 'postgres', retentionDays: 2604 };

/** The enterprise layout: a primary in us-east-1 replicating to eu-west-1 and ap-southeast-1. */
function build() {
  const app = new App({ context: CONTEXT });
  const eu = new PostgresBackupBucket(regionalStack('eu-west-1', app), 'Backups', { ...BASE, access: PostgresBackupAccess.REPLICA, eksClusterName: 'eks-euw1' });
  const ap = new PostgresBackupBucket(regionalStack('ap-southeast-1', app), 'Backups', { ...BASE, access: PostgresBackupAccess.READ_ONLY });
  const us = new PostgresBackupBucket(regionalStack('us-east-1', app), 'Backups', { ...BASE, replicateTo: [eu, ap], eksClusterName: 'eks-use1' });
  const t = (b: PostgresBackupBucket) => Template.fromStack(Stack.of(b));
  return { us, eu, ap, primary: t(us), replica: t(eu), readOnly: t(ap) };
}

/** The statements of the one customer-managed policy attached to the ServiceAccount's role. */
function serviceAccountStatements(template: Template): Array<Record<string, unknown>> {
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Array<{ Properties: { Description: string; PolicyDocument: { Statement: Array<Record<string, unknown>> } } }>;
  return policies.find((p) => p.Properties.Description.startsWith('Barman Cloud'))!.Properties.PolicyDocument.Statement;
}

const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${rest}`]] });

describe('PostgresBackupBucket', () => {
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build();
  });

  test('names come from postgresBackupLocationFor', () => {
    expect(built.us.location).toMatchObject({ bucketName: 'acme-enterprise-pg-backups-use1', path: 'enterprise/postgres/', roleName: 'acme-enterprise-postgres-pgbackup-use1' });
    built.primary.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'acme-enterprise-pg-backups-use1' });
    built.primary.hasResourceProperties('AWS::IAM::Role', { RoleName: 'acme-enterprise-postgres-pgbackup-use1' });
    built.replica.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'acme-enterprise-pg-backups-euw1' });
  });

  test('the bucket: SSE-KMS with its own rotated key, versioned, public access blocked, logged, lifecycle from the retention', () => {
    built.primary.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    built.primary.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/acme-enterprise-pg-backups-use1' });
    built.primary.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    built.primary.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ BucketName: 'acme-enterprise-pg-backups-use1' }) });
    built.primary.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'acme-enterprise-pg-backups-use1',
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3-access/acme-enterprise-pg-backups-use1/' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'retention', Status: 'Enabled', ExpirationInDays: 2611, NoncurrentVersionExpiration: { NoncurrentDays: 30 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
          { Id: 'expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
        ],
      },
    });
  });

  test('TLS only, and objects only with the bucket key (aws:kms without a key id would use aws/s3)', () => {
    const policy = Object.values(built.primary.findResources('AWS::S3::BucketPolicy'))
      .map((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement)
      .find((s) => s.some((x) => x.Sid === 'DenyOtherKmsKeys'))!;
    expect(policy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Sid: 'DenyOtherKmsKeys', Effect: 'Deny', Action: 's3:PutObject' }),
        expect.objectContaining({ Sid: 'DenyOtherEncryption', Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } } }),
        expect.objectContaining({
          Sid: 'DenyAwsManagedKey',
          Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } },
        }),
      ]),
    );
  });

  test('the primary replicates every object to the other regions, re-encrypted with their keys (weak references), deletions stay', () => {
    built.primary.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('ReplicationRole'), 'Arn'] },
        Rules: [
          {
            Id: 'to-eu-west-1',
            Priority: 0,
            Status: 'Enabled',
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: arn('acme-enterprise-pg-backups-euw1'),
              EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'test-eu-west-1', Region: 'eu-west-1' }) } },
            },
          },
          Match.objectLike({ Id: 'to-ap-southeast-1', Priority: 1, Destination: Match.objectLike({ Bucket: arn('acme-enterprise-pg-backups-apse1') }) }),
        ],
      },
    });
    expect(Stack.of(built.us).dependencies.map((s) => s.stackName).sort()).toEqual(['test-ap-southeast-1', 'test-eu-west-1']);
    built.primary.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-enterprise-pg-backups-euw1/*']] } }),
          Match.objectLike({ Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Condition: { StringEquals: { 'kms:ViaService': Match.objectLike({}) } } }),
        ]),
      },
    });
    built.replica.resourcePropertiesCountIs('AWS::S3::Bucket', { ReplicationConfiguration: Match.anyValue() }, 0);
  });

  test('the ServiceAccount role: EKS Pod Identity for the one cluster, associated with the CNPG ServiceAccount', () => {
    built.primary.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'acme-enterprise-postgres-pgbackup-use1',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111111111111' },
              ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:us-east-1:111111111111:cluster/eks-use1']] } },
            },
          },
        ],
      },
    });
    built.primary.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'eks-use1', Namespace: 'enterprise', ServiceAccount: 'postgres' });
    built.readOnly.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
  });

  test('least privilege on the prefix: the primary writes it all, a replica only its own server folder, read-only nothing', () => {
    const objects = (statements: Array<Record<string, unknown>>, sid: string) => statements.find((s) => s.Sid === sid);
    const primary = serviceAccountStatements(built.primary);
    expect(objects(primary, 'ListOwnPrefix')).toMatchObject({ Action: 's3:ListBucket', Resource: arn('acme-enterprise-pg-backups-use1'), Condition: { StringLikeIfExists: { 's3:prefix': ['enterprise/postgres/', 'enterprise/postgres/*'] } } });
    expect(objects(primary, 'ReadOwnPrefix')).toMatchObject({ Action: 's3:GetObject', Resource: arn('acme-enterprise-pg-backups-use1/enterprise/postgres/*') });
    expect(objects(primary, 'WriteOwnFolder')).toMatchObject({ Action: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: arn('acme-enterprise-pg-backups-use1/enterprise/postgres/*') });
    expect(objects(primary, 'UseBucketKeyThroughS3')).toMatchObject({ Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] });
    const replica = serviceAccountStatements(built.replica);
    expect(objects(replica, 'WriteOwnFolder')).toMatchObject({ Resource: arn('acme-enterprise-pg-backups-euw1/enterprise/postgres/postgres-eu-west-1/*') });
    const readOnly = serviceAccountStatements(built.readOnly);
    expect(objects(readOnly, 'WriteOwnFolder')).toBeUndefined();
    expect(objects(readOnly, 'UseBucketKeyThroughS3')).toMatchObject({ Action: 'kms:Decrypt' });
    expect(JSON.stringify([primary, replica, readOnly])).not.toMatch(/"s3:\*"|"kms:\*"|"Resource":"\*"/);
  });

  test.each([
    ['primary', 'us'],
    ['replica', 'eu'],
  ] as const)('%s template is stable (snapshot)', (_name, key) => {
    expect(Template.fromStack(Stack.of(built[key])).toJSON()).toMatchSnapshot();
  });

  test('throws if props are invalid, naming each', () => {
    const app = new App({ context: CONTEXT });
    const eu = new PostgresBackupBucket(regionalStack('eu-west-1', app), 'Backups', BASE);
    expect(
      errorOf(
        () =>
          new PostgresBackupBucket(regionalStack('us-east-1', app), 'Backups', {
            ...BASE,
            bucketPrefix: 'Acme',
            retentionDays: 0,
            eksClusterName: 'bad name',
            access: PostgresBackupAccess.READ_ONLY,
            replicateTo: [eu],
          }),
      ),
    ).toBe(
      [
        `[test-us-east-1/Backups] 'bucketPrefix' must be lower-case letters, digits and '-', starting with a letter and not ending with '-', got: "Acme"`,
        `[test-us-east-1/Backups] 'retentionDays' must be an integer of at least 1, got: 0`,
        `[test-us-east-1/Backups] 'eksClusterName' must be an EKS cluster name (letters, digits, '-' and '_', at most 100 characters), got: "bad name"`,
        `[test-us-east-1/Backups] 'replicateTo' must be empty unless 'access' is read-write: only the primary region's bucket replicates, got: read-only`,
      ].join('\n'),
    );
  });

  test('throws if a replica is in the same region or of another tier', () => {
    const app = new App({ context: CONTEXT });
    const stack = regionalStack('us-east-1', app);
    const same = new PostgresBackupBucket(stack, 'Other', { ...BASE, tier: 'team' });
    expect(errorOf(() => new PostgresBackupBucket(stack, 'Backups', { ...BASE, replicateTo: [same] }))).toBe(
      [
        `[test-us-east-1/Backups] 'replicateTo' must be buckets in distinct regions other than this stack's (us-east-1), got: "test-us-east-1/Other"`,
        `[test-us-east-1/Backups] 'replicateTo' must be buckets of the same tier and cluster (path "enterprise/postgres/", got "team/postgres/"), got: "test-us-east-1/Other"`,
      ].join('\n'),
    );
  });
});
