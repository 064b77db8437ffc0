/**
 * The prop checks of {@link EdgeDistribution}, pure (no aws-cdk-lib at run time) so that the tier validation can
 * call them without loading the cloud side.
 */
import type { EdgeDistributionProps, EdgeWebAclOptions } from './edge-distribution-props';
import { Problems } from '../core/problems';
import { DOMAIN_ALLOWED, DOMAIN_NAME } from './_domain';
import { ORIGIN_HEADER_ALLOWED, SECRET_NAME, SECRET_VERSION_ALLOWED, isOriginHeaderName, isSecretVersion } from './_origin';
import { isRegionName, REGION_ALLOWED } from './_region';
import { isIntegerIn } from '../core/checks';

/** The region of every edge resource: CloudFront takes its certificate and its web ACL (scope CLOUDFRONT) from there. */
export const EDGE_REGION = 'us-east-1';
/** The most cache behaviours a distribution may have (CloudFront's default quota), the default one included. */
export const MAX_CACHE_BEHAVIORS = 75;

/**
 * Adds to `problems` what is wrong with the props that are set (`path` prefixes the field names, e.g. `cdn` for a
 * tier's `cdn` field). The constructor adds the required props that are missing.
 */
export function checkEdgeDistributionProps(problems: Problems, path: string, props: Partial<EdgeDistributionProps>): void {
  const f = (name: string) => (path ? `${path}.${name}` : name);
  if (props.domainName !== undefined && !DOMAIN_NAME.test(props.domainName)) problems.add(f('domainName'), props.domainName, DOMAIN_ALLOWED);
  if (props.originDomainName !== undefined && (!DOMAIN_NAME.test(props.originDomainName) || props.originDomainName === props.domainName)) {
    problems.add(f('originDomainName'), props.originDomainName, `${DOMAIN_ALLOWED}, other than 'domainName'`);
  }
  if (props.certificateArn !== undefined) {
    const cert = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):[0-9]{12}:certificate\/[A-Za-z0-9-]+$/.exec(props.certificateArn);
    if (!cert) problems.add(f('certificateArn'), props.certificateArn, 'an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)');
    else if (cert[1] !== EDGE_REGION) problems.add(f('certificateArn'), props.certificateArn, `a certificate in ${EDGE_REGION} (CloudFront reads certificates only there)`);
  }
  if (props.originSecretName !== undefined && !SECRET_NAME.test(props.originSecretName)) {
    problems.add(f('originSecretName'), props.originSecretName, "a Secrets Manager secret name (1 to 512 of letters, digits and '/_+=.@-')");
  }
  if (props.originSecretVersion !== undefined && !isSecretVersion(props.originSecretVersion)) problems.add(f('originSecretVersion'), props.originSecretVersion, SECRET_VERSION_ALLOWED);
  (props.originSecretReplicaRegions ?? []).forEach((r, i) => {
    if (!isRegionName(r) || r === EDGE_REGION) problems.add(f(`originSecretReplicaRegions[${i}]`), r, `${REGION_ALLOWED}, other than ${EDGE_REGION} (the secret's own region)`);
  });
  if (props.originHeaderName !== undefined && !isOriginHeaderName(props.originHeaderName)) problems.add(f('originHeaderName'), props.originHeaderName, ORIGIN_HEADER_ALLOWED);
  const patterns = props.staticPathPatterns ?? [];
  if (!Array.isArray(patterns) || patterns.length > MAX_CACHE_BEHAVIORS - 1) {
    problems.add(f('staticPathPatterns'), patterns, `a list of at most ${MAX_CACHE_BEHAVIORS - 1} path patterns (CloudFront's quota of cache behaviours, the default one included)`);
  } else {
    patterns.forEach((p, i) => {
      if (typeof p !== 'string' || !/^[A-Za-z0-9_\-.*?$/~"'@:+&]{1,255}$/.test(p) || /^\/?\*$/.test(p)) {
        problems.add(f(`staticPathPatterns[${i}]`), p, "a CloudFront path pattern: 1 to 255 of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and the wildcards * ?, not '*' alone (the default behaviour is the API)");
      } else if (patterns.indexOf(p) !== i) {
        problems.add(f(`staticPathPatterns[${i}]`), p, 'a pattern not listed twice');
      }
    });
  }
  if (props.staticDefaultTtl !== undefined) {
    const s = props.staticDefaultTtl.toSeconds();
    if (s < 1 || s > 31536000) problems.add(f('staticDefaultTtl'), `${s}s`, 'between 1 second and 365 days');
  }
  if (props.webAcl !== undefined) checkEdgeWebAclOptions(problems, f('webAcl'), props.webAcl);
  if (props.logRetention !== undefined) {
    const days = props.logRetention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1) problems.add(f('logRetention'), `${props.logRetention.toSeconds()}s`, 'a whole number of days, at least 1');
  }
}

/** The retention periods, in days, that CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Adds to `problems` what is wrong with an edge web ACL's options (`path` prefixes the field names, e.g. `cdn.waf`). */
export function checkEdgeWebAclOptions(problems: Problems, path: string, o: EdgeWebAclOptions): void {
  // A rate-based rule's limit: 10 to 2,000,000,000 requests per window (one minute here).
  if (o.perClientPerMinute !== undefined && !isIntegerIn(o.perClientPerMinute, 10, 2_000_000_000)) problems.add(`${path}.perClientPerMinute`, o.perClientPerMinute, 'an integer between 10 and 2000000000');
  const prefixes = o.apiPathPrefixes ?? [];
  if (!Array.isArray(prefixes) || prefixes.length > 10) {
    problems.add(`${path}.apiPathPrefixes`, prefixes, 'a list of at most 10 URI path prefixes');
  } else {
    prefixes.forEach((p, i) => {
      // A byte-match search string is 1 to 200 bytes; '/' alone would exempt every path.
      if (typeof p !== 'string' || !/^\/[\x21-\x7e]{1,199}$/.test(p)) problems.add(`${path}.apiPathPrefixes[${i}]`, p, "a URI path prefix such as '/api/' (at most 200 printable characters, not '/' alone)");
    });
  }
  if (o.ipReputation !== undefined && typeof o.ipReputation !== 'boolean') problems.add(`${path}.ipReputation`, o.ipReputation, 'true or false');
  if (o.logRetentionDays !== undefined && !LOG_RETENTION_DAYS.includes(o.logRetentionDays)) problems.add(`${path}.logRetentionDays`, o.logRetentionDays, `one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs' retention periods)`);
}
