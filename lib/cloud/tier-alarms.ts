import { ArnFormat, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';

/** Route 53 publishes its health-check metrics in us-east-1 only. */
export const ROUTE53_METRICS_REGION = 'us-east-1';
/** CloudFront publishes its distribution metrics in us-east-1 only (dimension `Region: Global`). */
export const CLOUDFRONT_METRICS_REGION = 'us-east-1';

/** Props of {@link TierAlarms}. */
export interface TierAlarmsProps {
  /** The tier's name: in the topic's and alarms' names and descriptions. */
  readonly tier: string;
  /**
   * The regional ALB whose 5xx responses to watch.
   *
   * @default - no ALB alarms
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * The ALB's target group (the nginx pods, through the TargetGroupBinding) whose unhealthy targets to watch.
   *
   * @default - no unhealthy-target alarm
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
  /**
   * Route 53 health checks by region: one alarm each on `HealthCheckStatus`. Only in a us-east-1 stack, where
   * Route 53's metrics are.
   *
   * @default - no health-check alarms
   */
  readonly healthChecks?: Readonly<Record<string, route53.IHealthCheck>>;
  /**
   * CloudFront distributions by name: one alarm each on the share of viewer requests answered with a 5xx
   * (`AWS/CloudFront` `5xxErrorRate`, which counts the origins' 5xx and CloudFront's own, such as 502 when no
   * region answers). Only in a us-east-1 stack, where CloudFront's metrics are.
   *
   * @default - no CloudFront alarms
   * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
   */
  readonly distributions?: Readonly<Record<string, cloudfront.IDistribution>>;
  /**
   * The share of requests, in percent, answered with a 5xx by the ALB or its targets (nginx, which answers 502/504
   * when its upstream fails), above which to alarm. 0.1 % of the enterprise error budget per 5 minutes is too
   * noisy on low traffic; 1 % over 5 minutes catches an outage, the SLO burn-rate alerts catch the slow burns.
   *
   * @default 1
   */
  readonly http5xxPercent?: number;
  /**
   * Minutes a condition must hold (consecutive 1-minute periods) before an alarm.
   *
   * @default 5
   */
  readonly evaluationMinutes?: number;
}

/**
 * The cloud side of a tier's monitoring in one stack: an SNS topic encrypted with a customer-managed KMS key
 * (rotated; CloudWatch may use it to publish), and alarms that notify it on alarm and on recovery — per Route 53
 * health check (`AWS/Route53 HealthCheckStatus` below 1), and per regional ALB (5xx share of requests, unhealthy
 * targets). CloudWatch alarms can only notify a topic of their own region, so each stack gets its own topic; subscribe
 * the on-call tool (PagerDuty, Opsgenie, a chat webhook) to each.
 */
export class TierAlarms extends Construct {
  /** The encrypted topic every alarm notifies. */
  public readonly topic: sns.Topic;
  /** The topic's KMS key. */
  public readonly key: kms.Key;
  /** The alarms, by id. */
  public readonly alarms: Record<string, cloudwatch.Alarm> = {};
  /** Every alarm that notifies the topic: the topic policy lets CloudWatch publish for these alarms only. */
  private readonly notifying: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: TierAlarmsProps) {
    super(scope, id);
    const percent = props.http5xxPercent ?? 1;
    const minutes = props.evaluationMinutes ?? 5;
    const region = Stack.of(this).region;
    const p = new Problems(this.node.path);
    if (!(percent > 0 && percent <= 100)) p.add('http5xxPercent', percent, 'a percentage above 0 and at most 100');
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) p.add('evaluationMinutes', minutes, 'an integer between 1 and 60');
    if (props.healthChecks && Object.keys(props.healthChecks).length > 0 && !Token.isUnresolved(region) && region !== ROUTE53_METRICS_REGION) {
      p.add('healthChecks', Object.keys(props.healthChecks), `none in a stack outside ${ROUTE53_METRICS_REGION} (stack region: ${region}): Route 53 publishes health-check metrics only there`);
    }
    if (props.distributions && Object.keys(props.distributions).length > 0 && !Token.isUnresolved(region) && region !== CLOUDFRONT_METRICS_REGION) {
      p.add('distributions', Object.keys(props.distributions), `none in a stack outside ${CLOUDFRONT_METRICS_REGION} (stack region: ${region}): CloudFront publishes its metrics only there`);
    }
    if (props.targetGroup && !props.loadBalancer) p.addMessage("'targetGroup' needs 'loadBalancer': the unhealthy-host metric is per target group and load balancer");
    p.throwIfAny();

    this.key = new kms.Key(this, 'Key', {
      description: `scaling-tiers ${props.tier}: encrypts the alarm topic`,
      enableKeyRotation: true,
    });
    const stack = Stack.of(this);
    // Alarms of this account and region only (confused deputy): the key policy cannot name the alarms themselves,
    // which refer to the topic, which refers to the key.
    const alarmsHere = stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    // CloudWatch publishes to an encrypted topic with the key's data key: without this the alarm history says
    // "not authorized to perform: kms:GenerateDataKey".
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsUseKey',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': alarmsHere } },
    }));
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `scaling-tiers ${props.tier} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    const add = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      this.alarms[alarmId] = this.notify(new cloudwatch.Alarm(this, alarmId, alarmProps));
    };

    for (const [hcRegion, hc] of Object.entries(props.healthChecks ?? {})) {
      add(`HealthCheck-${hcRegion}`, {
        alarmDescription: `scaling-tiers ${props.tier}: the Route 53 health check of ${hcRegion} fails (its ALB does not answer ${minutes} minutes in a row); DNS has moved traffic away from it`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          dimensionsMap: { HealthCheckId: hc.healthCheckId },
          statistic: cloudwatch.Stats.MINIMUM,
          period: Duration.minutes(1),
        }),
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        threshold: 1,
        evaluationPeriods: minutes,
        // No data from Route 53 means no health checker reports: treat it as failing.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    for (const [name, distribution] of Object.entries(props.distributions ?? {})) {
      add(`CloudFront5xx-${name}`, {
        alarmDescription: `scaling-tiers ${props.tier}: more than ${percent} % of the viewer requests of ${name} answered with a 5xx for ${minutes} minutes (every region failing, or CloudFront unable to reach them)`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/CloudFront',
          metricName: '5xxErrorRate',
          dimensionsMap: { DistributionId: distribution.distributionId, Region: 'Global' },
          statistic: cloudwatch.Stats.AVERAGE,
          period: Duration.minutes(1),
        }),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: percent,
        evaluationPeriods: minutes,
        // No requests, no data: nothing failed.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    if (props.loadBalancer) {
      const m = props.loadBalancer.metrics;
      const period = Duration.minutes(1);
      const zeroFilled = (metric: cloudwatch.Metric) => metric.with({ statistic: cloudwatch.Stats.SUM, period });
      add('Http5xx', {
        alarmDescription: `scaling-tiers ${props.tier}: more than ${percent} % of requests answered with a 5xx by the ALB or nginx for ${minutes} minutes`,
        metric: new cloudwatch.MathExpression({
          expression: '100 * (FILL(elb, 0) + FILL(target, 0)) / FILL(requests, 1)',
          usingMetrics: {
            elb: zeroFilled(m.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT)),
            target: zeroFilled(m.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT)),
            requests: zeroFilled(m.requestCount()),
          },
          label: '5xx share of requests (%)',
          period,
        }),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        threshold: percent,
        evaluationPeriods: minutes,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.targetGroup) {
        add('UnhealthyTargets', {
          alarmDescription: `scaling-tiers ${props.tier}: the ALB has seen unhealthy nginx targets for ${minutes} minutes`,
          metric: props.targetGroup.metrics.unhealthyHostCount({ statistic: cloudwatch.Stats.MAXIMUM, period }),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          threshold: 1,
          evaluationPeriods: minutes,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }
  }

  /**
   * Makes `alarm` (of this stack) notify the topic on alarm and on recovery, and lets CloudWatch publish for it:
   * the topic policy names each alarm, so an alarm that is not added here cannot notify.
   */
  public notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    if (this.notifying.length === 0) {
      // The topic policy replaces SNS's default policy, so CloudWatch must be allowed here by name, and only for the
      // alarms notifying this topic (aws:SourceArn) of this account (aws:SourceAccount).
      // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
      this.topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.notifying.map((a) => a.alarmArn) }) },
        },
      }));
    }
    this.notifying.push(alarm);
    return alarm;
  }
}
