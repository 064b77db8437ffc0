/**
 * The whole cloud app with the CDN on (enterprise; department opted in): a slow suite (two syntheses of every stack, with
 * cdk-nag), run by `npm run test:all`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createCloudApp } from '../../apps/cloud';
import { TIERS, department, deriveTier, enterprise } from '../../tiers';
import { ingressRules } from './_cloud';

describe('the cloud app with the CDN on (enterprise)', () => {
  const app = createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'edge-')) });
  const template = (name: string) => Template.fromStack(app.node.findChild(name) as Stack);
  type Resource = { Type: string; Properties: Record<string, unknown> };
  const resources = (name: string, type: string) => Object.values(template(name).toJSON().Resources as Record<string, Resource>).filter((r) => r.Type === type);

  test('enterprise is served through CloudFront; the edge stack is in us-east-1 and the regional stacks deploy after it', () => {
    const edge = app.node.findChild('enterprise-edge') as Stack;
    expect(edge.region).toBe('us-east-1');
    for (const r of enterprise.regions) expect((app.node.findChild(`enterprise-${r.name}`) as Stack).dependencies).toContain(edge);
    expect(app.node.tryFindChild('department-edge')).toBeUndefined();
  });

  test('the DNS chain: apex -> distribution -> origin name -> regional ALBs', () => {
    const records = resources('enterprise-dns', 'AWS::Route53::RecordSet');
    const dists = Object.entries(template('enterprise-edge').findResources('AWS::CloudFront::Distribution')) as Array<[string, { Properties: { DistributionConfig: { Aliases: string[]; Origins: Array<{ DomainName: string }> } } }]>;
    const outputs = template('enterprise-edge').toJSON().Outputs as Record<string, { Value: { 'Fn::GetAtt': [string, string] } }>;
    // apex and www (A and AAAA) -> the main distribution's domain name, through the edge stack's output
    for (const name of ['enterprise.example.com.', 'www.enterprise.example.com.', 'read.enterprise.example.com.']) {
      const aliases = records.filter((r) => r.Properties.Name === name && !r.Properties.SetIdentifier);
      expect(aliases.map((r) => r.Properties.Type).sort()).toEqual(['A', 'AAAA']);
      for (const r of aliases) {
        const dnsName = (r.Properties.AliasTarget as { DNSName: { 'Fn::GetStackOutput': { StackName: string; OutputName: string } } }).DNSName['Fn::GetStackOutput'];
        expect(dnsName.StackName).toBe('enterprise-edge');
        const [logicalId, attr] = outputs[dnsName.OutputName].Value['Fn::GetAtt'];
        expect(attr).toBe('DomainName');
        const dist = dists.find(([id]) => id === logicalId)![1];
        // distribution -> its origin name, which it answers under the record's name
        expect(dist.Properties.DistributionConfig.Aliases).toContain(name.slice(0, -1));
        const origin = dist.Properties.DistributionConfig.Origins[0].DomainName;
        expect(origin).toBe(name.startsWith('read.') ? 'origin-read.enterprise.example.com' : 'origin.enterprise.example.com');
      }
    }
    // origin name -> the serving regions' ALBs by latency (no Route 53 health checks: target health decides)
    const routed = records.filter((r) => r.Properties.SetIdentifier).map((r) => [r.Properties.Name, r.Properties.Region ?? r.Properties.Failover, (r.Properties.AliasTarget as { DNSName: { 'Fn::Join': [string, [string, { 'Fn::GetStackOutput': { StackName: string } }]] } }).DNSName['Fn::Join'][1][1]['Fn::GetStackOutput'].StackName, (r.Properties.AliasTarget as { EvaluateTargetHealth: boolean }).EvaluateTargetHealth]);
    expect(routed).toEqual([
      ['origin.enterprise.example.com.', 'us-east-1', 'enterprise-us-east-1', true],
      ['origin.enterprise.example.com.', 'eu-west-1', 'enterprise-eu-west-1', true],
      ['origin-read.enterprise.example.com.', 'PRIMARY', 'enterprise-ap-southeast-1', true],
      ['origin-read.enterprise.example.com.', 'SECONDARY', 'enterprise-us-east-1', true],
    ]);
    expect(resources('enterprise-dns', 'AWS::Route53::HealthCheck')).toHaveLength(0);
  });

  test.each(enterprise.regions.map((r) => [r.name]))('%s: no ALB ingress rule is open to the internet, and the header rule exists', (region) => {
    const name = `enterprise-${region}`;
    const json = JSON.stringify(template(name).toJSON());
    expect(json).not.toMatch(/"CidrIp(v6)?":"(0\.0\.0\.0\/0|::\/0)"/);
    const prefixLists: Record<string, string> = { 'us-east-1': 'pl-3b927c52', 'eu-west-1': 'pl-4fa04526', 'ap-southeast-1': 'pl-31a34658' };
    expect(ingressRules(template(name)).map((i) => [i.SourcePrefixListId, i.FromPort, i.CidrIp, i.CidrIpv6])).toEqual([[prefixLists[region], 443, undefined, undefined]]);
    template(name).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: ['{{resolve:secretsmanager:scaling-tiers/enterprise/origin-verify:SecretString::AWSCURRENT:}}'] } }],
    });
    // The app's health, through nginx: a region whose app is down has no healthy target and leaves origin.<name>.
    template(name).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health' });
  });

  test('the DNS stack (us-east-1) alarms on the 5xx error rate of both distributions, to its own topic', () => {
    const alarms = resources('enterprise-dns', 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a) => [a.Properties.Namespace, a.Properties.MetricName])).toEqual([
      ['AWS/CloudFront', '5xxErrorRate'],
      ['AWS/CloudFront', '5xxErrorRate'],
    ]);
    expect((app.node.findChild('enterprise-dns') as Stack).region).toBe('us-east-1');
    template('enterprise-dns').hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) } });
  });

  test('context originSecretVersions pins the version the edge sends and the ones the load balancers accept', () => {
    const [old, next] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const pinned = createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'edge-pinned-')), context: { originSecretVersions: { enterprise: { send: old, accept: [old, next] } } } });
    const edge = JSON.stringify(Template.fromStack(pinned.node.findChild('enterprise-edge') as Stack).toJSON());
    expect(edge).toContain(`:SecretString:::${old}}}`);
    expect(edge).not.toContain(next);
    Template.fromStack(pinned.node.findChild('enterprise-eu-west-1') as Stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ HttpHeaderConfig: { Values: [old, next].map((v) => `{{resolve:secretsmanager:scaling-tiers/enterprise/origin-verify:SecretString:::${v}}}`) } }],
    });
    expect(() => createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'edge-bad-')), context: { originSecretVersions: { enterprise: { send: next, accept: [old] } } } })).toThrow(
      `'originSecretVersions["enterprise"].accept' must be a list that includes the version sent, "${next}" (else every region answers 403), got: ["${old}"]`,
    );
  });

  test('one origin secret, replicated to the regions outside us-east-1, shared by both distributions', () => {
    const secrets = resources('enterprise-edge', 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].Properties).toMatchObject({ Name: 'scaling-tiers/enterprise/origin-verify', ReplicaRegions: [{ Region: 'eu-west-1' }, { Region: 'ap-southeast-1' }] });
    expect(resources('enterprise-edge', 'AWS::CloudFront::Distribution')).toHaveLength(2);
  });

  test('department can opt in', () => {
    const opted = deriveTier(department, { cdn: { enabled: true } });
    const withCdn = createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'edge-dept-')), tiers: TIERS.map((t) => (t.name === 'department' ? opted : t)) });
    withCdn.synth(); // cdk-nag (both packs) runs as a validation plugin: a finding would throw
    const edge = Template.fromStack(withCdn.node.findChild('department-edge') as Stack);
    edge.resourceCountIs('AWS::CloudFront::Distribution', 1); // no read-only region, no read distribution
    const dns = Template.fromStack(withCdn.node.findChild('department-dns') as Stack);
    dns.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.department.example.com.', Failover: 'PRIMARY' });
    dns.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'origin.department.example.com.', Failover: 'SECONDARY' });
  });

  test('edge stack snapshot', () => {
    expect(template('enterprise-edge').toJSON()).toMatchSnapshot();
  });
});
