import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScalingTiers, PlanJson } from '../../lib/cli';
import { ScalingTrace, TRACE_SERIES } from '../../lib/plots';
import { validateManifests } from '../../lib/validate';
import { TIERS, TierSpec, deriveTier } from '../../tiers';
import { TIER_PROMISES } from '../../tiers/promises';
import { tierManifests } from '../validate/_baseline';

const catalogue = { tiers: TIERS, promises: TIER_PROMISES, deriveTier: (b: TierSpec, o: Parameters<typeof deriveTier>[1]) => deriveTier(b, o) };
const run = (...args: string[]) => runScalingTiers(args, catalogue);

describe('scaling-tiers plan', () => {
  test('prints the table and exits 0', async () => {
    const r = await run('plan', '--users', '600');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('600 users -> department');
    expect(r.stdout).toContain('app HPA maxReplicas 20 -> 24');
    expect(r.stdout).toMatch(/pods with the margin .* 24 pods +N = max\(/);
  });

  test('--json prints the tier, reason, changes, inputs, figures by key and the override', async () => {
    const r = await run('plan', '--users=600', '--requests-per-user', '10', '--p95-ms', '300', '--json');
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(r.stdout) as PlanJson;
    expect(Object.keys(json)).toEqual(['tier', 'reason', 'changes', 'inputs', 'figures', 'override']);
    expect(json.tier).toBe('department');
    expect(json.inputs).toMatchObject({ users: 600, requestsPerUserPerSecond: 10, p95LatencyMs: 300, concurrencyPercent: 15 });
    expect(json.figures.requestRate).toEqual({ value: 900, unit: 'req/s', formula: 'λ = C x rate per user', computation: '90 x 10 req/s', label: 'request rate' });
    expect(Object.keys(json.figures)).toEqual(expect.arrayContaining(['concurrentUsers', 'pods', 'cores', 'memoryGiB', 'poolSize', 'redisMiB', 'monthlyCostUsd']));
    expect(json.override.name).toBe('department-plan');
  });

  test('bad flags: one line per problem with the flag, the value and what is allowed; exit 2', async () => {
    const r = await run('plan', '--users', '-5', '--p95-ms', 'abc', '--zones', '1.5', '--bogus', '1');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'plan: unknown option --bogus',
      'plan: --users must be a whole number of users from 1 to 10000000, got: -5',
      'plan: --p95-ms must be a number of milliseconds above 0 and at most 600000, got: "abc"',
      'plan: --zones must be a whole number of zones from 1 to 10, got: 1.5',
      '(run scaling-tiers --help for the flags)',
    ]);
  });

  test('--users is required; a load beyond one HPA is refused with the flag named', async () => {
    expect((await run('plan')).stderr).toContain('plan: --users is required: a whole number of users from 1 to 10000000');
    const big = await run('plan', '--users', '1000000');
    expect(big.exitCode).toBe(2);
    expect(big.stderr).toContain('plan: --users must be a load one HPA can carry: it needs');
    expect((await run('plan', '--users', '600', '--out', 'tier.yaml')).stderr).toContain('plan: --out must name a .ts, .js or .json tier file, got: "tier.yaml"');
  });

  test('--out writes a tier file that derives the tier and synthesises with zero gate findings', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    try {
      const file = path.join(dir, 'shop-tier.js');
      const r = await run('plan', '--users', '600', '--name', 'shop', '--out', file, '--tiers-module', path.join(__dirname, '../../tiers'));
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`wrote ${file}`);
      const { tier } = require(file) as { tier: TierSpec };
      expect(tier.name).toBe('shop');
      expect(tier.app.autoscaling?.maxReplicas).toBe(24);
      expect(validateManifests(tierManifests(tier))).toEqual([]);
      const json = path.join(dir, 'shop.json');
      await run('plan', '--users', '600', '--out', json);
      expect(JSON.parse(fs.readFileSync(json, 'utf8'))).toMatchObject({ base: 'department', override: { app: { autoscaling: { maxReplicas: 24 } } } });
      const ts = path.join(dir, 'shop.ts');
      await run('plan', '--users', '600', '--out', ts);
      expect(fs.readFileSync(ts, 'utf8')).toContain("import { deriveTier, department } from \"scaling-tiers/tiers\";\n\nexport const tier = deriveTier(department, {");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scaling-tiers simulate', () => {
  test('--json prints the trace: three series, the deadlines', async () => {
    const r = await run('simulate', '--tier', 'enterprise', '--load', 'step:2x', '--json');
    expect(r.exitCode).toBe(0);
    const trace = JSON.parse(r.stdout) as ScalingTrace;
    expect(Object.keys(trace.series)).toEqual([...TRACE_SERIES]);
    expect(trace.deadlines).toEqual([{ t: 60, label: 'scale-up promise: ready within 60 s' }]);
    expect(trace.series['ready replicas'].find((p) => p.t === 45)?.value).toBe(6);
  });

  test('an unknown tier, a tier without an HPA, a malformed load shape: exit 2, the flag named', async () => {
    const unknown = await run('simulate', '--tier', 'platinum');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe("simulate: --tier must be one of 'team', 'department', 'enterprise' (a tier with an HPA), got: \"platinum\"");
    expect((await run('simulate', '--tier', 'development')).stderr).toContain('(a tier with an HPA; development has none), got: "development"');
    for (const load of ['step:2', 'step:1x', 'wave:2x', 'step:2x/60', 'pulse:-2x']) {
      const r = await run('simulate', '--tier', 'team', '--load', load);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`simulate: --load must be 'step:<factor>x' or 'pulse:<factor>x[/<hold seconds>]' with a factor above 0, not 1, at most 100 (e.g. step:2x, step:0.5x, pulse:2x/600), got: ${JSON.stringify(load)}`);
    }
    expect((await run('simulate', '--tier', 'team', '--base-pods', '11')).stderr).toContain('simulate: --base-pods must be a whole number from 1 to 10, got: "11"');
  });

  test('an unknown command exits 2', async () => {
    const r = await run('deploy');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("scaling-tiers: unknown command \"deploy\": expected 'plan' or 'simulate'");
  });
});
