import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { createCloudApp } from '../../apps/cloud';
import { TierChart } from '../../lib';
import { TIERS, hasCloudIngress } from '../../tiers';

describe('the cluster side binds to the cloud side by target group name', () => {
  const cloud = createCloudApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-')) });
  const stacks = cloud.node.children.filter((c): c is Stack => c instanceof Stack);

  test.each(TIERS.filter(hasCloudIngress).map((t) => [t.name, t]))('%s: one TargetGroupBinding per region, named as the ALB target group', (_name, tier) => {
    const chart = new TierChart(new App(), tier.name, { ...tier, loadBalancerRegions: tier.regions });
    expect([...chart.regionalComponents.keys()]).toEqual(tier.regions.map((r) => r.name));
    for (const region of tier.regions) {
      const [binding] = chart.regionalComponents.get(region.name)!.toJson();
      const stack = stacks.find((s) => s.stackName === `${tier.name}-${region.name}`)!;
      const groups = Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as Array<{ Properties: { Name: string; Port: number; TargetType: string } }>;
      expect(groups).toHaveLength(1);
      expect(binding.spec.targetGroupName).toBe(groups[0].Properties.Name);
      expect(binding.spec.targetType).toBe(groups[0].Properties.TargetType);
      expect(binding.spec.networking.ingress[0]).toEqual({ from: [{ ipBlock: { cidr: region.vpcCidr } }], ports: [{ port: groups[0].Properties.Port, protocol: 'TCP' }] });
      expect(binding.spec.serviceRef).toEqual({ name: 'nginx', port: 80 });
      const vpcs = Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPC')) as Array<{ Properties: { CidrBlock: string } }>;
      expect(vpcs[0].Properties.CidrBlock).toBe(region.vpcCidr);
    }
  });

  test('single-region tiers have no binding', () => {
    for (const tier of TIERS.filter((t) => !hasCloudIngress(t))) {
      expect(new TierChart(new App(), tier.name, tier).regionalComponents.size).toBe(0);
    }
  });
});
