/**
 * The operator-free Postgres engine (PostgresReplicated and its PgBouncer pooler) against the policy bar of every
 * other component, in every tier's output: Secrets reach its containers only as files, it runs as a uid/gid of 10000
 * or more without an exemption, and its generated scripts never pass a password through the environment or a
 * command line. The checks mirror the third-party ones a user's pipeline runs (Checkov CKV_K8S_35 and CKV_K8S_40,
 * kube-score's user/group id check), and the gate with `secret-env` turned on must agree.
 */
import { SKIP_ANNOTATION_PREFIX, validateManifests } from '../../lib/validate';
import { TIERS, TierSpec } from '../../tiers';
import { type Manifest, podTemplates, synthTier } from '../_synth';
import { tierManifests } from '../validate/_baseline';

const ENGINE = ['postgresql', 'pgbouncer'];
const isEngine = (o: Manifest): boolean => ENGINE.includes(o.metadata.labels?.['app.kubernetes.io/name'] ?? '');

/** Checkov CKV_K8S_35 ("Prefer using secrets as files over secrets as environment variables"): the failing paths. */
function ckvK8s35(owner: Manifest, spec: any): string[] {
  const out: string[] = [];
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    (c.env ?? []).forEach((e: any, i: number) => {
      if (e.valueFrom?.secretKeyRef) out.push(`${owner.kind}/${owner.metadata.name} ${c.name}.env[${i}] (${e.name})`);
    });
    (c.envFrom ?? []).forEach((e: any, i: number) => {
      if (e.secretRef) out.push(`${owner.kind}/${owner.metadata.name} ${c.name}.envFrom[${i}]`);
    });
  }
  return out;
}

/**
 * Checkov CKV_K8S_40 (runAsUser >= 10000, container or pod level) and kube-score's
 * container-security-context-user-group-id (runAsUser and runAsGroup above 10000): the failing paths. fsGroup too, so
 * the volumes' group is no host group either.
 */
function highIds(owner: Manifest, spec: any): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (!(pod.fsGroup > 10000)) out.push(`${owner.kind}/${owner.metadata.name} fsGroup ${pod.fsGroup}`);
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const uid = c.securityContext?.runAsUser ?? pod.runAsUser;
    const gid = c.securityContext?.runAsGroup ?? pod.runAsGroup;
    if (!(uid > 10000)) out.push(`${owner.kind}/${owner.metadata.name} ${c.name} runAsUser ${uid}`);
    if (!(gid > 10000)) out.push(`${owner.kind}/${owner.metadata.name} ${c.name} runAsGroup ${gid}`);
  }
  return out;
}

/** The generated scripts of the engine: every `*.sh` in its ConfigMaps. */
function scripts(objects: Manifest[]): Array<[string, string]> {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && isEngine(o))
    .flatMap((o) => Object.entries<string>(o.data ?? {}).filter(([k]) => k.endsWith('.sh')).map(([k, v]): [string, string] => [`${o.metadata.name}/${k}`, v]));
}

// Every tier's sizing on the operator-free engine (development runs it; the others can choose it), so the engine is
// held to the same bar whatever tier it serves.
const onStatefulSetEngine = (t: TierSpec): TierSpec => ({ ...t, postgres: { ...t.postgres, engine: 'statefulset', backup: undefined } });

describe.each(TIERS.map((t) => [t.name, t] as const))('tier %s on the StatefulSet engine: the Postgres engine meets the policy bar', (_name, tier) => {
  const { objects } = synthTier(onStatefulSetEngine(tier));
  const workloads = podTemplates(objects).filter((t) => isEngine(t.owner));

  test('it has Postgres workloads to check', () => {
    expect(workloads.map((w) => w.owner.metadata.name)).toContain('postgres-primary');
  });

  test('CKV_K8S_35: no Postgres or PgBouncer container reads a Secret through env', () => {
    expect(workloads.flatMap((w) => ckvK8s35(w.owner, w.spec))).toEqual([]);
  });

  test('CKV_K8S_40 / kube-score: uid, gid and fsGroup above 10000, with no exemption', () => {
    expect(workloads.flatMap((w) => highIds(w.owner, w.spec))).toEqual([]);
    for (const w of workloads) {
      expect(Object.keys(w.owner.metadata.annotations ?? {}).filter((k) => k.startsWith(SKIP_ANNOTATION_PREFIX))).toEqual([]);
    }
  });

  test('the passwords are files of read-only Secret volumes, mode 0400', () => {
    for (const { spec } of workloads) {
      const secrets = spec.volumes.filter((v: any) => v.secret || v.projected);
      expect(secrets).toHaveLength(1);
      expect(secrets[0].secret?.defaultMode ?? secrets[0].projected?.defaultMode).toBe(0o400);
      const mounts = spec.containers[0].volumeMounts.filter((m: any) => m.name === secrets[0].name);
      expect(mounts).toEqual([expect.objectContaining({ readOnly: true })]);
    }
  });

  test('no generated script passes a password through the environment or a command line', () => {
    const all = scripts(objects);
    expect(all.map(([name]) => name)).toEqual(expect.arrayContaining(['postgres-config/primary-start.sh', 'postgres-config/primary-init.sh']));
    for (const [, text] of all) {
      expect(text).not.toMatch(/PGPASSWORD|POSTGRES_PASSWORD|\bPG_[A-Z_]*PASSWORD\b|\\getenv/);
      // No password option or conninfo keyword (the passfile keyword names a file).
      expect(text).not.toMatch(/--password|--pwfile|\bpassword=/i);
      expect(text).not.toMatch(/^\s*export\s+\S*PASS/m);
    }
  });

  test('the gate, with secret-env turned on, finds nothing on the engine', () => {
    const findings = validateManifests(tierManifests(tier), { rules: { 'secret-env': true } });
    const engine = new Set(workloads.map((w) => `${w.owner.kind}/${w.owner.metadata.name}`));
    expect(findings.filter((f) => engine.has(`${f.kind}/${f.name}`))).toEqual([]);
  });
});
