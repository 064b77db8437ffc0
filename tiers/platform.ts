import type { PlatformRelease } from '../lib/gitops';

/**
 * The operators the built-in tiers' objects need, as pinned Helm charts. The GitOps objects install into each
 * region's cluster those whose apiVersions (`provides`) the region's objects use (an object of a release's API group
 * in a version it does not serve fails the synthesis), in the order of `after`, before the tier's own
 * objects. The versions are matched to the API versions the tiers emit:
 *
 * - cert-manager (`cert-manager.io/v1` Certificates of the TLS-only enterprise Redis; the Barman Cloud plugin's own
 *   certificates). Chart v1.15+ installs its CRDs with `crds.enabled`.
 * - CloudNativePG 1.27 (chart 0.26.0): `postgresql.cnpg.io/v1` Cluster, Pooler, ScheduledBackup with the
 *   `plugins` field (CNPG-I) the Barman Cloud plugin needs (1.26+).
 * - The Barman Cloud plugin (chart 0.4.0, plugin v0.10.0): `barmancloud.cnpg.io/v1` ObjectStore. It runs in the
 *   operator's namespace and needs cert-manager for its certificates.
 * - KEDA 2.17 (chart 2.17.2): `keda.sh/v1alpha1` ScaledObject and TriggerAuthentication with the fields the
 *   tiers set (imports/keda.sh.ts is generated from the 2.17 CRDs).
 * - The Vertical Pod Autoscaler 1.5: `updateMode: InPlaceOrRecreate` is refused by a 1.3 CRD and needs a feature gate
 *   in 1.4; 1.5 has it on by default. The kubernetes/autoscaler chart's image tags default to its appVersion; they
 *   are pinned here so the VPA version is explicit.
 * - kube-prometheus-stack (chart 67.8.0, Prometheus Operator 0.79): `monitoring.coreos.com/v1` PodMonitor and
 *   PrometheusRule. Its Prometheus selects rules and monitors by the `release: kube-prometheus-stack` label (the
 *   chart's `ruleSelectorNilUsesHelmValues` default selects its release name), which the tiers put on both
 *   (`TIER_MONITORING` in tiers/_shared.ts); it runs in `monitoring`, where KEDA and prometheus-adapter read it.
 * - prometheus-adapter (chart 4.11.0): serves `custom.metrics.k8s.io` for an HPA's `Pods` metric. Its values do not
 *   name the tier's rules ConfigMap (`rules.existing: prometheus-adapter-rules`, lib/app/prometheus-adapter.ts): that
 *   ConfigMap comes with the region, after the operators, so an adapter mounting it would never become ready before
 *   it and the first sync would wait forever. Point the release at it once the region has synced.
 * - The AWS Load Balancer Controller (chart 1.13.0, controller v2.13): `elbv2.k8s.aws/v1beta1` TargetGroupBinding;
 *   `clusterName` is the region's cluster.
 */
export const PLATFORM_RELEASES: readonly PlatformRelease[] = [
  {
    name: 'cert-manager',
    namespace: 'cert-manager',
    repoURL: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    version: 'v1.18.2',
    provides: ['cert-manager.io/v1', 'acme.cert-manager.io/v1'],
    values: { crds: { enabled: true } },
  },
  {
    name: 'cloudnative-pg',
    namespace: 'cnpg-system',
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'cloudnative-pg',
    version: '0.26.0',
    provides: ['postgresql.cnpg.io/v1'],
  },
  {
    name: 'plugin-barman-cloud',
    namespace: 'cnpg-system',
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'plugin-barman-cloud',
    version: '0.4.0',
    provides: ['barmancloud.cnpg.io/v1'],
    after: ['cert-manager', 'cloudnative-pg'],
  },
  {
    name: 'keda',
    namespace: 'keda',
    repoURL: 'https://kedacore.github.io/charts',
    chart: 'keda',
    version: '2.17.2',
    provides: ['keda.sh/v1alpha1'],
  },
  {
    name: 'vertical-pod-autoscaler',
    namespace: 'kube-system',
    repoURL: 'https://kubernetes.github.io/autoscaler',
    chart: 'vertical-pod-autoscaler',
    version: '0.8.1',
    provides: ['autoscaling.k8s.io/v1'],
    values: {
      admissionController: { image: { tag: '1.5.0' } },
      recommender: { image: { tag: '1.5.0' } },
      updater: { image: { tag: '1.5.0' } },
    },
  },
  {
    name: 'kube-prometheus-stack',
    namespace: 'monitoring',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '67.8.0',
    provides: ['monitoring.coreos.com/v1'],
  },
  {
    name: 'prometheus-adapter',
    namespace: 'monitoring',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'prometheus-adapter',
    version: '4.11.0',
    provides: ['custom.metrics.k8s.io/v1beta2'],
    after: ['kube-prometheus-stack'],
    values: { prometheus: { url: 'http://prometheus-operated.monitoring.svc', port: 9090 } },
  },
  {
    name: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    repoURL: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    version: '1.13.0',
    provides: ['elbv2.k8s.aws/v1beta1'],
    clusterNameValue: 'clusterName',
  },
];
