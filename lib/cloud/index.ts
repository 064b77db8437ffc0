export * from './global-dns';
export * from './regional-ingress';
export * from './regional-stack';
export * from './regional-web-acl';
export * from './target-group-name';
export * from './vpc-cidr';
export * from './tier-alarms';
