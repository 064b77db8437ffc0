/**
 * Helpers of test/integration/monitoring.test.ts for promtool (Debian's prometheus package): write rule groups as a
 * plain rules file, run `promtool check rules` and `promtool test rules`, and build unit-test cases whose expected
 * alerts carry the rule's own labels and annotations (templates expanded as Prometheus would for the case).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { AlertingRule, RuleGroup, isAlert, rulesFile } from '../../lib/monitoring';

export const SETUP_HINT = 'run `bash test/integration/setup/prometheus.sh` (installs Debian\'s prometheus, promtool and the exporters)';

/** Throws (the test fails, it is not skipped) unless promtool runs. */
export function requirePromtool(): string {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`promtool not found: ${SETUP_HINT}`);
  return `${r.stdout}${r.stderr}`.split('\n')[0];
}

/** Runs promtool with a hard timeout. */
export function promtool(args: string[], cwd: string, timeoutMs = 120_000): { code: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Writes `groups` to `dir/name` as a rules file; returns the path. */
export function writeRules(dir: string, name: string, groups: readonly RuleGroup[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rulesFile(groups));
  return file;
}

/** The alert named `name` in `groups` (throws when absent or not unique enough to test). */
export function alertIn(groups: readonly RuleGroup[], name: string): AlertingRule {
  const found = groups.flatMap((g) => g.rules).filter(isAlert).filter((r) => r.alert === name);
  if (found.length === 0) throw new Error(`no alert ${name}`);
  return found[0];
}

/**
 * The labels and annotations promtool must see for `rule` firing on a series with `seriesLabels`: the annotation
 * templates expanded with those labels and `value` (the text `$value` renders to through its pipe).
 */
export function expectedAlert(rule: AlertingRule, seriesLabels: Record<string, string>, value = ''): { exp_labels: Record<string, string>; exp_annotations: Record<string, string> } {
  const expand = (text: string) =>
    text.replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_, l: string) => seriesLabels[l] ?? '').replace(/\{\{ \$value( \| [a-zA-Z]+)? \}\}/g, value);
  return {
    exp_labels: { ...seriesLabels, ...rule.labels },
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v)])),
  };
}

/** One `tests:` entry of a promtool unit-test file. */
export interface PromtoolTest {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test: readonly { readonly eval_time: string; readonly alertname: string; readonly exp_alerts: readonly object[] }[];
}

/** Writes a promtool unit-test file over `rulesPath` and runs it; returns promtool's result. */
export function runPromtoolTests(dir: string, name: string, rulesPath: string, tests: readonly PromtoolTest[], evaluationInterval = '1m'): { code: number | null; output: string } {
  const file = path.join(dir, `${name}.test.yaml`);
  fs.writeFileSync(file, stringify({ rule_files: [path.basename(rulesPath)], evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 }));
  return promtool(['test', 'rules', path.basename(file)], dir, 600_000);
}

/**
 * A promtool series notation for a counter that grows by `before` per step for `steps` steps, then by `after` per
 * step for `afterSteps` steps (values at step 0 .. steps + afterSteps).
 */
export function counter(before: number, steps: number, after: number, afterSteps: number): string {
  return `0+${before}x${steps - 1} ${before * steps}+${after}x${afterSteps}`;
}
