#!/usr/bin/env node
/**
 * `scaling-tiers-validate [options] [DIR|FILE ...]` (`npm run validate` in this repository): runs the validation gate
 * over manifests on disk and exits 1 when it finds anything.
 *
 *   --enable RULE          turn on a rule that is off by default (repeatable)
 *   --disable RULE         turn a rule off (repeatable)
 *   --user-provided K/N    an object applied outside these manifests, e.g. secret/db-credentials (repeatable)
 *   --crd FILE             a CustomResourceDefinition (YAML or JSON) whose resources may appear (repeatable)
 *   --json                 print the findings as JSON
 *   --rules                list the rules and exit
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { Finding } from './manifest';
import { readManifests } from './read-manifests';
import { RULES, RULE_IDS, RuleId } from './rules';
import { CustomResourceDefinition } from './structure';
import { formatFindings, validateManifests } from './validate-manifests';

/** What a run printed and its exit code. */
export interface CommandResult {
  readonly exitCode: number;
  readonly output: string;
}

/** Runs the command on `args` (without `node` and the script) and returns its output instead of printing it. */
export function runValidateCommand(args: readonly string[]): CommandResult {
  const targets: string[] = [];
  const rules: Partial<Record<RuleId, boolean>> = {};
  const userProvided: string[] = [];
  const crds: CustomResourceDefinition[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--rules') return { exitCode: 0, output: RULE_IDS.map((id) => `${id}${RULES[id].enabledByDefault ? '' : ' (off by default)'}: ${RULES[id].summary}`).join('\n') };
    else if (arg === '--enable' || arg === '--disable') {
      const rule = value();
      if (!(rule in RULES)) return usage(`unknown rule ${JSON.stringify(rule)}; run with --rules for the list`);
      rules[rule as RuleId] = arg === '--enable';
    } else if (arg === '--user-provided') userProvided.push(value());
    else if (arg === '--crd') crds.push(parse(fs.readFileSync(value(), 'utf8')) as CustomResourceDefinition);
    else if (arg.startsWith('--')) return usage(`unknown option ${arg}`);
    else targets.push(arg);
  }
  if (targets.length === 0) targets.push('dist');
  const findings: Finding[] = [];
  let objects = 0;
  for (const target of targets) {
    if (!fs.existsSync(target)) return usage(`no such file or folder: ${target}`);
    const read = readManifests(target);
    objects += read.manifests.length;
    findings.push(...read.findings, ...validateManifests(read.manifests, { rules, userProvided, customResourceDefinitions: crds }));
  }
  if (json) return { exitCode: findings.length > 0 ? 1 : 0, output: JSON.stringify(findings, null, 2) };
  const summary = `validate: ${objects} objects, ${findings.length} finding${findings.length === 1 ? '' : 's'}`;
  return { exitCode: findings.length > 0 ? 1 : 0, output: findings.length > 0 ? `${formatFindings(findings)}\n${summary}` : summary };
}

class UsageError extends Error {}

function usage(message: string): CommandResult {
  return { exitCode: 2, output: `validate: ${message}` };
}

if (require.main === module) {
  let result: CommandResult;
  try {
    result = runValidateCommand(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    result = usage(e.message);
  }
  (result.exitCode === 0 ? console.log : console.error)(result.output);
  process.exitCode = result.exitCode;
}
