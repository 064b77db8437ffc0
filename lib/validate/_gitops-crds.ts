import application from '../../imports/crds/application-v1alpha1.json';
import gitRepository from '../../imports/crds/gitrepository-v1.json';
import helmRelease from '../../imports/crds/helmrelease-v2.json';
import helmRepository from '../../imports/crds/helmrepository-v1.json';
import kustomization from '../../imports/crds/kustomization-v1.json';
import type { CustomResourceDefinition } from './crd-types';

/**
 * The CRDs of the GitOps objects (Argo CD Application, Flux GitRepository, HelmRepository, Kustomization and
 * HelmRelease), in a module of their own that `structure.ts` requires on first use: 430 KiB of JSON that only GitOps
 * objects need. (Imported here, not required by path, so that `tsc` copies the JSON files into `build/`.)
 */
export const GITOPS_CRDS: readonly CustomResourceDefinition[] = [application, gitRepository, helmRepository, kustomization, helmRelease] as CustomResourceDefinition[];
