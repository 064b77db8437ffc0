import { Validations } from 'aws-cdk-lib';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { visibilityConfig, webAclRules } from './_web-acl-rules';
import { checkRateLimits } from './rate-limits';

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

export { RATE_LIMIT_WINDOW } from './_web-acl-rules';

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
    checkRateLimits(problems, 'rateLimits', perClient, global);
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(prefix)) problems.add('metricPrefix', prefix, "1 to 100 letters, digits, '_' or '-'");
    problems.throwIfAny();
    this.perClientPerMinute = perClient;
    this.globalPerMinute = global;

    this.webAcl = new CfnWebACL(this, 'Resource', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibilityConfig(prefix, 'web-acl'),
      rules: webAclRules(prefix, perClient, global),
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
