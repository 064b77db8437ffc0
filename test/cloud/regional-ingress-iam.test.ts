import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionalIngress } from '../../lib/cloud';
import { CONTEXT, certificateIn, regionalStack } from './_cloud';
import { DeployedTemplate, decide, FAKE_ENV, type PolicyDocument } from './_iam-simulate';

// The logs bucket of a RegionalIngress receives two deliveries, each as its AWS guide describes the request:
// - ALB access logs: the region's ELB account (or, in regions opened since August 2022, the service principal
//   logdelivery.elasticloadbalancing.amazonaws.com) calls s3:PutObject on <prefix>/AWSLogs/<account>/...
//   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
// - VPC flow logs: delivery.logs.amazonaws.com calls s3:GetBucketAcl and s3:ListBucket on the bucket and
//   s3:PutObject (x-amz-acl bucket-owner-full-control) on <prefix>AWSLogs/<account>/vpcflowlogs/..., with
//   aws:SourceAccount and aws:SourceArn (arn:aws:logs:<region>:<account>:...).
//   https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
const ELB_ACCOUNT: Record<string, string> = { 'us-west-2': '797873946194' };
const OTHER = '222222222222';

function logsBucketIn(region: string, context: Record<string, unknown> = {}) {
  const stack = regionalStack(region, new App({ context: { ...CONTEXT, ...context } }));
  new RegionalIngress(stack, 'Ingress', { tier: 'enterprise', certificateArn: certificateIn(region), production: true });
  const deployed = new DeployedTemplate(Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string }> }, { account: FAKE_ENV.account, region });
  const [policy] = Object.values(deployed.policies('AWS::S3::BucketPolicy'));
  const bucketId = deployed.idsOf('AWS::S3::Bucket')[0];
  const bucketArn = deployed.resolve({ 'Fn::GetAtt': [bucketId, 'Arn'] }) as string;
  return { policy, bucketArn, template: Template.fromStack(stack) };
}

function request(policy: PolicyDocument, principal: string, action: string, resource: string, context: Record<string, string>) {
  // The ELB account's own side of a cross-account write is AWS's; only the bucket policy is under test.
  const identityPolicies = principal.startsWith('arn:') ? [{ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }] : [];
  return decide({ principal, action, resource, resourcePolicy: policy, identityPolicies, context });
}

describe('RegionalIngress logs bucket: ALB access-log delivery (IAM policy simulator)', () => {
  const region = 'us-west-2';
  const { policy, bucketArn, template } = logsBucketIn(region);
  const key = (account: string) => `${bucketArn}/alb/AWSLogs/${account}/elasticloadbalancing/${region}/2026/12/04/${account}_elasticloadbalancing_${region}_app.x_20261204T0000Z_10.0.0.1_abc.log.gz`;
  const elb = `arn:aws:iam::${ELB_ACCOUNT[region]}:root`;

  test("the region's ELB account may write this account's access logs, over TLS", async () => {
    expect(await request(policy, elb, 's3:PutObject', key(FAKE_ENV.account), { 'aws:SecureTransport': 'true' })).toBe('Allowed');
  });

  test("nothing may write another account's logs, without TLS, or as another log service", async () => {
    expect(await request(policy, elb, 's3:PutObject', key(OTHER), { 'aws:SecureTransport': 'true' })).toBe('ImplicitlyDenied');
    expect(await request(policy, elb, 's3:PutObject', key(FAKE_ENV.account), { 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
    expect(await request(policy, `arn:aws:iam::${OTHER}:root`, 's3:PutObject', key(FAKE_ENV.account), { 'aws:SecureTransport': 'true' })).toBe('ImplicitlyDenied');
    // aws-cdk-lib's logAccessLogs let delivery.logs.amazonaws.com write here with no source condition; not any more.
    expect(await request(policy, 'delivery.logs.amazonaws.com', 's3:PutObject', key(FAKE_ENV.account), { 'aws:SecureTransport': 'true', 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': OTHER })).toBe('ImplicitlyDenied');
  });

  test('the load balancer logs to the bucket under the prefix the policy allows, after the policy exists', () => {
    const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')) as Array<{ DependsOn: string[]; Properties: { LoadBalancerAttributes: Array<{ Key: string; Value: unknown }> } }>;
    expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.prefix', Value: 'alb' }]));
    expect(lb.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^IngressLogsPolicy/)]));
  });

  test('in a region without an ELB account, the log delivery service principal', async () => {
    const newer = logsBucketIn('ap-southeast-5');
    const k = `${newer.bucketArn}/alb/AWSLogs/${FAKE_ENV.account}/elasticloadbalancing/ap-southeast-5/2026/12/04/x.log.gz`;
    expect(await request(newer.policy, 'logdelivery.elasticloadbalancing.amazonaws.com', 's3:PutObject', k, { 'aws:SecureTransport': 'true' })).toBe('Allowed');
  });
});

describe('RegionalIngress logs bucket: VPC flow-log delivery (IAM policy simulator)', () => {
  const region = 'us-west-2';
  const source = (account: string) => ({ 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:logs:${region}:${account}:delivery-source:vpc-flow-logs`, 'aws:SecureTransport': 'true' });
  const put = { 's3:x-amz-acl': 'bucket-owner-full-control' };
  const delivery = 'delivery.logs.amazonaws.com';

  test.each([
    ['written out by the construct', {}],
    ["written by aws-cdk-lib (@aws-cdk/aws-s3:createDefaultLoggingPolicy), the construct's own left out", { '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true }],
  ])('the statements are in the template (%s): log delivery may check the bucket and write this account\'s flow logs', async (_how, context) => {
    const { policy, bucketArn } = logsBucketIn(region, context);
    const key = `${bucketArn}/vpc-flow-logs/AWSLogs/${FAKE_ENV.account}/vpcflowlogs/${region}/2026/12/04/x.log.gz`;
    expect(policy.Statement.filter((s) => JSON.stringify(s.Principal).includes(delivery))).toHaveLength(2);
    expect(await request(policy, delivery, 's3:GetBucketAcl', bucketArn, source(FAKE_ENV.account))).toBe('Allowed');
    expect(await request(policy, delivery, 's3:ListBucket', bucketArn, source(FAKE_ENV.account))).toBe('Allowed');
    expect(await request(policy, delivery, 's3:PutObject', key, { ...source(FAKE_ENV.account), ...put })).toBe('Allowed');
  });

  test("flow logs of another account, without the owner's ACL, or without TLS are refused", async () => {
    const { policy, bucketArn } = logsBucketIn(region);
    const key = `${bucketArn}/vpc-flow-logs/AWSLogs/${FAKE_ENV.account}/vpcflowlogs/${region}/2026/12/04/x.log.gz`;
    expect(await request(policy, delivery, 's3:PutObject', key, { ...source(OTHER), ...put })).toBe('ImplicitlyDenied');
    expect(await request(policy, delivery, 's3:GetBucketAcl', bucketArn, source(OTHER))).toBe('ImplicitlyDenied');
    expect(await request(policy, delivery, 's3:PutObject', key, source(FAKE_ENV.account))).toBe('ImplicitlyDenied');
    expect(await request(policy, delivery, 's3:PutObject', key, { ...source(FAKE_ENV.account), ...put, 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
  });
});
