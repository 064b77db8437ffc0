/**
 * The Kubernetes 1.28 bindings of cdk8s-plus-28 (`k8s.Kube*` classes, `k8s.toJson_*`, `IntOrString`, `Quantity`):
 * the very module that `import { k8s } from 'cdk8s-plus-28'` returns, loaded without the rest of the package.
 * This library uses only these generated L1 classes (test/README.md, Toolchain: why not the L2), and the package's main
 * entry loads its L2 constructs too, about 10 ms of a cold synthesis for nothing. cdk8s-plus-28 has no `exports`
 * map, so the path is reachable; `test/entry-points.test.ts` checks it is still the same module object.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

export { k8s };
