// GitOps objects (Argo CD Applications, Flux GitRepository, Kustomizations and HelmReleases) that deploy a tier's
// region overlays and the operators they need.
export * from './gitops-objects';
export * from './platform-release';
export * from './git-source';
