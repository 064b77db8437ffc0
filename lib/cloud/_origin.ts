/**
 * What the edge (`EdgeDistribution`) and the regional load balancers (`RegionalIngress` with origin protection)
 * must agree on: the secret origin header's name and rules, and CloudFront's origin-facing prefix list per region.
 */

/** The header CloudFront adds to every origin request, holding the shared secret. */
export const DEFAULT_ORIGIN_HEADER = 'X-Origin-Verify';

/** An HTTP header name an ALB rule can match (at most 40 characters) and CloudFront may set on origin requests. */
export const ORIGIN_HEADER_NAME = /^[A-Za-z0-9-]{1,40}$/;

/** The allowed-values text for {@link ORIGIN_HEADER_NAME}. */
export const ORIGIN_HEADER_ALLOWED = "1 to 40 letters, digits or '-' (an ALB http-header condition's limit), not a header CloudFront sets itself";

/** Headers CloudFront does not let a distribution add as custom origin headers (lower case). */
const RESERVED_HEADERS = new Set(['host', 'via', 'x-forwarded-for', 'x-real-ip', 'x-amz-cf-id', 'cache-control', 'connection', 'content-length', 'authorization', 'proxy-authorization', 'te', 'upgrade', 'trailer', 'transfer-encoding', 'expect', 'max-forwards', 'proxy-connection', 'range', 'if-match', 'if-none-match', 'if-modified-since', 'if-range', 'if-unmodified-since', 'accept-encoding', 'cookie']);

/** True when `name` can be the secret origin header. */
export function isOriginHeaderName(name: unknown): name is string {
  return typeof name === 'string' && ORIGIN_HEADER_NAME.test(name) && !RESERVED_HEADERS.has(name.toLowerCase()) && !/^x-(amz|edge)-/i.test(name);
}

/** A Secrets Manager secret name: 1 to 512 of letters, digits and `/_+=.@-`. */
export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * The id of the AWS-managed prefix list `com.amazonaws.global.cloudfront.origin-facing` (IPv4) in each region, as
 * `aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`
 * prints it. AWS-managed prefix list ids are the same in every account of a region. They are written here because
 * `ec2.PrefixList.fromLookup` needs credentials at synth time; a region missing here (or an id AWS changes) is
 * given explicitly (`RegionalIngress`'s `originProtection.prefixListId`, or the cloud app's `originPrefixLists`
 * context).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list
 */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS: Readonly<Record<string, string>> = {
  'us-east-1': 'pl-3b927c52',
  'us-east-2': 'pl-b6a144df',
  'us-west-1': 'pl-4ea04527',
  'us-west-2': 'pl-82a045eb',
  'eu-west-1': 'pl-4fa04526',
  'eu-west-2': 'pl-93a247fa',
  'eu-central-1': 'pl-a3a144ca',
  'ap-southeast-1': 'pl-31a34658',
  'ap-southeast-2': 'pl-b8a742d1',
  'ap-northeast-1': 'pl-58a04531',
};

/** A prefix list id such as `pl-3b927c52`. */
export const PREFIX_LIST_ID = /^pl-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** The staging labels Secrets Manager moves itself; any other value of an origin secret version is a version id. */
const STAGES = new Set(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']);

/** The allowed-values text for a secret version. */
export const SECRET_VERSION_ALLOWED = "a version id (32 to 64 letters, digits or '-', as `aws secretsmanager list-secret-version-ids` prints it) or a staging label 'AWSCURRENT', 'AWSPREVIOUS' or 'AWSPENDING'";

/** True when `v` names a version of a secret: a staging label Secrets Manager moves, or a version id. */
export function isSecretVersion(v: unknown): v is string {
  return typeof v === 'string' && (STAGES.has(v) || /^[A-Za-z0-9-]{32,64}$/.test(v));
}

/**
 * The dynamic reference options that pin one version: `{{resolve:secretsmanager:<name>:SecretString::<stage>:}}` or
 * `...:SecretString:::<id>}}`. CloudFormation resolves a dynamic reference only when the resource that holds it is
 * updated, and updates a resource only when its template text changes: a staging label is re-read only when
 * something else changes, a version id whenever it is a new one, which is what makes a rotation deployable.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 */
export function secretVersionOptions(v: string): { versionStage?: string; versionId?: string } {
  return STAGES.has(v) ? { versionStage: v } : { versionId: v };
}
