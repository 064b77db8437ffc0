/**
 * `npm run bench`: synthesis speed and memory, each scenario in a fresh node process (compiled JavaScript, so no
 * TypeScript transpiler is measured), median wall time of 5 runs after a warm-up, peak RSS, and the ratio to the
 * floor (loading the libraries and synthesising nothing) measured in the same run. The runs are interleaved (round
 * after round of every scenario), so that a machine busy for a while slows every scenario alike and the ratios hold.
 * Writes test/bench/results.json. A benchmark, never a test: nothing here fails on a time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const script = path.join(__dirname, 'scenario.js');
const root = path.join(__dirname, '../../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cmd-'));
/**
 * Commands users type, run from the repository root as they are (TypeScript included), writing to a temporary
 * folder. `synth-floor` is the floor the `npm run synth` target is stated against: node loading cdk8s and
 * cdk8s-plus-28 only (the Kubernetes app never loads aws-cdk-lib). Set BENCH_CLI=0 to skip the slow CLI rows.
 */
const COMMANDS: Record<string, string> = {
  'synth-floor': `"${process.execPath}" -e "require('cdk8s'); require('cdk8s-plus-28')"`,
  'npm run synth (node -r ./apps/_ts-register.js apps/k8s.ts)': `"${process.execPath}" -r ./apps/_ts-register.js apps/k8s.ts`,
  'npm run synth into an empty folder (every file written)': `CDK8S_OUTDIR="$(mktemp -d '${path.join(out, 'empty-XXXXXX')}')" "${process.execPath}" -r ./apps/_ts-register.js apps/k8s.ts`,
  'npm run synth, file by file (SCALING_TIERS_TS_BUNDLE=0)': `SCALING_TIERS_TS_BUNDLE=0 "${process.execPath}" -r ./apps/_ts-register.js apps/k8s.ts`,
  'tsx apps/k8s.ts (before)': 'node_modules/.bin/tsx apps/k8s.ts',
  // The standard alternatives to apps/_ts-register.js: a compiled build (the run, and the build it needs after each change).
  'node build/apps/k8s.js (compiled by tsc)': `"${process.execPath}" build/apps/k8s.js`,
  'npm run build (tsc; a compiled build repeats it after each change)': `node_modules/.bin/tsc -p tsconfig.json --outDir ${path.join(out, 'build')}`,
  ...(process.env.BENCH_CLI === '0' ? {} : { 'npx cdk8s synth': 'npx cdk8s synth', 'npx cdk synth': `npx cdk synth --quiet -o ${path.join(out, 'cdk.out')}` }),
};
const scenarios = ['floor', 'k8s', 'k8s-no-gate', 'k8s-yaml', 'k8s-tojson', 'k8s-app', 'k8s-app-synth', ...(fs.existsSync(path.join(__dirname, '../../apps/cloud.js')) ? ['cloud'] : []), 'services:1', 'services:10', 'services:100', 'components:100', 'components-tojson:100', ...Object.keys(COMMANDS)];

interface Result { scenario: string; medianMs: number; maxRssMiB: number; ratioToFloor: number; ratioToSynthFloor?: number; runsMs: number[] }

interface Run { ms: number; maxRssMiB: number; cpuMs: number }

function once(scenario: string): Run {
  const command = COMMANDS[scenario];
  const start = process.hrtime.bigint();
  const r = command
    ? spawnSync(command, { shell: true, cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: path.join(out, 'dist') } })
    : spawnSync(process.execPath, [script, scenario], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${scenario} failed:\n${r.stderr}`);
  if (command) return { ms, maxRssMiB: 0, cpuMs: 0 };
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { maxRssMiB: number; cpuMs: number };
  return { ms, maxRssMiB: line.maxRssMiB, cpuMs: line.cpuMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The main scenarios, each against the floors measured in the same run. */
function mainScenarios(): Result[] {
  for (const scenario of scenarios) once(scenario); // warm-up (file system and code caches)
  const runs = new Map(scenarios.map((s) => [s, [] as Run[]]));
  for (let round = 0; round < RUNS; round++) for (const scenario of scenarios) runs.get(scenario)!.push(once(scenario));
  const results: Result[] = scenarios.map((scenario) => {
    const own = runs.get(scenario)!;
    return { scenario, medianMs: Math.round(median(own.map((r) => r.ms))), maxRssMiB: Math.max(...own.map((r) => r.maxRssMiB)), ratioToFloor: 0, runsMs: own.map((r) => Math.round(r.ms)) };
  });
  const floor = results[0].medianMs;
  const synthFloor = results.find((r) => r.scenario === 'synth-floor')!.medianMs;
  for (const r of results) {
    r.ratioToFloor = round2(r.medianMs / floor);
    if (COMMANDS[r.scenario]) r.ratioToSynthFloor = round2(r.medianMs / synthFloor);
  }
  console.log('| scenario | median wall time | peak RSS | x floor | x synth floor |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.scenario} | ${r.medianMs} ms | ${r.maxRssMiB || '-'} MiB | ${r.ratioToFloor} | ${r.ratioToSynthFloor ?? ''} |`);
  return results;
}

/** One size of the scale scenario: the README's composing example with N extra services against plain cdk8s-plus-28. */
interface ScaleResult {
  services: number;
  scalingTiers: ScaleSide;
  plain: ScaleSide;
  /** Median over the rounds of scaling-tiers' wall time over plain's in the same round. */
  pairedRatio: number;
  /** The same for CPU time. */
  pairedCpuRatio: number;
  /** scaling-tiers' median wall time at this size over its median at the previous size. */
  growth?: number;
  plainGrowth?: number;
  /** The same for CPU time. */
  cpuGrowth?: number;
  plainCpuGrowth?: number;
}

/** One side of a size: median wall and CPU time, peak RSS, and every round's wall and CPU time. */
interface ScaleSide { medianMs: number; medianCpuMs: number; maxRssMiB: number; runsMs: number[]; runsCpuMs: number[] }

/**
 * `scale:N` beside `plain:N` (test/bench/scenario.ts) for each N, in fresh processes, alternating: every round runs
 * each size's pair, the order of the pair swapped every round. Fewer rounds than the main scenarios (BENCH_SCALE_RUNS,
 * default 3): the largest size takes minutes on a loaded machine. BENCH_SCALE sets the sizes (`500,1000,2000,5000`).
 */
function scaleScenarios(): ScaleResult[] {
  const sizes = (process.env.BENCH_SCALE ?? '500,1000,2000,5000').split(',').map(Number);
  const rounds = Number(process.env.BENCH_SCALE_RUNS ?? 3);
  const runs = new Map(sizes.map((n) => [n, { ours: [] as Run[], plain: [] as Run[] }]));
  once('scale:10'); // warm-up (file system and code caches)
  once('plain:10');
  for (let round = 0; round < rounds; round++) {
    for (const n of sizes) {
      const r = runs.get(n)!;
      const pair = round % 2 === 0 ? (['scale', 'plain'] as const) : (['plain', 'scale'] as const);
      for (const which of pair) (which === 'scale' ? r.ours : r.plain).push(once(`${which}:${n}`));
      console.error(`round ${round + 1}/${rounds}, ${n} services: scaling-tiers ${Math.round(r.ours[round].ms)} ms, plain ${Math.round(r.plain[round].ms)} ms`);
    }
  }
  const summary = (xs: Run[]): ScaleSide => ({
    medianMs: Math.round(median(xs.map((x) => x.ms))),
    medianCpuMs: median(xs.map((x) => x.cpuMs)),
    maxRssMiB: Math.max(...xs.map((x) => x.maxRssMiB)),
    runsMs: xs.map((x) => Math.round(x.ms)),
    runsCpuMs: xs.map((x) => x.cpuMs),
  });
  const results: ScaleResult[] = sizes.map((services) => {
    const r = runs.get(services)!;
    return {
      services,
      scalingTiers: summary(r.ours),
      plain: summary(r.plain),
      pairedRatio: round2(median(r.ours.map((o, i) => o.ms / r.plain[i].ms))),
      pairedCpuRatio: round2(median(r.ours.map((o, i) => o.cpuMs / r.plain[i].cpuMs))),
    };
  });
  results.forEach((r, i) => {
    if (i === 0) return;
    const prev = results[i - 1];
    r.growth = round2(r.scalingTiers.medianMs / prev.scalingTiers.medianMs);
    r.plainGrowth = round2(r.plain.medianMs / prev.plain.medianMs);
    r.cpuGrowth = round2(r.scalingTiers.medianCpuMs / prev.scalingTiers.medianCpuMs);
    r.plainCpuGrowth = round2(r.plain.medianCpuMs / prev.plain.medianCpuMs);
  });
  console.log('| extra services | scaling-tiers: wall / CPU | peak RSS | plain cdk8s-plus-28: wall / CPU | peak RSS | ratio, paired: wall / CPU | growth from the previous size, wall: scaling-tiers / plain | the same, CPU |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const growth = r.growth === undefined ? ' | ' : `${r.growth}x / ${r.plainGrowth}x | ${r.cpuGrowth}x / ${r.plainCpuGrowth}x`;
    console.log(`| ${r.services} | ${r.scalingTiers.medianMs} / ${r.scalingTiers.medianCpuMs} ms | ${r.scalingTiers.maxRssMiB} MiB | ${r.plain.medianMs} / ${r.plain.medianCpuMs} ms | ${r.plain.maxRssMiB} MiB | ${r.pairedRatio}x / ${r.pairedCpuRatio}x | ${growth} |`);
  }
  return results;
}

console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
// BENCH_ONLY=main or BENCH_ONLY=scale runs one part (the other keeps its figures in results.json).
const only = process.env.BENCH_ONLY;
const resultsFile = path.join(__dirname, '../../../test/bench/results.json');
const previous = fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { results?: Result[]; scale?: ScaleResult[] }) : {};
const results = only === 'scale' ? previous.results ?? [] : mainScenarios();
const scale = only === 'main' ? previous.scale ?? [] : scaleScenarios();
fs.rmSync(out, { recursive: true, force: true });
fs.writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, runs: RUNS, results, scale }, null, 2)}\n`);
