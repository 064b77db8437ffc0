export * from './hpa-simulator';
export * from './scaling-promise';
export * from './scaling-simulator';
export * from './schedule-and-backlog';
