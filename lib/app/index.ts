// The application service: ScalableService and its horizontal and vertical scaling.
export * from './horizontal-scaling';
export * from './keda-scaling';
export * from './prometheus-adapter';
export * from './vertical-scaling';
export * from './scalable-service';
