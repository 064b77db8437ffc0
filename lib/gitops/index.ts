// GitOps objects (Argo CD Applications, Flux GitRepository, Kustomizations and HelmReleases) that deploy a tier's
// region overlays and the operators they need, each region into its own cluster; the Git source they read.
export * from './gitops-props';
export * from './sync-policy';
export * from './gitops-objects';
export * from './platform-release';
export * from './git-source';
