import { targetGroupNameFor } from '../../lib/cloud';

describe('targetGroupNameFor', () => {
  test.each([
    ['enterprise', 'us-east-1', 'st-enterprise-use1'],
    ['enterprise', 'eu-west-1', 'st-enterprise-euw1'],
    ['enterprise', 'ap-southeast-1', 'st-enterprise-apse1'],
    ['department', 'us-west-2', 'st-department-usw2'],
    ['department', 'us-gov-west-1', 'st-department-usgw1'],
    ['a2345678901234567890', 'ap-northeast-3', 'st-a2345678901234567890-apne3'],
  ])('%s in %s is %s', (tier, region, name) => {
    // GIVEN / WHEN / THEN
    expect(targetGroupNameFor(tier, region)).toBe(name);
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name).toMatch(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/);
  });

  test('throws if the tier is not a short DNS label or the region is not a region name', () => {
    expect(() => targetGroupNameFor('Enterprise', 'us-east-1')).toThrow(
      `[targetGroupNameFor] 'tier' must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 20 characters, got: "Enterprise"`,
    );
    expect(() => targetGroupNameFor('a23456789012345678901', 'useast')).toThrow(
      [
        `[targetGroupNameFor] 'tier' must be a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 20 characters, got: "a23456789012345678901"`,
        `[targetGroupNameFor] 'region' must be an AWS region name such as "us-east-1", got: "useast"`,
      ].join('\n'),
    );
  });
});
