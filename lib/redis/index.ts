// Redis: the redis.conf and script generators and the RedisDeployment construct.
export * from './redis-conf';
export * from './redis-memory';
export * from './redis-props';
export * from './redis-shape';
export * from './redis-scripts';
export * from './redis-sentinel';
export * from './redis-tls';
export * from './redis-deployment';
export * from './redis-client';
