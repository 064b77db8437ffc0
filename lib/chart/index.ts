// A tier as one cdk8s chart per component, the ALB binding per region, and the manifests written to disk.
export * from './load-balancer-binding';
export * from './tier-chart';
export * from './regional-component';
export * from './write-manifests';
