export * from './global-dns';
export * from './postgres-backup-bucket';
export * from './postgres-backup-location';
export * from './regional-ingress';
export * from './regional-stack';
export * from './regional-web-acl';
export * from './target-group-name';
export * from './vpc-cidr';
