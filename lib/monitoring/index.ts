export * from './dashboard';
export * from './health-rules';
export * from './metric-catalog';
export * from './postgres-exporter-queries';
export * from './prometheus-rules';
export * from './slo-rules';
export * from './tier-monitoring';
export * from './tier-chart-monitoring';
