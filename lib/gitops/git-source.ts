import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where the GitOps objects find the rendered output: the `repoURL`, `revision` and `pathPrefix` of `GitOpsProps`. */
export interface GitSource {
  readonly repoURL: string;
  readonly revision: string;
  readonly pathPrefix: string;
  /** Where `repoURL` came from: `SCALING_TIERS_REPO_URL`, `cdk8s.yaml` or `git remote`. */
  readonly from: string;
}

/**
 * The Git source of a project's GitOps objects, each field from the first of:
 *
 * 1. the environment: `SCALING_TIERS_REPO_URL`, `SCALING_TIERS_REVISION`, `SCALING_TIERS_PATH_PREFIX`;
 * 2. the project's `cdk8s.yaml`, `gitops:` `repoURL`, `revision`, `pathPrefix` (committed, so the synthesis does not
 *    depend on the machine: this repository pins its own there);
 * 3. for the URL, the working tree's `origin` remote (`git remote get-url origin`; `git@host:path` becomes
 *    `ssh://git@host/path`, which Argo CD and Flux both accept); the revision defaults to `main`, the path prefix
 *    to the `output:` of cdk8s.yaml, else `dist`.
 *
 * There is no placeholder: without a URL it throws, saying how to set one.
 */
export function gitSource(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): GitSource {
  const config = cdk8sGitOpsConfig(cwd);
  const revision = env.SCALING_TIERS_REVISION ?? config.revision ?? 'main';
  const pathPrefix = env.SCALING_TIERS_PATH_PREFIX ?? config.pathPrefix ?? config.output ?? 'dist';
  if (env.SCALING_TIERS_REPO_URL) return { repoURL: env.SCALING_TIERS_REPO_URL, revision, pathPrefix, from: 'SCALING_TIERS_REPO_URL' };
  if (config.repoURL) return { repoURL: config.repoURL, revision, pathPrefix, from: 'cdk8s.yaml' };
  const remote = gitRemoteURL(cwd);
  if (remote) return { repoURL: remote, revision, pathPrefix, from: 'git remote' };
  throw new Error(
    `no Git repository for the GitOps objects: ${cwd} has no 'origin' remote. Set 'gitops: { repoURL: ... }' in cdk8s.yaml, ` +
    'or SCALING_TIERS_REPO_URL, to the repository Argo CD and Flux read the rendered manifests from',
  );
}

/** The `origin` remote of the working tree at `cwd` as an https:// or ssh:// URL, or undefined. */
export function gitRemoteURL(cwd: string): string | undefined {
  const run = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd, encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  return normaliseGitURL(run.stdout.trim());
}

/**
 * A Git remote as Argo CD and Flux clone it: `https://`, `http://` and `ssh://` URLs as they are, the scp-like
 * `user@host:path` as `ssh://user@host/path`; anything else (a local path) is undefined.
 */
export function normaliseGitURL(remote: string): string | undefined {
  if (/^(https?|ssh):\/\/\S+$/.test(remote)) return remote;
  const scp = /^([^@/\s]+@)?([^:/\s]+):(?!\/\/)(\S+)$/.exec(remote);
  if (scp) return `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3].replace(/^\//, '')}`;
  return undefined;
}

/** What `cdk8sGitOpsConfig` reads from cdk8s.yaml. */
export interface Cdk8sGitOpsConfig {
  readonly app?: string;
  readonly output?: string;
  readonly repoURL?: string;
  readonly revision?: string;
  readonly pathPrefix?: string;
}

/** `app:`, `output:` and the `gitops:` block of `<cwd>/cdk8s.yaml` (parsed with the yaml package, loaded only then). */
export function cdk8sGitOpsConfig(cwd: string): Cdk8sGitOpsConfig {
  const file = path.join(cwd, 'cdk8s.yaml');
  if (!fs.existsSync(file)) return {};
  const { parse } = require('yaml') as typeof import('yaml');
  const config = parse(fs.readFileSync(file, 'utf8')) as { app?: unknown; output?: unknown; gitops?: Record<string, unknown> } | null;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    app: str(config?.app),
    output: str(config?.output),
    repoURL: str(config?.gitops?.repoURL),
    revision: str(config?.gitops?.revision),
    pathPrefix: str(config?.gitops?.pathPrefix),
  };
}
