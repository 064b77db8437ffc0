export * from './_problems';
// The cloud constructs (aws-cdk-lib) are the separate entry point `scaling-tiers/cloud` (lib/cloud/index.ts), so
// that a Kubernetes-only app never loads aws-cdk-lib. The target group name is shared by both sides and is pure.
export * from './cloud/target-group-name';
export * from './config/nginx';
export * from './config/pgbouncer';
export * from './config/postgres';
export * from './config/postgres-props';
export * from './config/postgres-scripts';
export * from './config/redis';
export * from './config/redis-memory';
export * from './config/redis-props';
export * from './config/redis-scripts';
export * from './k8s/container-resources';
export * from './k8s/horizontal-scaling';
export * from './k8s/ingress-peer';
export * from './k8s/load-balancer-binding';
export * from './k8s/nginx-load-balancer';
export * from './k8s/postgres-replicated';
export * from './k8s/redis-deployment';
export * from './k8s/scalable-service';
export * from './k8s/tier-chart';
export * from './k8s/vertical-scaling';
export * from './k8s/write-manifests';
export * from './sim';
export * from './validate';
export { ResolvedPostgresConfig, resolvePostgresProps } from './config/postgres-resolve';
