import { Problems } from '../core/problems';
import { checkTierAndRegion, shortRegion } from './_region';

/** The longest name an S3 general purpose bucket may have. */
export const BUCKET_NAME_MAX_LENGTH = 63;

/** The longest name an IAM role may have. */
export const ROLE_NAME_MAX_LENGTH = 64;

/** The longest CloudNativePG `Cluster` name this library accepts (its Services and Pods append suffixes). */
export const POSTGRES_CLUSTER_NAME_MAX_LENGTH = 50;

import { DNS_LABEL } from '../core/names';
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Prefixes and suffixes S3 reserves; a bucket name must not use them. */
const BUCKET_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const BUCKET_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Where one tier's CloudNativePG cluster keeps its backups in one region. */
export interface PostgresBackupLocationOptions {
  /** The tier's name: a DNS label of at most 20 characters, e.g. `enterprise`. */
  readonly tier: string;
  /** The AWS region of the bucket, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The first part of every bucket name, to make it globally unique (S3 bucket names are global across all
   * accounts): lower-case letters, digits and `-`, starting with a letter, e.g. your organisation's name.
   */
  readonly bucketPrefix: string;
  /**
   * The name of the CloudNativePG `Cluster` (a DNS label of at most 50 characters). Its backups go under a path of
   * their own, and the operator names the cluster's ServiceAccount after it.
   */
  readonly clusterName: string;
  /**
   * The Kubernetes namespace of the `Cluster` (and so of its ServiceAccount), which an EKS Pod Identity association
   * names.
   *
   * @default - the tier's name, as `TierChart` names its namespace
   */
  readonly namespace?: string;
  /**
   * The incarnation of the region's cluster: raise it when the cluster is re-cloned (a former primary after a
   * failover, a rebuilt region), so the new cluster archives into a fresh folder. Barman refuses to archive into a
   * folder that already holds WAL ("Expected empty archive"), and the old folder stays readable for recovery.
   *
   * @default 1 - the first cluster of the region; its server name carries no generation suffix
   */
  readonly generation?: number;
}

/**
 * The names shared by the Kubernetes side (the Barman Cloud plugin's `ObjectStore`, the Cluster's ServiceAccount) and
 * the cloud side (the bucket, the IAM role and its policy) for one tier, cluster and region.
 */
export interface PostgresBackupLocation {
  /** The region's backup bucket: `<bucketPrefix>-<tier>-pg-backups-<short region>`, e.g. `acme-enterprise-pg-backups-use1`. */
  readonly bucketName: string;
  /**
   * The key prefix of this cluster's backups inside the bucket: `<tier>/<clusterName>/`, the same in every region's
   * bucket. Barman Cloud appends the server name (`<serverName>/base/...`, `<serverName>/wals/...`), so the IAM
   * policy grants the whole prefix.
   */
  readonly path: string;
  /** The `ObjectStore`'s `spec.configuration.destinationPath`: `s3://<bucketName>/<path>`. */
  readonly destinationPath: string;
  /**
   * The Barman server name of this region's cluster: `<clusterName>-<region>` for generation 1, then
   * `<clusterName>-<region>-g<generation>`. It is the folder under `path` in this region's own bucket where the
   * cluster archives WAL and base backups; the other regions' clusters read it there (CloudNativePG's distributed
   * topology: every member archives to its own region's store, every other member reads it).
   */
  readonly serverName: string;
  /** The cluster's name in a CloudNativePG distributed topology (`replica.self`): `<clusterName>-<region>`, whatever the generation. */
  readonly memberName: string;
  /**
   * The ServiceAccount whose pods use the role: CloudNativePG creates one per `Cluster`, named after the cluster,
   * and runs every instance (and the Barman Cloud plugin's sidecar) with it.
   *
   * @see https://cloudnative-pg.io/documentation/current/security/ ("a dedicated ServiceAccount for each cluster,
   * named after the cluster itself")
   */
  readonly serviceAccountName: string;
  /** The namespace of the `Cluster` and its ServiceAccount. */
  readonly namespace: string;
  /**
   * The IAM role that ServiceAccount assumes (IAM names are global to the account, so it carries the short region):
   * `<bucketPrefix>-<tier>-<clusterName>-pgbackup-<short region>`.
   */
  readonly roleName: string;
  /** The region, as given. */
  readonly region: string;
}

/**
 * The deterministic backup location of a tier's CloudNativePG cluster in one region, computed from names only so
 * that the Kubernetes manifests and the CloudFormation templates can be produced offline and still agree. There is
 * one backup bucket per tier and region; each region's cluster archives to its own region's bucket and reads the
 * other regions' buckets (no bucket replication: after any switchover the new primary's WAL is where the others read).
 *
 * @throws PropsError when a part is invalid or a resulting name breaks S3's or IAM's rules
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
export function postgresBackupLocationFor(options: PostgresBackupLocationOptions): PostgresBackupLocation {
  const problems = new Problems('postgresBackupLocationFor');
  const location = checkPostgresBackupLocation(problems, options);
  problems.throwIfAny();
  return location as PostgresBackupLocation;
}

/**
 * Adds to `problems` what is wrong with `options` as parts of a backup location; returns the location when nothing
 * is.
 */
export function checkPostgresBackupLocation(problems: Problems, options: PostgresBackupLocationOptions): PostgresBackupLocation | undefined {
  const { tier, region, bucketPrefix, clusterName } = options ?? ({} as PostgresBackupLocationOptions);
  const namespace = options?.namespace ?? tier;
  const generation = options?.generation ?? 1;
  let ok = checkTierAndRegion(problems, tier, region);
  if (!Number.isInteger(generation) || generation < 1 || generation > 999) {
    problems.add('generation', generation, 'an integer between 1 and 999');
    ok = false;
  }
  if (typeof bucketPrefix !== 'string' || !DNS_LABEL.test(bucketPrefix)) {
    problems.add('bucketPrefix', bucketPrefix, "lower-case letters, digits and '-', starting with a letter and not ending with '-'");
    ok = false;
  }
  if (typeof clusterName !== 'string' || !DNS_LABEL.test(clusterName) || clusterName.length > POSTGRES_CLUSTER_NAME_MAX_LENGTH) {
    problems.add(
      'clusterName',
      clusterName,
      `a DNS label (lower-case letters, digits and '-', starting with a letter) of at most ${POSTGRES_CLUSTER_NAME_MAX_LENGTH} characters`,
    );
    ok = false;
  }
  if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace) || namespace.length > 63) {
    problems.add('namespace', namespace, "a DNS label (lower-case letters, digits and '-', starting with a letter) of at most 63 characters");
    ok = false;
  }
  if (!ok) return undefined;

  const short = shortRegion(region);
  const bucketName = `${bucketPrefix}-${tier}-pg-backups-${short}`;
  if (
    bucketName.length > BUCKET_NAME_MAX_LENGTH ||
    !BUCKET_NAME.test(bucketName) ||
    BUCKET_RESERVED_PREFIXES.some((p) => bucketName.startsWith(p)) ||
    BUCKET_RESERVED_SUFFIXES.some((s) => bucketName.endsWith(s))
  ) {
    problems.add(
      'bucketPrefix',
      bucketPrefix,
      `short enough for an S3 bucket name of 3 to ${BUCKET_NAME_MAX_LENGTH} characters without a reserved prefix (got "${bucketName}")`,
    );
    ok = false;
  }
  const roleName = `${bucketPrefix}-${tier}-${clusterName}-pgbackup-${short}`;
  if (roleName.length > ROLE_NAME_MAX_LENGTH) {
    problems.add(
      'clusterName',
      clusterName,
      `short enough for an IAM role name of at most ${ROLE_NAME_MAX_LENGTH} characters (got "${roleName}", ${roleName.length})`,
    );
    ok = false;
  }
  if (!ok) return undefined;

  const path = `${tier}/${clusterName}/`;
  return {
    bucketName,
    path,
    destinationPath: `s3://${bucketName}/${path}`,
    serverName: generation === 1 ? `${clusterName}-${region}` : `${clusterName}-${region}-g${generation}`,
    memberName: `${clusterName}-${region}`,
    serviceAccountName: clusterName,
    namespace,
    roleName,
    region,
  };
}

/**
 * The ARN of a backup location's IAM role in `account`: what an IRSA ServiceAccount annotation
 * (`eks.amazonaws.com/role-arn`) would name. EKS Pod Identity, which this library uses, needs no ARN on the
 * Kubernetes side.
 *
 * @param partition the AWS partition (`aws`, `aws-us-gov`, `aws-cn`)
 */
export function postgresBackupRoleArn(location: PostgresBackupLocation, account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role/${location.roleName}`;
}

/** The bucket prefix the apps use when none is given: a placeholder, since S3 bucket names are global. */
export const DEFAULT_BACKUP_BUCKET_PREFIX = 'scaling-tiers';

/** A Barman Cloud retention policy as CloudNativePG's `retentionPolicy` accepts it: `^[1-9][0-9]*[dwm]$`. */
export const BACKUP_RETENTION = /^[1-9][0-9]*[dwm]$/;

/**
 * The number of days an object store must keep objects for a Barman Cloud retention policy (`90d`, `12w`, `84m`):
 * days as given, weeks times 7, months times 31 (the longest month, so that a lifecycle rule derived from it never
 * expires an object Barman still counts as inside its recovery window).
 *
 * @throws PropsError when `retention` does not match `^[1-9][0-9]*[dwm]$`
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/retention/
 */
export function backupRetentionDays(retention: string): number {
  if (typeof retention !== 'string' || !BACKUP_RETENTION.test(retention)) {
    const problems = new Problems('backupRetentionDays');
    problems.add('retention', retention, "a Barman retention policy such as '90d', '12w' or '84m' (^[1-9][0-9]*[dwm]$)");
    problems.throwIfAny();
  }
  const n = Number(retention.slice(0, -1));
  return n * { d: 1, w: 7, m: 31 }[retention.slice(-1) as 'd' | 'w' | 'm'];
}
