// The cloud entry `scaling-tiers/cloud`: the aws-cdk-lib constructs, named export by export (the prop checks and
// the limits behind them stay internal). test/api/ holds the API report of this list; `npm run api` updates it.

// One stack per region: the ALB and its WAF web ACL, the Postgres backups bucket.
export { RegionalStack } from './regional-stack';
export type { RegionalStackProps } from './regional-stack';
export { RegionalIngress, PLACEHOLDER_CERTIFICATE_ARN } from './regional-ingress';
export type { RegionalIngressProps, OriginProtection } from './regional-ingress';
export { RegionalWebAcl } from './regional-web-acl';
export type { RegionalWebAclProps, WebAclRateLimits } from './regional-web-acl';
export { PostgresBackupBucket, PostgresBackupAccess } from './postgres-backup-bucket';
export type { PostgresBackupBucketProps } from './postgres-backup-bucket';
export { PostgresBackupPodIdentity } from './postgres-backup-pod-identity';
export type { PostgresBackupPodIdentityProps } from './postgres-backup-pod-identity';

// Across regions: Route 53, the CDN, the alarms.
export { GlobalDns } from './global-dns';
export type { GlobalDnsProps, GlobalDnsRegion, GlobalDnsRouting, ExistingHostedZone } from './global-dns';
export { EdgeDistribution, EDGE_REGION } from './edge-distribution';
export type { EdgeDistributionProps, EdgeWebAclOptions } from './edge-distribution';
export { EdgeWebAcl } from './edge-web-acl';
export type { EdgeWebAclProps } from './edge-web-acl';
export { TierAlarms } from './tier-alarms';
export type { TierAlarmsProps } from './tier-alarms';

// Names both sides compute alike (also exported by the root entry, which loads no aws-cdk-lib).
export { targetGroupNameFor } from './target-group-name';
export { postgresBackupLocationFor, postgresBackupRoleArn, backupRetentionDays, DEFAULT_BACKUP_BUCKET_PREFIX } from './postgres-backup-location';
export type { PostgresBackupLocation, PostgresBackupLocationOptions } from './postgres-backup-location';
