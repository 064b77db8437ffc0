import { isCidr } from '../core/checks';

/**
 * True when `value` can be a region's VPC CIDR: IPv4, from /16 (the largest VPC AWS allows) to /24 (room for
 * public and private subnets in three zones). Both sides read it, so it is pure and loads no aws-cdk-lib: the
 * cloud app builds the VPC with it, and the cluster side trusts the ALB's addresses from it.
 */
export function isVpcCidr(value: unknown): value is string {
  return isCidr(value, { family: 'ipv4', minPrefix: 16, maxPrefix: 24 });
}

/** What {@link isVpcCidr} accepts, for error messages. */
export const VPC_CIDR_ALLOWED = 'an IPv4 CIDR from /16 to /24 such as "10.30.0.0/16"';
