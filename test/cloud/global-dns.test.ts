import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Continent } from 'aws-cdk-lib/aws-route53';
import { GlobalDns, GlobalDnsProps, GlobalDnsRegion } from '../../lib/cloud';
import { CONTEXT, errorOf, regionalStack } from './_cloud';

type Role = GlobalDnsRegion['role'];

/** An app with a minimal ALB per region (in its own stack) and a DNS stack in us-east-1. */
function build(regions: Array<[string, Role]>, props: Partial<GlobalDnsProps> = {}) {
  const app = new App({ context: CONTEXT });
  const dnsRegions = regions.map(([region, role]) => {
    const stack = regionalStack(region, app);
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: stack.availabilityZones, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    Validations.of(vpc).acknowledge({ id: 'CloudFormation-Validate::W3010', reason: 'Zones given so the test needs no lookup.' });
    return { region, role, loadBalancer: new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true }) };
  });
  const stack = new Stack(app, 'dns', { env: { account: '111111111111', region: 'us-east-1' } });
  const dns = new GlobalDns(stack, 'Dns', { domainName: 'app.example.com', regions: dnsRegions, ...props });
  return { dns, template: Template.fromStack(stack) };
}

const aliasTo = (region: string) => ({
  DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetStackOutput': Match.objectLike({ StackName: `test-${region}`, Region: region }) }]] },
  EvaluateTargetHealth: true,
  HostedZoneId: { 'Fn::GetStackOutput': Match.objectLike({ StackName: `test-${region}`, Region: region }) },
});

describe('GlobalDns, latency routing with a read-only region (enterprise)', () => {
  let built: ReturnType<typeof build>;
  beforeAll(() => {
    built = build([
      ['us-east-1', 'primary'],
      ['eu-west-1', 'secondary'],
      ['ap-southeast-1', 'read-only'],
    ]);
  });

  test('a public zone and one latency record per serving region, each with its health check', () => {
    const { template, dns } = built;
    expect(dns.routing).toBe('latency');
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'app.example.com.' });
    for (const region of ['us-east-1', 'eu-west-1']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'app.example.com.',
        Type: 'A',
        Region: region,
        SetIdentifier: `latency-${region}`,
        AliasTarget: aliasTo(region),
        HealthCheckId: { Ref: Match.stringLikeRegexp(`^DnsHealthCheck${region.replace(/-/g, '')}`) },
      });
    }
  });

  test('the read-only region has its own name, failing over to the primary, and is not in the latency set', () => {
    const { template } = built;
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'read.app.example.com.', Failover: 'PRIMARY', AliasTarget: aliasTo('ap-southeast-1') });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'read.app.example.com.', Failover: 'SECONDARY', AliasTarget: aliasTo('us-east-1') });
    const main = Object.values(template.findResources('AWS::Route53::RecordSet', { Properties: { Name: 'app.example.com.' } }));
    expect(main.map((r) => r.Properties.Region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('HTTPS health checks on /health of each load balancer', () => {
    const { template } = built;
    template.resourceCountIs('AWS::Route53::HealthCheck', 3);
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTPS',
        Port: 443,
        ResourcePath: '/health',
        EnableSNI: true,
        RequestInterval: 30,
        FailureThreshold: 3,
        FullyQualifiedDomainName: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'test-eu-west-1', Region: 'eu-west-1' }) },
      }),
    });
  });

  test('snapshot', () => {
    expect(built.template.toJSON()).toMatchSnapshot();
  });
});

describe('GlobalDns, failover (department)', () => {
  test('PRIMARY and SECONDARY records with health checks, in an imported zone', () => {
    const { template, dns } = build(
      [
        ['us-east-1', 'primary'],
        ['us-west-2', 'standby'],
      ],
      { hostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' } },
    );
    expect(dns.routing).toBe('failover');
    template.resourceCountIs('AWS::Route53::HostedZone', 0);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      Name: 'app.example.com.',
      Failover: 'PRIMARY',
      SetIdentifier: 'primary-us-east-1',
      AliasTarget: aliasTo('us-east-1'),
      HealthCheckId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'app.example.com.',
      Failover: 'SECONDARY',
      AliasTarget: aliasTo('us-west-2'),
      HealthCheckId: Match.anyValue(),
    });
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('GlobalDns, geolocation', () => {
  test('one record per mapped continent and a default record to the primary', () => {
    const { template } = build(
      [
        ['us-east-1', 'primary'],
        ['eu-west-1', 'secondary'],
      ],
      { routing: 'geolocation', continents: { [Continent.EUROPE]: 'eu-west-1', [Continent.AFRICA]: 'eu-west-1' } },
    );
    template.hasResourceProperties('AWS::Route53::RecordSet', { GeoLocation: { CountryCode: '*' }, AliasTarget: aliasTo('us-east-1') });
    template.hasResourceProperties('AWS::Route53::RecordSet', { GeoLocation: { ContinentCode: 'EU' }, AliasTarget: aliasTo('eu-west-1'), HealthCheckId: Match.anyValue() });
    template.hasResourceProperties('AWS::Route53::RecordSet', { GeoLocation: { ContinentCode: 'AF' }, AliasTarget: aliasTo('eu-west-1') });
    template.resourceCountIs('AWS::Route53::RecordSet', 3);
  });
});

describe('GlobalDns bad input', () => {
  /** GlobalDns with fake load balancers: validation runs before they are used. */
  function fail(regions: Array<[string, Role]>, props: Partial<GlobalDnsProps> = {}): string {
    const stack = new Stack(new App(), 'dns', { env: { account: '111111111111', region: 'us-east-1' } });
    const lb = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Lb', {
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/x/0123456789abcdef',
      securityGroupId: 'sg-12345678',
      loadBalancerDnsName: 'x.us-east-1.elb.amazonaws.com',
      loadBalancerCanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    });
    return errorOf(() => new GlobalDns(stack, 'Dns', { domainName: 'app.example.com', regions: regions.map(([region, role]) => ({ region, role, loadBalancer: lb })), ...props }));
  }

  test('throws if there are no regions', () => {
    expect(fail([])).toBe(`[dns/Dns] 'regions' must be at least one region, got: []`);
  });

  test('throws if a region is listed twice or unknown', () => {
    expect(fail([['us-east-1', 'primary'], ['us-east-1', 'secondary'], ['mars-north-1', 'secondary']])).toBe(
      [
        `[dns/Dns] 'regions[1].region' must be a region not listed twice, got: "us-east-1"`,
        `[dns/Dns] 'regions[2].region' must be a known AWS region name such as "us-east-1", got: "mars-north-1"`,
      ].join('\n'),
    );
  });

  test('throws if failover has no single primary', () => {
    expect(fail([['us-east-1', 'standby'], ['us-west-2', 'standby']])).toBe(
      [
        `[dns/Dns] 'regions' must be exactly one region with role 'primary', got: ["us-east-1:standby","us-west-2:standby"]`,
        `[dns/Dns] 'regions' must be one 'primary' and one 'standby' (and no 'secondary') with 'failover' routing, got: ["us-east-1:standby","us-west-2:standby"]`,
      ].join('\n'),
    );
  });

  test('throws if a standby is routed by latency', () => {
    expect(fail([['us-east-1', 'primary'], ['us-west-2', 'standby']], { routing: 'latency' })).toBe(
      `[dns/Dns] 'routing' must be 'failover' when a region is a 'standby' (a standby serves only when the primary fails), got: "latency"`,
    );
  });

  test('throws if the domain name is invalid or outside the zone', () => {
    expect(fail([['us-east-1', 'primary']], { domainName: 'App_.example.com.' })).toBe(
      `[dns/Dns] 'domainName' must be a lower-case fully qualified domain name such as "app.example.com" (no trailing dot), got: "App_.example.com."`,
    );
    expect(fail([['us-east-1', 'primary']], { hostedZone: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.org' } })).toBe(
      `[dns/Dns] 'domainName' must be a name in the hosted zone "example.org", got: "app.example.com"`,
    );
  });

  test('throws if a continent maps to a region that does not serve the main name', () => {
    expect(fail([['us-east-1', 'primary'], ['ap-southeast-1', 'read-only']], { routing: 'geolocation', continents: { [Continent.ASIA]: 'ap-southeast-1' } })).toBe(
      `[dns/Dns] 'continents.AS' must be a 'primary' or 'secondary' region (us-east-1), got: "ap-southeast-1"`,
    );
  });
});
