/**
 * The runbooks of lib/postgres/README.md as tier data: each step is a `deriveTier` override of the enterprise tier,
 * synthesised in every region, for the tests that hold each step against CloudNativePG's rules
 * (postgres-runbooks.test.ts: the gate's webhook rules; postgres-cluster-crd.test.ts and its slow suite: the CRDs'
 * schemas and CEL rules).
 */
import { App } from 'cdk8s';
import { TierChart, regionalComponentsOf } from '../../lib/chart';
import { deriveTier, type DeepPartial, type TierSpec } from '../../lib/tier';
import { enterprise } from '../../tiers';
import type { Manifest } from '../_synth';

/** A demotion token as CloudNativePG prints it (base64 JSON from pg_controldata); the webhook parses it on a primary. */
export const DEMOTION_TOKEN = Buffer.from(JSON.stringify({
  latestCheckpointTimelineID: '1', latestCheckpointREDOWALFile: '000000010000000000000005', latestCheckpointREDOLocation: '0/5000028',
  databaseSystemIdentifier: '7443157624376573980', timeOfLatestCheckpoint: 'Thu Dec  4 12:00:00 2026', operatorVersion: '1.27.0',
})).toString('base64');

/** Each runbook step: its name and the tier-data change (on top of the previous steps, as written in the README). */
export const RUNBOOK_STEPS: ReadonlyArray<readonly [string, DeepPartial<TierSpec>]> = [
  ['steady state', {}],
  ['planned switchover, 1: demote us-east-1', { postgres: { switchover: { to: 'eu-west-1' } } }],
  ['planned switchover, 2: promote eu-west-1 with the token', { postgres: { switchover: { to: 'eu-west-1', promotionToken: DEMOTION_TOKEN } } }],
  ['planned switchover, 3: eu-west-1 is the primary region', { postgres: { primaryRegion: 'eu-west-1' } }],
  ['unplanned failover: eu-west-1 promoted, us-east-1 re-cloned as generation 2', { postgres: { primaryRegion: 'eu-west-1', generations: { 'us-east-1': 2 } } }],
  ['region rebuild: ap-southeast-1 re-cloned as generation 2', { postgres: { generations: { 'ap-southeast-1': 2 } } }],
];

/** The PostgreSQL objects of every region of a tier, by region. */
export function postgresByRegion(tier: TierSpec): Record<string, Manifest[]> {
  const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, tier);
  const out: Record<string, Manifest[]> = {};
  for (const c of regionalComponentsOf(chart).filter((r) => r.name === 'postgres')) out[c.region] = c.chart.toJson() as Manifest[];
  return out;
}

/** Every runbook step in every region: `<step>, <region>` -> that region's objects. */
export function runbookScenarios(): Record<string, Manifest[]> {
  const out: Record<string, Manifest[]> = {};
  for (const [step, change] of RUNBOOK_STEPS) {
    for (const [region, objects] of Object.entries(postgresByRegion(deriveTier(enterprise, change)))) out[`runbook: ${step}, ${region}`] = objects;
  }
  for (const [region, objects] of Object.entries(pitrByRegion())) out[`runbook: point-in-time recovery, ${region}`] = objects;
  return out;
}

/** Point-in-time recovery of the topology: every region's next generation, the primary recovering from its old folder. */
export const PITR_GENERATIONS = { 'us-east-1': 2, 'eu-west-1': 2, 'ap-southeast-1': 2 } as const;
export const PITR_RECOVERY = { targetTime: '2026-12-04T11:30:00Z', sourceServerName: 'postgres-us-east-1' } as const;

/** The PITR step in every region (a TierChart prop beside the tier data). */
export function pitrByRegion(): Record<string, Manifest[]> {
  const tier = deriveTier(enterprise, { postgres: { generations: PITR_GENERATIONS } });
  const chart = new TierChart(new App({ outdir: '/dev/null' }), tier.name, { ...tier, postgresRecovery: PITR_RECOVERY });
  const out: Record<string, Manifest[]> = {};
  for (const c of regionalComponentsOf(chart).filter((r) => r.name === 'postgres')) out[c.region] = c.chart.toJson() as Manifest[];
  return out;
}
