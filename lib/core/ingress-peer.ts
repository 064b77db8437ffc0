import { k8s } from './k8s';
import { Problems } from './problems';
import { LABEL_KEY, LABEL_VALUE } from './names';
import { isCidr } from './checks';

/**
 * A source allowed to reach a workload's pods through its NetworkPolicy. Give `podLabels` and/or
 * `namespaceLabels` (both: those pods in those namespaces; only `podLabels`: those pods in the same namespace),
 * or a `cidr` alone.
 */
export interface IngressPeer {
  /**
   * Labels of the client pods.
   *
   * @default - any pod (of the selected namespaces)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Labels of the client pods' namespaces.
   *
   * @default - the workload's own namespace
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * An IPv4 or IPv6 CIDR, e.g. a load balancer's VPC range.
   *
   * @default - no address range
   */
  readonly cidr?: string;
}

function labelsValid(labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => LABEL_KEY.test(k) && typeof v === 'string' && v.length <= 63 && LABEL_VALUE.test(v));
}

/** Records every problem of a list of {@link IngressPeer} under the field prefix `field`. */
export function checkIngressPeers(problems: Problems, field: string, peers: IngressPeer[]): void {
  peers.forEach((p, i) => {
    const f = `${field}[${i}]`;
    const hasSelector = p.podLabels !== undefined || p.namespaceLabels !== undefined;
    if (hasSelector === (p.cidr !== undefined)) {
      problems.add(f, p, "either 'podLabels'/'namespaceLabels' or a 'cidr', not both and not neither");
      return;
    }
    if (p.cidr !== undefined && !isCidr(p.cidr)) problems.add(`${f}.cidr`, p.cidr, 'an IPv4 or IPv6 CIDR such as "10.0.0.0/16"');
    for (const key of ['podLabels', 'namespaceLabels'] as const) {
      const labels = p[key];
      if (labels !== undefined && !labelsValid(labels)) problems.add(`${f}.${key}`, labels, 'valid Kubernetes label keys and values');
    }
  });
}

/** The NetworkPolicy `from` entries for a list of peers. */
export function networkPolicyPeers(peers: IngressPeer[]): k8s.NetworkPolicyPeer[] {
  return peers.map((p) => {
    if (p.cidr !== undefined) return { ipBlock: { cidr: p.cidr } };
    return {
      podSelector: p.podLabels !== undefined ? { matchLabels: p.podLabels } : p.namespaceLabels !== undefined ? {} : undefined,
      namespaceSelector: p.namespaceLabels !== undefined ? { matchLabels: p.namespaceLabels } : undefined,
    };
  });
}
