/**
 * `npm run bench`: synthesis speed and memory, each scenario in a fresh node process (compiled JavaScript, so no
 * TypeScript transpiler is measured), median wall time of 5 runs after a warm-up, peak RSS, and the ratio to the
 * floor (loading the libraries and synthesising nothing) measured in the same run. Writes test/bench/results.json.
 * A benchmark, never a test: nothing here fails on a time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const script = path.join(__dirname, 'scenario.js');
const scenarios = ['floor', 'k8s', 'k8s-no-gate', 'k8s-app', ...(fs.existsSync(path.join(__dirname, '../../apps/cloud.js')) ? ['cloud'] : []), 'services:1', 'services:10', 'services:100'];

interface Result { scenario: string; medianMs: number; maxRssMiB: number; ratioToFloor: number; runsMs: number[] }

function once(scenario: string): { ms: number; maxRssMiB: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [script, scenario], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${scenario} failed:\n${r.stderr}`);
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { ms, maxRssMiB: line.maxRssMiB };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results: Result[] = [];
for (const scenario of scenarios) {
  once(scenario); // warm-up (file system cache)
  const runs = Array.from({ length: RUNS }, () => once(scenario));
  results.push({ scenario, medianMs: Math.round(median(runs.map((r) => r.ms))), maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)), ratioToFloor: 0, runsMs: runs.map((r) => Math.round(r.ms)) });
}
const floor = results[0].medianMs;
for (const r of results) r.ratioToFloor = Math.round((r.medianMs / floor) * 100) / 100;

console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
console.log('| scenario | median wall time | peak RSS | x floor |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.scenario} | ${r.medianMs} ms | ${r.maxRssMiB} MiB | ${r.ratioToFloor} |`);
const out = path.join(__dirname, '../../../test/bench/results.json');
fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, runs: RUNS, results }, null, 2)}\n`);
