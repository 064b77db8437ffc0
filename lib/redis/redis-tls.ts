/**
 * TLS for Redis: the props (the files a server, Sentinel or client reads, and the cert-manager Certificate the
 * RedisDeployment construct emits), their checks, and the redis.conf / redis-cli spellings, stated once here.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/security/encryption/
 * @see https://cert-manager.io/docs/usage/certificate/
 */
import { fieldAt, isDnsSubdomain, oneOf } from '../core/checks';
import { isObjectName } from '../core/names';
import { Problems } from '../core/problems';

/** Redis' `tls-auth-clients`: whether a client must present a certificate signed by the CA. */
export type RedisTlsAuthClients = 'yes' | 'no' | 'optional';

/** Where the construct mounts the cert-manager Secret (`tls.crt`, `tls.key`, `ca.crt`). */
export const REDIS_TLS_DIR = '/etc/redis-tls';

/** TLS files of a Redis server, Sentinel or client (props of the config and script generators). */
export interface RedisTlsFiles {
  /**
   * The certificate (PEM) the server presents, also presented as a client certificate to peers (replication,
   * cluster bus, Sentinel links).
   *
   * @default '/etc/redis-tls/tls.crt' - the key cert-manager writes the certificate under
   */
  readonly certFile?: string;
  /**
   * The private key of `certFile`.
   *
   * @default '/etc/redis-tls/tls.key'
   */
  readonly keyFile?: string;
  /**
   * The CA certificate(s) that sign servers and clients.
   *
   * @default '/etc/redis-tls/ca.crt' - filled by cert-manager's CA, Vault and self-signed issuers
   */
  readonly caFile?: string;
  /**
   * `tls-auth-clients`: `yes` refuses a client that presents no certificate signed by the CA, `optional` checks a
   * certificate only when one is presented, `no` never asks.
   *
   * @default 'yes' - Redis' own default: only holders of a certificate from the issuer connect (mutual TLS)
   */
  readonly authClients?: RedisTlsAuthClients;
}

/** {@link RedisTlsFiles} with the defaults applied. */
export interface ResolvedRedisTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly authClients: RedisTlsAuthClients;
}

/** The cert-manager issuer that signs the Redis certificate. */
export interface RedisCertificateIssuer {
  /** The issuer's name. */
  readonly name: string;
  /**
   * `Issuer` (in the Redis namespace) or `ClusterIssuer`.
   *
   * @default 'Issuer'
   */
  readonly kind?: 'Issuer' | 'ClusterIssuer';
  /**
   * The issuer's API group: cert-manager's own, or an external issuer's.
   *
   * @default 'cert-manager.io'
   */
  readonly group?: string;
}

/**
 * TLS of a {@link RedisDeployment}: every server, Sentinel, probe, the bootstrap Job and the exporter speak TLS
 * only (`port 0`), with a certificate from a cert-manager `Certificate` that the construct emits.
 */
export interface RedisTlsProps {
  /** The issuer (which the platform provides) that signs the certificate, e.g. a CA or Vault issuer. */
  readonly issuer: RedisCertificateIssuer;
  /**
   * `tls-auth-clients` on the servers and Sentinels.
   *
   * @default 'yes' - clients present a certificate from the same issuer (mutual TLS)
   */
  readonly authClients?: RedisTlsAuthClients;
  /**
   * The certificate's lifetime (a Go duration such as `2160h`).
   *
   * @default '2160h' - 90 days, cert-manager's default
   */
  readonly duration?: string;
  /**
   * How long before expiry cert-manager renews it (a Go duration, shorter than `duration`).
   *
   * @default '720h' - 30 days: a failed renewal has weeks to be noticed and fixed
   */
  readonly renewBefore?: string;
  /**
   * The Secret cert-manager writes (`tls.crt`, `tls.key`, `ca.crt`).
   *
   * @default `${name}-tls`
   */
  readonly secretName?: string;
  /**
   * The workloads that call Redis, each given a client certificate from the same issuer: a cert-manager
   * `Certificate` `<name>-<client>-client-tls` (usage `client auth` only, common name `<client>`) whose Secret
   * (`tls.crt`, `tls.key`, `ca.crt`) the workload mounts (`redisClientWiring`). With `authClients: 'yes'` a client
   * without one is refused.
   *
   * @default [] - none: each client brings a certificate of its own from the issuer
   */
  readonly clients?: string[];
}

/** The Secret (and Certificate) name of a client's certificate: see {@link RedisTlsProps.clients}. */
export function redisClientTlsSecretName(name: string, client: string): string {
  return `${name}-${client}-client-tls`;
}

/** {@link RedisTlsProps} with the defaults applied. */
export interface ResolvedRedisTlsProps {
  readonly issuer: Required<RedisCertificateIssuer>;
  readonly authClients: RedisTlsAuthClients;
  readonly duration: string;
  readonly renewBefore: string;
  readonly secretName: string;
  readonly clients: string[];
}

const AUTH_CLIENTS: readonly RedisTlsAuthClients[] = ['yes', 'no', 'optional'];
const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const GO_DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const API_GROUP = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** The seconds of a Go duration of hours, minutes and seconds (`2160h`, `1h30m`); undefined if it is not one. */
export function goDurationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const m = GO_DURATION.exec(value);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Checks the TLS files of a generator and applies the defaults; undefined when `tls` is. */
export function resolveRedisTlsFiles(problems: Problems, path: string, tls: RedisTlsFiles | undefined): ResolvedRedisTls | undefined {
  if (tls === undefined) return undefined;
  const at = (field: string) => fieldAt(path, field);
  const resolved: ResolvedRedisTls = {
    certFile: tls.certFile ?? `${REDIS_TLS_DIR}/tls.crt`,
    keyFile: tls.keyFile ?? `${REDIS_TLS_DIR}/tls.key`,
    caFile: tls.caFile ?? `${REDIS_TLS_DIR}/ca.crt`,
    authClients: tls.authClients ?? 'yes',
  };
  for (const field of ['certFile', 'keyFile', 'caFile'] as const) {
    const value = resolved[field];
    if (typeof value !== 'string' || !SAFE_PATH.test(value) || value.split('/').includes('..')) {
      problems.add(at(field), value, 'an absolute path of letters, digits, ".", "_", "-" and "/"');
    }
  }
  if (!AUTH_CLIENTS.includes(resolved.authClients)) problems.add(at('authClients'), resolved.authClients, oneOf(AUTH_CLIENTS));
  return resolved;
}

/** Checks the construct's TLS props and applies the defaults; undefined when `tls` is. */
export function resolveRedisTlsProps(problems: Problems, path: string, tls: RedisTlsProps | undefined, name: string): ResolvedRedisTlsProps | undefined {
  if (tls === undefined) return undefined;
  const at = (field: string) => fieldAt(path, field);
  const issuer = {
    name: tls.issuer?.name,
    kind: tls.issuer?.kind ?? 'Issuer',
    group: tls.issuer?.group ?? 'cert-manager.io',
  } as Required<RedisCertificateIssuer>;
  if (!isDnsSubdomain(issuer.name)) problems.add(at('issuer.name'), issuer.name, 'an issuer name (a DNS subdomain)');
  if (!['Issuer', 'ClusterIssuer'].includes(issuer.kind)) problems.add(at('issuer.kind'), issuer.kind, oneOf(['Issuer', 'ClusterIssuer']));
  if (typeof issuer.group !== 'string' || !API_GROUP.test(issuer.group)) problems.add(at('issuer.group'), issuer.group, 'an API group such as "cert-manager.io"');
  const authClients = tls.authClients ?? 'yes';
  if (!AUTH_CLIENTS.includes(authClients)) problems.add(at('authClients'), authClients, oneOf(AUTH_CLIENTS));
  const duration = tls.duration ?? '2160h';
  const renewBefore = tls.renewBefore ?? '720h';
  const d = goDurationSeconds(duration);
  const r = goDurationSeconds(renewBefore);
  if (d === undefined || d < 3600) problems.add(at('duration'), duration, 'a Go duration of at least 1h, such as "2160h" (cert-manager\'s minimum)');
  if (r === undefined || r < 300) {
    problems.add(at('renewBefore'), renewBefore, 'a Go duration of at least 5m, such as "720h"');
  } else if (d !== undefined && r >= d) {
    problems.add(at('renewBefore'), renewBefore, `shorter than 'duration' (${duration}), or the certificate is renewed as soon as it is issued`);
  }
  const secretName = tls.secretName ?? `${name}-tls`;
  if (!isDnsSubdomain(secretName)) problems.add(at('secretName'), secretName, 'a Secret name (a DNS subdomain)');
  const clients = tls.clients ?? [];
  if (!Array.isArray(clients)) problems.add(at('clients'), clients, 'a list of workload names');
  else {
    clients.forEach((c, i) => {
      // cert-manager puts the Certificate's name in a label of the Secret (cert-manager.io/certificate-name): 63 at most.
      if (!isObjectName(c) || !isObjectName(redisClientTlsSecretName(name, c))) {
        problems.add(at(`clients[${i}]`), c, `a workload name (a DNS-1035 label) short enough for "${name}-<client>-client-tls" to be at most 63 characters`);
      }
    });
    if (new Set(clients).size !== clients.length) problems.add(at('clients'), clients, 'distinct names');
  }
  return { issuer, authClients, duration, renewBefore, secretName, clients: Array.isArray(clients) ? clients : [] };
}

/**
 * The redis.conf (or sentinel.conf) lines that make a server TLS-only on `port`: `port 0` (no plaintext listener),
 * `tls-port`, the files, `tls-auth-clients`, `tls-replication yes` (replicas, and Sentinel's links to the servers,
 * use TLS) and, in cluster mode, `tls-cluster yes` (the cluster bus).
 */
export function redisTlsConfLines(t: ResolvedRedisTls, port: number, cluster: boolean): string[] {
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${t.certFile}`,
    `tls-key-file ${t.keyFile}`,
    `tls-ca-cert-file ${t.caFile}`,
    `tls-auth-clients ${t.authClients}`,
    'tls-replication yes',
    ...(cluster ? ['tls-cluster yes'] : []),
    // TLS 1.2 and 1.3 only (Redis' default list), stated so a reader needs not look it up.
    'tls-protocols "TLSv1.2 TLSv1.3"',
    'tls-prefer-server-ciphers yes',
  ];
}

/** redis-cli's TLS flags for these files ('' without TLS). The paths are checked: no quoting needed. */
export function redisCliTlsArgs(t: ResolvedRedisTls | undefined): string {
  return t ? `--tls --cacert ${t.caFile} --cert ${t.certFile} --key ${t.keyFile}` : '';
}
