// The root entry: every Kubernetes-side component. The cloud constructs (aws-cdk-lib) are the separate entry point
// `scaling-tiers/cloud` (lib/cloud/index.ts), so that a Kubernetes-only app never loads aws-cdk-lib. The target
// group name and the Postgres backup location are shared by both sides and are pure.
export * from './core';
export * from './cloud/target-group-name';
export * from './cloud/postgres-backup-location';
export * from './cloud/vpc-cidr';
export * from './cloud/edge-distribution-check';
export * from './app';
export * from './nginx';
export * from './redis';
export * from './postgres';
export * from './chart';
export * from './tier';
export * from './gitops';
export * from './monitoring';
export * from './sim';
export * from './validate';
export * from './plan';
export * from './plots';
