import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeDistribution, RegionalIngress } from '../../lib/cloud';
import { CONTEXT, certificateIn, errorOf, regionalStack } from './_cloud';

// The rotation of lib/cloud/README.md ("Rotating the origin secret"), one synthesis per deploy. CloudFormation
// resolves a dynamic reference only when the resource holding it is updated, and updates it only when its template
// text changes; so each step must change exactly the side that has to move, and the other side's text not at all.
const NAME = 'scaling-tiers/enterprise/origin-verify';
const OLD = '11111111-1111-4111-8111-111111111111';
const NEW = '22222222-2222-4222-8222-222222222222';

/** The edge and one regional stack, for the versions the edge sends and the ALB accepts. */
function synth(send?: string, accept?: string[]) {
  const app = new App({ context: CONTEXT });
  const edgeStack = new Stack(app, 'edge', { env: { account: '111111111111', region: 'us-east-1' } });
  new EdgeDistribution(edgeStack, 'Edge', {
    domainName: 'enterprise.example.com',
    originDomainName: 'origin.enterprise.example.com',
    certificateArn: certificateIn('us-east-1'),
    originSecretName: NAME,
    originSecretReplicaRegions: ['eu-west-1'],
    originSecretVersion: send,
  });
  const regional = regionalStack('eu-west-1', app);
  new RegionalIngress(regional, 'Ingress', { tier: 'enterprise', certificateArn: certificateIn('eu-west-1'), originProtection: { secretName: NAME, acceptedSecretVersions: accept } });
  const edge = Template.fromStack(edgeStack).toJSON();
  const region = Template.fromStack(regional).toJSON();
  const resources = (t: typeof edge, type: string) => Object.values(t.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).filter((r) => r.Type === type);
  const [distribution] = resources(edge, 'AWS::CloudFront::Distribution');
  const origin = (distribution.Properties.DistributionConfig as { Origins: Array<{ OriginCustomHeaders: Array<{ HeaderValue: { 'Fn::Join': [string, unknown[]] } }> }> }).Origins[0];
  const [rule] = resources(region, 'AWS::ElasticLoadBalancingV2::ListenerRule');
  return {
    /** The dynamic reference the distribution sends, with the secret's ARN as `<arn>`. */
    sent: origin.OriginCustomHeaders[0].HeaderValue['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<arn>')).join(''),
    /** The dynamic references the listener rule accepts. */
    accepted: (rule.Properties.Conditions as Array<{ HttpHeaderConfig: { Values: string[] } }>)[0].HttpHeaderConfig.Values,
    edge: JSON.stringify(edge),
    region: JSON.stringify(region),
  };
}

const byStage = (stage: string) => `{{resolve:secretsmanager:${NAME}:SecretString::${stage}:}}`;
const byId = (id: string) => `{{resolve:secretsmanager:${NAME}:SecretString:::${id}}}`;
const sentById = (id: string) => `{{resolve:secretsmanager:<arn>:SecretString:::${id}}}`;

describe('rotating the origin secret in three deploys', () => {
  const first = synth();
  const pinned = synth(OLD, [OLD]);
  const step1 = synth(OLD, [OLD, NEW]);
  const step2 = synth(NEW, [OLD, NEW]);
  const step3 = synth(NEW, [NEW]);

  test('first deploy: both sides read the current value', () => {
    expect(first.sent).toBe('{{resolve:secretsmanager:<arn>:SecretString::AWSCURRENT:}}');
    expect(first.accepted).toEqual([byStage('AWSCURRENT')]);
  });

  test('pinning the version in use changes the text, not the value', () => {
    expect(pinned.sent).toBe(sentById(OLD));
    expect(pinned.accepted).toEqual([byId(OLD)]);
  });

  test('deploy 1 (accept the new value too): only the listener rules change; the edge still sends the old value', () => {
    expect(step1.accepted).toEqual([byId(OLD), byId(NEW)]);
    expect(step1.edge).toBe(pinned.edge);
    expect(step1.region).not.toBe(pinned.region);
  });

  test('deploy 2 (send the new value): only the distribution changes; the listener rules accept both', () => {
    expect(step2.sent).toBe(sentById(NEW));
    expect(step2.region).toBe(step1.region);
    expect(step2.edge).not.toBe(step1.edge);
  });

  test('deploy 3 (drop the old value): only the listener rules change', () => {
    expect(step3.accepted).toEqual([byId(NEW)]);
    expect(step3.edge).toBe(step2.edge);
    expect(step3.region).not.toBe(step2.region);
  });

  test('the edge secret is kept when its stack is deleted or it is replaced, not when its first create fails', () => {
    const secret = Object.values(JSON.parse(first.edge).Resources as Record<string, { Type: string; DeletionPolicy: string; UpdateReplacePolicy: string }>).find((r) => r.Type === 'AWS::SecretsManager::Secret')!;
    expect([secret.DeletionPolicy, secret.UpdateReplacePolicy]).toEqual(['RetainExceptOnCreate', 'Retain']);
  });

  test('throws on versions a dynamic reference cannot name, and on more than two accepted values', () => {
    expect(errorOf(() => synth('v2'))).toBe(
      "[edge/Edge] 'originSecretVersion' must be a version id (32 to 64 letters, digits or '-', as `aws secretsmanager list-secret-version-ids` prints it) or a staging label 'AWSCURRENT', 'AWSPREVIOUS' or 'AWSPENDING', got: \"v2\"",
    );
    expect(errorOf(() => synth(NEW, [OLD, NEW, 'AWSCURRENT']))).toBe(
      `[test-eu-west-1/Ingress] 'originProtection.acceptedSecretVersions' must be one or two distinct versions (the current and, during a rotation, the previous), got: ["${OLD}","${NEW}","AWSCURRENT"]`,
    );
  });
});
