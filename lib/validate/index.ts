export * from './manifest';
export * from './rules';
export * from './structure';
export * from './read-manifests';
export * from './validate-manifests';
export * from './annotations';
export * from './sync-order';
