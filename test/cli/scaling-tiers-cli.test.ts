import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScalingTiers, PlanJson } from '../../lib/cli';
import { tierRangeUsers } from '../../lib/plan';
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
    expect(r.stdout).toContain('override: none beyond the name (department covers every figure)');
    expect(r.stdout).toMatch(/pods with the margin .* 24 pods +N = max\(/);
    // 25 req/s per user instead of department's 20: 27 pods, above its 24
    const busier = await run('plan', '--users', '600', '--requests-per-user', '25');
    expect(busier.stdout).toContain('app HPA maxReplicas 24 -> 27');
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
      const r = await run('plan', '--users', '600', '--requests-per-user', '25', '--name', 'shop', '--out', file, '--tiers-module', path.join(__dirname, '../../tiers'));
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`wrote ${file}`);
      const { tier } = require(file) as { tier: TierSpec };
      expect(tier.name).toBe('shop');
      expect(tier.app.autoscaling?.maxReplicas).toBe(27);
      expect(validateManifests(tierManifests(tier))).toEqual([]);
      const json = path.join(dir, 'shop.json');
      await run('plan', '--users', '600', '--requests-per-user', '25', '--out', json);
      expect(JSON.parse(fs.readFileSync(json, 'utf8'))).toMatchObject({ base: 'department', override: { app: { autoscaling: { maxReplicas: 27 } } } });
      const ts = path.join(dir, 'shop.ts');
      await run('plan', '--users', '600', '--requests-per-user', '25', '--out', ts);
      expect(fs.readFileSync(ts, 'utf8')).toContain("import { deriveTier, department } from \"scaling-tiers/tiers\";\n\nexport const tier = deriveTier(department, {");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scaling-tiers plan inside each tier\'s range: that tier, no change', () => {
  // The capacity promise (tiers/promises.ts) as the command shows it: bottom, middle and top of each range.
  const points = TIERS.flatMap((t) => (['bottom', 'middle', 'top'] as const).map((at) => [t.name, at, tierRangeUsers(t, TIERS)[at]] as const));

  test('the points are the ends of the README ranges at 15 % concurrency', () => {
    expect(points.map(([, , users]) => users)).toEqual([1, 17, 33, 34, 100, 166, 167, 417, 666, 667, 3667, 6666]);
  });

  test.each(points)('%s at the %s of its range (--users %d --json): recommended, empty changes', async (name, _at, users) => {
    const r = await run('plan', '--users', String(users), '--json');
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(r.stdout) as PlanJson;
    expect(json.tier).toBe(name);
    expect(json.changes).toEqual([]);
    expect(Object.keys(json.override)).toEqual(['name', 'description']);
  });

  test('the installed command says the same (enterprise at the top: 6666 users)', () => {
    const root = path.join(__dirname, '../..');
    const out = execFileSync(process.execPath, ['-r', './apps/_ts-register.js', 'tiers/cli.ts', 'plan', '--users', '6666', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const json = JSON.parse(out) as PlanJson;
    expect([json.tier, json.changes]).toEqual(['enterprise', []]);
    expect(json.figures.pods.value).toBe(240);
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
