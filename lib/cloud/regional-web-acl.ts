import { Duration, Token, Validations } from 'aws-cdk-lib';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';

/** Request-rate limits enforced by a {@link RegionalWebAcl}. */
export interface WebAclRateLimits {
  /**
   * Requests per minute from one client IP address; more are answered with 429.
   *
   * @default 1000 - seed 003's per-user limit
   */
  readonly perClientPerMinute?: number;
  /**
   * Requests per minute across all clients of this region's load balancer; more are answered with 429. The web
   * ACL is regional, so every region enforces this limit on its own traffic.
   *
   * @default 5000 - seed 003's global limit
   */
  readonly globalPerMinute?: number;
}

/** Props of {@link RegionalWebAcl}. */
export interface RegionalWebAclProps {
  /** The ARN of the Application Load Balancer the web ACL protects. */
  readonly resourceArn: string;
  /**
   * The prefix of the CloudWatch metric names of the web ACL and its rules.
   *
   * @default - the construct's unique id
   */
  readonly metricPrefix?: string;
  /**
   * Request-rate limits.
   *
   * @default - 1000 per client and 5000 in all per minute (seed 003)
   */
  readonly rateLimits?: WebAclRateLimits;
}

/**
 * The window WAF counts requests over for the rate-based rules. CloudFormation's `RateBasedStatement.Limit` is
 * the number of requests within `EvaluationWindowSec` (300 s unless set), so a per-minute limit is written with
 * a 60 s window as it is, rather than multiplied by 5 over the default window (which would allow bursts of
 * five minutes' worth of requests in one minute).
 */
export const RATE_LIMIT_WINDOW = Duration.minutes(1);

/**
 * A REGIONAL AWS WAFv2 web ACL attached to an Application Load Balancer: the AWS managed common rule set and
 * known-bad-inputs rule set, a per-client-IP rate limit and a limit on all requests (both per minute).
 *
 * Resources: `AWS::WAFv2::WebACL`, `AWS::WAFv2::WebACLAssociation`.
 *
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
export class RegionalWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: CfnWebACL;
  /** Its association with the load balancer. */
  public readonly association: CfnWebACLAssociation;
  /** The per-client-IP limit, requests per minute. */
  public readonly perClientPerMinute: number;
  /** The limit on all requests, per minute. */
  public readonly globalPerMinute: number;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps) {
    super(scope, id);
    const perClient = props.rateLimits?.perClientPerMinute ?? 1000;
    const global = props.rateLimits?.globalPerMinute ?? 5000;
    const prefix = props.metricPrefix ?? this.node.addr.slice(0, 12);
    const problems = new Problems(this.node.path);
    // WAF's RateBasedStatement.Limit accepts 10 to 2,000,000,000 requests per window.
    if (!isLimit(perClient)) problems.add('rateLimits.perClientPerMinute', perClient, 'an integer between 10 and 2000000000');
    if (!isLimit(global)) problems.add('rateLimits.globalPerMinute', global, 'an integer between 10 and 2000000000');
    if (isLimit(perClient) && isLimit(global) && perClient > global) {
      problems.addMessage(`'rateLimits.perClientPerMinute' (${perClient}) must not exceed 'rateLimits.globalPerMinute' (${global})`);
    }
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(prefix)) problems.add('metricPrefix', prefix, "1 to 100 letters, digits, '_' or '-'");
    problems.throwIfAny();
    this.perClientPerMinute = perClient;
    this.globalPerMinute = global;

    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${prefix}-${name}`,
    });
    const tooMany: CfnWebACL.RuleActionProperty = { block: { customResponse: { responseCode: 429 } } };
    const window = RATE_LIMIT_WINDOW.toSeconds();

    this.webAcl = new CfnWebACL(this, 'Resource', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      rules: [
        managedRule('AWSManagedRulesCommonRuleSet', 10, visibility('common')),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 20, visibility('known-bad-inputs')),
        {
          name: 'per-client-rate',
          priority: 30,
          action: tooMany,
          visibilityConfig: visibility('per-client-rate'),
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: perClient, evaluationWindowSec: window } },
        },
        {
          name: 'global-rate',
          priority: 40,
          action: tooMany,
          visibilityConfig: visibility('global-rate'),
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
      ],
    });
    Validations.of(this.webAcl).acknowledge({
      id: 'NIST.800.53.R5-WAFv2LoggingEnabled',
      reason: 'Every rule publishes CloudWatch metrics and sampled requests; full request logs need an aws-waf-logs-* destination whose retention and encryption the platform team chooses.',
    });
    this.association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

function isLimit(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 10 && v <= 2_000_000_000 && !Token.isUnresolved(v);
}

function managedRule(name: string, priority: number, visibilityConfig: CfnWebACL.VisibilityConfigProperty): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    visibilityConfig,
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  };
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
