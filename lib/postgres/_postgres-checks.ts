/**
 * The bounds and patterns that PostgresReplicated, the PostgreSQL generators and the PgBouncer generator share
 * (internal to lib/postgres). Each is stated here once; the generic checks (integers, CIDRs, Secret references) are
 * lib/core's.
 */
import { isIPv4 } from 'node:net';
import type { ContainerResources } from '../core/container-resources';

/**
 * A PgBouncer pod's resources when none are given, in both engines: PgBouncer is single-threaded and small; requests
 * keep it out of the BestEffort class (the first evicted under node pressure).
 */
export const POOLER_RESOURCES: ContainerResources = {
  requests: { cpu: '100m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '128Mi' },
};

/** The most hot standbys a cluster may have. */
export const MAX_REPLICAS = 32;
/** The highest `max_connections` accepted. */
export const MAX_CONNECTIONS = 10000;
/** The most client connections one PgBouncer pod accepts. */
export const MAX_CLIENT_CONNECTIONS = 100000;
/** Below this memory limit, 25 % for shared_buffers leaves too little for connections and maintenance. */
export const MIN_MEMORY_BYTES = 256 * 1024 ** 2;
/** The allowed-values text of {@link MIN_MEMORY_BYTES}. */
export const MIN_MEMORY_ALLOWED = 'at least "256Mi" (25 % of it becomes shared_buffers)';

/** A role or database name that needs no quoting anywhere (SQL, pg_hba.conf, shell, conninfo). */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
/** The allowed-values text of {@link isSafePath}. */
export const PATH_ALLOWED = 'an absolute path of letters, digits and "._/-"';

/** True for an absolute path that needs no quoting in postgresql.conf, pg_hba.conf, pgbouncer.ini, sh or a conninfo. */
export function isSafePath(value: unknown): value is string {
  return typeof value === 'string' && SAFE_PATH.test(value) && !value.split('/').includes('..');
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
/** The allowed-values text of {@link isHost}. */
export const HOST_ALLOWED = 'a DNS name or an IPv4 address (letters, digits, "." and "-")';

/** True for a DNS name or an IPv4 address, safe to write into a conninfo, pgbouncer.ini or sh. */
export function isHost(value: unknown): value is string {
  return typeof value === 'string' && (HOST.test(value) || isIPv4(value));
}

