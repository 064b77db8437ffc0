#!/usr/bin/env node
/**
 * `scaling-tiers-publish [--branch NAME] [--push]` (`npm run publish:rendered` in this repository): the rendered-
 * manifests practice the GitOps objects expect. Synthesises the working tree's committed sources (the `app:` of
 * cdk8s.yaml, writing to `$CDK8S_OUTDIR`) and commits the output to a branch of its own (default `rendered`, the
 * `revision` the GitOps objects read) under the path prefix they read (`gitops.pathPrefix` of cdk8s.yaml, else its
 * `output:`, else `dist`), in a temporary git worktree; `--push` pushes the branch to `origin`. The sources'
 * branch never holds the output (dist/ stays git-ignored), and every rendered commit names the source commit it was
 * rendered from. Exits 0 when published (or already up to date), 2 when it cannot run.
 *
 *   --branch NAME   the branch of rendered manifests  (default: the `gitops.revision` of cdk8s.yaml, else `rendered`)
 *   --push          push the branch to origin afterwards
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cdk8sGitOpsConfig } from './git-source';

/** What a run printed and its exit code. */
export interface PublishResult {
  readonly exitCode: number;
  readonly output: string;
}

function git(cwd: string, args: readonly string[]): { ok: boolean; out: string } {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: run.status === 0, out: `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() };
}

/** Runs the command on `args` (without `node` and the script) in `cwd` and returns its output instead of printing it. */
export function runPublishCommand(args: readonly string[], cwd = process.cwd()): PublishResult {
  let branch: string | undefined;
  let push = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--branch' && args[i + 1] !== undefined) branch = args[++i];
    else if (args[i] === '--push') push = true;
    else return { exitCode: 2, output: `unknown argument ${JSON.stringify(args[i])}; usage: scaling-tiers-publish [--branch NAME] [--push]` };
  }
  const config = cdk8sGitOpsConfig(cwd);
  branch ??= config.revision ?? 'rendered';
  const prefix = config.pathPrefix ?? config.output ?? 'dist';
  if (!config.app) return { exitCode: 2, output: 'no synthesis command: run where cdk8s.yaml has an app:' };
  if (!git(cwd, ['check-ref-format', '--branch', branch]).ok) return { exitCode: 2, output: `--branch ${branch}: not a valid branch name` };
  const source = git(cwd, ['rev-parse', 'HEAD']);
  if (!source.ok) return { exitCode: 2, output: `not a git repository with a commit: ${source.out}` };
  const dirty = git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  if (dirty.out !== '') return { exitCode: 2, output: `the working tree has uncommitted changes; commit them first, so that the rendered commit names its source:\n${dirty.out}` };

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scaling-tiers-publish-'));
  const worktree = path.join(tmp, 'rendered');
  let added = false;
  try {
    const rendered = path.join(tmp, 'out');
    const run = spawnSync(config.app, { cwd, shell: true, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: rendered } });
    if (run.status !== 0) return { exitCode: 2, output: `the synthesis failed (${config.app}):\n${run.stderr}${run.stdout}` };

    const exists = git(cwd, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).ok;
    const add = exists ? git(cwd, ['worktree', 'add', '--quiet', worktree, branch]) : git(cwd, ['worktree', 'add', '--quiet', '--detach', worktree]);
    if (!add.ok) return { exitCode: 2, output: `git worktree add failed: ${add.out}` };
    added = true;
    if (!exists) {
      // A branch of its own history: the rendered output only, no sources.
      const orphan = git(worktree, ['checkout', '--quiet', '--orphan', branch]);
      if (!orphan.ok) return { exitCode: 2, output: orphan.out };
      git(worktree, ['rm', '-rf', '--quiet', '.']);
    }
    const target = path.join(worktree, prefix);
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(rendered, target, { recursive: true });
    git(worktree, ['add', '--all', '--', prefix]);
    if (git(worktree, ['diff', '--cached', '--quiet']).ok && exists) return { exitCode: 0, output: `${branch} is up to date with ${source.out.slice(0, 12)}` };
    const commit = git(worktree, ['commit', '--quiet', '-m', `Rendered from ${source.out}`]);
    if (!commit.ok) return { exitCode: 2, output: `git commit failed: ${commit.out}` };
    const lines = [`published ${prefix}/ of ${source.out.slice(0, 12)} to ${branch}`];
    if (push) {
      const pushed = git(worktree, ['push', 'origin', `${branch}:${branch}`]);
      if (!pushed.ok) return { exitCode: 2, output: `${lines[0]}; git push failed: ${pushed.out}` };
      lines.push(`pushed ${branch} to origin`);
    }
    return { exitCode: 0, output: lines.join('\n') };
  } finally {
    if (added) git(cwd, ['worktree', 'remove', '--force', worktree]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { exitCode, output } = runPublishCommand(process.argv.slice(2));
  (exitCode === 2 ? process.stderr : process.stdout).write(`${output}\n`);
  process.exitCode = exitCode;
}
