// GitOps objects (Argo CD Applications, Flux GitRepository and Kustomizations) that deploy a tier's region overlays.
export * from './gitops-objects';
