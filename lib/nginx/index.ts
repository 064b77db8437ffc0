// nginx in front of the app: the nginx.conf generator and the NginxLoadBalancer construct.
export * from './nginx-conf';
export * from './nginx-load-balancer';
