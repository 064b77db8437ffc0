/**
 * The shape of a Redis deployment (mode, masters, replicas per master) and the one rule that bounds it. The tier
 * validation, the RedisDeployment construct, the config generators and the cluster bootstrap script all check the
 * shape through {@link resolveRedisShape}, and the number of servers is computed here only.
 */
import { isIntegerIn, oneOf } from '../core/checks';
import { Problems } from '../core/problems';
import { fieldAt } from '../core/checks';

/** How the Redis servers are arranged. */
export type RedisMode = 'standalone' | 'replicated' | 'cluster';

/** The modes, for checks and messages. */
export const REDIS_MODES: readonly RedisMode[] = ['standalone', 'replicated', 'cluster'];

/**
 * The fewest masters of a Redis Cluster: a failed master is replaced only when a majority of the masters agree,
 * and with fewer than 3 there is no majority left after one failure.
 */
export const REDIS_MIN_MASTERS = 3;

/**
 * The most masters of a Redis Cluster. The cluster specification designs for "up to 1000 nodes": beyond that the
 * gossip on the cluster bus (every node pings every other) costs more than the shards bring, long before the hard
 * limit of one master per hash slot (16384).
 */
export const REDIS_MAX_MASTERS = 1000;

/**
 * The most replicas of one primary or master. Each replica costs its primary an output buffer and, on a full sync,
 * a fork and an RDB transfer; a hundred is far more read capacity than one primary can feed.
 */
export const REDIS_MAX_REPLICAS_PER_MASTER = 100;

/** The shape fields, as the construct, the tier and the generators take them. */
export interface RedisShapeProps {
  /** See `RedisDeploymentProps.mode`. */
  readonly mode: RedisMode;
  /** See `RedisDeploymentProps.masters`. */
  readonly masters?: number;
  /** See `RedisDeploymentProps.replicasPerMaster`. */
  readonly replicasPerMaster?: number;
}

/** A valid shape with its defaults applied. */
export interface RedisShape {
  /** The mode. */
  readonly mode: RedisMode;
  /** Masters (slot owners) in cluster mode; 1 (the primary or the standalone server) otherwise. */
  readonly masters: number;
  /** Replicas of each master (cluster) or of the primary (replicated); 0 when standalone. */
  readonly replicasPerMaster: number;
  /** The number of Redis servers (pods): masters x (1 + replicasPerMaster). */
  readonly totalNodes: number;
}

/**
 * Checks the shape and applies its defaults: masters 3 in cluster mode (1 otherwise, the only value allowed
 * there), replicas per master 1 in replicated and cluster mode (0 in standalone mode, the only value allowed).
 * Records every problem in `problems`, under `path` ('' for the construct or generator itself, e.g. 'redis' for a
 * tier's field), and returns `undefined` when the shape is invalid.
 */
export function resolveRedisShape(problems: Problems, path: string, props: RedisShapeProps): RedisShape | undefined {
  const at = (field: string) => fieldAt(path, field);
  const mode = props.mode;
  if (!REDIS_MODES.includes(mode)) {
    problems.add(at('mode'), mode, oneOf(REDIS_MODES));
    return undefined;
  }
  let ok = true;
  const masters = props.masters ?? (mode === 'cluster' ? REDIS_MIN_MASTERS : 1);
  if (mode === 'cluster' && !isIntegerIn(masters, REDIS_MIN_MASTERS, REDIS_MAX_MASTERS)) {
    problems.add(at('masters'), masters, `an integer between ${REDIS_MIN_MASTERS} and ${REDIS_MAX_MASTERS} `
      + '(a cluster needs a majority of masters to fail over)');
    ok = false;
  } else if (mode !== 'cluster' && masters !== 1) {
    problems.add(at('masters'), masters, `unset or 1 unless '${at('mode')}' is "cluster"`);
    ok = false;
  }
  const replicasPerMaster = props.replicasPerMaster ?? (mode === 'standalone' ? 0 : 1);
  if (mode === 'standalone' && replicasPerMaster !== 0) {
    problems.add(at('replicasPerMaster'), replicasPerMaster, `unset or 0 when '${at('mode')}' is "standalone"`);
    ok = false;
  } else if (mode === 'replicated' && !isIntegerIn(replicasPerMaster, 1, REDIS_MAX_REPLICAS_PER_MASTER)) {
    problems.add(at('replicasPerMaster'), replicasPerMaster,
      `an integer between 1 and ${REDIS_MAX_REPLICAS_PER_MASTER} in replicated mode`);
    ok = false;
  } else if (mode === 'cluster' && !isIntegerIn(replicasPerMaster, 0, REDIS_MAX_REPLICAS_PER_MASTER)) {
    problems.add(at('replicasPerMaster'), replicasPerMaster, `an integer between 0 and ${REDIS_MAX_REPLICAS_PER_MASTER}`);
    ok = false;
  }
  return ok ? { mode, masters, replicasPerMaster, totalNodes: masters * (1 + replicasPerMaster) } : undefined;
}
