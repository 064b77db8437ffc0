import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { isRegionName, REGION_ALLOWED } from './_region';
import { checkPostgresBackupLocation, PostgresBackupLocation, postgresBackupLocationFor } from './postgres-backup-location';
import { EKS_CLUSTER_NAME } from './postgres-backup-pod-identity';
import { TierAlarms } from './tier-alarms';


/** What the CloudNativePG ServiceAccount's role may do in its region's bucket, on the cluster's prefix. */
export enum PostgresBackupAccess {
  /** Read, write and delete under the whole prefix: the primary region (Barman's retention deletes old backups). */
  READ_WRITE = 'read-write',
  /**
   * Read the whole prefix (the primary's archive, replicated here), write and delete only in this region's own
   * server folders (`<path><serverName>*`: the folder and any later incarnation whose name extends it): a member of
   * CloudNativePG's distributed topology that archives its own WAL and backups, and still can after a switchover
   * makes it the primary, without touching the primary's copy.
   */
  REPLICA = 'replica',
  /** Read the whole prefix only: a replica cluster that archives nothing. */
  READ_ONLY = 'read-only',
}

/** Props of {@link PostgresBackupBucket}. */
export interface PostgresBackupBucketProps {
  /** The tier's name (a DNS label of at most 20 characters), see {@link postgresBackupLocationFor}. */
  readonly tier: string;
  /** The first part of the bucket name, to make it globally unique, see {@link postgresBackupLocationFor}. */
  readonly bucketPrefix: string;
  /** The name of the CloudNativePG `Cluster` whose ServiceAccount assumes the role, see {@link postgresBackupLocationFor}. */
  readonly clusterName: string;
  /**
   * The Kubernetes namespace of the `Cluster`.
   *
   * @default - the tier's name, as `TierChart` names its namespace
   */
  readonly namespace?: string;
  /**
   * How many days Barman keeps backups (its recovery window), e.g. `backupRetentionDays('90d')`. Current object
   * versions expire `expirationMarginDays` later, a safety net behind Barman's own retention.
   */
  readonly retentionDays: number;
  /**
   * Days added to `retentionDays` before the lifecycle rule expires current objects. Barman keeps the newest base
   * backup older than its window (it is needed to reach the window's start), so the margin must exceed the backup
   * interval; it also covers WAL archived while that backup ran.
   *
   * @default 7
   * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/object_stores/#s3-lifecycle-policy
   */
  readonly expirationMarginDays?: number;
  /**
   * How long an object version that Barman deleted or that was overwritten is kept: the time to notice and undo a
   * mistaken or malicious deletion.
   *
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * What the ServiceAccount's role may do on the cluster's prefix.
   *
   * @default PostgresBackupAccess.READ_WRITE - the primary region's cluster
   */
  readonly access?: PostgresBackupAccess;
  /**
   * The backup buckets of the other regions (in other stacks of the same account): this bucket replicates every
   * object to each of them, encrypted with their own keys. Set it on the primary region's bucket only.
   *
   * @default - no replication
   */
  readonly replicateTo?: PostgresBackupBucket[];
  /**
   * The EKS cluster (in this stack's account and region) that runs the `Cluster`: the role trusts EKS Pod Identity
   * sessions of that cluster only (the `eks-cluster-arn` session tag). The association itself is a
   * {@link PostgresBackupPodIdentity}, in a stack deployed after the cluster exists.
   *
   * @default - sessions of the namespace and ServiceAccount in any cluster of the account
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
   */
  readonly eksClusterName?: string;
  /**
   * The tier's other regions. In CloudNativePG's distributed topology every member restores from the others' object
   * stores, so the role may list and read the cluster's prefix in their backup buckets (whose names
   * {@link postgresBackupLocationFor} gives) and decrypt through S3 there with their keys.
   *
   * @default - no cross-region read
   * @see https://cloudnative-pg.io/documentation/current/replica_cluster/#distributed-topology
   */
  readonly peerRegions?: string[];
  /**
   * The `TierAlarms` of this stack, whose topic the replication failure alarms notify: through `TierAlarms.notify`,
   * which also lets CloudWatch publish for them (the topic policy names every alarm that may publish).
   *
   * @default - alarms without an action
   */
  readonly alarms?: TierAlarms;
  /**
   * Where S3 server access logs of the bucket go, under `serverAccessLogsPrefix`. When it is a `Bucket` of this app,
   * the construct adds the statement that lets the S3 logging service write to it; otherwise add it yourself.
   *
   * @default - a new bucket (SSE-S3, TLS only, expiring logs after 90 days)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * The key prefix of the server access logs.
   *
   * @default 's3-access/<bucket name>/'
   */
  readonly serverAccessLogsPrefix?: string;
}

/**
 * One region's Postgres backup store for a CloudNativePG cluster (Barman Cloud plugin): an S3 bucket encrypted
 * with a customer-managed KMS key (rotated yearly), TLS only, versioned, public access blocked, server access
 * logging, and a lifecycle matching the backup retention; the IAM role the cluster's ServiceAccount assumes through
 * EKS Pod Identity, limited to the cluster's own prefix here and to reading it in the other regions' buckets; and, on
 * the primary region's bucket, replication to the other regions' buckets (SSE-KMS objects re-encrypted with the
 * destination's key) with replication metrics and an alarm on failed replication.
 *
 * Every name comes from {@link postgresBackupLocationFor}, so the Kubernetes side (the `ObjectStore`'s
 * `destinationPath`, the ServiceAccount) is computed offline from the same tier data, and so is every other region's
 * bucket, key alias and role: the construct refers to no resource of another stack.
 *
 * **Why EKS Pod Identity rather than IRSA:** the association lives on the AWS side, so the Kubernetes manifests carry
 * no account id and no role ARN annotation (the same YAML fits every account); the role needs no OIDC provider per
 * cluster, and its trust policy does not change when a cluster is replaced. The `ObjectStore` sets
 * `s3Credentials.inheritFromIAMRole: true` and no `encryption`: barman-cloud then sends no encryption header and the
 * bucket's default (SSE-KMS with this bucket's key and an S3 Bucket Key) encrypts. For IRSA, use
 * {@link postgresBackupRoleArn} in a `serviceAccountTemplate` annotation and replace the trust policy.
 *
 * The bucket and the key are retained on update (replacement) and delete, and removed when the stack's first
 * create fails (`RetainExceptOnCreate`), so a failed first deploy leaves no bucket name taken.
 */
export class PostgresBackupBucket extends Construct {
  /** The names shared with the Kubernetes side. */
  public readonly location: PostgresBackupLocation;
  /** The backup bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket's customer-managed key. */
  public readonly encryptionKey: kms.Key;
  /** The role the CloudNativePG ServiceAccount assumes. */
  public readonly role: iam.Role;
  /** The replication role, on a bucket that replicates. */
  public readonly replicationRole?: iam.Role;
  /** The bucket's ARN, built from its name (so policies need no reference to the bucket resource). */
  public readonly bucketArn: string;
  /** One alarm per replication rule, on failed replication operations (empty unless the bucket replicates). */
  public readonly replicationAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PostgresBackupBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = stack.region;
    const margin = props.expirationMarginDays ?? 7;
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    const access = props.access ?? PostgresBackupAccess.READ_WRITE;
    const replicas = props.replicateTo ?? [];
    const peerRegions = props.peerRegions ?? [];

    const problems = new Problems(this.node.path);
    const regionOk = !Token.isUnresolved(region) && isRegionName(region);
    if (!regionOk) problems.add('region', region, `${REGION_ALLOWED}: a stack with an explicit env region`);
    const location = checkPostgresBackupLocation(problems, {
      tier: props.tier,
      region: regionOk ? region : 'us-east-1', // the region's own problem is reported above
      bucketPrefix: props.bucketPrefix,
      clusterName: props.clusterName,
      namespace: props.namespace,
    });
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) problems.add('retentionDays', props.retentionDays, 'an integer of at least 1');
    if (!Number.isInteger(margin) || margin < 1) problems.add('expirationMarginDays', margin, 'an integer of at least 1');
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) problems.add('noncurrentVersionExpirationDays', noncurrentDays, 'an integer of at least 1');
    if (props.eksClusterName !== undefined && !EKS_CLUSTER_NAME.test(props.eksClusterName)) {
      problems.add('eksClusterName', props.eksClusterName, "an EKS cluster name (letters, digits, '-' and '_', at most 100 characters)");
    }
    if (!Object.values(PostgresBackupAccess).includes(access)) problems.add('access', access, `one of ${Object.values(PostgresBackupAccess).join(', ')}`);
    if (replicas.length > 0 && access !== PostgresBackupAccess.READ_WRITE) {
      problems.addMessage(`'replicateTo' must be empty unless 'access' is ${PostgresBackupAccess.READ_WRITE}: only the primary region's bucket replicates, got: ${access}`);
    }
    const regions = new Set<string>([region]);
    for (const r of replicas) {
      const there = Stack.of(r);
      if (regions.has(there.region)) problems.add('replicateTo', r.node.path, `buckets in distinct regions other than this stack's (${region})`);
      regions.add(there.region);
      if (location && r.location.path !== location.path) problems.add('replicateTo', r.node.path, `buckets of the same tier and cluster (path "${location.path}", got "${r.location.path}")`);
      if (there.account !== stack.account) problems.add('replicateTo', r.node.path, `buckets in this stack's account (${stack.account})`);
    }
    peerRegions.forEach((peer, i) => {
      if (!isRegionName(peer) || peer === region || peerRegions.indexOf(peer) !== i) problems.add(`peerRegions[${i}]`, peer, `${REGION_ALLOWED}, distinct, other than this stack's (${region})`);
    });
    problems.throwIfAny();
    this.location = location as PostgresBackupLocation;
    const { bucketName, path } = this.location;
    this.bucketArn = `arn:${Aws.PARTITION}:s3:::${bucketName}`;
    const peers = peerRegions.map((peer) =>
      postgresBackupLocationFor({ tier: props.tier, region: peer, bucketPrefix: props.bucketPrefix, clusterName: props.clusterName, namespace: props.namespace }),
    );

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `Postgres backups of ${props.tier} in ${region} (${bucketName})`,
      alias: keyAliasOf(bucketName),
      enableKeyRotation: true,
      // Kept on replacement and stack deletion (it decrypts every backup), removed with a failed first create.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    if (replicas.length > 0) {
      this.replicationRole = new iam.Role(this, 'ReplicationRole', {
        assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
        description: `S3 replication of ${bucketName} to the other regions' backup buckets`,
      });
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true, // one data key per bucket and period instead of a KMS call per object
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // `RetainExceptOnCreate`: a failed first create removes the (empty) bucket, so the retry can take its name again;
      // once created it is kept on replacement and on stack deletion (it holds the backups).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      lifecycleRules: [
        {
          id: 'retention',
          expiration: Duration.days(props.retentionDays + margin),
          noncurrentVersionExpiration: Duration.days(noncurrentDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      replicationRole: this.replicationRole,
      replicationRules: replicas.length
        ? replicas.map((r, i) => ({
            id: replicationRuleId(Stack.of(r).region),
            priority: i,
            destination: s3.Bucket.fromBucketAttributes(this, `Replica${i}`, {
              bucketName: r.location.bucketName,
              region: Stack.of(r).region,
              account: stack.account,
            }),
            // The destination key by its alias ARN (S3 accepts a key ARN or an alias ARN): a name known offline, so
            // the primary's stack refers to no output of the replica's stack (a weak reference would go stale if the
            // key were ever replaced; the alias follows it).
            kmsKey: kms.Key.fromKeyArn(this, `ReplicaKey${i}`, keyAliasArn(Stack.of(r).region, stack.account, r.location.bucketName)),
            sseKmsEncryptedObjects: true,
            // Replication metrics (OperationsFailedReplication and latency) in CloudWatch, per rule.
            metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
            // Deletions stay in the primary region: a copy survives a mistaken or malicious delete there, and each
            // region's lifecycle rule removes what Barman's retention no longer needs.
            deleteMarkerReplication: false,
          }))
        : undefined,
    });
    this.logAccess(props, stack);
    this.denyOtherEncryption();
    const replicationPolicy = this.replicationRole
      ? new iam.ManagedPolicy(this, 'ReplicationPolicy', {
          description: `S3 replication of ${bucketName}`,
          statements: this.replicationStatements(replicas),
          roles: [this.replicationRole],
        })
      : undefined;
    // Replication checks that the destination bucket exists and is versioned: the replicas' stacks deploy first.
    for (const r of replicas) stack.addStackDependency(Stack.of(r), 'replication needs the destination bucket and its key');
    replicas.forEach((r) => this.replicationAlarms.push(this.replicationAlarm(r, props.alarms)));

    this.role = new iam.Role(this, 'ServiceAccountRole', {
      roleName: this.location.roleName,
      description: `CloudNativePG cluster ${props.clusterName} (${this.location.namespace}) backups in ${bucketName}/${path}`,
      // EKS Pod Identity assumes the role with AssumeRole and tags the session (TagSession) with the pod's cluster,
      // namespace and ServiceAccount; the trust policy admits only the cluster's own ServiceAccount
      // (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html, pod-id-abac.html).
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:RequestTag/kubernetes-namespace': this.location.namespace,
            'aws:RequestTag/kubernetes-service-account': this.location.serviceAccountName,
            ...(props.eksClusterName
              ? { 'aws:RequestTag/eks-cluster-arn': stack.formatArn({ service: 'eks', resource: 'cluster', resourceName: props.eksClusterName }) }
              : {}),
          },
        },
      }).withSessionTags(),
      maxSessionDuration: Duration.hours(1),
    });
    const policy = new iam.ManagedPolicy(this, 'ServiceAccountPolicy', {
      description: `Barman Cloud on ${bucketName}/${path}`,
      statements: [...this.backupStatements(access, region), ...this.peerReadStatements(peers)],
      roles: [this.role],
    });

    const ack = (id: string, reason: string) => Validations.of(this.bucket).acknowledge({ id, reason });
    if (replicas.length === 0) {
      ack(
        'NIST.800.53.R5-S3BucketReplicationEnabled',
        access !== PostgresBackupAccess.READ_WRITE
          ? "This bucket is a replication destination: it receives the primary region's backups; only the primary's bucket replicates."
          : 'Only one region is configured for this tier: there is no other region to replicate to.',
      );
    }
    const writable = access === PostgresBackupAccess.REPLICA ? [`${path}${this.location.serverName}*`] : [];
    for (const pattern of new Set([`${path}*`, ...writable])) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketName}/${pattern}]`,
        reason: `Object actions are limited to the cluster's own prefix (${bucketName}/${pattern}); Barman names objects by time and WAL segment, so the prefix needs a wildcard.`,
      });
    }
    for (const peer of peers) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${peer.bucketName}/${path}*]`,
        reason: `Reads only the cluster's prefix in ${peer.region}'s backup bucket, which the distributed topology restores from; Barman names objects by time and WAL segment.`,
      });
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${peer.region}:<AWS::AccountId>:key/*]`,
        reason: `Key ids are not known across regions: kms:Decrypt is limited to S3 in ${peer.region} and the key aliased ${keyAliasOf(peer.bucketName)}.`,
      });
    }
    if (replicationPolicy) {
      for (const name of [bucketName, ...replicas.map((r) => r.location.bucketName)]) {
        Validations.of(replicationPolicy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/*]`,
          reason: `S3 replication reads every object version of the source bucket and writes any key of the destination buckets; the wildcard is the object part of ${name}'s ARN only.`,
        });
      }
      for (const r of replicas) {
        Validations.of(replicationPolicy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:${Stack.of(r).region}:<AWS::AccountId>:key/*]`,
          reason: `The destination key is named by its alias, its id is not known here: kms:Encrypt is limited to S3 in ${Stack.of(r).region} and the key aliased ${keyAliasOf(r.location.bucketName)}.`,
        });
      }
    }

    new CfnOutput(this, 'BucketName', { value: bucketName, description: 'The Postgres backup bucket' });
    new CfnOutput(this, 'DestinationPath', { value: this.location.destinationPath, description: "The ObjectStore's destinationPath" });
    new CfnOutput(this, 'RoleArn', { value: this.role.roleArn, description: 'The role the CloudNativePG ServiceAccount assumes' });
    new CfnOutput(this, 'KeyArn', { value: this.encryptionKey.keyArn, description: 'The key of the backup bucket' });
  }

  /**
   * Objects must be encrypted with this bucket's key, which replication and the roles can use. Each deny applies only
   * when the request carries the header it checks (`Null: false`): a negated operator alone is true when the key is
   * missing and would refuse barman-cloud's uploads, which send no encryption header (the bucket default applies).
   * A request naming another key is refused, and so is `aws:kms` without a key id, which S3 would serve with the AWS
   * managed key (aws/s3).
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
   */
  private denyOtherEncryption(): void {
    const sse = 's3:x-amz-server-side-encryption';
    const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
    const deny = (sid: string, conditions: Record<string, Record<string, string>>) =>
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['s3:PutObject'], resources: [`${this.bucketArn}/*`], conditions }),
      );
    deny('DenyOtherKmsKeys', { StringNotEquals: { [keyId]: this.encryptionKey.keyArn }, Null: { [keyId]: 'false' } });
    deny('DenyOtherEncryption', { StringNotEquals: { [sse]: 'aws:kms' }, Null: { [sse]: 'false' } });
    deny('DenyAwsManagedKey', { StringEquals: { [sse]: 'aws:kms' }, Null: { [keyId]: 'true' } });
  }

  /** An alarm on failed replication operations of the rule towards `replica` (S3 replication metrics, this region). */
  private replicationAlarm(replica: PostgresBackupBucket, alarms?: TierAlarms): cloudwatch.Alarm {
    const there = Stack.of(replica).region;
    const alarm = new cloudwatch.Alarm(this, `ReplicationFailed-${there}`, {
      alarmDescription: `Objects of ${this.location.bucketName} failed to replicate to ${replica.location.bucketName} (${there}): that region's copy of the backups is incomplete.`,
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html: published in the source's region
      // with the dimensions SourceBucket, DestinationBucket and RuleId once the rule has replication metrics.
      metric: new cloudwatch.Metric({
        namespace: 'AWS/S3',
        metricName: 'OperationsFailedReplication',
        dimensionsMap: { SourceBucket: this.location.bucketName, DestinationBucket: replica.location.bucketName, RuleId: replicationRuleId(there) },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // The metric has data points only when objects replicate or fail: no data is no failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarms?.notify(alarm);
    return alarm;
  }

  /** Server access logs to the given bucket, or a new one; the statement lets the S3 logging service write them. */
  private logAccess(props: PostgresBackupBucketProps, stack: Stack): void {
    const prefix = props.serverAccessLogsPrefix ?? `s3-access/${this.location.bucketName}/`;
    let logs = props.serverAccessLogsBucket;
    if (!logs) {
      const created = new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED, // S3 server access logging cannot write to an SSE-KMS bucket
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [{ expiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, // audit records outlive the stack; none strand a failed create
      });
      const ack = (id: string, reason: string) => Validations.of(created).acknowledge({ id, reason });
      ack('AwsSolutions-S1', 'This bucket is the log sink; logging its own access into itself would loop.');
      ack('NIST.800.53.R5-S3BucketLoggingEnabled', 'This bucket is the log sink; logging its own access into itself would loop.');
      ack('NIST.800.53.R5-S3DefaultEncryptionKMS', 'S3 server access logging supports SSE-S3 destinations only; the bucket is encrypted with SSE-S3.');
      ack('NIST.800.53.R5-S3BucketReplicationEnabled', 'Access logs are kept for a limited time in the region they describe.');
      ack('NIST.800.53.R5-S3BucketVersioningEnabled', 'Logs are written once and expire by a lifecycle rule; versions would keep expired logs.');
      logs = created;
    }
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: logs.bucketName, logFilePrefix: prefix };
    logs.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [logs.arnForObjects(`${prefix}*`)],
        conditions: { ArnLike: { 'aws:SourceArn': this.bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }

  /**
   * What Barman Cloud needs on the cluster's prefix: list (HeadBucket, which barman-cloud calls first, needs
   * s3:ListBucket and carries no prefix, hence `IfExists`), read, and where `access` allows, write and delete
   * (Barman's retention deletes old backups).
   */
  private backupStatements(access: PostgresBackupAccess, region: string): iam.PolicyStatement[] {
    const { path, serverName } = this.location;
    const writable = { [PostgresBackupAccess.READ_WRITE]: [`${path}*`], [PostgresBackupAccess.REPLICA]: [`${path}${serverName}*`], [PostgresBackupAccess.READ_ONLY]: [] }[access];
    const statements = [
      new iam.PolicyStatement({
        sid: 'ListOwnPrefix',
        actions: ['s3:ListBucket'],
        resources: [this.bucketArn],
        conditions: { StringLikeIfExists: { 's3:prefix': [path, `${path}*`] } },
      }),
      new iam.PolicyStatement({ sid: 'ReadOwnPrefix', actions: ['s3:GetObject'], resources: [`${this.bucketArn}/${path}*`] }),
      new iam.PolicyStatement({
        sid: 'UseBucketKeyThroughS3',
        actions: writable.length ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.${Aws.URL_SUFFIX}` } },
      }),
    ];
    if (writable.length) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'WriteOwnFolder',
          actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          resources: writable.map((w) => `${this.bucketArn}/${w}`),
        }),
      );
    }
    return statements;
  }

  /**
   * Reading the cluster's prefix in the other regions' buckets (CloudNativePG's distributed topology restores from
   * them): list and get there, and decrypt through S3 in that region with that bucket's key. Key ids are not known
   * here (other stacks, other regions), so `kms:Decrypt` names any key of the region and is bound to the one whose
   * alias is `alias/<bucket name>` (`kms:ResourceAliases`, which each bucket's stack creates with its key) and to S3
   * there (`kms:ViaService`).
   *
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html#alias-auth-resource-aliases
   */
  private peerReadStatements(peers: PostgresBackupLocation[]): iam.PolicyStatement[] {
    const { path } = this.location;
    return peers.flatMap((peer) => {
      const arn = `arn:${Aws.PARTITION}:s3:::${peer.bucketName}`;
      const id = shortId(peer.region);
      return [
        new iam.PolicyStatement({
          sid: `ListPeerPrefix${id}`,
          actions: ['s3:ListBucket'],
          resources: [arn],
          conditions: { StringLikeIfExists: { 's3:prefix': [path, `${path}*`] } },
        }),
        new iam.PolicyStatement({ sid: `ReadPeerPrefix${id}`, actions: ['s3:GetObject'], resources: [`${arn}/${path}*`] }),
        new iam.PolicyStatement({
          sid: `DecryptPeerThroughS3${id}`,
          actions: ['kms:Decrypt'],
          resources: [`arn:${Aws.PARTITION}:kms:${peer.region}:${Aws.ACCOUNT_ID}:key/*`],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${peer.region}.${Aws.URL_SUFFIX}` },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAliasOf(peer.bucketName) },
          },
        }),
      ];
    });
  }

  /** The replication role's permissions: read versions here, replicate there, decrypt here, encrypt there. */
  private replicationStatements(replicas: PostgresBackupBucket[]): iam.PolicyStatement[] {
    const region = Stack.of(this).region;
    return [
      new iam.PolicyStatement({
        sid: 'ReadSource',
        actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        resources: [this.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadSourceVersions',
        actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        resources: [`${this.bucketArn}/*`],
      }),
      new iam.PolicyStatement({
        sid: 'DecryptSource',
        actions: ['kms:Decrypt'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.${Aws.URL_SUFFIX}` } },
      }),
      ...replicas.flatMap((r, i) => {
        const there = Stack.of(r).region;
        return [
          new iam.PolicyStatement({
            sid: `Replicate${i}`,
            actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
            resources: [`${r.bucketArn}/*`],
          }),
          // The destination key is named by its alias: any key of that region that carries it, through S3 there
          // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
          new iam.PolicyStatement({
            sid: `EncryptReplica${i}`,
            actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
            resources: [`arn:${Aws.PARTITION}:kms:${there}:${Aws.ACCOUNT_ID}:key/*`],
            conditions: {
              StringEquals: { 'kms:ViaService': `s3.${there}.${Aws.URL_SUFFIX}` },
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAliasOf(r.location.bucketName) },
            },
          }),
        ];
      }),
    ];
  }
}

/** The alias of a backup bucket's key: `alias/<bucket name>`, known offline in every region. */
function keyAliasOf(bucketName: string): string {
  return `alias/${bucketName}`;
}

/** The ARN of a backup bucket's key alias in `region`. */
function keyAliasArn(region: string, account: string, bucketName: string): string {
  return `arn:${Aws.PARTITION}:kms:${region}:${account}:${keyAliasOf(bucketName)}`;
}

/** The id of the replication rule towards `region` (a dimension of its replication metrics). */
function replicationRuleId(region: string): string {
  return `to-${region}`;
}

/** `eu-west-1` -> `EuWest1`, for statement ids (letters and digits only). */
function shortId(region: string): string {
  return region.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
}
