/**
 * The cert-manager Certificate of a TLS {@link RedisDeployment} (internal: not exported from the index).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedRedisTlsProps, redisClientTlsSecretName } from './redis-tls';

/** Inputs of {@link redisCertificate}. */
export interface RedisCertificateOptions {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly tls: ResolvedRedisTlsProps;
  /** Every name a client or peer may dial: per-pod headless names, Services (short and qualified), Sentinels. */
  readonly dnsNames: string[];
}

/**
 * One certificate for every server and Sentinel: each presents it as a server certificate and as the client
 * certificate of its own links (replication, cluster bus, Sentinel to server and Sentinel to Sentinel), hence both
 * `server auth` and `client auth`. ECDSA P-256, a new key at each renewal.
 */
export function redisCertificate(scope: Construct, id: string, o: RedisCertificateOptions): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: o.name, labels: o.labels },
    spec: {
      secretName: o.tls.secretName,
      secretTemplate: { labels: o.labels },
      duration: o.tls.duration,
      renewBefore: o.tls.renewBefore,
      issuerRef: { name: o.tls.issuer.name, kind: o.tls.issuer.kind, group: o.tls.issuer.group },
      dnsNames: o.dnsNames,
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
    },
  });
}

/** Inputs of {@link redisClientCertificate}. */
export interface RedisClientCertificateOptions {
  readonly redisName: string;
  readonly client: string;
  readonly labels: Record<string, string>;
  readonly tls: ResolvedRedisTlsProps;
}

/**
 * A client's certificate, from the servers' issuer (so the servers' `tls-ca-cert-file` verifies it): usage `client
 * auth` only (it authenticates a caller, it serves nothing), the workload's name as common name, the same lifetime
 * and key rotation as the servers'. The Secret holds `ca.crt` too, which the client uses to verify the servers.
 * cert-manager's webhook needs a common name or a SAN (the common name here, a DNS label, within its 64
 * characters: cert-manager pkg/internal/apis/certmanager/validation/certificate.go).
 */
export function redisClientCertificate(scope: Construct, id: string, o: RedisClientCertificateOptions): ApiObject {
  const name = redisClientTlsSecretName(o.redisName, o.client);
  return new ApiObject(scope, id, {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name, labels: o.labels },
    spec: {
      secretName: name,
      secretTemplate: { labels: o.labels },
      commonName: o.client,
      duration: o.tls.duration,
      renewBefore: o.tls.renewBefore,
      issuerRef: { name: o.tls.issuer.name, kind: o.tls.issuer.kind, group: o.tls.issuer.group },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'client auth'],
    },
  });
}
