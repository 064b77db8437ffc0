import { Problems } from './problems';
import { CPU_ALLOWED, MEMORY_ALLOWED, parseCpu, parseMemory } from './quantity';

/** A CPU and memory amount as Kubernetes quantities. */
export interface ResourceAmounts {
  /** CPU, e.g. `250m` or `2`. */
  readonly cpu: string;
  /** Memory, e.g. `512Mi` or `4Gi`. */
  readonly memory: string;
}

/** Requests and limits of one container. Both are required: a pod without them is unschedulable by policy. */
export interface ContainerResources {
  /** What the scheduler reserves; the HPA's utilisation is measured against it. */
  readonly requests: ResourceAmounts;
  /** The most the container may use; memory above it is an OOM kill, CPU above it is throttled. */
  readonly limits: ResourceAmounts;
  /**
   * Ephemeral storage request and limit (container logs, writable layers, emptyDir on node disk).
   *
   * @default - none set
   */
  readonly ephemeralStorage?: { readonly request: string; readonly limit: string };
}

/** Records every problem of a {@link ContainerResources} under the field prefix `field`. */
export function checkContainerResources(problems: Problems, field: string, r: ContainerResources | undefined): void {
  if (r === undefined || r.requests === undefined || r.limits === undefined) {
    problems.add(field, r, 'requests and limits for cpu and memory');
    return;
  }
  const parsers = { cpu: [parseCpu, CPU_ALLOWED], memory: [parseMemory, MEMORY_ALLOWED] } as const;
  for (const res of ['cpu', 'memory'] as const) {
    const [parse, allowed] = parsers[res];
    const req = parse(r.requests[res]);
    const lim = parse(r.limits[res]);
    if (req === undefined) problems.add(`${field}.requests.${res}`, r.requests[res], allowed);
    if (lim === undefined) problems.add(`${field}.limits.${res}`, r.limits[res], allowed);
    if (req !== undefined && lim !== undefined && req > lim) {
      problems.add(`${field}.requests.${res}`, r.requests[res], `at most '${field}.limits.${res}' (${r.limits[res]})`);
    }
  }
  if (r.ephemeralStorage !== undefined) {
    const req = parseMemory(r.ephemeralStorage.request);
    const lim = parseMemory(r.ephemeralStorage.limit);
    if (req === undefined) problems.add(`${field}.ephemeralStorage.request`, r.ephemeralStorage.request, MEMORY_ALLOWED);
    if (lim === undefined) problems.add(`${field}.ephemeralStorage.limit`, r.ephemeralStorage.limit, MEMORY_ALLOWED);
    if (req !== undefined && lim !== undefined && req > lim) {
      problems.add(`${field}.ephemeralStorage.request`, r.ephemeralStorage.request, `at most '${field}.ephemeralStorage.limit' (${r.ephemeralStorage.limit})`);
    }
  }
}
