import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createCloudApp } from '../../apps/cloud';
import { TIERS } from '../../tiers';

// The snapshots of this file were written by the code before the CDN existed (the parent of the commit that added
// EdgeDistribution): with the CDN off, every template is byte for byte what it was. A change that is not about the
// CDN may update them, and says so here: the Postgres backups moved from `<tier>-<region>` to their own
// `<tier>-<region>-backups` and `<tier>-<region>-pod-identity` stacks (lib/cloud/README.md, "Stacks and deploy order");
// the resource policies of issue #27 (CloudWatch may publish to the alarm topics and use their keys; the ALB
// access-log and VPC flow-log delivery statements written out).
describe('with the CDN off, nothing changes', () => {
  const app = createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-off-')), tiers: TIERS.map((t) => ({ ...t, cdn: undefined })) });
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);

  test('the same stacks as before the CDN', () => {
    expect(stacks.map((s) => s.stackName).sort()).toMatchSnapshot();
  });

  test.each(stacks.map((s) => [s.stackName, s]))('%s: the template is unchanged', (_name, stack) => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});
