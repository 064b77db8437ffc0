import * as fs from 'node:fs';
import { SCALABLE_SERVICE_DEFAULT_REPLICAS } from '../lib/app';
import { DEFAULT_NGINX_UPSTREAM } from '../lib/nginx';
import { formatNumber, planCapacity, planFigure, resolvePlanInputs, tierPlanDefaults, tierRangeUsers } from '../lib/plan';
import type { TierSpec } from '../lib/tier';

const START = '<!-- tier-table:start (generated from tiers/ by `npm run docs`; a test checks it) -->';
const END = '<!-- tier-table:end -->';

function range(r: { min: number; max: number }, unit = ''): string {
  return `${r.min}-${r.max}${unit}`;
}

function row(label: string, cell: (t: TierSpec) => string, tiers: readonly TierSpec[]): string {
  return `| ${label} | ${tiers.map(cell).join(' | ')} |`;
}

function engineName(t: TierSpec): string {
  return t.app.autoscaling?.engine === 'keda' ? 'KEDA' : 'HPA';
}

/** A tier's load model as the table shows it: the planner's inputs with the tier's defaults. */
function loadModel(t: TierSpec): string {
  const i = resolvePlanInputs({ users: 1 }, tierPlanDefaults(t));
  return `${formatNumber(i.concurrencyPercent)} % of users at once, ${formatNumber(i.requestsPerUserPerSecond ?? 0)} req/s each; ${formatNumber(i.requestsPerCoreSecond)} req/s per core; pods of ${formatNumber(i.podCpuCores)} core at ${formatNumber(i.targetUtilizationPercent)} %`;
}

/** What the planner sizes at the top of a tier's range, on the catalogue `tiers`: the figures the tier must cover. */
function atTheTop(t: TierSpec, tiers: readonly TierSpec[]): string {
  const users = tierRangeUsers(t, tiers).top;
  const plan = planCapacity({ users }, tiers);
  const v = (key: string) => formatNumber(planFigure(plan, key).value);
  const n = (key: string, unit: string) => `${v(key)} ${unit}${planFigure(plan, key).value === 1 ? '' : 's'}`;
  const db = t.postgres.pooler ? `pool ${v('poolSize')}, ${v('clientConnections')} clients, ` : '';
  return `${users} users: ${v('requestRate')} req/s, ${n('pods', 'pod')}, ${n('cores', 'core')}, ${v('memoryGiB')} GiB; ${db}max_connections ${v('maxConnections')}; Redis ${v('redisMiBPerServer')} MiB${t.redis.mode === 'cluster' ? ' a master' : ''}`;
}

/** The README's tier table, as Markdown, generated from the tier data (and the planner on it) so none can drift. */
export function tierTable(tiers: readonly TierSpec[]): string {
  const lines = [
    `| | ${tiers.map((t) => t.name).join(' | ')} |`,
    `|---|${tiers.map(() => '---').join('|')}|`,
    row('concurrent users', (t) => range(t.capacity.concurrentUsers), tiers),
    row('load model', loadModel, tiers),
    row('planned at the top', (t) => atTheTop(t, tiers), tiers),
    row('compute envelope', (t) => `${range(t.capacity.cores)} cores, ${range(t.capacity.memoryGiB)} GiB`, tiers),
    row('app replicas', (t) => (t.app.autoscaling ? `${engineName(t)} ${t.app.autoscaling.minReplicas}-${t.app.autoscaling.maxReplicas}` : `${t.app.replicas ?? SCALABLE_SERVICE_DEFAULT_REPLICAS} (no HPA)`), tiers),
    row('autoscaler', (t) => {
      const a = t.app.autoscaling;
      if (!a) return '—';
      if (a.engine === 'keda') return `KEDA ScaledObject (cpu${a.podsMetric ? ', prometheus' : ''}${a.schedule ? ', cron' : ''} triggers${a.fallbackReplicas !== undefined ? `; fallback ${a.fallbackReplicas}` : ''})`;
      return a.podsMetric ? 'HPA + prometheus-adapter rule' : 'HPA';
    }, tiers),
    row('schedule', (t) => {
      const s = t.app.autoscaling?.schedule;
      return s ? `${s.windows.map((w) => `${w.start}-${w.end} ≥ ${w.replicas}`).join(', ')} (${s.timezone})` : '—';
    }, tiers),
    row('HPA metrics', (t) => {
      const a = t.app.autoscaling;
      if (!a) return '—';
      return [a.cpuUtilization && `cpu ${a.cpuUtilization} %`, a.memoryUtilization && `memory ${a.memoryUtilization} %`, a.podsMetric && `${a.podsMetric.name} avg ${a.podsMetric.averageValue}`]
        .filter(Boolean)
        .join(', ');
    }, tiers),
    row('HPA scale-up', (t) => {
      const u = t.app.autoscaling?.scaleUp;
      return u ? `${u.policies.map((p) => `${p.type === 'Percent' ? `${p.value} %` : `${p.value} pods`}/${p.periodSeconds} s`).join(' or ')} (${u.selectPolicy ?? 'Max'}), window ${u.stabilizationWindowSeconds} s` : '—';
    }, tiers),
    row('HPA scale-down', (t) => {
      const d = t.app.autoscaling?.scaleDown;
      return d ? `${d.policies.map((p) => `${p.type === 'Percent' ? `${p.value} %` : `${p.value} pods`}/${p.periodSeconds} s`).join(' or ')}, window ${d.stabilizationWindowSeconds} s` : '—';
    }, tiers),
    row('VPA', (t) => {
      const v = t.app.verticalScaling;
      return v ? `${v.updateMode}, ${(v.controlledResources ?? ['memory']).join(' + ')}` : '—';
    }, tiers),
    row('nginx', (t) => (t.nginx ? `${t.nginx.replicas}${t.nginx.maxReplicas && t.nginx.maxReplicas > t.nginx.replicas ? `-${t.nginx.maxReplicas}` : ''} replicas, ${t.nginx.upstream?.method ?? DEFAULT_NGINX_UPSTREAM.method}` : 'none'), tiers),
    row('Redis', (t) => (t.redis.mode === 'cluster' ? `cluster ${t.redis.masters} masters + ${t.redis.masters * t.redis.replicasPerMaster} replicas` : t.redis.mode === 'replicated' ? `primary + ${t.redis.replicasPerMaster}` : 'standalone') + `, ${t.redis.maxMemory}`, tiers),
    row('Postgres', (t) => `${t.postgres.readReplicas === 0 ? 'primary only' : `primary + ${t.postgres.readReplicas} read replica${t.postgres.readReplicas > 1 ? 's' : ''}`}${t.postgres.synchronousReplicas ? ` (sync ANY ${t.postgres.synchronousReplicas})` : ''}${t.postgres.pooler ? ', pooler' : ''}`, tiers),
    row('Postgres engine', (t) => ((t.postgres.engine ?? 'statefulset') === 'cloudnative-pg' ? 'CloudNativePG (automatic failover)' : 'StatefulSet (no operator)'), tiers),
    row('Postgres backups', (t) => (t.postgres.backup ? `every ${t.postgres.backup.intervalHours} h, kept ${t.postgres.backup.retentionPolicy}, WAL archived (archive_timeout ${t.postgres.backup.archiveTimeoutSeconds ?? 60} s)` : 'none'), tiers),
    row('replication factor', (t) => String(t.replicationFactor), tiers),
    row('regions', (t) => t.regions.map((r) => `${r.name} (${r.role})`).join(', '), tiers),
    row('SLA', (t) => (t.sla ? `${t.sla.availabilityPercent} %, p95 < ${t.sla.p95LatencyMs} ms${t.sla.maxErrorRatePercent !== undefined ? `, errors < ${t.sla.maxErrorRatePercent} %` : ''}` : '—'), tiers),
  ];
  return [START, ...lines, END].join('\n');
}

/** Replaces the generated table in `markdown` (between its markers) with a fresh one. */
export function replaceTierTable(markdown: string, tiers: readonly TierSpec[]): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no tier table markers (${START} ... ${END})`);
  return markdown.slice(0, start) + tierTable(tiers) + markdown.slice(end + END.length);
}

if (require.main === module) {
  // `npm run docs`: rewrite the README's table from the tier data.
  const { TIERS } = require('./index') as typeof import('./index');
  const file = process.argv[2] ?? 'README.md';
  fs.writeFileSync(file, replaceTierTable(fs.readFileSync(file, 'utf8'), TIERS));
}
