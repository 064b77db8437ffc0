/**
 * The shared strict validator (`../shared/tools/kube-validate/validate`, beside the repository), run by the slow
 * suites one at a time across jest's workers. Its wrapper copies its `.mjs` files into its cache folder on every run,
 * over the files a concurrent run may be loading, so two runs at once can fail (seen in CI: a run with valid input
 * exited 1 while another suite's run started). `flock` (util-linux) serialises the runs on a lock file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The validator's path; it exists where the repository sits beside `shared/` (a developer's machine, CI). */
export const KUBE_VALIDATE = path.resolve(__dirname, '../../shared/tools/kube-validate/validate');

/** Whether the validator is there; under `CI` its absence is an error, since CI must run the strict check. */
export function kubeValidateAvailable(): boolean {
  if (fs.existsSync(KUBE_VALIDATE)) return true;
  if (process.env.CI) throw new Error(`CI must run the strict schema check, but ${KUBE_VALIDATE} is missing`);
  console.warn(`skipped: the strict validator ${KUBE_VALIDATE} does not exist here`);
  return false;
}

/** Runs the validator on `target` (a file or folder) under the lock: its exit status and everything it printed. */
export function kubeValidate(target: string, timeoutMs = 600_000): { status: number | null; output: string } {
  const lock = path.join(os.tmpdir(), 'scaling-tiers-kube-validate.lock');
  const run = spawnSync('flock', [lock, KUBE_VALIDATE, target], { encoding: 'utf8', timeout: timeoutMs });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * Writes `files` (name -> YAML text) to a temporary folder, validates it under the lock and removes it: the
 * validator's exit status and output.
 */
export function kubeValidateFiles(files: Record<string, string>): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-validate-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return kubeValidate(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
