import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PostgresBackupAccess, PostgresBackupBucket, PostgresBackupBucketProps, PostgresBackupPodIdentity } from '../../lib/cloud';
import { REGION_ALLOWED } from '../../lib/cloud/_region';
import { CONTEXT, errorOf, regionalStack } from './_cloud';

const BASE: PostgresBackupBucketProps = { tier: 'enterprise', bucketPrefix: 'acme', clusterName: 'postgres', retentionDays: 2604 };

/** The enterprise layout: a primary in us-east-1 replicating to eu-west-1 and ap-southeast-1. */
function build() {
  const app = new App({ context: CONTEXT });
  const eu = new PostgresBackupBucket(regionalStack('eu-west-1', app), 'Backups', { ...BASE, access: PostgresBackupAccess.REPLICA, eksClusterName: 'eks-euw1', peerRegions: ['us-east-1'] });
  const ap = new PostgresBackupBucket(regionalStack('ap-southeast-1', app), 'Backups', { ...BASE, access: PostgresBackupAccess.READ_ONLY });
  const us = new PostgresBackupBucket(regionalStack('us-east-1', app), 'Backups', { ...BASE, replicateTo: [eu, ap], eksClusterName: 'eks-use1', peerRegions: ['eu-west-1', 'ap-southeast-1'] });
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
    // RetainExceptOnCreate: a failed first create removes them (the retry can take the name again); kept afterwards.
    built.primary.hasResource('AWS::KMS::Key', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    built.primary.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain', Properties: Match.objectLike({ BucketName: 'acme-enterprise-pg-backups-use1' }) });
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

  test('TLS only, and objects only with the bucket key, each deny only when its header is present (barman-cloud sends none)', () => {
    const policy = Object.values(built.primary.findResources('AWS::S3::BucketPolicy'))
      .map((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement)
      .find((s) => s.some((x) => x.Sid === 'DenyOtherKmsKeys'))!;
    expect(policy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Sid: 'DenyOtherKmsKeys',
          Effect: 'Deny',
          Action: 's3:PutObject',
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': expect.anything() }, Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' } },
        }),
        expect.objectContaining({ Sid: 'DenyOtherEncryption', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption': 'false' } } }),
        expect.objectContaining({
          Sid: 'DenyAwsManagedKey',
          Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } },
        }),
      ]),
    );
  });

  test('the primary replicates every object to the other regions, re-encrypted with their keys (named by alias), deletions stay', () => {
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
              // The destination key by its alias ARN: no reference to the other stack (nothing to go stale).
              EncryptionConfiguration: { ReplicaKmsKeyID: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:111111111111:alias/acme-enterprise-pg-backups-euw1']] } },
              Metrics: { Status: 'Enabled' }, // replication metrics, which the failed-replication alarm watches
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
          Match.objectLike({
            Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:', { Ref: 'AWS::AccountId' }, ':key/*']] },
            Condition: {
              StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] } },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-enterprise-pg-backups-euw1' },
            },
          }),
        ]),
      },
    });
    built.replica.resourcePropertiesCountIs('AWS::S3::Bucket', { ReplicationConfiguration: Match.anyValue() }, 0);
  });

  test('the ServiceAccount role trusts EKS Pod Identity sessions of the one cluster, namespace and ServiceAccount', () => {
    built.primary.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'acme-enterprise-postgres-pgbackup-use1',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:RequestTag/kubernetes-namespace': 'enterprise',
                'aws:RequestTag/kubernetes-service-account': 'postgres',
                'aws:RequestTag/eks-cluster-arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:us-east-1:111111111111:cluster/eks-use1']] },
              },
            },
          },
        ],
      },
    });
    // Without a cluster name: the namespace and ServiceAccount still bind it.
    built.readOnly.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'enterprise', 'aws:RequestTag/kubernetes-service-account': 'postgres' } } })] },
    });
    // The association needs the EKS cluster: it is a construct of its own, for a later stack.
    built.primary.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
  });

  test('PostgresBackupPodIdentity associates the CNPG ServiceAccount with the role by its ARN (no cross-stack reference)', () => {
    const stack = regionalStack('us-east-1');
    new PostgresBackupPodIdentity(stack, 'PodIdentity', { tier: 'enterprise', bucketPrefix: 'acme', clusterName: 'postgres', eksClusterName: 'eks-use1' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'eks-use1',
      Namespace: 'enterprise',
      ServiceAccount: 'postgres',
      RoleArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/acme-enterprise-postgres-pgbackup-use1']] },
    });
    expect(errorOf(() => new PostgresBackupPodIdentity(stack, 'Bad', { tier: 'enterprise', bucketPrefix: 'acme', clusterName: 'postgres', eksClusterName: 'bad name' }))).toBe(
      `[test-us-east-1/Bad] 'eksClusterName' must be an EKS cluster name (letters, digits, '-' and '_', at most 100 characters), got: "bad name"`,
    );
  });

  test('each region reads the cluster prefix of the other regions\' buckets and decrypts there through S3 with their keys', () => {
    const replica = serviceAccountStatements(built.replica);
    expect(replica.find((s) => s.Sid === 'ReadPeerPrefixUsEast1')).toMatchObject({ Action: 's3:GetObject', Resource: arn('acme-enterprise-pg-backups-use1/enterprise/postgres/*') });
    expect(replica.find((s) => s.Sid === 'ListPeerPrefixUsEast1')).toMatchObject({ Action: 's3:ListBucket', Resource: arn('acme-enterprise-pg-backups-use1') });
    expect(replica.find((s) => s.Sid === 'DecryptPeerThroughS3UsEast1')).toMatchObject({
      Action: 'kms:Decrypt',
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-enterprise-pg-backups-use1' } },
    });
    expect(serviceAccountStatements(built.primary).filter((s) => String(s.Sid).startsWith('ReadPeerPrefix')).map((s) => s.Sid)).toEqual(['ReadPeerPrefixEuWest1', 'ReadPeerPrefixApSoutheast1']);
  });

  test('a failed-replication alarm per destination, on the rule\'s replication metrics', () => {
    built.primary.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    built.primary.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'OperationsFailedReplication',
      Dimensions: Match.arrayWith([{ Name: 'RuleId', Value: 'to-eu-west-1' }, { Name: 'SourceBucket', Value: 'acme-enterprise-pg-backups-use1' }]),
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    built.replica.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('least privilege on the prefix: the primary writes it all, a replica only its own server folder, read-only nothing', () => {
    const objects = (statements: Array<Record<string, unknown>>, sid: string) => statements.find((s) => s.Sid === sid);
    const primary = serviceAccountStatements(built.primary);
    expect(objects(primary, 'ListOwnPrefix')).toMatchObject({ Action: 's3:ListBucket', Resource: arn('acme-enterprise-pg-backups-use1'), Condition: { StringLikeIfExists: { 's3:prefix': ['enterprise/postgres/', 'enterprise/postgres/*'] } } });
    expect(objects(primary, 'ReadOwnPrefix')).toMatchObject({ Action: 's3:GetObject', Resource: arn('acme-enterprise-pg-backups-use1/enterprise/postgres/*') });
    expect(objects(primary, 'WriteOwnFolder')).toMatchObject({ Action: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: arn('acme-enterprise-pg-backups-use1/enterprise/postgres/*') });
    expect(objects(primary, 'UseBucketKeyThroughS3')).toMatchObject({ Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] });
    const replica = serviceAccountStatements(built.replica);
    expect(objects(replica, 'WriteOwnFolder')).toMatchObject({ Resource: arn('acme-enterprise-pg-backups-euw1/enterprise/postgres/postgres-eu-west-1*') });
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
            peerRegions: ['eu-west-1', 'us-east-1', 'mars-1'],
          }),
      ),
    ).toBe(
      [
        `[test-us-east-1/Backups] 'bucketPrefix' must be lower-case letters, digits and '-', starting with a letter and not ending with '-', got: "Acme"`,
        `[test-us-east-1/Backups] 'retentionDays' must be an integer of at least 1, got: 0`,
        `[test-us-east-1/Backups] 'eksClusterName' must be an EKS cluster name (letters, digits, '-' and '_', at most 100 characters), got: "bad name"`,
        `[test-us-east-1/Backups] 'replicateTo' must be empty unless 'access' is read-write: only the primary region's bucket replicates, got: read-only`,
        `[test-us-east-1/Backups] 'peerRegions[1]' must be ${REGION_ALLOWED}, distinct, other than this stack's (us-east-1), got: "us-east-1"`,
        `[test-us-east-1/Backups] 'peerRegions[2]' must be ${REGION_ALLOWED}, distinct, other than this stack's (us-east-1), got: "mars-1"`,
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
