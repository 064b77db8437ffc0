import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** The names an API report (test/api/*.api.md) lists as values: classes, functions, constants and enums. */
function reportedValues(report: string): string[] {
  const text = fs.readFileSync(path.join(root, 'test', 'api', report), 'utf8');
  return [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|enum) ([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
}

/** The package entries (package.json "exports"), their sources and API reports. */
const ENTRIES = [
  { specifier: 'scaling-tiers', source: '../lib', report: 'scaling-tiers.api.md' },
  { specifier: 'scaling-tiers/cloud', source: '../lib/cloud', report: 'scaling-tiers-cloud.api.md' },
  { specifier: 'scaling-tiers/tiers', source: '../tiers', report: 'scaling-tiers-tiers.api.md' },
];

describe('entry points', () => {
  test.each(ENTRIES)('$specifier exports at run time exactly the values its API report lists', ({ source, report }) => {
    const keys = Object.keys(require(source) as object);
    expect([...keys].sort()).toEqual([...new Set(reportedValues(report))].sort());
  });

  test('the entries keep internals in: no prop checks, config renderers, resolvers, shell fragments or limits', () => {
    // renderSvg draws the simulator's chart for a person (lib/plots); it renders no configuration.
    const PUBLIC_RENDERERS = ['renderSvg'];
    for (const { source } of ENTRIES) {
      const keys = Object.keys(require(source) as object).filter((k) => !PUBLIC_RENDERERS.includes(k));
      expect(keys.filter((k) => /^(render|resolve|check\w*Props$|SH_)|_ALLOWED$|_MAX_LENGTH$/.test(k))).toEqual([]);
      expect(keys).not.toContain('SH_DEADLINE_FUNCTION');
      expect(keys).not.toContain('Problems');
    }
  });

  test("the k8s bindings are the module cdk8s-plus-28 exports as 'k8s'", () => {
    expect(require('../lib/core/k8s').k8s).toBe(require('cdk8s-plus-28').k8s);
  });

  test('the cloud constructs are the separate entry point scaling-tiers/cloud', () => {
    const pkg = require('../package.json') as { exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['./cloud']).toEqual({ types: './build/lib/cloud/index.d.ts', default: './build/lib/cloud/index.js' });
    const cloud = require('../lib/cloud') as typeof import('../lib/cloud');
    expect(Object.keys(cloud)).toEqual(expect.arrayContaining(['GlobalDns', 'RegionalIngress', 'RegionalStack', 'targetGroupNameFor']));
    expect(Object.keys(require('../lib'))).not.toContain('RegionalIngress');
  });
});
