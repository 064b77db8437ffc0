export * from './hpa-simulator';
export * from './scaling-promise';
