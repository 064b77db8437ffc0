// nginx in front of the app: the nginx.conf generator, the NginxLoadBalancer construct and its status server and
// exporter sidecar.
export * from './nginx-conf';
export * from './nginx-load-balancer';
export * from './nginx-status';
