import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionalStack } from '../../lib/cloud';

/** The context the cloud app relies on (cdk.json): weak cross-region references. */
export const CONTEXT = { '@aws-cdk/core:defaultCrossStackReferences': 'weak' };

/** A placeholder ACM certificate ARN in `region`. */
export function certificateIn(region: string): string {
  return `arn:aws:acm:${region}:111111111111:certificate/00000000-0000-0000-0000-000000000000`;
}

/** A test app (no validation plugins) and a regional stack in it. */
export function regionalStack(region = 'us-east-1', app = new App({ context: CONTEXT })): RegionalStack {
  return new RegionalStack(app, `test-${region}`, { env: { account: '111111111111', region } });
}

/** The message of the error `fn` throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

/** Every ingress rule of the template: inline in a security group or a resource of its own. */
export function ingressRules(template: Template): Array<Record<string, unknown>> {
  const inline = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap((sg) => (sg.Properties.SecurityGroupIngress ?? []) as Array<Record<string, unknown>>);
  const separate = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties as Record<string, unknown>);
  return [...inline, ...separate];
}
