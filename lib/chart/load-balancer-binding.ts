import { Construct } from 'constructs';
import {
  TargetGroupBinding,
  TargetGroupBindingSpecNetworkingIngressPortsPort as IngressPort,
  TargetGroupBindingSpecNetworkingIngressPortsProtocol as IngressProtocol,
  TargetGroupBindingSpecServiceRefPort as ServicePort,
  TargetGroupBindingSpecTargetType,
} from '../../imports/elbv2.k8s.aws';
import { targetGroupNameFor } from '../cloud/target-group-name';
import { Problems } from '../core/problems';
import { VPC_CIDR_ALLOWED, isVpcCidr } from '../cloud/vpc-cidr';
import { ScalableService } from '../app/scalable-service';

/** Props of {@link LoadBalancerBinding}. */
export interface LoadBalancerBindingProps {
  /** The tier's name; with `region` it gives the target group's name, the same one `RegionalIngress` creates. */
  readonly tier: string;
  /** The AWS region of the cluster this binding is applied in. */
  readonly region: string;
  /** The region's VPC CIDR: the only source the ALB's traffic comes from. */
  readonly vpcCidr: string;
  /** The service whose pods are registered as IP targets (nginx, or the app when there is no nginx). */
  readonly service: ScalableService;
}

/**
 * An AWS Load Balancer Controller `TargetGroupBinding` (elbv2.k8s.aws/v1beta1) that registers a service's pods in
 * the regional ALB's target group, found by the name {@link targetGroupNameFor} gives both sides, so the cluster
 * and the cloud stacks are bound offline and cannot drift. The controller opens the pods' port to the VPC CIDR
 * only.
 */
export class LoadBalancerBinding extends Construct {
  /** The target group's name. */
  public readonly targetGroupName: string;

  constructor(scope: Construct, id: string, props: LoadBalancerBindingProps) {
    super(scope, id);
    const problems = new Problems(this.node.path);
    if (!isVpcCidr(props.vpcCidr)) problems.add('vpcCidr', props.vpcCidr, VPC_CIDR_ALLOWED);
    problems.throwIfAny();
    this.targetGroupName = targetGroupNameFor(props.tier, props.region);
    new TargetGroupBinding(this, 'Resource', {
      metadata: { name: props.service.name, labels: { ...props.service.selectorLabels, 'scaling-tiers.io/region': props.region } },
      spec: {
        targetGroupName: this.targetGroupName,
        targetType: TargetGroupBindingSpecTargetType.IP,
        serviceRef: { name: props.service.serviceName, port: ServicePort.fromNumber(props.service.servicePort) },
        networking: {
          ingress: [{ from: [{ ipBlock: { cidr: props.vpcCidr } }], ports: [{ port: IngressPort.fromNumber(props.service.containerPort), protocol: IngressProtocol.TCP }] }],
        },
      },
    });
  }
}
