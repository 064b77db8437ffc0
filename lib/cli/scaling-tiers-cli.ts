/**
 * `scaling-tiers <command>`: the planner and the simulator charts on the command line.
 *
 *   scaling-tiers plan --users 600 [--requests-per-user N | --think-time-s S] [--p95-ms MS] [... see PLAN_FLAGS]
 *                      [--json] [--out tier.ts|tier.js|tier.json] [--name NAME] [--chart [--out plan.svg]]
 *   scaling-tiers simulate --tier enterprise [--load step:2x] [--base-pods N] [--duration-s S] [--json] [--out chart.svg]
 *
 * Exit codes: 0 done, 2 bad input (one line per problem, naming the flag, the value and what is allowed). The
 * tiers are passed in (lib/ never imports tiers/): the `scaling-tiers` bin is tiers/cli.ts.
 */
import * as fs from 'node:fs';
import { formatValue } from '../core/problems';
import { ScalingPromise } from '../sim/scaling-promise';
import { CapacityPlan, PlanInputError, PlanInputs, PlanOverride, PlanTier, formatNumber, planCapacity, planChartPoints, planChartSpec, planInputProblems, tierBoundaries, tierFileFormat, tierFileText } from '../plan';
import { LOAD_SHAPE_ALLOWED, parseLoadShape, renderSvg, scalingTrace, traceChartSpec } from '../plots';

/** The tiers and promises the commands work on, and the tier validation (from `scaling-tiers/tiers`). */
export interface CliCatalogue<T extends PlanTier = PlanTier> {
  /** The tiers, smallest first. */
  readonly tiers: readonly T[];
  /** The scaling promise of each autoscaled tier, by name. */
  readonly promises: Readonly<Record<string, ScalingPromise>>;
  /** `deriveTier`: validates a derived tier (throws when it is invalid). */
  readonly deriveTier: (base: T, override: PlanOverride) => unknown;
}

/** What a run printed and its exit code. */
export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A numeric flag of `plan` and the input it sets. */
interface NumberFlag {
  readonly flag: string;
  readonly field: string;
  readonly set: (inputs: Record<string, unknown>, v: number) => void;
}

const simple = (flag: string, field: keyof PlanInputs): NumberFlag => ({ flag, field, set: (i, v) => (i[field] = v) });
const price = (flag: string, key: string): NumberFlag => ({
  flag,
  field: `prices.${key}`,
  set: (i, v) => (i.prices = { ...(i.prices as object | undefined), [key]: v }),
});

/** The numeric flags of `plan`, each the input of the same meaning (see PlanInputs for units and defaults). */
export const PLAN_FLAGS: readonly NumberFlag[] = [
  simple('--users', 'users'),
  simple('--concurrency-percent', 'concurrencyPercent'),
  simple('--requests-per-user', 'requestsPerUserPerSecond'),
  simple('--think-time-s', 'thinkTimeSeconds'),
  simple('--p95-ms', 'p95LatencyMs'),
  simple('--pod-cpu', 'podCpuCores'),
  simple('--pod-memory-gib', 'podMemoryGiB'),
  simple('--requests-per-core', 'requestsPerCoreSecond'),
  simple('--target-utilization', 'targetUtilizationPercent'),
  simple('--min-pods', 'minPods'),
  simple('--spare-pods-percent', 'sparePodsPercent'),
  simple('--zones', 'zones'),
  simple('--buffer-percent', 'cpuMemoryBufferPercent'),
  simple('--storage-buffer-percent', 'storageBufferPercent'),
  simple('--queries-per-request', 'queriesPerRequest'),
  simple('--query-ms', 'queryMs'),
  simple('--client-pool-per-pod', 'clientPoolPerPod'),
  simple('--cache-mib-per-user', 'cacheMiBPerUser'),
  price('--price-core-hour', 'coreHour'),
  price('--price-gib-hour', 'gibHour'),
  price('--price-storage-gib-month', 'storageGibMonth'),
];

const USAGE = `usage:
  scaling-tiers plan --users N [--requests-per-user R | --think-time-s S] [--p95-ms MS] [--json] [--out FILE.ts|.js|.json] [--name NAME]
  scaling-tiers plan --chart [--out plan.svg] [--users N]
  scaling-tiers simulate --tier NAME [--load step:2x|pulse:2x] [--base-pods N] [--duration-s S] [--json] [--out chart.svg]
plan flags: ${PLAN_FLAGS.map((f) => f.flag).join(' ')} --name --tiers-module --json --out --chart`;

class Usage extends Error {
  constructor(public readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** Runs `scaling-tiers` on `args` (without node and the script). Writes `--out` files; returns what it printed. */
export async function runScalingTiers<T extends PlanTier>(args: readonly string[], catalogue: CliCatalogue<T>): Promise<CliResult> {
  const [command, ...rest] = args;
  try {
    if (command === 'plan') return await plan(rest, catalogue);
    if (command === 'simulate') return await simulate(rest, catalogue);
    if (command === '--help' || command === 'help' || command === undefined) return { exitCode: command === undefined ? 2 : 0, stdout: command === undefined ? '' : USAGE, stderr: command === undefined ? USAGE : '' };
    return usage('scaling-tiers', [`unknown command ${formatValue(command)}: expected 'plan' or 'simulate'`]);
  } catch (e) {
    if (e instanceof Usage) return usage(command, e.lines);
    throw e;
  }
}

function usage(command: string, lines: readonly string[]): CliResult {
  return { exitCode: 2, stdout: '', stderr: `${lines.map((l) => `${command}: ${l}`).join('\n')}\n(run scaling-tiers --help for the flags)` };
}

/** Splits `--flag value` and `--flag=value` pairs; boolean flags take no value. */
function parseFlags(args: readonly string[], booleans: readonly string[]): { values: Map<string, string>; flags: Set<string>; problems: string[] } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const problems: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument ${formatValue(arg)}: every input is a --flag`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (booleans.includes(name)) {
      if (eq > 0) problems.push(`${name} takes no value, got: ${formatValue(arg.slice(eq + 1))}`);
      flags.add(name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++k];
    if (value === undefined) problems.push(`${name} needs a value`);
    else if (values.has(name)) problems.push(`${name} given twice`);
    else values.set(name, value);
  }
  return { values, flags, problems };
}

async function plan<T extends PlanTier>(args: readonly string[], catalogue: CliCatalogue<T>): Promise<CliResult> {
  const { values, flags, problems } = parseFlags(args, ['--json', '--chart']);
  const inputs: Record<string, unknown> = {};
  const known = new Set([...PLAN_FLAGS.map((f) => f.flag), '--name', '--out', '--tiers-module']);
  for (const name of values.keys()) if (!known.has(name)) problems.push(`unknown option ${name}`);
  for (const f of PLAN_FLAGS) {
    const text = values.get(f.flag);
    if (text === undefined) continue;
    const v = text.trim() === '' ? NaN : Number(text);
    f.set(inputs, Number.isNaN(v) ? (text as unknown as number) : v);
  }
  const chart = flags.has('--chart');
  if (!chart && inputs.users === undefined) problems.push('--users is required: a whole number of users from 1 to 10000000');
  const out = values.get('--out');
  if (out !== undefined && !chart && tierFileFormat(out) === undefined) problems.push(`--out must name a .ts, .js or .json tier file, got: ${formatValue(out)}`);
  if (out !== undefined && chart && !out.endsWith('.svg')) problems.push(`--out must name an .svg file with --chart, got: ${formatValue(out)}`);
  const name = values.get('--name');
  if (name !== undefined && !/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$/.test(name)) problems.push(`--name must be a DNS label of at most 20 characters (lowercase letters, digits, '-'), got: ${formatValue(name)}`);
  const withUsers = { users: 1, ...inputs } as PlanInputs;
  problems.push(...planInputProblems(withUsers).map((p) => flagProblem(p.field, p.value, p.allowed)));
  if (problems.length > 0) throw new Usage(problems);

  if (chart) {
    const { users, ...rest } = inputs as unknown as PlanInputs;
    const points = planChartPoints(rest, catalogue.tiers);
    const svg = await renderSvg(planChartSpec(points, tierBoundaries(catalogue.tiers, rest.concurrencyPercent), users));
    if (out === undefined) return { exitCode: 0, stdout: svg, stderr: '' };
    fs.writeFileSync(out, svg);
    return { exitCode: 0, stdout: `wrote ${out}`, stderr: '' };
  }
  let result: CapacityPlan;
  try {
    result = planCapacity(inputs as unknown as PlanInputs, catalogue.tiers, { name });
  } catch (e) {
    if (e instanceof PlanInputError) throw new Usage(e.problems.map((p) => flagProblem(p.field, p.value, p.allowed)));
    throw e;
  }
  const base = catalogue.tiers.find((t) => t.name === result.tier) as T;
  catalogue.deriveTier(base, result.override); // throws if the override does not make a valid tier (a planner bug)
  if (out !== undefined) {
    const format = tierFileFormat(out)!;
    fs.writeFileSync(out, tierFileText(result, format, { tiersModule: values.get('--tiers-module') }));
  }
  const text = flags.has('--json') ? JSON.stringify(planJson(result), null, 2) : planTable(result);
  return { exitCode: 0, stdout: out !== undefined ? `${text}\nwrote ${out}` : text, stderr: '' };
}

function flagProblem(field: string, value: unknown, allowed: string): string {
  const flag = PLAN_FLAGS.find((f) => f.field === field)?.flag ?? `--${field}`;
  return `${flag} must be ${allowed}, got: ${formatValue(value)}`;
}

/** The JSON `plan --json` prints. */
export interface PlanJson {
  /** The recommended tier. */
  readonly tier: string;
  /** Why. */
  readonly reason: string;
  /** What the override changes. */
  readonly changes: readonly string[];
  /** The inputs with their defaults. */
  readonly inputs: CapacityPlan['inputs'];
  /** Each figure's value by key. */
  readonly figures: Record<string, { value: number; unit: string; formula: string; computation: string; label: string }>;
  /** The `deriveTier` override. */
  readonly override: PlanOverride;
}

/** The plan as `--json` prints it. */
export function planJson(plan: CapacityPlan): PlanJson {
  return {
    tier: plan.tier,
    reason: plan.reason,
    changes: plan.changes,
    inputs: plan.inputs,
    figures: Object.fromEntries(plan.figures.map((x) => [x.key, { value: x.value, unit: x.unit, formula: x.formula, computation: x.computation, label: x.label }])),
    override: plan.override,
  };
}

/** The plan as a text table. */
export function planTable(plan: CapacityPlan): string {
  const rows = plan.figures.map((x) => [x.label, `${formatNumber(x.value)} ${x.unit}`, x.formula, x.computation]);
  const head = ['figure', 'value', 'formula', 'with the numbers'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd();
  return [
    `${plan.inputs.users} users -> ${plan.tier}`,
    `why: ${plan.reason}`,
    plan.changes.length > 0 ? `override (deriveTier(${plan.tier}, ...)):\n${plan.changes.map((c) => `  - ${c}`).join('\n')}` : `override: none beyond the name (${plan.tier} covers every figure)`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

async function simulate<T extends PlanTier>(args: readonly string[], catalogue: CliCatalogue<T>): Promise<CliResult> {
  const { values, flags, problems } = parseFlags(args, ['--json']);
  const known = new Set(['--tier', '--load', '--out', '--base-pods', '--duration-s']);
  for (const name of values.keys()) if (!known.has(name)) problems.push(`unknown option ${name}`);
  const scalable = catalogue.tiers.filter((t) => t.app.autoscaling !== undefined);
  const tierName = values.get('--tier');
  const tier = scalable.find((t) => t.name === tierName);
  if (tierName === undefined) problems.push(`--tier is required: one of ${scalable.map((t) => `'${t.name}'`).join(', ')}`);
  else if (!tier) {
    const exists = catalogue.tiers.some((t) => t.name === tierName);
    problems.push(`--tier must be one of ${scalable.map((t) => `'${t.name}'`).join(', ')} (a tier with an HPA${exists ? `; ${tierName} has none` : ''}), got: ${formatValue(tierName)}`);
  }
  const loadText = values.get('--load') ?? 'step:2x';
  const shape = parseLoadShape(loadText);
  if (!shape) problems.push(`--load must be ${LOAD_SHAPE_ALLOWED}, got: ${formatValue(loadText)}`);
  const int = (flag: string, min: number, max: number): number | undefined => {
    const text = values.get(flag);
    if (text === undefined) return undefined;
    const v = Number(text);
    if (!(text.trim() !== '' && Number.isInteger(v) && v >= min && v <= max)) problems.push(`${flag} must be a whole number from ${min} to ${max}, got: ${formatValue(text)}`);
    return v;
  };
  const hpa = tier?.app.autoscaling;
  const basePods = int('--base-pods', 1, hpa?.maxReplicas ?? 1000);
  const duration = int('--duration-s', 15, 86400);
  const out = values.get('--out');
  if (out !== undefined && !flags.has('--json') && !out.endsWith('.svg')) problems.push(`--out must name an .svg file (or add --json), got: ${formatValue(out)}`);
  if (problems.length > 0) throw new Usage(problems);

  const trace = scalingTrace({ name: tier!.name, hpa: hpa!, shape: shape!, promise: catalogue.promises[tier!.name], basePods, durationSeconds: duration });
  const text = flags.has('--json') ? `${JSON.stringify(trace, null, 2)}\n` : await renderSvg(traceChartSpec(trace));
  if (out === undefined) return { exitCode: 0, stdout: text, stderr: '' };
  fs.writeFileSync(out, text);
  return { exitCode: 0, stdout: `wrote ${out}`, stderr: '' };
}
