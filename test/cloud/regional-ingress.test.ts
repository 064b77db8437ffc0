import { Match, Template } from 'aws-cdk-lib/assertions';
import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { RegionalIngress, RegionalIngressProps } from '../../lib/cloud';
import { certificateIn, errorOf, regionalStack } from './_cloud';

const BASE: RegionalIngressProps = { tier: 'enterprise', certificateArn: certificateIn('us-east-1') };

function build(props: Partial<RegionalIngressProps> = {}, region = 'us-east-1') {
  const stack = regionalStack(region);
  const ingress = new RegionalIngress(stack, 'Ingress', { ...BASE, certificateArn: certificateIn(region), ...props });
  return { stack, ingress, template: Template.fromStack(stack) };
}

describe('RegionalIngress (production)', () => {
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build({ production: true, vpcCidr: '10.30.0.0/16' });
  });

  test('exposes the fixed target group name and the VPC CIDR known at synth time', () => {
    expect(built.ingress.targetGroupName).toBe('st-enterprise-use1');
    expect(built.ingress.vpcCidr).toBe('10.30.0.0/16');
    built.template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.30.0.0/16' });
  });

  test('the VPC spans two zones given explicitly: synthesis makes no context lookup', () => {
    built.template.resourceCountIs('AWS::EC2::Subnet', 4);
    built.template.resourceCountIs('AWS::EC2::NatGateway', 2);
    built.template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'us-east-1a', MapPublicIpOnLaunch: false });
    built.template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'us-east-1b' });
    const assembly = built.stack.node.root as unknown as { synth(): { manifest: { missing?: unknown[] } } };
    expect(assembly.synth().manifest.missing).toBeUndefined();
  });

  test('the load balancer drops invalid headers, mitigates desync defensively, is protected and logs', () => {
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'routing.http.desync_mitigation_mode', Value: 'defensive' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
  });

  test('HTTPS with a TLS 1.3 policy and the certificate; HTTP redirects to HTTPS', () => {
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
      Certificates: [{ CertificateArn: certificateIn('us-east-1') }],
    });
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } }],
    });
  });

  test('the target group: IP targets, fixed name, health check, deregistration delay, lb_cookie stickiness', () => {
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: 'st-enterprise-use1',
      TargetType: 'ip',
      Port: 8080,
      Protocol: 'HTTP',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '60' },
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
      ]),
    });
  });

  test('the logs bucket: SSE-S3, no public access, TLS only, expiring logs', () => {
    built.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    built.template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL' });
  });

  test('the web ACL: managed rule sets and per-minute rate limits, associated with the load balancer', () => {
    built.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: [
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
        Match.objectLike({ Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 60 } } }),
        Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'CONSTANT', Limit: 5000, EvaluationWindowSec: 60 }) } }),
      ],
    });
    built.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('^IngressLoadBalancer') },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IngressWebAcl'), 'Arn'] },
    });
  });

  test('the ALB may reach only the target port in the VPC', () => {
    built.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '10.30.0.0/16', FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp', Description: Match.anyValue() }],
    });
  });

  test('snapshot', () => {
    expect(built.template.toJSON()).toMatchSnapshot();
  });
});

describe('RegionalIngress (not production)', () => {
  test('no deletion protection and no web ACL unless asked', () => {
    const { template } = build({}, 'eu-west-1');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Name: 'st-enterprise-euw1' });
  });
});

describe('RegionalIngress bad input', () => {
  test('throws one error naming every bad prop', () => {
    const message = errorOf(() =>
      build({
        certificateArn: certificateIn('eu-west-1'),
        vpcCidr: '10.0.0.0/8',
        desyncMitigationMode: elbv2.DesyncMitigationMode.MONITOR,
        sslPolicy: elbv2.SslPolicy.TLS12,
        stickinessDuration: Duration.days(8),
        tier: 'Enterprise',
      }),
    );
    expect(message).toBe(
      [
        `[test-us-east-1/Ingress] 'certificateArn' must be a certificate in the stack's region (us-east-1), got: "${certificateIn('eu-west-1')}"`,
        `[test-us-east-1/Ingress] 'vpcCidr' must be an IPv4 CIDR from /16 to /24 such as "10.30.0.0/16", got: "10.0.0.0/8"`,
        `[test-us-east-1/Ingress] 'desyncMitigationMode' must be 'defensive' or 'strictest' (monitor lets desync attacks through), got: "monitor"`,
        `[test-us-east-1/Ingress] 'sslPolicy' must be a TLS 1.3 policy (ELBSecurityPolicy-TLS13-*), got: "ELBSecurityPolicy-TLS-1-2-2017-01"`,
        `[test-us-east-1/Ingress] 'stickinessDuration' must be between 1 second and 7 days, got: "691200s"`,
        `[test-us-east-1/Ingress] 'tier' must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 20 characters, got: "Enterprise"`,
      ].join('\n'),
    );
  });

  test('throws if the certificate ARN is not an ACM ARN', () => {
    expect(errorOf(() => build({ certificateArn: 'arn:aws:iam::111111111111:server-certificate/x' }))).toBe(
      `[test-us-east-1/Ingress] 'certificateArn' must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got: "arn:aws:iam::111111111111:server-certificate/x"`,
    );
  });

  test('throws if the zones are not the region\'s', () => {
    expect(errorOf(() => build({ availabilityZones: ['us-east-1a', 'us-west-2a'] }))).toBe(
      `[test-us-east-1/Ingress] 'availabilityZones' must be at least 2 distinct zone names of the stack's region (e.g. "us-east-1a"), got: ["us-east-1a","us-west-2a"]`,
    );
  });
});
