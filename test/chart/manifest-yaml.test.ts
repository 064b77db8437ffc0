import { App, Yaml } from 'cdk8s';
import { stringify } from 'yaml';
import { TierChart } from '../../lib';
import { manifestsToYaml } from '../../lib/chart';
import { emitDocument } from '../../lib/chart/_manifest-yaml';
import { TIERS, hasCloudIngress } from '../../tiers';

/** What manifestsToYaml promises to write: the yaml package's output with cdk8s's options, without anchors. */
const reference = (o: unknown) => stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1', aliasDuplicateObjects: false });

// Strings aimed at each rule of the yaml package's plainString, quotedString and blockString under YAML 1.1.
const ONE_LINE = [
  'plain', 'Off', 'off', 'ON', 'yes', 'Y', 'n', 'No', 'TRUE', 'False', '~', 'null', 'Null', 'NULL', 'nULL', '', '<<',
  '5432', '-1', '+1', '0', '010', '0o17', '0x1F', '0b101', '1_000', '1.5', '.5', '1.', '1e3', 'e5', '12e', '.inf',
  '-.Inf', '.nan', 'NaN', '1:30', '190:20:30.15', '2024-01-01', '2024-1-1 10:00:00', '2024-01-01T10:00:00Z',
  '-', '?', '- a', '? a', '-a', '?a', ':a', 'a:', 'a:b', 'a: b', 'a #b', 'a#b', '#a', ' lead', 'trail ', '\tlead',
  'trail\t', 'a\tb', '%x', '---x', '...x', '---', '@x', '`x', '!x', '&x', '*x', '|', '>', '[a', 'a]', '{', '}', ',a',
  'a,b', "it's", 'say "hi"', `both ' "`, '\\back\\slash', 'é', '日本', '\u2028x', '\u00a0x', 'x\u0085', 'bell\u0007',
  '/dev/null', 'app.kubernetes.io/name', '100m', '512Mi', 'http://example.com:80/a?b=c#d',
];
const MULTI_LINE = [
  'a\nb\n', 'a\nb', 'a\nb\n\n', 'a\n', '\n', '\n\n', '\nlead\n', '  indented\nx\n', 'x\n  indented\n', 'a\n\nb\n',
  'a\n \nb\n', 'trail\n  ', 'x\n\t', 'x\n# c\n', '- a\nb', 'a\n---\nb\n', '%x\ny', 'x\n%y\n', 'a \nb\n', 'a\n b',
  'a\tb\nc\t\n', 'a\r\nb\n', '"q"\n\'s\'\n', 'a\n\n\nb\n\n', 'x\n\n', '\tx\ny',
];

describe('manifestsToYaml (its own emitter)', () => {
  test("writes exactly what cdk8s's Yaml.stringify writes, for every tier and regional overlay", () => {
    for (const tier of TIERS) {
      const chart = new TierChart(new App(), tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
      for (const component of [...chart.components, ...chart.regionalComponents.values()]) {
        const objects = component.toJson();
        expect(manifestsToYaml(objects)).toBe(Yaml.stringify(...objects));
        // and every object of the tiers takes the fast path, so the yaml package is never loaded to write them
        for (const o of objects) expect(emitDocument(o)).toBeDefined();
      }
    }
  });

  test.each([...ONE_LINE, ...MULTI_LINE].map((s) => [JSON.stringify(s), s]))('writes %s as the yaml package does, as a value, a key and in a sequence', (_, s) => {
    const docs = [{ v: s }, { [s]: 1 }, { l: [s, { k: s }, [s]] }, { m: { n: { o: s } } }];
    for (const doc of docs) expect(manifestsToYaml([doc])).toBe(reference(doc));
  });

  test('writes collections, nulls, booleans and numbers as the yaml package does', () => {
    const docs: unknown[] = [
      {}, { a: {} }, { a: [] }, { a: null, b: null }, { t: true, f: false }, { n: [0, -1, 42, 2 ** 53 - 1] },
      { a: [[1, 2], [], [[]], [{}]], b: [{ x: 1, y: [{ z: 'a\nb\n' }] }] },
      { f: 1.5, big: 2 ** 60, neg0: -0 }, // numbers the emitter leaves to the yaml package
      'top-level scalar', ['top', 'level'], { u: undefined }, { d: new Date(0) }, { ['k'.repeat(1025)]: 1 },
    ];
    for (const doc of docs) expect(manifestsToYaml([doc])).toBe(reference(doc));
    expect(manifestsToYaml([{ a: 1 }, { b: 2 }])).toBe('a: 1\n---\nb: 2\n');
  });
});
