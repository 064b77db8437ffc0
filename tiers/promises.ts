import type { CapacityPromise } from '../lib/plan';
import { BacklogPromise, SchedulePromise, ScalingPromise } from '../lib/sim';

/**
 * The application start-up time the promises rest on: 30 s from pod creation to Ready (image already on the node,
 * readiness probe passing). An assumption about the app, not a seed figure: with a 15 s HPA sync the first new
 * pods take load 15 s + 30 s = 45 s after the load jumps, inside the 60 s promise. An app that takes longer than
 * 45 s to become ready cannot meet the promise with any HPA behaviour; override this figure for your app.
 */
const POD_STARTUP_SECONDS = 30;

/** The seed 000 promise every autoscaled tier makes (`scalability: max_scale_up_time 60s, max_scale_down_time 300s`). */
const SEED_000: ScalingPromise = {
  scaleUpSeconds: 60, // [000] max_scale_up_time: 60s — "handle 2x load in under 60 s"
  loadFactor: 2, // [000] 2x load
  scaleDownSeconds: 300, // [000] max_scale_down_time: 300s — first pod removed at most 300 s after the drop
  podStartupSeconds: POD_STARTUP_SECONDS,
};

/**
 * How fast each autoscaled tier follows its load, checked against the tier's `app.autoscaling` by
 * `checkPromises` (lib/sim/scaling-promise.ts) in `test/sim/tier-promises.test.ts`. Development has no HPA and
 * so no promise.
 *
 * "Scale down within 300 s" means the HPA removes its first pod at most 300 s after the load drops: with the
 * tiers' 300 s scale-down stabilisation window that is exactly the window in the worst sync phase. Reaching the
 * new steady count takes longer by the scale-down rate (team/department -50 %/60 s, enterprise -10 %/60 s).
 */
export const TIER_PROMISES: Readonly<Record<'team' | 'department' | 'enterprise', ScalingPromise>> = {
  team: SEED_000,
  department: SEED_000,
  enterprise: SEED_000,
};

/** The HPA controller's sync period the readiness times below rest on (the kube-controller-manager default). */
const SYNC_SECONDS = 15;

/**
 * Seed 001's morning promise for the tiers with a schedule: when the 06:00 window opens, its 4 pods are ready by
 * 06:0x, x = the whole minutes that one HPA sync (the window is seen at the first sync after 06:00, at worst 15 s
 * later) and one pod start-up take: 15 s + 30 s = 45 s, so 06:01. Checked by `checkSchedulePromise`.
 */
export const TIER_SCHEDULE_PROMISES: Readonly<Partial<Record<'team' | 'department' | 'enterprise', readonly SchedulePromise[]>>> = {
  department: [
    {
      at: '06:00', // [001] 06:00 target_instances 4
      readyReplicas: 4, // [001]
      readyBy: `06:0${Math.ceil((SYNC_SECONDS + POD_STARTUP_SECONDS) / 60)}`,
      podStartupSeconds: POD_STARTUP_SECONDS,
    },
  ],
};

/**
 * The rate one pod works off the queue at: 1 task a second. An assumption about the app (like the start-up time),
 * not a seed figure; override it for yours.
 */
const TASKS_PER_POD_PER_SECOND = 1;

/**
 * How fast each tier with a queue-depth metric works off a burst: a backlog of ten times what the seeds' largest fleet
 * holds at its per-pod target (department 20 pods [001] x 10 x 10 = 2000, enterprise 50 pods [003, 004] x 10 x 10 =
 * 5000) is gone within 5 minutes, from the fewest pods. Checked by `checkBacklogPromise`. The tiers' `maxReplicas`
 * are higher now (24 and 240, the capacity promise below); the backlogs stay the seeds' fleets': from 3 pods at
 * enterprise's scale-up rate (+max(100 %, 4 pods) a minute) 240 x 100 tasks take about 394 s, not 300.
 */
export const TIER_BACKLOG_PROMISES: Readonly<Partial<Record<'team' | 'department' | 'enterprise', BacklogPromise>>> = {
  department: { backlogTasks: 2000, tasksPerPodPerSecond: TASKS_PER_POD_PER_SECOND, drainWithinSeconds: 300, podStartupSeconds: POD_STARTUP_SECONDS },
  enterprise: { backlogTasks: 5000, tasksPerPodPerSecond: TASKS_PER_POD_PER_SECOND, drainWithinSeconds: 300, podStartupSeconds: POD_STARTUP_SECONDS },
};

/**
 * The capacity promise every tier makes: at the bottom, the middle and the top of its concurrent-user range the
 * capacity planner recommends the tier as it is, with no change (its `maxReplicas`, pooler, `max_connections`,
 * Redis memory and compute envelope cover what its `capacity.model` needs there). Checked by `checkCapacityPromise`
 * in test/tiers/capacity-promises.test.ts; where a seed figure fell short it was raised, and README.md says why.
 */
export const TIER_CAPACITY_PROMISES: Readonly<Record<'development' | 'team' | 'department' | 'enterprise', CapacityPromise>> = {
  development: { at: ['bottom', 'middle', 'top'] },
  team: { at: ['bottom', 'middle', 'top'] },
  department: { at: ['bottom', 'middle', 'top'] },
  enterprise: { at: ['bottom', 'middle', 'top'] },
};
