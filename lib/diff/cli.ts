#!/usr/bin/env node
/**
 * `scaling-tiers-diff [--app COMMAND] [--dist DIR]` (`npm run diff` in this repository): synthesises into a temporary
 * folder, compares it with the committed output object by object, prints what a merge would change in the clusters
 * (added, removed and changed objects, with the changed fields) and exits 1 when anything differs, 0 when nothing
 * does, 2 when it cannot run.
 *
 *   --app COMMAND   the synthesis command; it must write to `$CDK8S_OUTDIR` (as `cdk8s synth` and this
 *                   repository's apps/k8s.ts do)  (default: the `app:` of ./cdk8s.yaml)
 *   --dist DIR      the committed output  (default: the `output:` of ./cdk8s.yaml, else dist)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffManifestFolders, formatDifferences } from './manifest-diff';

/** What a run printed and its exit code. */
export interface DiffCommandResult {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs the command on `args` (without `node` and the script) in `cwd` and returns its output instead of printing it. */
export function runDiffCommand(args: readonly string[], cwd = process.cwd()): DiffCommandResult {
  let app: string | undefined;
  let dist: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if ((args[i] === '--app' || args[i] === '--dist') && value === undefined) return { exitCode: 2, output: `${args[i]} needs a value` };
    if (args[i] === '--app') app = args[++i];
    else if (args[i] === '--dist') dist = args[++i];
    else return { exitCode: 2, output: `unknown argument ${JSON.stringify(args[i])}; usage: scaling-tiers-diff [--app COMMAND] [--dist DIR]` };
  }
  const config = cdk8sConfig(cwd);
  app ??= config.app;
  dist = path.resolve(cwd, dist ?? config.output ?? 'dist');
  if (!app) return { exitCode: 2, output: 'no synthesis command: pass --app or run where cdk8s.yaml has an app:' };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scaling-tiers-diff-'));
  try {
    const run = spawnSync(app, { cwd, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: tmp } });
    if (run.status !== 0) return { exitCode: 2, output: `the synthesis failed (${app}):\n${run.stderr}${run.stdout}` };
    const differences = diffManifestFolders(dist, tmp);
    if (differences.length === 0) return { exitCode: 0, output: `no difference: ${path.relative(cwd, dist) || '.'} is what ${app} writes` };
    const counts = (['added', 'removed', 'changed'] as const).map((c) => `${differences.filter((d) => d.change === c).length} ${c}`).join(', ');
    return { exitCode: 1, output: `${formatDifferences(differences)}\n${counts} (old: ${path.relative(cwd, dist) || '.'}, new: ${app})` };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `app:` and `output:` of cdk8s.yaml, read line by line (both are one-line scalars). */
function cdk8sConfig(cwd: string): { app?: string; output?: string } {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  const text = fs.readFileSync(file, 'utf8');
  const get = (key: string) => new RegExp(`^${key}:[ \\t]*(.+?)[ \\t]*$`, 'm').exec(text)?.[1];
  return { app: get('app'), output: get('output') };
}

if (require.main === module) {
  const { exitCode, output } = runDiffCommand(process.argv.slice(2));
  (exitCode === 2 ? process.stderr : process.stdout).write(`${output}\n`);
  process.exitCode = exitCode;
}
