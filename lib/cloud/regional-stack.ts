import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { defaultAvailabilityZones, isRegionName, REGION_ALLOWED } from './_region';

/** Props of {@link RegionalStack}. */
export interface RegionalStackProps extends StackProps {
  /**
   * The availability zones the stack's constructs may use (e.g. a `RegionalIngress`'s VPC).
   *
   * @default - two zones derived from the region name, the same as `RegionalIngress` uses by default
   */
  readonly availabilityZones?: string[];
}

/**
 * A stack with an explicit account and region whose availability zones are given rather than looked up. A plain
 * `Stack` with an explicit environment asks the CDK CLI to look its zones up (with credentials) as soon as a VPC
 * is created in it, even when the VPC's zones are given; this one answers from its props, so synthesis stays offline.
 */
export class RegionalStack extends Stack {
  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id, props);
    const problems = new Problems(this.node.path);
    const region = props.env?.region;
    if (!isRegionName(region)) problems.add('env.region', region, REGION_ALLOWED);
    problems.throwIfAny();
    this.zones = props.availabilityZones ?? defaultAvailabilityZones(region as string);
  }

  /** The given availability zones: no context lookup. */
  public override get availabilityZones(): string[] {
    return [...this.zones];
  }
}
