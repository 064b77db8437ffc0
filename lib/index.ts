export * from './_problems';
export * from './k8s/container-resources';
export * from './k8s/horizontal-scaling';
export * from './k8s/ingress-peer';
export * from './k8s/scalable-service';
export * from './k8s/tier-chart';
export * from './k8s/vertical-scaling';
export * from './k8s/write-manifests';
