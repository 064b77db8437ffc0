import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { edgeWebAclRules, visibilityConfig } from './_web-acl-rules';
import { checkEdgeWebAclOptions } from './edge-distribution-check';
import type { EdgeWebAclOptions } from './edge-distribution-props';

/** Props of {@link EdgeWebAcl}: its options, and the names of its metrics and log group. */
export interface EdgeWebAclProps extends EdgeWebAclOptions {
  /** The prefix of the CloudWatch metric names and of the log group name (`aws-waf-logs-<prefix>`). */
  readonly name: string;
}

/**
 * A WAFv2 web ACL of scope CLOUDFRONT (in us-east-1) and its request logs.
 *
 * - Rules: Amazon's IP reputation list, the AWS managed common rule set (its 8 KB body limit lifted on the API
 *   paths only), known bad inputs, a per-client-IP rate limit.
 * - Logs: every request WAF judged, to a CloudWatch Logs group named `aws-waf-logs-<name>` (WAF delivers only to
 *   destinations whose name starts so), encrypted with its own rotated KMS key, with a retention, and kept when the
 *   stack is deleted (not when its first create fails, so a retry is not stopped by "already exists"). The log
 *   group's resource policy lets the log delivery service write for this account's web ACLs only; written out, since
 *   WAF would otherwise add one of its own to the account's ten. `Authorization` and `Cookie` are redacted.
 *
 * Resources: `AWS::WAFv2::WebACL`, `AWS::WAFv2::LoggingConfiguration`, `AWS::Logs::LogGroup`,
 * `AWS::Logs::ResourcePolicy`, `AWS::KMS::Key`.
 *
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
 */
export class EdgeWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: CfnWebACL;
  /** The log group of its request logs. */
  public readonly logGroup: logs.LogGroup;
  /** The log group's KMS key. */
  public readonly logKey: kms.Key;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const perClientPerMinute = props.perClientPerMinute ?? 1000;
    const apiPathPrefixes = props.apiPathPrefixes ?? ['/api/'];
    const ipReputation = props.ipReputation ?? true;
    const logRetentionDays = props.logRetentionDays ?? 365;
    const problems = new Problems(this.node.path);
    checkEdgeWebAclOptions(problems, 'webAcl', { perClientPerMinute, apiPathPrefixes, ipReputation, logRetentionDays });
    // A log group name is at most 512 characters; a metric name (the name and a rule suffix of up to 22) at most 128.
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(props.name ?? '')) problems.add('name', props.name, "1 to 100 letters, digits, '_' or '-'");
    problems.throwIfAny();

    const stack = Stack.of(this);
    const logGroupName = `aws-waf-logs-${props.name}`;
    // Without the ':*' that Fn::GetAtt adds: WAF takes the log group's ARN as it is, and KMS's context names it so.
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.logKey = new kms.Key(this, 'LogKey', {
      description: `scaling-tiers: encrypts the WAF logs ${logGroupName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // CloudWatch Logs encrypts with the key on the log group's behalf, and only for this log group.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.logKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchLogsUseKey',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
    }));
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      encryptionKey: this.logKey,
      retention: logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html#logging-cw-logs-permissions
    this.logGroup.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'WafLogDelivery',
      principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${logGroupArn}:log-stream:*`],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
      },
    }));

    this.webAcl = new CfnWebACL(this, 'Resource', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibilityConfig(props.name, 'web-acl'),
      rules: edgeWebAclRules(props.name, { perClientPerMinute, apiPathPrefixes, ipReputation }),
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    // The resource policy first, or WAF writes one of its own.
    logging.node.addDependency(this.logGroup);
    const policy = this.logGroup.node.tryFindChild('Policy');
    if (policy) logging.node.addDependency(policy);
  }
}
