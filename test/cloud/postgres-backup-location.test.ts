import { backupRetentionDays, postgresBackupLocationFor, postgresBackupRoleArn } from '../../lib/cloud';

describe('postgresBackupLocationFor', () => {
  test.each([
    ['enterprise', 'us-east-1', 'acme-enterprise-pg-backups-use1', 'acme-enterprise-pg-pgbackup-use1'],
    ['enterprise', 'eu-west-1', 'acme-enterprise-pg-backups-euw1', 'acme-enterprise-pg-pgbackup-euw1'],
    ['enterprise', 'ap-southeast-1', 'acme-enterprise-pg-backups-apse1', 'acme-enterprise-pg-pgbackup-apse1'],
    ['department', 'us-gov-west-1', 'acme-department-pg-backups-usgw1', 'acme-department-pg-pgbackup-usgw1'],
  ])('%s in %s: bucket %s, role %s', (tier, region, bucketName, roleName) => {
    // GIVEN / WHEN
    const location = postgresBackupLocationFor({ tier, region, bucketPrefix: 'acme', clusterName: 'pg' });

    // THEN
    expect(location).toEqual({
      bucketName,
      path: `${tier}/pg/`,
      destinationPath: `s3://${bucketName}/${tier}/pg/`,
      serverName: `pg-${region}`,
      memberName: `pg-${region}`,
      serviceAccountName: 'pg',
      namespace: tier,
      roleName,
      region,
    });
    expect(bucketName).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(roleName.length).toBeLessThanOrEqual(64);
  });

  test('a later generation archives into a fresh folder; the member name, bucket and path stay', () => {
    // GIVEN / WHEN
    const first = postgresBackupLocationFor({ tier: 'enterprise', region: 'us-east-1', bucketPrefix: 'acme', clusterName: 'pg' });
    const third = postgresBackupLocationFor({ tier: 'enterprise', region: 'us-east-1', bucketPrefix: 'acme', clusterName: 'pg', generation: 3 });

    // THEN
    expect([first.serverName, third.serverName]).toEqual(['pg-us-east-1', 'pg-us-east-1-g3']);
    expect(third).toMatchObject({ memberName: first.memberName, bucketName: first.bucketName, path: first.path, roleName: first.roleName });
    expect(() => postgresBackupLocationFor({ tier: 'enterprise', region: 'us-east-1', bucketPrefix: 'acme', clusterName: 'pg', generation: 0 }))
      .toThrow("[postgresBackupLocationFor] 'generation' must be an integer between 1 and 999, got: 0");
  });

  test('the path is the same in every region, the bucket and role differ', () => {
    // GIVEN
    const at = (region: string) => postgresBackupLocationFor({ tier: 'enterprise', region, bucketPrefix: 'acme', clusterName: 'pg' });

    // WHEN
    const [a, b] = [at('us-east-1'), at('eu-west-1')];

    // THEN
    expect(a.path).toBe(b.path);
    expect(a.bucketName).not.toBe(b.bucketName);
    expect(a.roleName).not.toBe(b.roleName);
  });

  test('the namespace can be set', () => {
    const location = postgresBackupLocationFor({ tier: 'team', region: 'us-east-1', bucketPrefix: 'acme', clusterName: 'pg', namespace: 'data' });
    expect(location.namespace).toBe('data');
    expect(() => postgresBackupLocationFor({ tier: 'team', region: 'us-east-1', bucketPrefix: 'acme', clusterName: 'pg', namespace: 'Data' })).toThrow(
      `[postgresBackupLocationFor] 'namespace' must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 63 characters, got: "Data"`,
    );
  });

  test('the role ARN names the role in the account and partition', () => {
    const location = postgresBackupLocationFor({ tier: 'enterprise', region: 'us-gov-west-1', bucketPrefix: 'acme', clusterName: 'pg' });
    expect(postgresBackupRoleArn(location, '123456789012', 'aws-us-gov')).toBe('arn:aws-us-gov:iam::123456789012:role/acme-enterprise-pg-pgbackup-usgw1');
    expect(postgresBackupRoleArn(location, '123456789012')).toBe('arn:aws:iam::123456789012:role/acme-enterprise-pg-pgbackup-usgw1');
  });

  test('throws if a part is not a DNS label or the region is not a region name', () => {
    expect(() => postgresBackupLocationFor({ tier: 'Enterprise', region: 'useast', bucketPrefix: 'Acme_', clusterName: '1pg' })).toThrow(
      [
        `[postgresBackupLocationFor] 'tier' must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 20 characters, got: "Enterprise"`,
        `[postgresBackupLocationFor] 'region' must be an AWS region name such as "us-east-1", got: "useast"`,
        `[postgresBackupLocationFor] 'bucketPrefix' must be lower-case letters, digits and '-', starting with a letter and not ending with '-', got: "Acme_"`,
        `[postgresBackupLocationFor] 'clusterName' must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 50 characters, got: "1pg"`,
      ].join('\n'),
    );
  });

  test('throws if the bucket name would be longer than 63 characters', () => {
    const bucketPrefix = 'a'.repeat(40);
    expect(() => postgresBackupLocationFor({ tier: 'enterprise', region: 'ap-southeast-1', bucketPrefix, clusterName: 'pg' })).toThrow(
      `[postgresBackupLocationFor] 'bucketPrefix' must be short enough for an S3 bucket name of 3 to 63 characters without a reserved prefix (got "${bucketPrefix}-enterprise-pg-backups-apse1"), got: "${bucketPrefix}"`,
    );
  });

  test('throws if the bucket name would use a prefix S3 reserves', () => {
    expect(() => postgresBackupLocationFor({ tier: 'team', region: 'us-east-1', bucketPrefix: 'sthree', clusterName: 'pg' })).toThrow(
      `[postgresBackupLocationFor] 'bucketPrefix' must be short enough for an S3 bucket name of 3 to 63 characters without a reserved prefix (got "sthree-team-pg-backups-use1"), got: "sthree"`,
    );
  });

  test('throws if the role name would be longer than 64 characters', () => {
    const clusterName = 'c'.repeat(40);
    expect(() => postgresBackupLocationFor({ tier: 'enterprise', region: 'us-east-1', bucketPrefix: 'acme', clusterName })).toThrow(
      `[postgresBackupLocationFor] 'clusterName' must be short enough for an IAM role name of at most 64 characters (got "acme-enterprise-${clusterName}-pgbackup-use1", 70), got: "${clusterName}"`,
    );
  });
});

describe('backupRetentionDays', () => {
  test.each([
    ['90d', 90],
    ['12w', 84],
    ['84m', 2604],
    ['1d', 1],
  ])('%s is kept %d days', (retention, days) => {
    expect(backupRetentionDays(retention)).toBe(days);
  });

  test('7 years as 84m is kept at least 7 calendar years', () => {
    expect(backupRetentionDays('84m')).toBeGreaterThanOrEqual(7 * 365 + 2);
  });

  test.each(['7y', '0d', '90', 'd', '-1d'])('throws if the retention is %s', (retention) => {
    expect(() => backupRetentionDays(retention)).toThrow(
      `[backupRetentionDays] 'retention' must be a Barman retention policy such as '90d', '12w' or '84m' (^[1-9][0-9]*[dwm]$), got: "${retention}"`,
    );
  });
});
