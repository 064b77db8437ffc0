/**
 * How a workload connects to a {@link RedisDeployment}: the connection settings (a ConfigMap the deployment writes,
 * for `envFrom`) and the Secrets it mounts (the password and, with TLS, its client certificate with the CA), named
 * and placed by the rules stated here, so that the deployment and its callers (the tier's app) agree.
 */
import type { SecretFilesMount, SecretKeyRef } from '../core/secret-ref';
import { REDIS_SENTINEL_PORT } from './redis-sentinel';
import { RedisMode } from './redis-shape';
import { redisClientTlsSecretName } from './redis-tls';

/** Where a client mounts its certificate Secret (`tls.crt`, `tls.key`, `ca.crt`). */
export const REDIS_CLIENT_TLS_DIR = '/etc/redis-client-tls';
/** Where a client mounts the password (as the file `password`). */
export const REDIS_CLIENT_AUTH_DIR = '/etc/redis-client-auth';

/** The ConfigMap of a deployment's connection settings. */
export function redisClientConfigMapName(name: string): string {
  return `${name}-client`;
}

/** Inputs of {@link redisClientSettings}. */
export interface RedisClientSettingsOptions {
  readonly name: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly mode: RedisMode;
  readonly sentinel: boolean;
  readonly auth: boolean;
  readonly tls: boolean;
}

/**
 * The connection settings, as environment variables: `REDIS_MODE`; where to connect (`REDIS_HOST`/`REDIS_PORT`, the
 * Service; a cluster client uses it as its seed and follows redirects; with Sentinel `REDIS_SENTINEL_HOST`,
 * `REDIS_SENTINEL_PORT` and `REDIS_SENTINEL_MASTER` instead; `REDIS_READ_HOST` in replicated mode);
 * `REDIS_AUTH_FILE` (the password file) and, with TLS, `REDIS_TLS` and the files of the client's certificate
 * (`REDIS_TLS_CA_FILE`, `REDIS_TLS_CERT_FILE`, `REDIS_TLS_KEY_FILE`) where {@link redisClientWiring} mounts them.
 * No value is a secret.
 */
export function redisClientSettings(o: RedisClientSettingsOptions): Record<string, string> {
  const host = (service: string) => `${service}.${o.namespace}.svc.${o.clusterDomain}`;
  return {
    REDIS_MODE: o.mode,
    ...(o.sentinel
      ? { REDIS_SENTINEL_HOST: host(`${o.name}-sentinel`), REDIS_SENTINEL_PORT: String(REDIS_SENTINEL_PORT), REDIS_SENTINEL_MASTER: o.name }
      : { REDIS_HOST: host(o.name), REDIS_PORT: '6379' }),
    ...(o.mode === 'replicated' ? { REDIS_READ_HOST: host(`${o.name}-read`) } : {}),
    ...(o.auth ? { REDIS_AUTH_FILE: `${REDIS_CLIENT_AUTH_DIR}/password` } : {}),
    ...(o.tls
      ? {
        REDIS_TLS: 'true',
        REDIS_TLS_CA_FILE: `${REDIS_CLIENT_TLS_DIR}/ca.crt`,
        REDIS_TLS_CERT_FILE: `${REDIS_CLIENT_TLS_DIR}/tls.crt`,
        REDIS_TLS_KEY_FILE: `${REDIS_CLIENT_TLS_DIR}/tls.key`,
      }
      : {}),
  };
}

/** What a client workload adds to its pods: see {@link redisClientWiring}. */
export interface RedisClientWiring {
  /** The ConfigMap of connection settings, for `envFrom`. */
  readonly configMapName: string;
  /** The password and, with TLS, the client certificate with its CA, as files. */
  readonly secretFiles: SecretFilesMount[];
}

/**
 * What the workload `client` mounts to reach the RedisDeployment `name`: the connection settings' ConfigMap, the
 * password file (from the `auth` Secret) at {@link REDIS_CLIENT_AUTH_DIR} and, with `tls` (the deployment lists the
 * client in `tls.clients`), its certificate Secret at {@link REDIS_CLIENT_TLS_DIR}.
 */
export function redisClientWiring(o: { name: string; client: string; auth?: SecretKeyRef; tls: boolean }): RedisClientWiring {
  return {
    configMapName: redisClientConfigMapName(o.name),
    secretFiles: [
      ...(o.auth ? [{ secretName: o.auth.secretName, mountPath: REDIS_CLIENT_AUTH_DIR, items: { [o.auth.key]: 'password' } }] : []),
      ...(o.tls ? [{ secretName: redisClientTlsSecretName(o.name, o.client), mountPath: REDIS_CLIENT_TLS_DIR }] : []),
    ],
  };
}
