import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EdgeWebAcl } from '../../lib/cloud';
import { DeployedTemplate, decide, FAKE_ENV, type PolicyDocument } from './_iam-simulate';

// WAF's logs to CloudWatch Logs, as the AWS guides describe the requests:
// - the log delivery service (delivery.logs.amazonaws.com) calls logs:CreateLogStream and logs:PutLogEvents on the
//   aws-waf-logs-* group's streams with aws:SourceAccount and aws:SourceArn (arn:aws:logs:<region>:<account>:...);
//   https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
// - CloudWatch Logs (logs.<region>.amazonaws.com) uses the group's KMS key with the encryption context
//   aws:logs:arn = the log group's ARN.
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
describe('EdgeWebAcl logs (IAM policy simulator)', () => {
  const stack = new Stack(new App(), 'edge', { env: FAKE_ENV });
  new EdgeWebAcl(stack, 'WebAcl', { name: 'shop-edge' });
  const deployed = new DeployedTemplate(Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string }> });
  const [raw] = Object.values(deployed.policies('AWS::Logs::ResourcePolicy')) as unknown as string[];
  const groupPolicy = JSON.parse(raw) as PolicyDocument;
  const [keyId] = deployed.idsOf('AWS::KMS::Key');
  const keyPolicy = deployed.properties(keyId).KeyPolicy as PolicyDocument;
  const keyArn = deployed.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }) as string;
  const group = (name: string) => `arn:aws:logs:${FAKE_ENV.region}:${FAKE_ENV.account}:log-group:${name}`;
  const stream = (name: string) => `${group(name)}:log-stream:${FAKE_ENV.region}_shop-edge_0`;
  const other = '222222222222';
  const source = (account: string) => ({ 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:logs:${FAKE_ENV.region}:${account}:delivery-source:waf` });
  const deliver = (action: string, resource: string, account: string) =>
    decide({ principal: 'delivery.logs.amazonaws.com', action, resource, resourcePolicy: groupPolicy, context: source(account) });

  test('the log delivery service may create streams and put events in the aws-waf-logs- group, for this account', async () => {
    expect(await deliver('logs:CreateLogStream', stream('aws-waf-logs-shop-edge'), FAKE_ENV.account)).toBe('Allowed');
    expect(await deliver('logs:PutLogEvents', stream('aws-waf-logs-shop-edge'), FAKE_ENV.account)).toBe('Allowed');
  });

  test("another account's delivery, or another log group, is refused", async () => {
    expect(await deliver('logs:PutLogEvents', stream('aws-waf-logs-shop-edge'), other)).toBe('ImplicitlyDenied');
    expect(await deliver('logs:PutLogEvents', stream('aws-waf-logs-someone-else'), FAKE_ENV.account)).toBe('ImplicitlyDenied');
  });

  // The simulator does not evaluate kms:EncryptionContext:<key> condition keys (it refuses every request that
  // carries one, matching or not), so the condition itself is checked by its text and named in lib/cloud/README.md;
  // the simulator still judges who may use the key.
  test('only CloudWatch Logs may use the key, and only under the log group\'s encryption context', async () => {
    const statement = keyPolicy.Statement.find((st) => st.Sid === 'CloudWatchLogsUseKey')!;
    expect(statement.Condition).toEqual({ ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': group('aws-waf-logs-shop-edge') } });
    const withoutCondition = { Statement: keyPolicy.Statement.map((st) => (st.Sid === 'CloudWatchLogsUseKey' ? Object.fromEntries(Object.entries(st).filter(([k]) => k !== 'Condition')) : st)) };
    const use = (principal: string) => decide({ principal, action: 'kms:GenerateDataKey', resource: keyArn, resourcePolicy: withoutCondition });
    expect(await use(`logs.${FAKE_ENV.region}.amazonaws.com`)).toBe('Allowed');
    expect(await use('delivery.logs.amazonaws.com')).toBe('ImplicitlyDenied');
    expect(await use('logs.eu-west-1.amazonaws.com')).toBe('ImplicitlyDenied');
  });
});
