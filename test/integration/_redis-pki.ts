/**
 * A test CA and certificates minted with openssl, as cert-manager issues them from one issuer: EC P-256, SAN
 * localhost and 127.0.0.1, and the extended key usages asked for (the servers' Certificate: server and client auth;
 * an app's client Certificate: client auth only).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Creates a self-signed CA (`ca.key`, `ca.crt`) in `dir`. */
export function makeCa(dir: string, cn = 'scaling-tiers test CA'): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path.join(dir, 'ca.key')]);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', path.join(dir, 'ca.key'), '-subj', `/CN=${cn}`, '-days', '2', '-out', path.join(dir, 'ca.crt')]);
}

/** Mints `tls.key` and `tls.crt` in `dir`, signed by the CA in `ca` (see {@link makeCa}). */
export function mint(ca: string, dir: string, cn: string, extendedKeyUsage = 'serverAuth,clientAuth'): { certFile: string; keyFile: string } {
  fs.mkdirSync(dir, { recursive: true });
  const keyFile = path.join(dir, 'tls.key');
  const certFile = path.join(dir, 'tls.crt');
  const csr = path.join(dir, 'tls.csr');
  const ext = path.join(dir, 'ext.cnf');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
  execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', csr]);
  fs.writeFileSync(ext, `subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=${extendedKeyUsage}\nkeyUsage=critical,digitalSignature\n`);
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', path.join(ca, 'ca.crt'), '-CAkey', path.join(ca, 'ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', certFile], { stdio: 'ignore' });
  return { certFile, keyFile };
}
