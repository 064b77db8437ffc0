// The capacity planner: users -> tier, pods, cores, connections, cache and cost (pure functions), and its chart spec.
export * from './plan-inputs';
export * from './capacity-plan';
export * from './tier-file';
export * from './plan-chart';
export * from './capacity-promise';
