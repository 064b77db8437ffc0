import { DeployedTemplate, decide, FAKE_ENV } from './_iam-simulate';

// The simulator itself, on the rule the backup bucket once got wrong: a negated operator (`StringNotEquals`, with or
// without `IfExists`) is true when the request lacks the key, so a deny under it alone refuses requests that send no
// header at all; `"Null": {key: "false"}` in the same condition limits the deny to requests that carry the key.
describe('the IAM policy simulator', () => {
  const role = `arn:aws:iam::${FAKE_ENV.account}:role/writer`;
  const allowPut = { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }] };
  const sse = 's3:x-amz-server-side-encryption';
  const denyUnlessKms = (condition: Record<string, unknown>) => ({
    Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*', Condition: condition }],
  });
  const put = (condition: Record<string, unknown>, context: Record<string, string>) =>
    decide({ principal: role, action: 's3:PutObject', resource: 'arn:aws:s3:::b/key', identityPolicies: [allowPut], resourcePolicy: denyUnlessKms(condition), context });

  it('denies a request without the header under StringNotEqualsIfExists and StringNotEquals', async () => {
    expect(await put({ StringNotEqualsIfExists: { [sse]: 'aws:kms' } }, {})).toBe('ExplicitlyDenied');
    expect(await put({ StringNotEquals: { [sse]: 'aws:kms' } }, {})).toBe('ExplicitlyDenied');
  });
  it('limits the deny to a present, wrong header with a Null check', async () => {
    const condition = { StringNotEquals: { [sse]: 'aws:kms' }, Null: { [sse]: 'false' } };
    expect(await put(condition, {})).toBe('Allowed');
    expect(await put(condition, { [sse]: 'aws:kms' })).toBe('Allowed');
    expect(await put(condition, { [sse]: 'AES256' })).toBe('ExplicitlyDenied');
  });
  it('denies implicitly without an allow', async () => {
    expect(await decide({ principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::b/key', identityPolicies: [allowPut] })).toBe('ImplicitlyDenied');
  });
  it('resolves intrinsic functions as CloudFormation would', () => {
    const t = new DeployedTemplate({ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'backups' } }, K: { Type: 'AWS::KMS::Key' } } });
    expect(t.resolve({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['B', 'Arn'] }, '/*']] })).toBe('arn:aws:s3:::backups/*');
    expect(t.resolve({ 'Fn::GetAtt': ['K', 'Arn'] })).toBe(`arn:aws:kms:${FAKE_ENV.region}:${FAKE_ENV.account}:key/key-K`);
    expect(t.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${B}' })).toBe('arn:aws:s3:::backups');
    expect(() => t.resolve({ 'Fn::ImportValue': 'x' })).toThrow(/not resolved yet/);
  });
});
