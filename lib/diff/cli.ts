#!/usr/bin/env node
/**
 * `scaling-tiers-diff [--base GIT-REF] [--app COMMAND] [--dist DIR]` (`npm run diff` in this repository): synthesises
 * the working tree into a temporary folder, compares it object by object with the output of `--base` (the ref
 * synthesised in a temporary git worktree) or else with the output folder on disk, prints what a merge would change
 * in the clusters (added, removed and changed objects, the changed fields in full, multi-line values as unified
 * diffs, the regions each base change reaches) and exits 1 when anything differs, 0 when nothing does, 2 when it
 * cannot run.
 *
 *   --base GIT-REF  compare with what this commit, branch or tag synthesises (`origin/main` in a pull request,
 *                   `HEAD` for the uncommitted changes); the worktree shares this tree's node_modules when the two
 *                   package-lock.json files are the same, else `npm ci` installs its own
 *   --app COMMAND   the synthesis command; it must write to `$CDK8S_OUTDIR` (as `cdk8s synth` and this
 *                   repository's apps/k8s.ts do)  (default: the `app:` of ./cdk8s.yaml; with --base, of the ref's)
 *   --dist DIR      the output on disk, without --base  (default: the `output:` of ./cdk8s.yaml, else dist)
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
  let base: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if ((args[i] === '--app' || args[i] === '--dist' || args[i] === '--base') && value === undefined) return { exitCode: 2, output: `${args[i]} needs a value` };
    if (args[i] === '--app') app = args[++i];
    else if (args[i] === '--dist') dist = args[++i];
    else if (args[i] === '--base') base = args[++i];
    else return { exitCode: 2, output: `unknown argument ${JSON.stringify(args[i])}; usage: scaling-tiers-diff [--base GIT-REF] [--app COMMAND] [--dist DIR]` };
  }
  const config = cdk8sConfig(cwd);
  const newApp = app ?? config.app;
  if (!newApp) return { exitCode: 2, output: 'no synthesis command: pass --app or run where cdk8s.yaml has an app:' };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scaling-tiers-diff-'));
  const cleanups: (() => void)[] = [];
  try {
    let oldDir: string;
    let oldName: string;
    if (base !== undefined) {
      const worktree = baseWorktree(cwd, base, path.join(tmp, 'base'), cleanups);
      if (typeof worktree === 'object') return worktree;
      const baseApp = app ?? cdk8sConfig(worktree).app;
      if (!baseApp) return { exitCode: 2, output: `no synthesis command in ${base}: pass --app, or give ${base} a cdk8s.yaml with an app:` };
      oldDir = path.join(tmp, 'old');
      const failed = synthesise(baseApp, worktree, oldDir);
      if (failed !== undefined) return { exitCode: 2, output: `the synthesis of ${base} failed (${baseApp}):\n${failed}` };
      oldName = base;
    } else {
      oldDir = path.resolve(cwd, dist ?? config.output ?? 'dist');
      oldName = path.relative(cwd, oldDir) || '.';
    }
    const newDir = path.join(tmp, 'new');
    const failed = synthesise(newApp, cwd, newDir);
    if (failed !== undefined) return { exitCode: 2, output: `the synthesis failed (${newApp}):\n${failed}` };
    const differences = diffManifestFolders(oldDir, newDir);
    if (differences.length === 0) return { exitCode: 0, output: `no difference: ${oldName} is what ${newApp} writes` };
    const counts = (['added', 'removed', 'changed'] as const).map((c) => `${differences.filter((d) => d.change === c).length} ${c}`).join(', ');
    return { exitCode: 1, output: `${formatDifferences(differences)}\n${counts} (old: ${oldName}, new: ${newApp})` };
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs `app` in `cwd` writing to `outdir`; the failure's output, or undefined. */
function synthesise(app: string, cwd: string, outdir: string): string | undefined {
  const run = spawnSync(app, { cwd, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
  return run.status === 0 ? undefined : `${run.stderr}${run.stdout}`;
}

function git(cwd: string, args: readonly string[]): { ok: boolean; out: string } {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: run.status === 0, out: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() };
}

/**
 * Checks `ref` out, detached, into a temporary worktree of the repository at `cwd` (removed by the cleanups), with
 * dependencies: the repository's own node_modules, linked, when the ref's package-lock.json is the working tree's;
 * else `npm ci` in the worktree. Returns the worktree's folder (at the same place in the repository as `cwd`), or
 * the failure.
 */
function baseWorktree(cwd: string, ref: string, where: string, cleanups: (() => void)[]): string | DiffCommandResult {
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return { exitCode: 2, output: `--base needs a git repository: ${top.out}` };
  const commit = git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) return { exitCode: 2, output: `--base ${ref}: not a commit of this repository` };
  const added = git(cwd, ['worktree', 'add', '--detach', '--quiet', where, commit.out]);
  if (!added.ok) return { exitCode: 2, output: `git worktree add failed: ${added.out}` };
  cleanups.push(() => git(cwd, ['worktree', 'remove', '--force', where]));
  const inside = path.join(where, path.relative(top.out, cwd));
  const lock = (dir: string) => (fs.existsSync(path.join(dir, 'package-lock.json')) ? fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8') : undefined);
  const modules = path.join(cwd, 'node_modules');
  if (fs.existsSync(modules) && lock(cwd) === lock(inside)) {
    const link = path.join(inside, 'node_modules');
    fs.symlinkSync(modules, link, 'dir');
    // Unlinked before the worktree goes, so that nothing removing the worktree can reach the shared node_modules.
    cleanups.push(() => fs.rmSync(link, { force: true }));
  } else if (fs.existsSync(path.join(inside, 'package.json'))) {
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: inside, encoding: 'utf8', shell: process.platform === 'win32' });
    if (install.status !== 0) return { exitCode: 2, output: `npm ci in the worktree of ${ref} failed:\n${install.stderr}` };
  }
  return inside;
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
