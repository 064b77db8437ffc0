/**
 * CloudNativePG's admission webhook rules for a `Cluster` (postgresql.cnpg.io/v1) that its CRD cannot express (they
 * are not CEL rules, so a schema or CEL check passes a Cluster the API server then refuses), restated from
 * cloudnative-pg internal/webhook/v1/cluster_webhook.go (1.27; the functions are named beside each check), plus the
 * references a Cluster makes to the Barman Cloud plugin's ObjectStores.
 */
import { Finding, Manifest, arrayAt, finding, objectAt } from './manifest';
import { GateContext } from './_context';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Whether the Cluster is a replica cluster: CloudNativePG's `Cluster.IsReplica` (api/v1/cluster_funcs.go). */
export function isReplicaCluster(cluster: Obj): boolean {
  const replica = objectAt(objectAt(cluster, 'spec'), 'replica');
  if (!replica) return false;
  if (typeof replica.enabled === 'boolean') return replica.enabled;
  const self = str(replica.self) ?? str(objectAt(cluster, 'metadata')?.name);
  return self !== replica.primary;
}

/** The webhook's rules on one Cluster, and its plugin references to ObjectStores of the output. */
export function checkCnpgCluster(m: Manifest, ctx: GateContext): Finding[] {
  if (!String(m.object.apiVersion).startsWith('postgresql.cnpg.io/')) return [];
  const out: Finding[] = [];
  const bad = (field: string, message: string) => out.push(finding(m, 'cnpg-webhook', field, message));
  const spec = objectAt(m.object, 'spec') ?? {};
  const bootstrap = objectAt(spec, 'bootstrap');
  const replica = objectAt(spec, 'replica');
  const externals = arrayAt(spec, 'externalClusters');
  const names = externals.map((e) => e.name);
  const external = (name: unknown) => externals.find((e) => e.name === name);

  // validateExternalClusters / validateExternalCluster
  if (new Set(names).size !== names.length) bad('spec.externalClusters', 'the list of external clusters contains duplicate values');
  externals.forEach((e, i) => {
    if (!e.connectionParameters && !e.plugin && !e.barmanObjectStore) bad(`spec.externalClusters[${i}]`, 'one of connectionParameters, plugin and barmanObjectStore is required');
  });

  // validateBootstrapMethod
  const methods = ['initdb', 'recovery', 'pg_basebackup'].filter((k) => bootstrap?.[k] !== undefined);
  if (methods.length > 1) bad('spec.bootstrap', `only one bootstrap method can be specified at a time, got: ${methods.join(', ')}`);
  for (const method of ['recovery', 'pg_basebackup']) {
    const b = objectAt(bootstrap, method);
    if (!b) continue;
    // validateRecoveryApplicationDatabase / validatePgBaseBackupApplicationDatabase (validateApplicationDatabase)
    if (str(b.database) && !str(b.owner)) bad(`spec.bootstrap.${method}.owner`, 'the database owner must be set with the database');
    if (!str(b.database) && str(b.owner)) bad(`spec.bootstrap.${method}.database`, 'the database must be set with its owner');
    // validateBootstrapRecoverySource / validateBootstrapPgBaseBackupSource
    if (str(b.source) && !external(b.source)) bad(`spec.bootstrap.${method}.source`, `external cluster ${String(b.source)} not found`);
  }
  // validateRecoveryTarget (validateTargetExclusiveness)
  const target = objectAt(objectAt(bootstrap, 'recovery'), 'recoveryTarget');
  if (target) {
    const set = ['targetImmediate', 'targetLSN', 'targetName', 'targetXID', 'targetTime'].filter((k) => target[k] !== undefined && target[k] !== '');
    if (set.length > 1) bad('spec.bootstrap.recovery.recoveryTarget', `recovery target options are mutually exclusive, got: ${set.join(', ')}`);
  }

  if (replica) {
    // validateReplicaMode
    if (replica.enabled !== undefined && str(replica.primary)) bad('spec.replica.enabled', 'replica mode enabled is not compatible with the primary field');
    if (isReplicaCluster(m.object) && !objectAt(bootstrap, 'recovery') && !objectAt(bootstrap, 'pg_basebackup')) {
      bad('spec.bootstrap', 'replica mode bootstrap is compatible only with pg_basebackup or recovery (never initdb)');
    }
    // validateReplicaClusterExternalClusters
    for (const field of ['source', 'self', 'primary']) {
      const name = replica[field];
      if ((field === 'source' || str(name)) && !external(name)) bad(`spec.replica.${field}`, `external cluster ${String(name)} not found`);
    }
    // validatePromotionToken
    if (str(replica.promotionToken)) {
      if (replica.minApplyDelay !== undefined) bad('spec.replica.minApplyDelay', 'minApplyDelay cannot be applied with a promotion token');
      if (isReplicaCluster(m.object)) bad('spec.replica.promotionToken', 'promotionToken is only allowed for primary clusters');
    }
  }

  // validateSynchronousReplicaConfiguration
  const sync = objectAt(objectAt(spec, 'postgresql'), 'synchronous');
  if (sync && typeof sync.number === 'number' && typeof spec.instances === 'number') {
    const total = spec.instances + arrayAt(sync, 'standbyNamesPre').length + arrayAt(sync, 'standbyNamesPost').length;
    if (sync.number >= total) bad('spec.postgresql.synchronous.number', `the number of synchronous replicas (${sync.number}) must be less than the instances and standby names (${total})`);
  }

  // validatePluginConfiguration: one WAL archiver at most.
  const plugins = arrayAt(spec, 'plugins');
  if (plugins.filter((p) => p.isWALArchiver === true && p.enabled !== false).length > 1) bad('spec.plugins', 'cannot enable more than one WAL archiver plugin');

  // The Barman Cloud plugin reads the ObjectStore a plugin entry names, in the Cluster's namespace: a missing one
  // fails archiving (or the recovery) at run time, not at admission.
  const ns = m.object.metadata?.namespace;
  const refs = [...plugins.map((p, i) => ({ field: `spec.plugins[${i}]`, p })), ...externals.map((e, i) => ({ field: `spec.externalClusters[${i}].plugin`, p: objectAt(e, 'plugin') }))];
  for (const { field, p } of refs) {
    const store = str(objectAt(p, 'parameters')?.barmanObjectName);
    if (p?.name === 'barman-cloud.cloudnative-pg.io' && store && !ctx.find(ns, 'ObjectStore', store)) {
      out.push(finding(m, 'dangling-target', `${field}.parameters.barmanObjectName`, `names ObjectStore/${store}, which is not in the output`));
    }
  }
  return out;
}
