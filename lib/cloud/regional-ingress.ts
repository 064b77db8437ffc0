import { CfnOutput, CfnResource, Duration, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { allowAlbAccessLogs, allowFlowLogs } from './_log-delivery';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS, DEFAULT_ORIGIN_HEADER, secretVersionOptions } from './_origin';
import { checkOriginProtection, type OriginProtection } from './origin-protection';

export type { OriginProtection } from './origin-protection';
import { defaultAvailabilityZones, isRegionName, REGION_ALLOWED } from './_region';
import { RegionalStack } from './regional-stack';
import { RegionalWebAcl, WebAclRateLimits } from './regional-web-acl';
import { checkTargetGroupName } from './target-group-name';
import { VPC_CIDR_ALLOWED, isVpcCidr } from './vpc-cidr';

/** Where the logs bucket holds ALB access logs and VPC flow logs. */
const ALB_LOG_PREFIX = 'alb';
const FLOW_LOG_PREFIX = 'vpc-flow-logs/';

/**
 * A certificate ARN in the right shape that points at no certificate: for examples and offline synthesis only.
 * `<region>` is replaced by the stack's region.
 */
export const PLACEHOLDER_CERTIFICATE_ARN = 'arn:aws:acm:<region>:111111111111:certificate/00000000-0000-0000-0000-000000000000';

/** Props of {@link RegionalIngress}. */
export interface RegionalIngressProps {
  /** The tier's name (a DNS label of at most 20 characters): names the target group, see {@link targetGroupNameFor}. */
  readonly tier: string;
  /**
   * The ARN of the ACM certificate of the HTTPS listener. It must be in the stack's region (an ALB cannot use a
   * certificate from another region). For offline synthesis, {@link PLACEHOLDER_CERTIFICATE_ARN} with the region
   * filled in has the right shape.
   */
  readonly certificateArn: string;
  /**
   * A production tier: turns on deletion protection and the web ACL unless they are set.
   *
   * @default false
   */
  readonly production?: boolean;
  /**
   * The IPv4 CIDR block of the new VPC, known at synth time so the Kubernetes side can use it (NetworkPolicy, real IP).
   *
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * The availability zones of the VPC, at least 2. Given explicitly so that synthesis needs no context lookup.
   *
   * @default - a `RegionalStack`'s zones; else two zones derived from the region name (`<region>a`, `<region>b`;
   * `c` where `a` or `b` is closed)
   */
  readonly availabilityZones?: string[];
  /**
   * NAT gateways for the private subnets' egress.
   *
   * @default - one per availability zone, so losing a zone does not cut the other zones' egress
   */
  readonly natGateways?: number;
  /**
   * Deletion protection of the load balancer.
   *
   * @default - `production`
   */
  readonly deletionProtection?: boolean;
  /**
   * How the load balancer treats requests that may be HTTP desync attacks. `MONITOR` is refused.
   *
   * @default DesyncMitigationMode.DEFENSIVE - blocks ambiguous requests that are known to be dangerous, keeps others
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode
   */
  readonly desyncMitigationMode?: elbv2.DesyncMitigationMode;
  /**
   * The TLS policy of the HTTPS listener; must be a TLS 1.3 policy (`ELBSecurityPolicy-TLS13-*`).
   *
   * @default SslPolicy.TLS13_12_PQ - TLS 1.3 and 1.2 with hybrid post-quantum key exchange (`ELBSecurityPolicy-TLS13-1-2-PQ-2025-09`)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Put a WAFv2 web ACL (AWS managed common and known-bad-inputs rule sets, rate limits) in front of the load balancer.
   *
   * @default - `production` without `originProtection`; off with it: the edge web ACL filters and rate-limits, and a
   * regional per-client limit would see CloudFront's addresses, not the clients'
   */
  readonly webAcl?: boolean;
  /**
   * The web ACL's request-rate limits, when `webAcl` is on.
   *
   * @default - 1000 per client and 5000 in all, per minute (seed 003)
   */
  readonly rateLimits?: WebAclRateLimits;
  /**
   * The port of the targets (nginx pods, registered by IP by the AWS Load Balancer Controller's TargetGroupBinding).
   *
   * @default 8080 - the port nginx listens on as a non-root user (lib/nginx)
   */
  readonly targetPort?: number;
  /**
   * The path of the target group's health check.
   *
   * @default - without `originProtection`, '/healthz': nginx's own health location (a target is one nginx pod; the
   * app behind it is checked end to end by Route 53, `GlobalDns`); with it, '/health': nginx proxies it to the app
   * (lib/nginx, `upstreamHealthPath`), since Route 53's checkers cannot reach a load balancer that admits only
   * CloudFront, and the alias records' target health must then follow the app: a region whose app is down has
   * no healthy target and leaves the origin name
   */
  readonly healthCheckPath?: string;
  /**
   * How long a deregistering target keeps its in-flight requests.
   *
   * @default Duration.seconds(60) - long enough for requests to finish, short enough for nginx scale-in
   */
  readonly deregistrationDelay?: Duration;
  /**
   * How long the load balancer cookie (`lb_cookie`) keeps a client on one target, for websocket reconnects and
   * long-polling fallbacks.
   *
   * @default Duration.hours(1)
   */
  readonly stickinessDuration?: Duration;
  /**
   * How long access logs (and VPC flow logs) are kept in the logs bucket.
   *
   * @default Duration.days(90)
   */
  readonly logRetention?: Duration;
  /**
   * Admit only a CDN: see {@link OriginProtection}.
   *
   * @default - none: the load balancer is open to the internet on 443 (and 80, redirected)
   */
  readonly originProtection?: OriginProtection;
}

/**
 * The entry point of one tier in one region: a VPC, an internet-facing Application Load Balancer with an HTTPS
 * listener and an HTTP to HTTPS redirect, a target group for IP targets with a deterministic name that the
 * cluster's `TargetGroupBinding` refers to, a logs bucket (access logs and VPC flow logs) and, for production
 * tiers, a WAFv2 web ACL.
 *
 * The stack must have an explicit region (ALB access logs need it, and the target group name includes it). Put it
 * in a `RegionalStack` so that synthesis makes no availability-zone lookup (a plain `Stack` with an explicit
 * environment asks the CLI to look zones up as soon as it holds a VPC).
 *
 * Because the target group has a fixed name, CloudFormation cannot replace it: a change to `targetPort` or the
 * target type needs a new tier name or a manual delete.
 */
export class RegionalIngress extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** The VPC's IPv4 CIDR block, as given (not a token). */
  public readonly vpcCidr: string;
  /** The internet-facing load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener. */
  public readonly httpsListener: elbv2.ApplicationListener;
  /** The HTTP listener that redirects to HTTPS; none with origin protection (CloudFront reaches the origin over HTTPS only). */
  public readonly redirectListener?: elbv2.ApplicationListener;
  /** The target group for IP targets. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The target group's fixed name, see {@link targetGroupNameFor}. */
  public readonly targetGroupName: string;
  /** The bucket of access logs and VPC flow logs. */
  public readonly logsBucket: s3.Bucket;
  /** The web ACL, when on. */
  public readonly webAcl?: RegionalWebAcl;

  constructor(scope: Construct, id: string, props: RegionalIngressProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = stack.region;
    const production = props.production ?? false;
    const vpcCidr = props.vpcCidr ?? '10.0.0.0/16';
    const zones = props.availabilityZones ?? (stack instanceof RegionalStack ? stack.availabilityZones : isRegionName(region) ? defaultAvailabilityZones(region) : []);
    const natGateways = props.natGateways ?? zones.length;
    const deletionProtection = props.deletionProtection ?? production;
    const desync = props.desyncMitigationMode ?? elbv2.DesyncMitigationMode.DEFENSIVE;
    const sslPolicy = props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_PQ;
    const protection = props.originProtection;
    const webAcl = props.webAcl ?? (production && protection === undefined);
    const targetPort = props.targetPort ?? 8080;
    const healthCheckPath = props.healthCheckPath ?? (protection ? '/health' : '/healthz');
    const deregistrationDelay = props.deregistrationDelay ?? Duration.seconds(60);
    const stickiness = props.stickinessDuration ?? Duration.hours(1);
    const logRetention = props.logRetention ?? Duration.days(90);

    const problems = new Problems(this.node.path);
    if (Token.isUnresolved(region) || !isRegionName(region)) {
      problems.add('region', region, `${REGION_ALLOWED}: a stack with an explicit env region`);
    }
    const cert = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):[0-9]{12}:certificate\/[A-Za-z0-9-]+$/.exec(props.certificateArn ?? '');
    if (!cert) {
      problems.add('certificateArn', props.certificateArn, 'an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)');
    } else if (isRegionName(region) && cert[1] !== region) {
      problems.add('certificateArn', props.certificateArn, `a certificate in the stack's region (${region})`);
    }
    if (!isVpcCidr(vpcCidr)) problems.add('vpcCidr', vpcCidr, VPC_CIDR_ALLOWED);
    if (zones.length < 2 || zones.some((z) => !isRegionName(region) || !new RegExp(`^${region}[a-z]$`).test(z)) || new Set(zones).size !== zones.length) {
      problems.add('availabilityZones', zones, `at least 2 distinct zone names of the stack's region (e.g. "${region}a")`);
    }
    if (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > zones.length) {
      problems.add('natGateways', natGateways, `an integer between 1 and the number of availability zones (${zones.length})`);
    }
    if (!Object.values(elbv2.DesyncMitigationMode).includes(desync) || desync === elbv2.DesyncMitigationMode.MONITOR) {
      problems.add('desyncMitigationMode', desync, "'defensive' or 'strictest' (monitor lets desync attacks through)");
    }
    if (!String(sslPolicy).startsWith('ELBSecurityPolicy-TLS13-')) problems.add('sslPolicy', sslPolicy, 'a TLS 1.3 policy (ELBSecurityPolicy-TLS13-*)');
    if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) problems.add('targetPort', targetPort, 'an integer between 1 and 65535');
    if (!/^\/[\x21-\x7e]{0,1023}$/.test(healthCheckPath)) problems.add('healthCheckPath', healthCheckPath, "an absolute HTTP path such as '/healthz'");
    const delay = deregistrationDelay.toSeconds();
    if (delay > 3600) problems.add('deregistrationDelay', `${delay}s`, 'at most 3600 seconds');
    const sticky = stickiness.toSeconds();
    if (sticky < 1 || sticky > 604800) problems.add('stickinessDuration', `${sticky}s`, 'between 1 second and 7 days');
    const days = logRetention.toDays();
    if (!Number.isInteger(days) || days < 1) problems.add('logRetention', `${logRetention.toSeconds()}s`, 'a whole number of days, at least 1');
    // The region's own problem is reported above; a region problem here would repeat it.
    const originHeader = protection?.headerName ?? DEFAULT_ORIGIN_HEADER;
    const acceptedVersions = protection?.acceptedSecretVersions ?? ['AWSCURRENT'];
    const prefixListId = protection?.prefixListId ?? CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS[region];
    if (protection !== undefined) checkOriginProtection(problems, region, { ...protection, headerName: originHeader, acceptedSecretVersions: acceptedVersions, prefixListId });
    const targetGroupName = checkTargetGroupName(problems, props.tier, isRegionName(region) ? region : 'us-east-1');
    problems.throwIfAny();
    this.vpcCidr = vpcCidr;
    this.targetGroupName = targetGroupName as string;

    this.logsBucket = new s3.Bucket(this, 'Logs', {
      // ALB access logs support SSE-S3 only, not SSE-KMS.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(days), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const logsAck = (id: string, reason: string) => Validations.of(this.logsBucket).acknowledge({ id, reason });
    logsAck('AwsSolutions-S1', 'This bucket is the log sink; logging its own access into itself would loop, and a second bucket would need a log bucket of its own.');
    logsAck('NIST.800.53.R5-S3BucketLoggingEnabled', 'This bucket is the log sink; logging its own access into itself would loop.');
    logsAck('NIST.800.53.R5-S3DefaultEncryptionKMS', 'Elastic Load Balancing access logs support SSE-S3 only; the bucket is encrypted with SSE-S3.');
    logsAck('NIST.800.53.R5-S3BucketReplicationEnabled', 'Access and flow logs are kept for a limited time in the region they describe; each region has its own bucket.');
    logsAck('NIST.800.53.R5-S3BucketVersioningEnabled', 'Logs are written once and expire by a lifecycle rule; versions would keep expired logs.');

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(vpcCidr),
      availabilityZones: zones,
      natGateways,
      subnetConfiguration: [
        // The ALB and the NAT gateways have their own addresses; nothing in the public subnets needs an automatic one.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      flowLogs: {
        logs: { destination: ec2.FlowLogDestination.toS3(this.logsBucket, FLOW_LOG_PREFIX), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });
    allowFlowLogs(this.logsBucket, FLOW_LOG_PREFIX);

    for (const subnet of this.vpc.publicSubnets) {
      Validations.of(subnet).acknowledge({
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Public subnets hold only the internet-facing load balancer and the NAT gateways, which need the default route to the internet gateway.',
      });
    }
    Validations.of(this.vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'The zones are given on purpose, so that synthesis needs no lookup; override availabilityZones where a zone name differs.',
    });
    Validations.of(this.vpc).acknowledge({
      id: 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed',
      reason: "Nothing uses the VPC's default security group; emptying it takes a Lambda-backed custom resource, more attack surface than it removes.",
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: protection
        ? 'ALB behind CloudFront: HTTPS from the CloudFront origin-facing prefix list only, targets in the VPC out'
        : 'Internet-facing ALB: HTTPS in, HTTP in (redirect only), targets in the VPC out',
      allowAllOutbound: false,
    });
    if (protection) {
      // The managed prefix list weighs 55 rules against the group's quota of 60; nothing else is admitted.
      securityGroup.addIngressRule(ec2.Peer.prefixList(prefixListId), ec2.Port.tcp(443), 'HTTPS from CloudFront origin-facing servers only');
    } else {
      securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from clients');
      securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from clients, redirected to HTTPS');
    }
    // IP targets are registered by the cluster, outside CDK: allow the target port to the VPC.
    securityGroup.addEgressRule(ec2.Peer.ipv4(vpcCidr), ec2.Port.tcp(targetPort), 'Targets (nginx pods) in the VPC');
    if (!protection) {
      Validations.of(securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'An internet-facing load balancer must accept HTTPS (and HTTP, only to redirect it) from any client; the web ACL filters requests.',
      });
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: desync,
      deletionProtection,
      http2Enabled: true,
    });
    // ALB.logAccessLogs would also let delivery.logs.amazonaws.com write, unconditioned: the policy is written out.
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', this.logsBucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', ALB_LOG_PREFIX);
    allowAlbAccessLogs(this.logsBucket, ALB_LOG_PREFIX);
    // ELB writes a test file when access logs are turned on: the policy must exist first.
    (this.loadBalancer.node.defaultChild as CfnResource).addResourceDependency(this.logsBucket.policy!.node.defaultChild as CfnResource);
    if (protection && !webAcl) {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'NIST.800.53.R5-ALBWAFEnabled',
        reason: "The load balancer admits only CloudFront (origin-facing prefix list and secret header); the edge web ACL filters every request first, and a regional per-client rate limit would count CloudFront's addresses, not the clients'.",
      });
    }

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: this.vpc,
      targetGroupName: this.targetGroupName,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: targetPort,
      healthCheck: {
        path: healthCheckPath,
        protocol: elbv2.Protocol.HTTP,
        port: 'traffic-port',
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      deregistrationDelay,
      stickinessCookieDuration: stickiness,
    });

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy,
      open: false,
      ...(protection
        ? { defaultAction: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }) }
        : { defaultTargetGroups: [this.targetGroup] }),
    });
    if (protection) {
      // Any CloudFront distribution can reach the prefix list's addresses; only ours knows the header's value. The
      // value is resolved by CloudFormation from Secrets Manager at deploy time (a dynamic reference).
      const accepted = acceptedVersions.map((v) => SecretValue.secretsManager(protection.secretName, secretVersionOptions(v)).unsafeUnwrap());
      this.httpsListener.addTargetGroups('FromCdn', {
        priority: 1,
        // Any of the values passes (an ALB condition's values are ORed): the old one keeps working during a rotation.
        conditions: [elbv2.ListenerCondition.httpHeader(originHeader, accepted)],
        targetGroups: [this.targetGroup],
      });
    } else {
      this.redirectListener = this.loadBalancer.addRedirect({
        sourcePort: 80,
        sourceProtocol: elbv2.ApplicationProtocol.HTTP,
        targetPort: 443,
        targetProtocol: elbv2.ApplicationProtocol.HTTPS,
        open: false,
      });
      Validations.of(this.redirectListener).acknowledge({
        id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        reason: 'The HTTP listener serves no content: it only redirects to the HTTPS listener, which uses the ACM certificate.',
      });
    }

    if (webAcl) {
      this.webAcl = new RegionalWebAcl(this, 'WebAcl', {
        resourceArn: this.loadBalancer.loadBalancerArn,
        metricPrefix: this.targetGroupName,
        rateLimits: props.rateLimits,
      });
    }

    new CfnOutput(this, 'TargetGroupName', { value: this.targetGroupName, description: 'The target group a TargetGroupBinding refers to' });
    new CfnOutput(this, 'TargetGroupArn', { value: this.targetGroup.targetGroupArn });
    new CfnOutput(this, 'VpcId', { value: this.vpc.vpcId });
  }
}
