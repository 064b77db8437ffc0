import { k8s } from './k8s';

/** The non-root identity a pod runs as. */
export interface PodIdentity {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
}

/**
 * The pod-level security context of the restricted Pod Security Standard: non-root, RuntimeDefault seccomp, and an
 * fsGroup so mounted volumes are writable by the non-root user.
 */
export function restrictedPodSecurityContext(id: PodIdentity): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: id.runAsUser,
    runAsGroup: id.runAsGroup,
    fsGroup: id.fsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The container-level security context of the restricted Pod Security Standard, plus what the common linters
 * ask for: no privilege escalation, every capability dropped, read-only root filesystem, non-root, RuntimeDefault
 * seccomp (repeated at container level because some linters check only there).
 */
export function restrictedContainerSecurityContext(id: PodIdentity): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: id.runAsUser,
    runAsGroup: id.runAsGroup,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Checks a UID or GID: a non-zero integer, and >= 10000 unless low ids are explicitly allowed. */
export function idAllowed(value: unknown, allowLow: boolean): boolean {
  const min = allowLow ? 1 : 10000;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 2147483647;
}
