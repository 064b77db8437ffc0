/**
 * The container memory limit that goes with a Redis `maxmemory` (a recommendation for the RedisDeployment
 * construct): `maxmemory` bounds the dataset only, not the process.
 */
import { Problems } from '../core/problems';
import { MEMORY_ALLOWED, parseMemory } from '../core/quantity';

const MIB = 1024 ** 2;

/** Options of {@link redisMemoryLimit}. */
export interface RedisMemoryLimitOptions {
  /**
   * Whether the server forks: RDB snapshots, AOF rewrites and full syncs to a replica all fork a child that shares
   * memory copy-on-write; pages written during the fork are duplicated.
   *
   * @default true - every tier persists or replicates
   */
  readonly forks?: boolean;
}

/** Share of `maxmemory` added for allocator fragmentation, client buffers and the replication backlog. */
export const REDIS_OVERHEAD_RATIO = 0.25;
/** Share of `maxmemory` added for copy-on-write pages while a forked child saves or rewrites. */
export const REDIS_FORK_HEADROOM_RATIO = 0.5;
/** Fixed memory of the redis-server process itself (code, shared objects, empty dictionaries). */
export const REDIS_BASE_MEMORY_BYTES = 32 * MIB;

/**
 * The container memory limit recommended for a given `maxmemory`, as a Kubernetes quantity in Mi (rounded up):
 * maxmemory + 25 % (fragmentation, client output buffers, replication backlog) + 50 % when the server forks
 * (copy-on-write during BGSAVE / AOF rewrite / full sync) + 32 Mi for the process. `maxmemory` counts only the
 * dataset, so a limit equal to it gets the pod OOM-killed exactly when Redis is busiest.
 *
 * For the tiers: 100Mi -> 207Mi (157Mi without forking); 500Mi -> 907Mi; 2Gi -> 3616Mi; 8Gi -> 14368Mi.
 */
export function redisMemoryLimit(maxMemory: string, options: RedisMemoryLimitOptions = {}): string {
  const problems = new Problems('redis memory limit');
  const bytes = parseMemory(maxMemory);
  if (bytes === undefined) problems.add('maxMemory', maxMemory, MEMORY_ALLOWED);
  problems.throwIfAny();
  return redisMemoryLimitForBytes(bytes as number, options);
}

/**
 * {@link redisMemoryLimit} of a `maxmemory` already in bytes, as the resolved props hold it
 * (`ResolvedRedisProps.maxMemoryBytes`): the construct parses `maxMemory` once and passes the bytes on.
 */
export function redisMemoryLimitForBytes(maxMemoryBytes: number, options: RedisMemoryLimitOptions = {}): string {
  const forks = options.forks ?? true;
  const total = maxMemoryBytes * (1 + REDIS_OVERHEAD_RATIO + (forks ? REDIS_FORK_HEADROOM_RATIO : 0))
    + REDIS_BASE_MEMORY_BYTES;
  return `${Math.ceil(total / MIB)}Mi`;
}
