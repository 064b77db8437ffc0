// The `scaling-tiers` command (plan, simulate), tier-agnostic: the bin (tiers/cli.ts) passes the tiers in.
export * from './scaling-tiers-cli';
