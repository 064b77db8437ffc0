import type { Problems } from '../core/problems';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS, ORIGIN_HEADER_ALLOWED, PREFIX_LIST_ID, SECRET_NAME, SECRET_VERSION_ALLOWED, isOriginHeaderName, isSecretVersion } from './_origin';

/**
 * Only a CDN reaches the load balancer (see `EdgeDistribution`): its security group admits HTTPS from CloudFront's
 * origin-facing managed prefix list only, the HTTPS listener forwards only requests that carry the secret origin
 * header and answers anything else with a fixed 403, and there is no HTTP listener (CloudFront reaches the origin
 * over HTTPS only).
 */
export interface OriginProtection {
  /**
   * The name of the Secrets Manager secret, in this stack's region (a replica of the edge's secret), whose value
   * CloudFront sends in the origin header. The listener rule reads it with a CloudFormation dynamic reference
   * (`{{resolve:secretsmanager:...}}`) at deploy time: the value is never in code or in the template.
   */
  readonly secretName: string;
  /**
   * The versions of the secret the listener rule accepts, one or two (the current and the previous value during a
   * rotation): version ids, or staging labels. Pin version ids to rotate (lib/cloud/README.md, "Rotating the origin
   * secret"): CloudFormation re-reads the secret only when this text changes.
   *
   * @default ['AWSCURRENT']
   */
  readonly acceptedSecretVersions?: string[];
  /**
   * The secret origin header.
   *
   * @default 'X-Origin-Verify'
   */
  readonly headerName?: string;
  /**
   * The id of the managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in this region.
   *
   * @default - the id AWS publishes for the stack's region (a table in this library, so no lookup at synth time);
   * an error for a region the table does not know
   */
  readonly prefixListId?: string;
}

/**
 * Adds to `problems` what is wrong with `p` (its defaults applied) for a load balancer in `region`, under the field
 * names `originProtection.*`.
 */
export function checkOriginProtection(problems: Problems, region: string, p: OriginProtection): void {
  const f = (name: string) => `originProtection.${name}`;
  if (!SECRET_NAME.test(p.secretName ?? '')) problems.add(f('secretName'), p.secretName, "a Secrets Manager secret name (1 to 512 of letters, digits and '/_+=.@-')");
  const accepted = p.acceptedSecretVersions;
  if (!Array.isArray(accepted) || accepted.length < 1 || accepted.length > 2 || new Set(accepted).size !== accepted.length) {
    problems.add(f('acceptedSecretVersions'), accepted, 'one or two distinct versions (the current and, during a rotation, the previous)');
  } else {
    accepted.forEach((v, i) => {
      if (!isSecretVersion(v)) problems.add(f(`acceptedSecretVersions[${i}]`), v, SECRET_VERSION_ALLOWED);
    });
  }
  if (!isOriginHeaderName(p.headerName)) problems.add(f('headerName'), p.headerName, ORIGIN_HEADER_ALLOWED);
  if (p.prefixListId === undefined) {
    problems.add(f('prefixListId'), p.prefixListId, `the id of com.amazonaws.global.cloudfront.origin-facing in ${region} (this library knows it for ${Object.keys(CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS).join(', ')})`);
  } else if (!PREFIX_LIST_ID.test(p.prefixListId)) {
    problems.add(f('prefixListId'), p.prefixListId, "a prefix list id such as 'pl-3b927c52'");
  }
}
