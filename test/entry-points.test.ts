describe('entry points', () => {
  test("the k8s bindings are the module cdk8s-plus-28 exports as 'k8s'", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('../lib/core/k8s').k8s).toBe(require('cdk8s-plus-28').k8s);
  });

  test('the cloud constructs are the separate entry point scaling-tiers/cloud', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../package.json') as { exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['./cloud']).toEqual({ types: './build/lib/cloud/index.d.ts', default: './build/lib/cloud/index.js' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('../lib/cloud') as typeof import('../lib/cloud');
    expect(Object.keys(cloud)).toEqual(expect.arrayContaining(['GlobalDns', 'RegionalIngress', 'RegionalStack', 'targetGroupNameFor']));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(Object.keys(require('../lib'))).not.toContain('RegionalIngress');
  });
});
