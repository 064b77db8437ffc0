/**
 * The rules shared by the regional web ACL (in front of an ALB) and the edge web ACL (in front of CloudFront): the
 * AWS managed common and known-bad-inputs rule sets, a per-client-IP rate limit and a limit on all requests, both
 * per minute (seed 003).
 */
import { Duration } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';

/**
 * The window WAF counts requests over for the rate-based rules. CloudFormation's `RateBasedStatement.Limit` is
 * the number of requests within `EvaluationWindowSec` (300 s unless set), so a per-minute limit is written with
 * a 60 s window as it is, rather than multiplied by 5 over the default window (which would allow bursts of
 * five minutes' worth of requests in one minute).
 */
export const RATE_LIMIT_WINDOW = Duration.minutes(1);


/** CloudWatch metrics and sampled requests under `<prefix>-<name>`. */
export function visibilityConfig(prefix: string, name: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${prefix}-${name}` };
}

/** The rules, in priority order: managed common (10), known bad inputs (20), per client (30), global (40). */
export function webAclRules(prefix: string, perClient: number, global: number): CfnWebACL.RuleProperty[] {
  const tooMany: CfnWebACL.RuleActionProperty = { block: { customResponse: { responseCode: 429 } } };
  const window = RATE_LIMIT_WINDOW.toSeconds();
  return [
    managedRule('AWSManagedRulesCommonRuleSet', 10, visibilityConfig(prefix, 'common')),
    managedRule('AWSManagedRulesKnownBadInputsRuleSet', 20, visibilityConfig(prefix, 'known-bad-inputs')),
    {
      name: 'per-client-rate',
      priority: 30,
      action: tooMany,
      visibilityConfig: visibilityConfig(prefix, 'per-client-rate'),
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: perClient, evaluationWindowSec: window } },
    },
    {
      name: 'global-rate',
      priority: 40,
      action: tooMany,
      visibilityConfig: visibilityConfig(prefix, 'global-rate'),
      statement: {
        rateBasedStatement: {
          // CONSTANT counts every request that matches the scope-down statement under one key.
          aggregateKeyType: 'CONSTANT',
          limit: global,
          evaluationWindowSec: window,
          scopeDownStatement: MATCH_ALL,
        },
      },
    },
  ];
}


function managedRule(name: string, priority: number, visibility: CfnWebACL.VisibilityConfigProperty, counted: string[] = []): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    visibilityConfig: visibility,
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(counted.length > 0 ? { ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
      },
    },
  };
}

/** The label the common rule set's body-size rule (`SizeRestrictions_BODY`, bodies over 8 KB) adds, also when counted. */
export const BODY_SIZE_LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';

/** What the edge web ACL's rules need (see `EdgeWebAclOptions` for the meaning and defaults). */
export interface EdgeRuleOptions {
  readonly perClientPerMinute: number;
  readonly apiPathPrefixes: string[];
  readonly ipReputation: boolean;
}

/**
 * The edge (CLOUDFRONT) rules, in priority order: the Amazon IP reputation list (5), the common rule set with its
 * 8 KB body limit counted instead of blocking (10), that body limit blocking outside the API paths (15), known bad
 * inputs (20) and the per-client rate (30). No tier-wide (CONSTANT) rate rule: one web ACL sees every region's
 * traffic, and a few clients under their own limit could push every user into 429.
 *
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html#aws-managed-rule-groups-baseline-crs
 */
export function edgeWebAclRules(prefix: string, o: EdgeRuleOptions): CfnWebACL.RuleProperty[] {
  const window = RATE_LIMIT_WINDOW.toSeconds();
  const startsWith = (p: string): CfnWebACL.StatementProperty => ({
    byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'STARTS_WITH', searchString: p, textTransformations: [{ priority: 0, type: 'NONE' }] },
  });
  const api: CfnWebACL.StatementProperty = o.apiPathPrefixes.length === 1 ? startsWith(o.apiPathPrefixes[0]) : { orStatement: { statements: o.apiPathPrefixes.map(startsWith) } };
  const bodyLimited = o.apiPathPrefixes.length > 0;
  return [
    ...(o.ipReputation ? [managedRule('AWSManagedRulesAmazonIpReputationList', 5, visibilityConfig(prefix, 'ip-reputation'))] : []),
    managedRule('AWSManagedRulesCommonRuleSet', 10, visibilityConfig(prefix, 'common'), bodyLimited ? ['SizeRestrictions_BODY'] : []),
    ...(bodyLimited
      ? [{
          name: 'body-size-outside-api',
          priority: 15,
          action: { block: {} },
          visibilityConfig: visibilityConfig(prefix, 'body-size-outside-api'),
          statement: { andStatement: { statements: [{ labelMatchStatement: { scope: 'LABEL', key: BODY_SIZE_LABEL } }, { notStatement: { statement: api } }] } },
        }]
      : []),
    managedRule('AWSManagedRulesKnownBadInputsRuleSet', 20, visibilityConfig(prefix, 'known-bad-inputs')),
    {
      name: 'per-client-rate',
      priority: 30,
      action: { block: { customResponse: { responseCode: 429 } } },
      visibilityConfig: visibilityConfig(prefix, 'per-client-rate'),
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: o.perClientPerMinute, evaluationWindowSec: window } },
    },
  ];
}

/** A statement every request matches: its URI path is at least 0 bytes long. */
const MATCH_ALL: CfnWebACL.StatementProperty = {
  sizeConstraintStatement: {
    fieldToMatch: { uriPath: {} },
    comparisonOperator: 'GE',
    size: 0,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
};
