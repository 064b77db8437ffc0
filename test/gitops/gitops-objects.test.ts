import { App } from 'cdk8s';
import { KubeObject, TierChart, validateManifests, writeTierManifests } from '../../lib';
import { tierOutput, tierOutputManifests } from '../../lib/chart';
import { parse } from 'yaml';
import { addRegionalComponent } from '../../lib/chart';
import { gitOpsObjects, neededReleases } from '../../lib/gitops';
import { PLATFORM_RELEASES, TIERS, enterprise, hasCloudIngress, team } from '../../tiers';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject } from 'cdk8s';

const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'shop' } };
const regions = [{ name: 'us-east-1', objects: [deployment] }, { name: 'eu-west-1', objects: [deployment] }];
const gate = (objects: KubeObject[]) => validateManifests(objects.map((object) => ({ file: 'gitops.yaml', object })));

describe('gitOpsObjects', () => {
  test('an Argo CD Application and a Flux Kustomization per region, with pruning, ordering and health checks', () => {
    // GIVEN / WHEN
    const { argoCd, flux } = gitOpsObjects('shop', 'shop', regions, {
      repoURL: 'https://git.example.com/platform.git',
      revision: 'release',
      pathPrefix: 'deploy/out',
      clusters: { 'eu-west-1': { argoCdName: 'eu', fluxKubeConfigSecret: 'eu-kubeconfig' } },
      flux: { dependsOn: ['cloudnative-pg', 'aws-load-balancer-controller'] },
    });
    // THEN
    expect(argoCd.map((a) => a.metadata?.name)).toEqual(['shop-us-east-1', 'shop-eu-west-1']);
    expect(argoCd[0]).toMatchObject({
      metadata: { namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '10' } },
      spec: {
        source: { repoURL: 'https://git.example.com/platform.git', targetRevision: 'release', path: 'deploy/out/shop/regions/us-east-1' },
        // Each region in its own cluster: the default is the cluster registered in Argo CD as <tier>-<region>.
        destination: { name: 'shop-us-east-1', namespace: 'shop' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=true', 'FailOnSharedResource=true'] },
      },
    });
    expect(argoCd[1]).toMatchObject({ spec: { destination: { name: 'eu', namespace: 'shop' } } });
    expect(flux.map((o) => `${String(o.kind)}/${o.metadata?.name}`)).toEqual(['GitRepository/shop', 'Kustomization/shop-us-east-1', 'Kustomization/shop-eu-west-1']);
    expect(flux[0]).toMatchObject({ spec: { url: 'https://git.example.com/platform.git', ref: { branch: 'release' } } });
    expect(flux[2]).toMatchObject({
      spec: {
        path: './deploy/out/shop/regions/eu-west-1',
        prune: true,
        dependsOn: [{ name: 'cloudnative-pg' }, { name: 'aws-load-balancer-controller' }],
        kubeConfig: { secretRef: { name: 'eu-kubeconfig' } },
        healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', namespace: 'shop' }],
      },
    });
    expect(flux[1].spec).toMatchObject({ kubeConfig: { secretRef: { name: 'shop-us-east-1-kubeconfig' } } });
    // Strictly valid against the shared CRDs (the gate checks custom resources with their schemas).
    expect(gate([...argoCd, ...flux])).toEqual([]);
  });

  test('no two regions share a destination, by default or as configured; inCluster is the one exception a single region may take', () => {
    const { argoCd, flux } = gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git' });
    const destinations = argoCd.map((a) => JSON.stringify((a.spec as { destination: unknown }).destination));
    expect(new Set(destinations).size).toBe(regions.length);
    const kubeConfigs = flux.filter((o) => o.kind === 'Kustomization').map((k) => JSON.stringify((k.spec as { kubeConfig?: unknown }).kubeConfig));
    expect(new Set(kubeConfigs).size).toBe(regions.length);
    expect(kubeConfigs).not.toContain(undefined);
    expect(() => gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git', clusters: { 'eu-west-1': { argoCdName: 'shop-us-east-1' } } })).toThrow(
      `[shop/gitops] 'clusters.eu-west-1' must be a cluster no other region deploys to (us-east-1 does), got: "shop-us-east-1"`,
    );
    expect(() => gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git', clusters: { 'us-east-1': { inCluster: true }, 'eu-west-1': { inCluster: true } } })).toThrow(
      `[shop/gitops] 'clusters.eu-west-1' must be a cluster no other region deploys to (us-east-1 does), got: "in-cluster"`,
    );
    const local = gitOpsObjects('shop', 'shop', [regions[0]], { repoURL: 'https://g.example.com/p.git', clusters: { 'us-east-1': { inCluster: true } } });
    expect((local.argoCd[0].spec as { destination: unknown }).destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'shop' });
    expect(local.flux[1].spec).not.toHaveProperty('kubeConfig');
  });

  test('autoscalers sync after their workloads; Jobs are Sync hooks recreated on change; the Namespace and data never pruned or deleted', () => {
    const { argoCd, flux } = gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git' });
    const patches = (argoCd[0].spec as { source: { kustomize: { patches: { target: { group?: string; kind: string }; patch: string }[] } } }).source.kustomize.patches;
    const annotations = (kind: string) => Object.assign({}, ...patches.filter((p) => p.target.kind === kind).map((p) => (parse(p.patch) as { metadata: { annotations: Record<string, string> } }).metadata.annotations));
    for (const kind of ['ScaledObject', 'VerticalPodAutoscaler', 'HorizontalPodAutoscaler']) expect(Number(annotations(kind)['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(Number(annotations('Deployment')['argocd.argoproj.io/sync-wave']));
    expect(annotations('Namespace')).toEqual({ 'argocd.argoproj.io/sync-wave': '-1', 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(annotations('Job')).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', 'argocd.argoproj.io/sync-wave': '1' });
    expect(patches.find((p) => p.target.kind === 'Cluster')!.target).toEqual({ group: 'postgresql.cnpg.io', kind: 'Cluster' });
    expect(annotations('Cluster')).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(annotations('PersistentVolumeClaim')).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    const fluxPatches = (flux[1].spec as { patches: { target: { kind: string }; patch: string }[] }).patches;
    const fluxAnnotations = (kind: string) => (parse(fluxPatches.find((p) => p.target.kind === kind)!.patch) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(fluxAnnotations('Job')).toEqual({ 'kustomize.toolkit.fluxcd.io/force': 'enabled' });
    for (const kind of ['Namespace', 'PersistentVolumeClaim', 'Cluster', 'ObjectStore']) expect(fluxAnnotations(kind)).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });

  test("each region's platform releases install before it: Argo CD waves in dependency order, Flux HelmReleases behind a Kustomization the region dependsOn", () => {
    // GIVEN the enterprise tier's real output and the built-in releases
    const chart = new TierChart(new App(), 'enterprise', { ...enterprise, loadBalancerRegions: enterprise.regions });
    const output = tierOutput(chart, { regions: enterprise.regions.map((r) => r.name), gitops: { repoURL: 'https://github.com/acme/deploy.git', platform: PLATFORM_RELEASES } });
    const apps = output.files.get('gitops/argocd/applications.yaml')!;
    const flux = output.files.get('gitops/flux/flux.yaml')!;
    const helmReleases = output.files.get('gitops/flux/platform/eu-west-1/platform.yaml')!;
    // THEN the operators of the API groups enterprise emits, and those they wait for
    const expected = ['cert-manager', 'cloudnative-pg', 'vertical-pod-autoscaler', 'kube-prometheus-stack', 'aws-load-balancer-controller', 'plugin-barman-cloud', 'prometheus-adapter'];
    const regionApps = (region: string) => apps.filter((a) => a.metadata?.labels?.['scaling-tiers.io/region'] === region);
    expect(regionApps('eu-west-1').map((a) => a.metadata?.labels?.['scaling-tiers.io/platform-release'] ?? 'region')).toEqual([...expected, 'region']);
    expect(apps.some((a) => a.metadata?.name?.endsWith('-keda'))).toBe(false); // enterprise scales with the HPA
    const wave = (a: KubeObject) => Number(a.metadata?.annotations?.['argocd.argoproj.io/sync-wave']);
    const byRelease = new Map(regionApps('eu-west-1').map((a) => [a.metadata?.labels?.['scaling-tiers.io/platform-release'] ?? 'region', a]));
    expect(wave(byRelease.get('plugin-barman-cloud')!)).toBeGreaterThan(Math.max(wave(byRelease.get('cert-manager')!), wave(byRelease.get('cloudnative-pg')!)));
    expect(wave(byRelease.get('prometheus-adapter')!)).toBeGreaterThan(wave(byRelease.get('kube-prometheus-stack')!));
    for (const release of expected) expect(wave(byRelease.get(release)!)).toBeLessThan(wave(byRelease.get('region')!));
    // Helm sources pinned to the tier data's versions, into the region's own cluster, never deleted with the Application.
    expect(byRelease.get('keda')).toBeUndefined();
    expect(byRelease.get('aws-load-balancer-controller')).toMatchObject({
      spec: { source: { repoURL: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', targetRevision: '1.13.0', helm: { valuesObject: { clusterName: 'enterprise-eu-west-1' } } }, destination: { name: 'enterprise-eu-west-1', namespace: 'kube-system' } },
    });
    expect(byRelease.get('cert-manager')!.metadata).not.toHaveProperty('finalizers');
    // Flux: HelmRepositories once, a platform Kustomization per region that the region's waits for
    expect(flux.filter((o) => o.kind === 'HelmRepository').map((o) => o.metadata?.name)).toEqual(expect.arrayContaining(expected.map((r) => `enterprise-${r}`)));
    expect(flux.find((o) => o.metadata?.name === 'enterprise-eu-west-1')!.spec).toMatchObject({ dependsOn: [{ name: 'enterprise-eu-west-1-platform' }] });
    expect(flux.find((o) => o.metadata?.name === 'enterprise-eu-west-1-platform')!.spec).toMatchObject({ path: './dist/enterprise/gitops/flux/platform/eu-west-1', wait: true });
    expect(helmReleases.find((o) => o.metadata?.name === 'enterprise-eu-west-1-plugin-barman-cloud')).toMatchObject({
      metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } },
      spec: {
        releaseName: 'plugin-barman-cloud', targetNamespace: 'cnpg-system',
        chart: { spec: { chart: 'plugin-barman-cloud', version: '0.4.0', sourceRef: { kind: 'HelmRepository', name: 'enterprise-plugin-barman-cloud' } } },
        dependsOn: [{ name: 'enterprise-eu-west-1-cert-manager' }, { name: 'enterprise-eu-west-1-cloudnative-pg' }],
        kubeConfig: { secretRef: { name: 'enterprise-eu-west-1-kubeconfig' } },
      },
    });
    // The whole output passes the gate (schemas of Application, HelmRepository, HelmRelease; the sync-order rule).
    expect(validateManifests(tierOutputManifests(output))).toEqual([]);
  });

  test("neededReleases: an apiVersion the tier emits in a release's group but not served by its pinned version is an error", () => {
    const vpaBeta: KubeObject = { apiVersion: 'autoscaling.k8s.io/v1beta2', kind: 'VerticalPodAutoscaler', metadata: { name: 'a' } };
    expect(() => neededReleases('t', PLATFORM_RELEASES, [vpaBeta])).toThrow(
      `[t] 'platform.vertical-pod-autoscaler.version' must be a chart version that serves autoscaling.k8s.io/v1beta2, which the tier emits (0.8.1 serves autoscaling.k8s.io/v1), got: "0.8.1"`,
    );
    // Every apiVersion the built-in tiers emit in a pinned release's group is one that release serves.
    for (const tier of TIERS) {
      const chart = new TierChart(new App(), tier.name, { ...tier, loadBalancerRegions: hasCloudIngress(tier) ? tier.regions : undefined });
      const objects = [...tierOutput(chart, { regions: tier.regions.map((r) => r.name) }).files.values()].flat();
      expect(neededReleases(tier.name, PLATFORM_RELEASES, objects).length).toBeGreaterThan(0);
    }
  });

  test('neededReleases: by apiVersion (and the custom metrics API of an HPA Pods metric), in dependency order; throws on a bad release', () => {
    const hpa: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'a' }, spec: { metrics: [{ type: 'Pods' }] } };
    expect(neededReleases('t', PLATFORM_RELEASES, [hpa]).map((r) => `${r.release.name}@${r.depth}`)).toEqual(['kube-prometheus-stack@0', 'prometheus-adapter@1']);
    expect(neededReleases('t', PLATFORM_RELEASES, [deployment])).toEqual([]);
    const base = { namespace: 'x', repoURL: 'https://charts.example.org', chart: 'c', provides: ['a.io/v1'] };
    expect(() => neededReleases('t', [{ ...base, name: 'a', version: '^1.0', after: ['b'] }, { ...base, name: 'b', version: '1.0.0', after: ['a'] }, { ...base, name: 'c', version: '1.0.0', after: ['z'] }], [])).toThrow(
      [
        `[t] 'platform[0].version' must be an exact chart version such as "2.17.2" (no range: the tier is checked against it), got: "^1.0"`,
        `[t] 'platform[2].after' must be one of the releases (a, b, c), got: "z"`,
        `[t] 'platform' must be releases whose \`after\` lists form no cycle, got: "a"`,
      ].join('\n'),
    );
  });

  test('a commit or a refs/ name becomes the matching Flux ref; either tool can be left out', () => {
    const commit = 'a'.repeat(40);
    expect(gitOpsObjects('shop', 'shop', regions, { repoURL: 'ssh://git@git.example.com/p.git', revision: commit, argoCd: false }).flux[0].spec).toMatchObject({ ref: { commit } });
    expect(gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git', revision: 'refs/tags/v1', argoCd: false }).flux[0].spec).toMatchObject({ ref: { name: 'refs/tags/v1' } });
    expect(gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git', flux: false }).flux).toEqual([]);
  });

  test('the gate finds a wrong type and an unknown field in a GitOps object', () => {
    const { argoCd, flux } = gitOpsObjects('shop', 'shop', regions, { repoURL: 'https://g.example.com/p.git' });
    const bad = { ...flux[1], spec: { ...(flux[1].spec as object), prune: 'yes' } };
    const findings = gate([argoCd[0], bad]).map((f) => `${f.rule} ${f.field}`);
    expect(findings).toEqual(['schema spec.prune']);
    const unknown = { ...flux[1], spec: { ...(flux[1].spec as object), pruneAll: true } };
    // The shared CRD schemas are strict (additionalProperties: false), so the schema check itself refuses it.
    expect(gate([unknown]).map((f) => `${f.rule} ${f.field}: ${f.message}`)).toEqual(['schema spec: spec must NOT have additional properties']);
  });

  test('throws if a prop is invalid, naming each', () => {
    expect(() => gitOpsObjects('shop', 'shop', regions, { repoURL: 'git.example.com/p', pathPrefix: '../out', clusters: { 'ap-south-1': {} }, flux: { interval: 'often' } })).toThrow(
      [
        `[shop/gitops] 'repoURL' must be an https://, http:// or ssh:// URL, got: "git.example.com/p"`,
        `[shop/gitops] 'pathPrefix' must be a relative folder of the repository without '..' or a trailing '/', got: "../out"`,
        `[shop/gitops] 'clusters.ap-south-1' must be one of the tier's regions (us-east-1, eu-west-1), got: "ap-south-1"`,
        `[shop/gitops] 'flux.interval' must be a Go duration such as "10m" or "1h30m", got: "often"`,
      ].join('\n'),
    );
  });
});

describe('regional components', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regional-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('an object that differs per region is written to each region folder, never to the base', () => {
    // GIVEN a Postgres cluster that is primary in the primary region and a replica elsewhere
    const chart = new TierChart(new App(), 'enterprise', { ...enterprise, loadBalancerRegions: enterprise.regions });
    for (const region of enterprise.regions) {
      new ApiObject(addRegionalComponent(chart, region.name, 'postgres-cluster'), 'db', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db-role' }, data: { role: region.role === 'primary' ? 'primary' : 'replica' },
      });
    }
    // WHEN
    const files = writeTierManifests(chart, tmp, { regions: enterprise.regions.map((r) => r.name) });
    // THEN
    expect(files.filter((f) => f.includes('postgres-cluster'))).toEqual(enterprise.regions.map((r) => `regions/${r.name}/postgres-cluster.yaml`));
    expect(fs.readFileSync(path.join(tmp, 'regions/us-east-1/postgres-cluster.yaml'), 'utf8')).toContain('role: primary');
    expect(fs.readFileSync(path.join(tmp, 'regions/eu-west-1/postgres-cluster.yaml'), 'utf8')).toMatch(/namespace: enterprise\n[\s\S]*role: replica/);
    expect(fs.readFileSync(path.join(tmp, 'regions/eu-west-1/Kustomization'), 'utf8')).toContain('  - ../../base\n  - load-balancer-binding.yaml\n  - postgres.yaml\n  - postgres-cluster.yaml\n'); // postgres.yaml: the tier's own CloudNativePG cluster of the region
    expect(fs.readFileSync(path.join(tmp, 'Kustomization'), 'utf8')).toContain('  - regions/us-east-1\n');
  });

  test('throws if a regional component is named twice, or its region is not among the regions', () => {
    const chart = new TierChart(new App(), 'team', team);
    addRegionalComponent(chart, 'us-east-1', 'extra');
    expect(() => addRegionalComponent(chart, 'us-east-1', 'extra')).toThrow(`[team] 'regional component name' must be a name not already used in region us-east-1, got: "extra"`);
    expect(() => addRegionalComponent(chart, 'us-east-1', 'load-balancer-binding')).toThrow(/'regional component name' must be a name not already used/);
    expect(() => writeTierManifests(chart, tmp, { regions: ['eu-west-1'] })).toThrow(`[team] 'regions' must be a list including us-east-1, which has a regional component, got: ["eu-west-1"]`);
  });
});
