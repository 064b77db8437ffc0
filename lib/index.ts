// The root entry `scaling-tiers`: the Kubernetes side, named export by export. What is not listed here is internal
// (prop checks, config renderers, shell fragments), reachable inside this repository through the component folders'
// index.ts but not from the package. test/api/ holds the API report of this list; `npm run api` updates it.
// The cloud constructs (aws-cdk-lib) are the separate entry point `scaling-tiers/cloud` (lib/cloud/index.ts), so that
// a Kubernetes-only app never loads aws-cdk-lib; the few pure cloud functions both sides use are imported from their
// own files for the same reason.

// The error every construct throws on bad props, and the prop types several components share.
export { PropsError } from './core';
export type { ContainerResources, ResourceAmounts, IngressPeer, SecretKeyRef, SecretFilesMount } from './core';

// The application service and its scaling.
export { ScalableService, PrometheusAdapterRules, prometheusAdapterRule } from './app';
export type {
  ScalableServiceProps, ConfigFileMount, HorizontalScaling, ScalingRules, ScalingPolicy, PodsMetric, AutoscalingEngine,
  ScheduleWindow, ScalingSchedule, PrometheusAuthentication, PrometheusSource, VerticalScaling, VpaUpdateMode,
  ResourceBound, ResolvedVerticalScaling, PrometheusAdapterRule, PrometheusAdapterRulesProps,
} from './app';

// nginx in front of the app.
export { NginxLoadBalancer } from './nginx';
export type {
  NginxLoadBalancerProps, NginxConfigProps, NginxUpstreamProps, NginxUpstreamServer, NginxBalancingMethod, NginxResolverProps,
  NginxProxyTimeouts, NginxNextUpstreamProps, NginxNextUpstreamCondition, NginxWebsocketProps, NginxWebsocketAffinity,
  NginxRealIpProps, NginxRateLimit, NginxRateLimitKey, NginxAccessLogFormat,
} from './nginx';

// Redis.
export { RedisDeployment } from './redis';
export type {
  RedisDeploymentProps, RedisMode, RedisUse, RedisExporter, RedisSentinelProps, RedisSentinelTimings, RedisTlsProps,
  RedisCertificateIssuer, RedisTlsAuthClients,
} from './redis';

// PostgreSQL: CloudNativePG, and the operator-free StatefulSet engine.
export { PostgresCluster, PostgresReplicated, postgresClusterTopologyFor } from './postgres';
export type {
  PostgresClusterProps, PostgresClusterBackup, PostgresBackupPolicy, PostgresClusterRecovery, PostgresClusterTopology,
  PostgresTopologyMember, PostgresTopologyObjectStore, PostgresRegionRole, PostgresPooler, PostgresReplicatedProps, PostgresReplicatedSizing,
} from './postgres';

// A tier as charts, and the manifests written to disk (GitOps objects included).
export { TierChart, LoadBalancerBinding, writeTierManifests, addRegionalComponent, regionalComponentsOf } from './chart';
export type { TierChartProps, TierObjects, LoadBalancerBindingProps, WriteTierManifestsOptions, RegionalComponent, RegionalComponentTier } from './chart';

// The tier model (lib/tier): a tier's types, its validation and derivation; `scaling-tiers/tiers` re-exports it
// beside the four built-in tiers.
export { validateTierSpec, deriveTier, hasCloudIngress } from './tier';
export type {
  TierSpec, TierApp, TierNginx, TierRedis, TierPostgres, TierPostgresEngine, TierPostgresBackup, TierPostgresSwitchover, TierMonitoringSpec, TierCdn,
  TierSla, TierRegion, TierCapacity, TierCapacityModel, Range, DeepPartial,
} from './tier';

// Monitoring.
export { TierMonitoring } from './monitoring';
export type {
  TierMonitoringProps, TierChartMonitoringProps, PrometheusSelection, ScrapeTarget, HealthThresholds, SloTargets, RuleGroup,
  RecordingRule, AlertingRule, AlertSeverity,
} from './monitoring';
export { gitOpsObjects, neededReleases } from './gitops';
export type { GitOpsProps, GitOpsCluster, ArgoCdProps, FluxProps, GitOpsObjects, GitOpsRegion, PlatformRelease, OrderedRelease } from './gitops';

// The validation gate, for pipelines.
export { readManifests, validateManifests, formatFindings, RULES, USER_PROVIDED_ANNOTATION, SKIP_ANNOTATION_PREFIX } from './validate';
export type {
  ReadResult, ValidateOptions, Finding, Manifest, KubeObject, KubeMetadata, RuleId, RuleInfo, CustomResourceDefinition, JsonSchema,
} from './validate';

// The HPA simulator and the scaling promises.
export { simulateHpa, simulateScaling, simulateDay, checkPromises, checkSchedulePromise, checkBacklogPromise } from './sim';
export type {
  SimulateHpaOptions, LoadStep, HpaSimulation, HpaSample, SimulateScalingOptions, ArrivalStep, QueueModel, ScalingSample,
  ScalingSimulation, DayProfile, DayPoint, ScalingPromise, CheckPromisesOptions, PromiseVerdict, SchedulePromise,
  BacklogPromise, Verdict,
} from './sim';

// The simulator's trace as a chart: data, a Vega-Lite spec, SVG.
export { parseLoadShape, scalingTrace, traceChartSpec, renderSvg, TRACE_SERIES } from './plots';
export type { LoadShape, ScalingTrace, ScalingTraceOptions, VegaLiteSpec, TracePoint, TraceMark, TraceWindow } from './plots';

// The capacity planner, and the capacity promise a tier keeps against it.
export { planCapacity, PlanInputError, checkCapacityPromise, tierRangeUsers } from './plan';
export type {
  PlanInputs, PlanPrices, PlanTier, CapacityPlan, PlanFigure, PlanOverride, PlanCapacityOptions, ResolvedPlanInputs,
  PlanInputProblem, CapacityPromise, CapacityPromisePoint, CapacityVerdict, RangePoint,
} from './plan';

// Shared with the cloud side (pure; both sides compute the same names).
export { targetGroupNameFor } from './cloud/target-group-name';
export { postgresBackupLocationFor, DEFAULT_BACKUP_BUCKET_PREFIX } from './cloud/postgres-backup-location';
export type { PostgresBackupLocation, PostgresBackupLocationOptions } from './cloud/postgres-backup-location';
