/**
 * Every shell script the constructs ship is a .sh file under lib/ (lib/core/shell.ts fills them in at synthesis), and
 * `shellcheck -S warning` passes on every one of them, with lib/.shellcheckrc (which follows each script's included
 * fragments). Without shellcheck the suite fails under CI=true (test/integration/setup/shellcheck.sh installs it) and
 * is skipped elsewhere, saying so.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..');

/** Every .sh file under `dir`, relative to the repository root. */
function shFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return shFiles(rel);
    return e.name.endsWith('.sh') ? [rel] : [];
  });
}

const scripts = shFiles('lib').sort();

const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
const haveShellcheck = version.status === 0;
if (!haveShellcheck) {
  if (process.env.CI === 'true') throw new Error(`shellcheck is required under CI=true: ${version.error?.message ?? version.stderr}`);
  console.warn('SKIPPED test/shellcheck.test.ts: shellcheck is not installed (bash test/integration/setup/shellcheck.sh)');
}

describe('the shell scripts under lib/', () => {
  test('the walk finds the scripts the constructs ship and the fragments they share', () => {
    expect(scripts).toEqual(expect.arrayContaining([
      'lib/core/scripts/deadline.sh',
      'lib/redis/scripts/redis-startup.sh',
      'lib/redis/scripts/cluster-bootstrap.sh',
      'lib/redis/scripts/sentinel-startup.sh',
      'lib/redis/scripts/rcli.sh',
      'lib/postgres/scripts/postgres-start.sh',
      'lib/postgres/scripts/pgbouncer-start.sh',
      'lib/postgres/scripts/require-secret.sh',
    ].map((f) => f.split('/').join(path.sep))));
  });

  test('each is a complete sh script or a fragment that says it is sh', () => {
    const neither = scripts.filter((f) => {
      const first = fs.readFileSync(path.join(root, f), 'utf8').split('\n', 1)[0];
      return first !== '#!/bin/sh' && first !== '# shellcheck shell=sh';
    });
    expect(neither).toEqual([]);
  });

  (haveShellcheck ? test : test.skip)('shellcheck -S warning passes on every one', () => {
    const r = spawnSync('shellcheck', ['-S', 'warning', '-f', 'gcc', ...scripts], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
