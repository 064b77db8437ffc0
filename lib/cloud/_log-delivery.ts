/**
 * The bucket policy statements the AWS log delivery services need to write into a logs bucket, written out in the
 * template: a service that writes its own statement into the bucket policy (EC2 for flow logs, when the template
 * has none) loses it at the next stack update, which replaces the whole policy, and logging stops silently.
 */
import { ArnFormat, FeatureFlags, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * Lets Elastic Load Balancing write an Application Load Balancer's access logs under `<prefix>/AWSLogs/<account>/`:
 * the regional ELB account (regions available before August 2022) or the log delivery service principal (newer
 * regions), as the ELB guide's bucket policy has it. Nothing else: no `delivery.logs.amazonaws.com` statement
 * (that is Network Load Balancers' delivery), so no unconditioned service principal can write here.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy
 */
export function allowAlbAccessLogs(bucket: s3.Bucket, prefix: string): void {
  const stack = Stack.of(bucket);
  const elbAccount = RegionInfo.get(stack.region).elbv2Account;
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'ElbAccessLogDelivery',
    principals: [elbAccount ? new iam.AccountPrincipal(elbAccount) : new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${stack.account}/*`)],
  }));
}

/**
 * Lets VPC flow logs (the log delivery service, `delivery.logs.amazonaws.com`) write to the bucket, for flow logs of
 * this account and region only (`aws:SourceAccount`, `aws:SourceArn`), as the VPC guide's bucket policy has it.
 * With the feature flag `@aws-cdk/aws-s3:createDefaultLoggingPolicy` on, aws-cdk-lib writes the same statements
 * itself and this adds none.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
 */
export function allowFlowLogs(bucket: s3.Bucket, prefix: string): void {
  if (FeatureFlags.of(bucket).isEnabled(cxapi.S3_CREATE_DEFAULT_LOGGING_POLICY)) return;
  const stack = Stack.of(bucket);
  const delivery = new iam.ServicePrincipal('delivery.logs.amazonaws.com');
  const fromThisAccount = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
  };
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'FlowLogDeliveryWrite',
    principals: [delivery],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${prefix}AWSLogs/${stack.account}/*`)],
    conditions: { ...fromThisAccount, StringEquals: { ...fromThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
  }));
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'FlowLogDeliveryCheck',
    principals: [delivery],
    actions: ['s3:GetBucketAcl', 's3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: fromThisAccount,
  }));
}
