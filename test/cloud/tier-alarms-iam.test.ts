import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { TierAlarms } from '../../lib/cloud';
import { CONTEXT, regionalStack } from './_cloud';
import { DeployedTemplate, decide, FAKE_ENV, type PolicyDocument } from './_iam-simulate';

// CloudWatch's alarm action, as the AWS documentation describes it: the service principal cloudwatch.amazonaws.com
// calls sns:Publish on the topic (and, the topic being encrypted, kms:GenerateDataKey* and kms:Decrypt on its key)
// with aws:SourceAccount (the alarm's account) and aws:SourceArn (the alarm's ARN).
// https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
describe('TierAlarms: CloudWatch may publish to the encrypted topic (IAM policy simulator)', () => {
  const stack = regionalStack(FAKE_ENV.region, new App({ context: CONTEXT }));
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: stack.availabilityZones, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc, port: 443, protocol: elbv2.ApplicationProtocol.HTTPS, targetType: elbv2.TargetType.IP });
  loadBalancer.addListener('L', { port: 80, defaultTargetGroups: [targetGroup] });
  new TierAlarms(stack, 'Alarms', { tier: 'enterprise', loadBalancer, targetGroup });
  const deployed = new DeployedTemplate(Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string }> });

  const [topicId] = deployed.idsOf('AWS::SNS::Topic');
  const topicArn = deployed.resolve({ Ref: topicId }) as string;
  const [topicPolicy] = Object.values(deployed.policies('AWS::SNS::TopicPolicy'));
  const [keyId] = deployed.idsOf('AWS::KMS::Key');
  const keyArn = deployed.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }) as string;
  const keyPolicy = deployed.properties(keyId).KeyPolicy as PolicyDocument;
  const alarmArns = deployed.idsOf('AWS::CloudWatch::Alarm').map((id) => deployed.resolve({ 'Fn::GetAtt': [id, 'Arn'] }) as string);
  const other = '222222222222';
  const otherAlarm = `arn:aws:cloudwatch:${FAKE_ENV.region}:${other}:alarm:theirs`;
  const fromAlarm = (alarmArn: string, account = FAKE_ENV.account) => ({ 'aws:SourceAccount': account, 'aws:SourceArn': alarmArn, 'aws:SecureTransport': 'true' });
  const publish = (context: Record<string, string>) =>
    decide({ principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: topicArn, resourcePolicy: topicPolicy, context });
  const useKey = (action: string, context: Record<string, string>) =>
    decide({ principal: 'cloudwatch.amazonaws.com', action, resource: keyArn, resourcePolicy: keyPolicy, context });

  test('each of the two alarms may publish to the topic', async () => {
    expect(alarmArns).toHaveLength(2);
    for (const alarm of alarmArns) expect(await publish(fromAlarm(alarm))).toBe('Allowed');
  });

  test('each alarm may use the key to publish (GenerateDataKey, Decrypt)', async () => {
    for (const alarm of alarmArns) {
      expect(await useKey('kms:GenerateDataKey', fromAlarm(alarm))).toBe('Allowed');
      expect(await useKey('kms:Decrypt', fromAlarm(alarm))).toBe('Allowed');
    }
  });

  test("another account's alarm may neither publish nor use the key", async () => {
    expect(await publish(fromAlarm(otherAlarm, other))).toBe('ImplicitlyDenied');
    expect(await useKey('kms:GenerateDataKey', fromAlarm(otherAlarm, other))).toBe('ImplicitlyDenied');
  });

  test('an alarm of this account that does not notify the topic may not publish', async () => {
    expect(await publish(fromAlarm(`arn:aws:cloudwatch:${FAKE_ENV.region}:${FAKE_ENV.account}:alarm:someone-elses`))).toBe('ImplicitlyDenied');
  });

  test("a publisher of the account is refused without TLS (the topic's deny)", async () => {
    const admin = `arn:aws:iam::${FAKE_ENV.account}:role/admin`;
    const allowAll = { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] };
    const send = (tls: string) => decide({ principal: admin, action: 'sns:Publish', resource: topicArn, resourcePolicy: topicPolicy, identityPolicies: [allowAll], context: { 'aws:SecureTransport': tls } });
    expect(await send('true')).toBe('Allowed');
    expect(await send('false')).toBe('ExplicitlyDenied');
  });
});
