import { App } from 'cdk8s';
import { ScalableService, TierChart, hasCloudIngress } from '../lib';
import { department } from '../tiers';

/**
 * The README's composing example at scale, as `npm run bench` runs it (`scale:N` in test/bench/scenario.ts): the
 * department tier plus `extraServices` ScalableServices, each in a component of its own.
 */
export function departmentWithExtraServices(extraServices: number): TierChart {
  const chart = new TierChart(new App({ outdir: '/dev/null' }), department.name, { ...department, loadBalancerRegions: hasCloudIngress(department) ? department.regions : undefined });
  for (let i = 0; i < extraServices; i++) {
    new ScalableService(chart.addComponent(`svc-${i}`), `svc-${i}`, {
      image: 'registry.example.com/svc:1.0.0',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      autoscaling: department.app.autoscaling,
      verticalScaling: department.app.verticalScaling,
      allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'app' } }],
    });
  }
  return chart;
}

/**
 * The two increments of work measured at 0, N and 2N services: equal when the work grows linearly, the second three
 * times the first when it grows with the square. The tests allow the second 10 % more than the first.
 */
export function increments(work: readonly [number, number, number]): { first: number; second: number } {
  return { first: work[1] - work[0], second: work[2] - work[1] };
}
