import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { TierAlarms } from '../../lib/cloud';
import { CONTEXT, errorOf, regionalStack } from './_cloud';

/** A regional stack with a minimal ALB and target group, and the tier's alarms on them. */
function regional(region = 'eu-west-1', app = new App({ context: CONTEXT })) {
  const stack = regionalStack(region, app);
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: stack.availabilityZones, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc, port: 443, protocol: elbv2.ApplicationProtocol.HTTPS, targetType: elbv2.TargetType.IP });
  loadBalancer.addListener('L', { port: 80, defaultTargetGroups: [targetGroup] });
  const alarms = new TierAlarms(stack, 'Alarms', { tier: 'enterprise', loadBalancer, targetGroup });
  return { stack, alarms, get template() { return Template.fromStack(stack); } };
}

/** A us-east-1 stack with two health checks and their alarms. */
function global(region = 'us-east-1', app = new App()) {
  const stack = new Stack(app, 'dns', { env: { account: '111111111111', region } });
  const healthChecks = Object.fromEntries(['us-east-1', 'eu-west-1'].map((r) => [r, new route53.HealthCheck(stack, `Hc-${r}`, { type: route53.HealthCheckType.HTTPS, fqdn: `${r}.example.com`, resourcePath: '/health' })]));
  const alarms = new TierAlarms(stack, 'Alarms', { tier: 'enterprise', healthChecks });
  return { stack, alarms, get template() { return Template.fromStack(stack); } };
}

describe('TierAlarms, regional (ALB)', () => {
  test('a KMS-encrypted topic, rotated key usable by CloudWatch, TLS-only publishing', () => {
    const { template } = regional();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    // CloudWatch may publish, for the two alarms only (proven by the simulator in tier-alarms-iam.test.ts).
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: Match.objectLike({ ArnEquals: { 'aws:SourceArn': [Match.anyValue(), Match.anyValue()] } }) })]),
      },
    });
  });

  test('a 5xx-share alarm and an unhealthy-target alarm, each notifying the topic on alarm and on recovery', () => {
    const { template, alarms } = regional();
    expect(Object.keys(alarms.alarms)).toEqual(['Http5xx', 'UnhealthyTargets']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    const topic = { Ref: Match.stringLikeRegexp('^AlarmsTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 5,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * (FILL(elb, 0) + FILL(target, 0)) / FILL(requests, 1)', ReturnData: true }),
        Match.objectLike({ Id: 'elb', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HTTPCode_ELB_5XX_Count', Namespace: 'AWS/ApplicationELB' }), Stat: 'Sum', Period: 60 }) }),
        Match.objectLike({ Id: 'target', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }) }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      AlarmActions: [topic],
    });
  });

  test('template snapshot', () => {
    expect(regional().template.toJSON()).toMatchSnapshot();
  });
});

describe('TierAlarms, global (Route 53 health checks)', () => {
  test('one HealthCheckStatus alarm per health check, missing data breaching', () => {
    const { template, alarms } = global();
    expect(Object.keys(alarms.alarms)).toEqual(['HealthCheck-us-east-1', 'HealthCheck-eu-west-1']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: Match.stringLikeRegexp('^Hceuwest1') } }],
      Statistic: 'Minimum',
      Period: 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 5,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
    });
  });

  test('template snapshot', () => {
    expect(global().template.toJSON()).toMatchSnapshot();
  });

  test('throws if health checks are alarmed outside us-east-1', () => {
    expect(errorOf(() => global('eu-west-1'))).toBe(
      "[dns/Alarms] 'healthChecks' must be none in a stack outside us-east-1 (stack region: eu-west-1): Route 53 publishes health-check metrics only there, got: [\"us-east-1\",\"eu-west-1\"]",
    );
  });
});

describe('TierAlarms, edge (CloudFront)', () => {
  const edge = (region = 'us-east-1') => {
    const stack = new Stack(new App(), 'edge', { env: { account: '111111111111', region } });
    const distribution = cloudfront.Distribution.fromDistributionAttributes(stack, 'D', { distributionId: 'E2EXAMPLE', domainName: 'd.cloudfront.net' });
    const alarms = new TierAlarms(stack, 'Alarms', { tier: 'enterprise', distributions: { main: distribution } });
    return { alarms, template: Template.fromStack(stack) };
  };

  test("a 5xx error-rate alarm per distribution on CloudFront's global metric, notifying the topic", () => {
    const { alarms, template } = edge();
    expect(Object.keys(alarms.alarms)).toEqual(['CloudFront5xx-main']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      Dimensions: Match.arrayWith([{ Name: 'DistributionId', Value: 'E2EXAMPLE' }, { Name: 'Region', Value: 'Global' }]),
      Statistic: 'Average',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 5,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
    });
  });

  test('throws if a distribution is alarmed outside us-east-1', () => {
    expect(errorOf(() => edge('eu-west-1'))).toBe(
      "[edge/Alarms] 'distributions' must be none in a stack outside us-east-1 (stack region: eu-west-1): CloudFront publishes its metrics only there, got: [\"main\"]",
    );
  });
});

describe('TierAlarms props', () => {
  test('throws on an impossible 5xx share and evaluation time', () => {
    const stack = new Stack(new App(), 's', { env: { account: '111111111111', region: 'us-east-1' } });
    expect(errorOf(() => new TierAlarms(stack, 'A', { tier: 't', http5xxPercent: 0, evaluationMinutes: 0.5 }))).toBe(
      "[s/A] 'http5xxPercent' must be a percentage above 0 and at most 100, got: 0\n[s/A] 'evaluationMinutes' must be an integer between 1 and 60, got: 0.5",
    );
  });

  test('cdk-nag (AwsSolutions, NIST 800-53 r5) reports no error on the alarms, key or topic', () => {
    // GIVEN both kinds of stack in an app with cdk-nag as validation plugins (as apps/cloud.ts runs it)
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tier-alarms-'));
    const app = new App({ context: CONTEXT, outdir });
    const { stack } = regional('eu-west-1', app);
    global('us-east-1', app);
    // The minimal test ALB and VPC are not what is under test (RegionalIngress has their hardening).
    Validations.of(stack.node.findChild('Vpc')).acknowledge({ id: 'CloudFormation-Validate::W3010', reason: 'Zones given so the test needs no lookup.' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
    // WHEN / THEN: any finding on the alarms, key or topic fails synthesis
    let report = '';
    try {
      app.synth();
    } catch (e) {
      report = (e as Error).message;
    }
    expect(report).toContain('(AwsSolutions)'); // the plugins ran: the bare test VPC and ALB have findings
    expect(report.split('\n').filter((l) => /\/Alarms\//.test(l))).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
