/**
 * AWS policy decisions from a real evaluator: the synthesised template's policies, with CloudFormation's intrinsic
 * functions resolved to the ARNs AWS would give them, judged by `@cloud-copilot/iam-simulate` (an IAM policy
 * simulator that implements AWS's evaluation logic: explicit deny, identity and resource policies, every condition
 * operator including the `...IfExists` ones, same- and cross-account requests).
 *
 * Tests state the request as the AWS service really sends it (principal, action, resource, context keys from the
 * service's documentation) and assert the decision; one denied request per policy shows the policy can say no.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

/** The account and region a simulated template is deployed to. */
export interface FakeEnv {
  readonly account: string;
  readonly region: string;
}

export const FAKE_ENV: FakeEnv = { account: '111111111111', region: 'us-east-1' };

/** What AWS decides for one request. */
export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A template's policies and names as AWS sees them after deployment. */
export class DeployedTemplate {
  constructor(
    private readonly template: { Resources: Resources },
    readonly env: FakeEnv = FAKE_ENV,
  ) {}

  /** `value` with every intrinsic function replaced by the value CloudFormation would produce. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref') return this.ref(arg as string);
      if (key === 'Fn::GetAtt') return this.getAtt(...(arg as [string, string]));
      if (key === 'Fn::Join') {
        const [sep, parts] = arg as [string, unknown[]];
        return parts.map((p) => String(this.resolve(p))).join(sep);
      }
      if (key === 'Fn::Sub' && typeof arg === 'string') return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(this.subVariable(name)));
      if (key.startsWith('Fn::')) throw new Error(`_iam-simulate: ${key} is not resolved yet; add it to DeployedTemplate.resolve`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  /** The resolved policy document of every resource of `type` (property `property`), by logical id. */
  policies(type: string, property = 'PolicyDocument'): Record<string, PolicyDocument> {
    const out: Record<string, PolicyDocument> = {};
    for (const [id, r] of Object.entries(this.template.Resources)) {
      if (r.Type === type && r.Properties?.[property]) out[id] = this.resolve(r.Properties[property]) as PolicyDocument;
    }
    return out;
  }

  /** The logical ids of every resource of `type`. */
  idsOf(type: string): string[] {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
  }

  /** The resource `id`'s properties, resolved. */
  properties(id: string): Record<string, unknown> {
    return this.resolve(this.resource(id).Properties ?? {}) as Record<string, unknown>;
  }

  private resource(id: string): { Type: string; Properties?: Record<string, unknown> } {
    const r = this.template.Resources[id];
    if (!r) throw new Error(`_iam-simulate: no resource ${id} in the template`);
    return r;
  }

  private subVariable(name: string): unknown {
    if (name.startsWith('AWS::')) return this.ref(name);
    const [id, attr] = name.split('.');
    return attr ? this.getAtt(id, attr) : this.ref(id);
  }

  private ref(id: string): unknown {
    const { account, region } = this.env;
    switch (id) {
      case 'AWS::AccountId':
        return account;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'stack';
    }
    const r = this.resource(id);
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        return (p.BucketName) ?? id.toLowerCase();
      case 'AWS::IAM::Role':
        return (p.RoleName) ?? id;
      case 'AWS::KMS::Key':
        return `key-${id}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${(p.TopicName as string | undefined) ?? id}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${account}:secret:${id}-AbCdEf`;
      case 'AWS::Logs::LogGroup':
        return (p.LogGroupName) ?? id;
      case 'AWS::CloudWatch::Alarm':
        return (p.AlarmName) ?? id;
    }
    throw new Error(`_iam-simulate: Ref to ${r.Type} (${id}) is not resolved yet; add it to DeployedTemplate.ref`);
  }

  private getAtt(id: string, attr: string): unknown {
    const { account, region } = this.env;
    const r = this.resource(id);
    const key = `${r.Type}.${attr}`;
    switch (key) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${String(this.ref(id))}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${String(this.ref(id))}`;
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${region}:${account}:key/${String(this.ref(id))}`;
      case 'AWS::KMS::Key.KeyId':
        return this.ref(id);
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(id);
      case 'AWS::CloudWatch::Alarm.Arn':
        return `arn:aws:cloudwatch:${region}:${account}:alarm:${String(this.ref(id))}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${account}:log-group:${String(this.ref(id))}:*`;
    }
    throw new Error(`_iam-simulate: Fn::GetAtt ${key} (${id}) is not resolved yet; add it to DeployedTemplate.getAtt`);
  }
}

export interface PolicyDocument {
  Version?: string;
  Statement: Array<Record<string, unknown>>;
}

/** One request, as the calling service sends it. */
export interface SimulatedRequest {
  /** An ARN (role, user, account root) or a service principal such as `cloudwatch.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns `resource`. @default FAKE_ENV.account */
  readonly resourceAccount?: string;
  /** Condition keys the request carries (`aws:SecureTransport`, `s3:x-amz-server-side-encryption`, ...). */
  readonly context?: Record<string, string | string[]>;
  /** Policies attached to the principal. @default none */
  readonly identityPolicies?: readonly PolicyDocument[];
  /** The resource's own policy (bucket, topic, key, role trust policy). */
  readonly resourcePolicy?: PolicyDocument;
}

/** AWS's decision on `request`; throws when the simulator rejects the input (an invalid policy, action or context key). */
export async function decide(request: SimulatedRequest): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount ?? FAKE_ENV.account },
      contextVariables: { ...(request.context ?? {}) },
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`_iam-simulate: the simulator refused the input: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== 'single') throw new Error(`_iam-simulate: expected one resource, got ${result.resultType}`);
  return result.overallResult;
}
