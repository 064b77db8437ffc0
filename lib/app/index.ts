// The application service: ScalableService and its horizontal and vertical scaling.
export * from './horizontal-scaling';
export * from './vertical-scaling';
export * from './scalable-service';
