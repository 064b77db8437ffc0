import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitSource, normaliseGitURL } from '../../lib/gitops';
import { runPublishCommand } from '../../lib/gitops/publish';

const root = path.join(__dirname, '..', '..');
const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

/** git in `dir`, with an identity for commits; its output, or throws with its error. */
function gitIn(dir: string, args: readonly string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...identity } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('gitSource', () => {
  let repo: string;
  const git = (...args: string[]) => gitIn(repo, args);
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'git-source-'));
    git('init', '--quiet');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('the environment, else cdk8s.yaml, else the origin remote; never a placeholder', () => {
    expect(() => gitSource(repo, {})).toThrow(/no Git repository for the GitOps objects: .* has no 'origin' remote/);
    git('remote', 'add', 'origin', 'git@github.com:acme/platform.git');
    expect(gitSource(repo, {})).toEqual({ repoURL: 'ssh://git@github.com/acme/platform.git', revision: 'main', pathPrefix: 'dist', from: 'git remote' });
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), 'app: node main.js\noutput: out\ngitops:\n  repoURL: https://github.com/acme/deploy.git\n  revision: rendered\n');
    expect(gitSource(repo, {})).toEqual({ repoURL: 'https://github.com/acme/deploy.git', revision: 'rendered', pathPrefix: 'out', from: 'cdk8s.yaml' });
    expect(gitSource(repo, { SCALING_TIERS_REPO_URL: 'https://git.acme.io/x.git', SCALING_TIERS_REVISION: 'v2', SCALING_TIERS_PATH_PREFIX: 'deploy' }))
      .toEqual({ repoURL: 'https://git.acme.io/x.git', revision: 'v2', pathPrefix: 'deploy', from: 'SCALING_TIERS_REPO_URL' });
  });

  test('remotes as Argo CD and Flux clone them', () => {
    expect(normaliseGitURL('https://github.com/acme/p.git')).toBe('https://github.com/acme/p.git');
    expect(normaliseGitURL('ssh://git@host:2222/p.git')).toBe('ssh://git@host:2222/p.git');
    expect(normaliseGitURL('git@gitlab.com:group/sub/p.git')).toBe('ssh://git@gitlab.com/group/sub/p.git');
    expect(normaliseGitURL('/srv/git/p.git')).toBeUndefined();
  });

  test("this repository's own synthesis reads its pinned URL from cdk8s.yaml, whatever the machine's remote, and writes no placeholder", () => {
    const source = gitSource(root, {});
    expect(source.from).toBe('cdk8s.yaml');
    expect(source.repoURL).not.toMatch(/example\.(com|org)/);
  });
});

describe('scaling-tiers-publish', () => {
  let repo: string;
  const git = (...args: string[]) => gitIn(repo, args);
  const env = process.env;
  beforeEach(() => {
    process.env = { ...env, ...identity };
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
    git('init', '--quiet', '--initial-branch=main');
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), 'app: node synth.js\noutput: dist\ngitops:\n  revision: rendered\n');
    fs.writeFileSync(path.join(repo, 'synth.js'), "const fs=require('fs'),p=require('path');const o=p.join(process.env.CDK8S_OUTDIR,'shop');fs.mkdirSync(o,{recursive:true});fs.writeFileSync(p.join(o,'app.yaml'),fs.readFileSync('tier.txt','utf8'));");
    fs.writeFileSync(path.join(repo, 'tier.txt'), 'replicas: 2\n');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'dist/\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'sources');
  });
  afterEach(() => {
    process.env = env;
    fs.rmSync(repo, { recursive: true, force: true });
  });

  test('commits the output of the committed sources to the rendered branch, naming the source commit; again only on a change', () => {
    const first = runPublishCommand([], repo);
    expect(first).toEqual({ exitCode: 0, output: `published dist/ of ${git('rev-parse', 'HEAD').slice(0, 12)} to rendered` });
    expect(git('show', 'rendered:dist/shop/app.yaml')).toBe('replicas: 2');
    expect(git('ls-tree', '-r', '--name-only', 'rendered')).toBe('dist/shop/app.yaml'); // the output only, no sources
    expect(git('log', '-1', '--format=%s', 'rendered')).toBe(`Rendered from ${git('rev-parse', 'HEAD')}`);
    expect(runPublishCommand([], repo).output).toBe(`rendered is up to date with ${git('rev-parse', 'HEAD').slice(0, 12)}`);
    fs.writeFileSync(path.join(repo, 'tier.txt'), 'replicas: 3\n');
    expect(runPublishCommand([], repo).exitCode).toBe(2); // uncommitted sources are refused
    git('commit', '--quiet', '-am', 'three');
    expect(runPublishCommand([], repo).exitCode).toBe(0);
    expect(git('show', 'rendered:dist/shop/app.yaml')).toBe('replicas: 3');
    expect(git('rev-list', '--count', 'rendered')).toBe('2');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});
