/**
 * The Services of a {@link ScalableService}, its PodDisruptionBudget and its NetworkPolicy. Internal to lib/app.
 */
import { Construct } from 'constructs';
import { networkPolicyPeers } from '../core/ingress-peer';
import { k8s } from '../core/k8s';
import type { ResolvedScalableService } from './_resolve';

/**
 * Adds the ClusterIP (or LoadBalancer) Service (id `Service`) and, when asked for, the headless Service `<name>-headless`
 * (id `HeadlessService`) to `scope`.
 */
export function addServices(
  scope: Construct,
  r: ResolvedScalableService,
  selectorLabels: Record<string, string>,
  labels: Record<string, string>,
): { service: k8s.KubeService; headlessServiceName?: string } {
  const { name } = r;
  const servicePorts = [{ name: 'http', port: r.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP', appProtocol: 'http' }];
  const service = new k8s.KubeService(scope, 'Service', {
    metadata: { name, labels },
    spec: { type: r.serviceType, selector: selectorLabels, ports: servicePorts },
  });
  if (!r.headlessService) return { service };
  const headlessServiceName = `${name}-headless`;
  new k8s.KubeService(scope, 'HeadlessService', {
    metadata: { name: headlessServiceName, labels },
    spec: { clusterIp: 'None', selector: selectorLabels, ports: servicePorts, publishNotReadyAddresses: false },
  });
  return { service, headlessServiceName };
}

/**
 * Adds the PodDisruptionBudget (id `PodDisruptionBudget`, only when the service can run 2 pods or more) and the
 * NetworkPolicy (id `NetworkPolicy`) to `scope`, in that order.
 */
export function addDisruptionBudgetAndNetworkPolicy(
  scope: Construct,
  r: ResolvedScalableService,
  selectorLabels: Record<string, string>,
  labels: Record<string, string>,
): void {
  const { name } = r;
  if (r.maxReplicas >= 2) {
    // maxUnavailable 1 can never block every eviction, whatever the current replica count.
    new k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
      metadata: { name, labels },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: selectorLabels },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }

  const peers = r.allowIngressFrom;
  new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: selectorLabels },
      policyTypes: ['Ingress'],
      ingress: peers.length > 0 ? [{ from: networkPolicyPeers(peers), ports: [{ port: k8s.IntOrString.fromNumber(r.containerPort), protocol: 'TCP' }] }] : [],
    },
  });
}
