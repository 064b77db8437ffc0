// The root entry: every Kubernetes-side component. The cloud constructs (aws-cdk-lib) are the separate entry point
// `scaling-tiers/cloud` (lib/cloud/index.ts), so that a Kubernetes-only app never loads aws-cdk-lib. The target
// group name is shared by both sides and is pure.
export * from './core';
export * from './cloud/target-group-name';
export * from './cloud/vpc-cidr';
export * from './app';
export * from './nginx';
export * from './redis';
export * from './postgres';
export * from './chart';
export * from './monitoring';
export * from './sim';
export * from './validate';
