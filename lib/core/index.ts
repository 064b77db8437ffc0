// What every component shares: the error contract, quantities, names, prop checks, pod security and scheduling.
export * from './problems';
export * from './quantity';
export * from './names';
export * from './container-resources';
export * from './ingress-peer';
export * from './pod-security';
export * from './checks';
export * from './secret-ref';
export * from './scheduling';
export * from './shell';
