/** A RedisDeployment built for a test, and its three modes: shared by redis-deployment.test.ts and its slow suite. */
import { RedisDeployment, RedisDeploymentProps } from '../../lib/redis/redis-deployment';
import { Manifest, synth, testChart } from '../_synth';

/** The auth Secret every test names. */
export const AUTH = { secretName: 'redis-auth', key: 'password' };
/** The props every test starts from. */
export const BASE: RedisDeploymentProps = {
  namespace: 'shop',
  mode: 'standalone',
  maxMemory: '100Mi',
  auth: AUTH,
  allowIngressFrom: [{ podLabels: { 'app.kubernetes.io/name': 'web' } }],
};

/** A RedisDeployment of BASE with `props` over it, synthesised. */
export function build(props: Partial<RedisDeploymentProps> = {}): { redis: RedisDeployment; objects: Manifest[] } {
  const chart = testChart();
  const redis = new RedisDeployment(chart, 'cache', { ...BASE, ...props });
  return { redis, objects: synth(chart) };
}

/** The three modes, each with its minimal props. */
export const MODES: Array<[string, Partial<RedisDeploymentProps>]> = [
  ['standalone', { mode: 'standalone' }],
  ['replicated', { mode: 'replicated', replicasPerMaster: 2 }],
  ['cluster', { mode: 'cluster', masters: 3, replicasPerMaster: 1 }],
];
