/**
 * aws-cdk-lib's built-in "CloudFormation Validate" engine (schema checks, best-practice linting) over the whole cloud
 * app, as `npx cdk synth` runs it. The other tests turn the engine off (test/_jest-setup.ts: it costs about 4 s per
 * test file); this one turns it back on, so that every template the app synthesises is still checked. A slow suite
 * (the engine and a synthesis of every stack), run by `npm run test:all`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCloudApp } from '../../apps/cloud';

/** The part of `validation-report.json` (aws-cdk-lib's policy validation report) read here. */
type Finding = { ruleName: string; description: string; severity: string; violatingConstructs: Array<{ constructPath: string }>; acknowledgedId?: string; acknowledgedAt?: string };
type Report = { pluginReports: Array<{ pluginName: string; conclusion: string; violations: Finding[]; suppressedViolations?: Finding[] }> };

const ENGINE = 'CloudFormation Validate';

describe('CloudFormation Validate over apps/cloud.ts', () => {
  const saved = process.env.CDK_VALIDATION;
  let dir: string;
  let engine: Report['pluginReports'][number] | undefined;
  beforeAll(() => {
    delete process.env.CDK_VALIDATION; // aws-cdk-lib's default: the engine runs
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudformation-validate-'));
    const assembly = createCloudApp({ outdir: dir }).synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as Report;
    engine = report.pluginReports.find((r) => r.pluginName === ENGINE);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the engine ran and reports no unacknowledged finding, of any severity', () => {
    expect(engine).toBeDefined();
    const findings = engine!.violations.map((v) => `${v.severity} ${v.ruleName} ${v.description} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(engine!.conclusion).toBe('success');
  });

  test('the only acknowledged finding is W3010 (hard-coded zones, on purpose) on each regional VPC', () => {
    const acknowledged = new Set((engine!.suppressedViolations ?? []).map((v) => `${v.acknowledgedId} at ${v.acknowledgedAt}`));
    expect([...acknowledged].sort()).toEqual(
      ['department-us-east-1', 'department-us-west-2', 'enterprise-ap-southeast-1', 'enterprise-eu-west-1', 'enterprise-us-east-1'].map((s) => `CloudFormation-Validate::W3010 at ${s}/Ingress/Vpc`),
    );
  });
});
