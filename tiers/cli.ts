#!/usr/bin/env node
// The `scaling-tiers` bin: the command of lib/cli run on the built-in tiers (`scaling-tiers --help`).
import { runScalingTiers } from '../lib/cli';
import { TIERS, deriveTier } from './index';
import { TIER_PROMISES } from './promises';

runScalingTiers(process.argv.slice(2), { tiers: TIERS, promises: TIER_PROMISES, deriveTier: (base, override) => deriveTier(base, override) }).then(
  (r) => {
    if (r.stdout) process.stdout.write(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`);
    if (r.stderr) process.stderr.write(`${r.stderr}\n`);
    process.exitCode = r.exitCode;
  },
  (e: unknown) => {
    process.stderr.write(`scaling-tiers: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
