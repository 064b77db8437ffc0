import { Duration, RemovalPolicy, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { DOMAIN_ALLOWED } from './_domain';
import { DEFAULT_ORIGIN_HEADER, secretVersionOptions } from './_origin';
import { EDGE_REGION, checkEdgeDistributionProps } from './edge-distribution-check';
import type { EdgeDistributionProps } from './edge-distribution-props';
import { EdgeWebAcl } from './edge-web-acl';

export { EDGE_REGION, MAX_CACHE_BEHAVIORS, checkEdgeDistributionProps, checkEdgeWebAclOptions } from './edge-distribution-check';
export type { EdgeDistributionProps, EdgeWebAclOptions } from './edge-distribution-props';

/**
 * A CloudFront distribution in front of a tier's regional load balancers, in us-east-1.
 *
 * - **Origin**: one Route 53 name that resolves to the nearest healthy region (`GlobalDns`'s latency or failover
 *   records under `recordName`), not an origin group: an origin group fails over only from one primary to one
 *   secondary, only for GET, HEAD and OPTIONS, and only after the primary has failed that very request, while the
 *   Route 53 name spreads every method over all serving regions by latency and drops a region as soon as it is unhealthy.
 *   HTTPS only (TLS 1.2), with a secret header from Secrets Manager that the load balancers require.
 * - **Caching**: the API (the default behaviour) caches nothing (managed `CachingDisabled`) and forwards every
 *   viewer header, cookie and query string except `Host` (managed `AllViewerExceptHostHeader`), so websockets
 *   (`Upgrade`, `Sec-WebSocket-*`) pass through; each static path pattern has a behaviour that caches.
 * - **Viewers**: HTTPS only (plain HTTP is refused, not redirected: a redirected API call has already sent its request in the clear), TLS 1.2 (`TLSv1.2_2021`) or newer with an ACM certificate
 *   (CloudFront's default certificate would only cover `*.cloudfront.net`), HTTP/2 and HTTP/3, IPv6.
 * - **WAF**: an {@link EdgeWebAcl} (scope CLOUDFRONT): Amazon IP reputation, AWS managed common (8 KB body limit
 *   lifted on the API paths) and known-bad-inputs rule sets, a per-client rate limit; request logs to an encrypted,
 *   retained `aws-waf-logs-*` log group.
 * - **Logs**: standard logging to an SSE-S3 bucket with ACLs enabled (CloudFront standard logging writes
 *   through an ACL grant; it cannot write to a bucket with ACLs disabled).
 * - **DNS**: {@link EdgeDistribution.addAliasRecords} points `domainName` and `www.` at the distribution.
 *
 * Resources: `AWS::CloudFront::Distribution`, `AWS::CloudFront::CachePolicy`, `AWS::WAFv2::WebACL`,
 * `AWS::S3::Bucket` (+ policy), `AWS::SecretsManager::Secret` (unless `originSecret` is given).
 */
export class EdgeDistribution extends Construct {
  /** The distribution. */
  public readonly distribution: cloudfront.Distribution;
  /** The names the distribution answers. */
  public readonly aliases: string[];
  /** The secret of the origin header. */
  public readonly originSecret: secretsmanager.ISecret;
  /** The secret's name, for the regional load balancers. */
  public readonly originSecretName: string;
  /** The version of the secret the distribution sends (a version id or a staging label). */
  public readonly originSecretVersion: string;
  /** The origin header's name. */
  public readonly originHeaderName: string;
  /** The web ACL (scope CLOUDFRONT). */
  public readonly webAcl: CfnWebACL;
  /** The web ACL with its logs. */
  public readonly edgeWebAcl: EdgeWebAcl;
  /** The bucket of standard logs. */
  public readonly logsBucket: s3.Bucket;
  /** The cache policy of the API (the default behaviour): caches nothing. */
  public readonly apiCachePolicy: cloudfront.ICachePolicy;
  /** The cache policy of the static path patterns. */
  public readonly staticCachePolicy: cloudfront.CachePolicy;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const wwwAlias = props.wwwAlias ?? true;
    const header = props.originHeaderName ?? DEFAULT_ORIGIN_HEADER;
    const secretVersion = props.originSecretVersion ?? 'AWSCURRENT';
    const secretName = props.originSecret?.secretName ?? props.originSecretName ?? `edge-origin/${props.domainName}`;
    const staticPaths = props.staticPathPatterns ?? [];
    const staticTtl = props.staticDefaultTtl ?? Duration.days(1);
    const logRetention = props.logRetention ?? Duration.days(90);
    const priceClass = props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL;

    const problems = new Problems(this.node.path);
    if (Token.isUnresolved(region) || region !== EDGE_REGION) {
      problems.add('region', region, `${EDGE_REGION}: CloudFront takes its certificate and web ACL from there (a stack with env region '${EDGE_REGION}')`);
    }
    if (props.domainName === undefined) problems.add('domainName', props.domainName, DOMAIN_ALLOWED);
    if (props.originDomainName === undefined) problems.add('originDomainName', props.originDomainName, DOMAIN_ALLOWED);
    if (props.certificateArn === undefined) problems.add('certificateArn', props.certificateArn, `an ACM certificate ARN in ${EDGE_REGION}`);
    checkEdgeDistributionProps(problems, '', { ...props, originHeaderName: header, staticPathPatterns: staticPaths, logRetention });
    problems.throwIfAny();
    this.aliases = wwwAlias ? [props.domainName, `www.${props.domainName}`] : [props.domainName];
    this.originHeaderName = header;
    this.originSecretName = secretName;
    this.originSecretVersion = secretVersion;

    this.originSecret =
      props.originSecret ??
      new secretsmanager.Secret(this, 'OriginSecret', {
        secretName,
        description: `The ${header} header CloudFront sends to the origins of ${props.domainName}; the load balancers require it`,
        // Letters and digits only: the value is matched by an ALB http-header condition, where * and ? are wildcards.
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
        replicaRegions: (props.originSecretReplicaRegions ?? []).map((r) => ({ region: r })),
        // Kept when the stack is deleted or the secret replaced (every regional listener rule still refers to it);
        // deleted only when the stack's first create fails, so a retry is not stopped by "already exists".
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
    if (this.originSecret instanceof secretsmanager.Secret) {
      const secretAck = (ackId: string) =>
        Validations.of(this.originSecret).acknowledge({
          id: ackId,
          reason:
            'The value is resolved at deploy time in two places (the distribution and every regional listener rule), so a rotation Lambda would break the origin until both are redeployed; rotate with the three pinned-version deploys of the README.',
        });
      secretAck('AwsSolutions-SMG4');
      secretAck('NIST.800.53.R5-SecretsManagerRotationEnabled');
      Validations.of(this.originSecret).acknowledge({
        id: 'NIST.800.53.R5-SecretsManagerUsingKMSKey',
        reason: 'The secret is replicated to every region of the tier; a customer managed key would be needed in each of them for a value that only proves a request came through the distribution.',
      });
    }

    this.logsBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging writes with an ACL grant to the awslogsdelivery account: ACLs must be enabled.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(logRetention.toDays()), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const logsAck = (ackId: string, reason: string) => Validations.of(this.logsBucket).acknowledge({ id: ackId, reason });
    logsAck('AwsSolutions-S1', 'This bucket is the log sink; logging its own access into itself would loop, and a second bucket would need a log bucket of its own.');
    logsAck('NIST.800.53.R5-S3BucketLoggingEnabled', 'This bucket is the log sink; logging its own access into itself would loop.');
    logsAck('NIST.800.53.R5-S3DefaultEncryptionKMS', 'CloudFront standard logs are written with SSE-S3 here; SSE-KMS would need the log delivery service in the key policy for no added control over who reads them.');
    logsAck('NIST.800.53.R5-S3BucketReplicationEnabled', 'Access logs are kept for a limited time; replicating them adds cost, not protection of the service.');
    logsAck('NIST.800.53.R5-S3BucketVersioningEnabled', 'Logs are written once and expire by a lifecycle rule; versions would keep expired logs.');

    this.edgeWebAcl = new EdgeWebAcl(this, 'WebAcl', { ...props.webAcl, name: metricPrefix(props.domainName) });
    this.webAcl = this.edgeWebAcl.webAcl;

    const origin = new origins.HttpOrigin(props.originDomainName, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // nginx's proxy_read_timeout (seed 003): 60 s, CloudFront's highest without a quota increase.
      readTimeout: Duration.seconds(60),
      keepaliveTimeout: Duration.seconds(60),
      // A CloudFormation dynamic reference ({{resolve:secretsmanager:...}}) of one pinned version, resolved at deploy time.
      customHeaders: { [header]: SecretValue.secretsManager(this.originSecret.secretArn, secretVersionOptions(this.originSecretVersion)).unsafeUnwrap() },
    });
    this.apiCachePolicy = cloudfront.CachePolicy.CACHING_DISABLED;
    this.staticCachePolicy = new cloudfront.CachePolicy(this, 'StaticCachePolicy', {
      comment: `Static paths of ${props.domainName}: cached, the origin's Cache-Control wins`,
      defaultTtl: staticTtl,
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      // Versioned asset URLs (?v=...) stay distinct; cookies and headers never vary static content.
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const staticBehavior: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: this.staticCachePolicy,
      compress: true,
    };

    this.distribution = new cloudfront.Distribution(this, 'Resource', {
      comment: `scaling-tiers edge of ${props.domainName}`,
      domainNames: this.aliases,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      sslSupportMethod: cloudfront.SSLMethod.SNI,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass,
      webAclId: this.webAcl.attrArn,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: this.apiCachePolicy,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(staticPaths.map((p) => [p, staticBehavior])),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The tiers serve users worldwide; countries to block are a legal decision of the platform team (add geoRestriction), not a default.',
    });
  }

  /**
   * Alias A and AAAA records of every name in {@link EdgeDistribution.aliases} to the distribution, in `zone`, created in `scope`
   * (the stack that owns the zone, so that no stack needs the zone and the distribution in a cycle).
   */
  public addAliasRecords(zone: route53.IHostedZone, scope: Construct = this): route53.RecordSet[] {
    // CloudFront's alias zone id from a mapping in the records' own stack (CloudFrontTarget would put it in the
    // distribution's stack and copy it, leaving an unused mapping behind).
    const target = route53.RecordTarget.fromAlias({
      bind: () => ({ dnsName: this.distribution.distributionDomainName, hostedZoneId: targets.CloudFrontTarget.getHostedZoneId(scope) }),
    });
    const prefix = scope === this ? 'Alias' : `${this.node.id}Alias`;
    return this.aliases.flatMap((recordName, i) => {
      const label = i === 0 ? 'Main' : 'Www';
      return [
        new route53.ARecord(scope, `${prefix}${label}A`, { zone, recordName, target }),
        new route53.AaaaRecord(scope, `${prefix}${label}Aaaa`, { zone, recordName, target }),
      ];
    });
  }
}

/** A WAF metric name prefix from a domain name: `enterprise.example.com` -> `enterprise-example-com-edge`. */
function metricPrefix(domainName: string): string {
  return `${domainName.replace(/[^A-Za-z0-9_-]/g, '-')}-edge`.slice(0, 100);
}
