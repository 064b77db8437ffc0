import { App } from 'cdk8s';
import { KubeObject, TierChart, validateManifests, writeTierManifests } from '../../lib';
import { addRegionalComponent } from '../../lib/chart';
import { gitOpsObjects } from '../../lib/gitops';
import { enterprise, team } from '../../tiers';
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
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
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
    expect(flux[1].spec).not.toHaveProperty('kubeConfig');
    // Strictly valid against the shared CRDs (the gate checks custom resources with their schemas).
    expect(gate([...argoCd, ...flux])).toEqual([]);
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
