import { Aws, Stack, Token } from 'aws-cdk-lib';
import { CfnPodIdentityAssociation } from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { isRegionName, REGION_ALLOWED } from './_region';
import { checkPostgresBackupLocation, PostgresBackupLocation, postgresBackupRoleArn } from './postgres-backup-location';

/** An EKS cluster name: letters, digits, `-` and `_`, starting with a letter or digit, at most 100 characters. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** Props of {@link PostgresBackupPodIdentity}. */
export interface PostgresBackupPodIdentityProps {
  /** The tier's name, as given to the region's {@link PostgresBackupBucket}. */
  readonly tier: string;
  /** The bucket prefix, as given to the region's {@link PostgresBackupBucket}. */
  readonly bucketPrefix: string;
  /** The name of the CloudNativePG `Cluster`, as given to the region's {@link PostgresBackupBucket}. */
  readonly clusterName: string;
  /**
   * The Kubernetes namespace of the `Cluster`.
   *
   * @default - the tier's name, as `TierChart` names its namespace
   */
  readonly namespace?: string;
  /** The EKS cluster, in this stack's account and region, that runs the `Cluster`; it must exist before this deploys. */
  readonly eksClusterName: string;
}

/**
 * The EKS Pod Identity association of a CloudNativePG cluster's ServiceAccount with its backup role (the role of the
 * region's {@link PostgresBackupBucket}). It lives apart from the bucket because it needs the EKS cluster, which runs
 * in the region's VPC and is created after it: put it in a stack deployed after the cluster exists. The role is named
 * by its ARN, computed from the names both constructs share, so this stack refers to no output of the bucket's stack.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
 */
export class PostgresBackupPodIdentity extends Construct {
  /** The names shared with the Kubernetes side and the bucket's stack. */
  public readonly location: PostgresBackupLocation;
  /** The association. */
  public readonly association: CfnPodIdentityAssociation;

  constructor(scope: Construct, id: string, props: PostgresBackupPodIdentityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const problems = new Problems(this.node.path);
    const regionOk = !Token.isUnresolved(stack.region) && isRegionName(stack.region);
    if (!regionOk) problems.add('region', stack.region, `${REGION_ALLOWED}: a stack with an explicit env region`);
    const location = checkPostgresBackupLocation(problems, {
      tier: props.tier,
      region: regionOk ? stack.region : 'us-east-1', // the region's own problem is reported above
      bucketPrefix: props.bucketPrefix,
      clusterName: props.clusterName,
      namespace: props.namespace,
    });
    if (typeof props.eksClusterName !== 'string' || !EKS_CLUSTER_NAME.test(props.eksClusterName)) {
      problems.add('eksClusterName', props.eksClusterName, "an EKS cluster name (letters, digits, '-' and '_', at most 100 characters)");
    }
    problems.throwIfAny();
    this.location = location as PostgresBackupLocation;

    this.association = new CfnPodIdentityAssociation(this, 'Resource', {
      clusterName: props.eksClusterName,
      namespace: this.location.namespace,
      serviceAccount: this.location.serviceAccountName,
      roleArn: postgresBackupRoleArn(this.location, stack.account, Aws.PARTITION),
    });
  }
}
