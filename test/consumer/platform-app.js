// A tiny platform repo's app, as a consumer writes it: plain JavaScript against the packed library, no TypeScript.
// It derives a custom tier from `team`, adds a second service of its own and writes the tier's manifests.
const path = require('node:path');
const { App } = require('cdk8s');
const { ScalableService, TierChart, writeTierManifests } = require('scaling-tiers');
const { deriveTier, team } = require('scaling-tiers/tiers');

const shop = deriveTier(team, {
  name: 'shop',
  app: { image: 'registry.example.com/shop:2.3.1', autoscaling: { maxReplicas: 6 } },
});

const app = new App();
const chart = new TierChart(app, 'shop', shop);
new ScalableService(chart.addComponent('worker'), 'worker', {
  image: 'registry.example.com/shop-worker:2.3.1',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
  replicas: 2,
  allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'app' } }],
});
const files = writeTierManifests(chart, path.join(process.argv[2] ?? 'dist', 'shop'));
console.log(files.join('\n'));
