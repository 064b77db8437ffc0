import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { Problems } from '../core/problems';
import { DOMAIN_ALLOWED, DOMAIN_NAME } from './_domain';

/** One region behind a {@link GlobalDns} name. */
export interface GlobalDnsRegion {
  /** The AWS region name, e.g. `us-east-1`. */
  readonly region: string;
  /**
   * The region's part in routing (the roles of a tier's regions): `primary` and `secondary` serve the main name;
   * `standby` serves it only when the primary is unhealthy (failover); `read-only` is served under its own name
   * (`readOnlyRecordName`) and never under the main name, so writes never land there.
   */
  readonly role: 'primary' | 'secondary' | 'standby' | 'read-only';
  /** The region's load balancer (a `RegionalIngress`'s `loadBalancer`). */
  readonly loadBalancer: elbv2.ILoadBalancerV2;
}

/** How {@link GlobalDns} spreads the main name across regions. */
export type GlobalDnsRouting = 'latency' | 'geolocation' | 'failover';

/** An existing public hosted zone, imported without a lookup. */
export interface ExistingHostedZone {
  /** The zone's id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
  /** The zone's name, e.g. `example.com`. */
  readonly zoneName: string;
}

/** Props of {@link GlobalDns}. */
export interface GlobalDnsProps {
  /** The main name clients use, e.g. `app.example.com`; it must be in the hosted zone. */
  readonly domainName: string;
  /**
   * The hosted zone to write the records to.
   *
   * @default - a new public hosted zone named `domainName`
   */
  readonly hostedZone?: ExistingHostedZone;
  /**
   * The name of the routed records (latency, geolocation or failover). Behind a CDN (`EdgeDistribution`) it is an
   * origin name such as `origin.<domainName>`: the CDN reaches the nearest healthy region through it, and the main
   * name points at the CDN instead.
   *
   * @default - `domainName`
   */
  readonly recordName?: string;
  /** The regions: exactly one `primary`; at least one region serves the main name. */
  readonly regions: GlobalDnsRegion[];
  /**
   * How the main name is routed: `latency` (each client to the fastest healthy region), `geolocation` (by the
   * client's continent, see `continents`) or `failover` (the `primary`, and the `standby` when it is unhealthy).
   *
   * @default - 'failover' when a region is a `standby`, 'latency' otherwise
   */
  readonly routing?: GlobalDnsRouting;
  /**
   * With `geolocation` routing: the region that serves each continent. Every other client gets the primary
   * (the default location record).
   *
   * @default - none: every client gets the primary through the default location record
   */
  readonly continents?: Partial<Record<route53.Continent, string>>;
  /**
   * The name of a `read-only` region's record.
   *
   * @default 'read.<domainName>'
   */
  readonly readOnlyRecordName?: string;
  /**
   * The path Route 53 health checks request over HTTPS on each load balancer. It reaches the app through nginx,
   * so a region whose app is down is taken out of DNS.
   *
   * @default '/health'
   */
  readonly healthCheckPath?: string;
  /**
   * Seconds between two health checks from each checker: 10 or 30.
   *
   * @default Duration.seconds(30) - the standard price; 10 s detects a failure faster at a higher price
   */
  readonly healthCheckInterval?: Duration;
  /**
   * Consecutive failed checks before a region is unhealthy (1 to 10).
   *
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Route 53 HTTPS health checks of each load balancer. Turn them off when the load balancers admit only a CDN
   * (`RegionalIngress`'s `originProtection`): Route 53's checkers could not reach them and every region would look
   * down. The alias records' `evaluateTargetHealth` (the load balancer's own target health) then decides.
   *
   * @default true
   */
  readonly healthChecks?: boolean;
}


/**
 * Route 53 records that send clients to the regions of a tier: alias A records to each region's load balancer
 * routed by latency, geolocation or failover, each with an HTTPS health check of the region's load balancer.
 * A `read-only` region gets a name of its own (failing over to the primary), never the main name.
 *
 * Resources: a public hosted zone (unless `hostedZone` is given), `AWS::Route53::RecordSet` and
 * `AWS::Route53::HealthCheck`. IPv4 only: no AAAA records (the load balancers are not dual-stack).
 *
 * The load balancers usually live in other stacks, in other regions: the app must choose a cross-stack
 * reference strategy (this library's `apps/cloud.ts` uses weak references).
 */
export class GlobalDns extends Construct {
  /** The hosted zone. */
  public readonly hostedZone: route53.IHostedZone;
  /** The routing of the main name. */
  public readonly routing: GlobalDnsRouting;
  /** The health check of each region, by region name. */
  public readonly healthChecks: Record<string, route53.HealthCheck> = {};
  /** The records, main name first. */
  public readonly records: route53.ARecord[] = [];

  constructor(scope: Construct, id: string, props: GlobalDnsProps) {
    super(scope, id);
    const regions = props.regions ?? [];
    const routing = props.routing ?? (regions.some((r) => r.role === 'standby') ? 'failover' : 'latency');
    const readOnlyName = props.readOnlyRecordName ?? `read.${props.domainName}`;
    const path = props.healthCheckPath ?? '/health';
    const interval = props.healthCheckInterval ?? Duration.seconds(30);
    const failureThreshold = props.failureThreshold ?? 3;
    const recordName = props.recordName ?? props.domainName;
    const healthChecks = props.healthChecks ?? true;

    const problems = new Problems(this.node.path);
    if (!DOMAIN_NAME.test(props.domainName ?? '')) problems.add('domainName', props.domainName, DOMAIN_ALLOWED);
    const zoneName = props.hostedZone?.zoneName ?? props.domainName;
    if (props.hostedZone !== undefined) {
      if (!DOMAIN_NAME.test(zoneName ?? '')) problems.add('hostedZone.zoneName', zoneName, DOMAIN_ALLOWED);
      else if (props.domainName !== zoneName && !(props.domainName ?? '').endsWith(`.${zoneName}`)) {
        problems.add('domainName', props.domainName, `a name in the hosted zone "${zoneName}"`);
      }
      if (!/^Z[A-Z0-9]{1,31}$/.test(props.hostedZone.hostedZoneId ?? '')) {
        problems.add('hostedZone.hostedZoneId', props.hostedZone.hostedZoneId, 'a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"');
      }
    }
    if (props.recordName !== undefined && (!DOMAIN_NAME.test(recordName) || !(recordName === zoneName || recordName.endsWith(`.${zoneName}`)))) {
      problems.add('recordName', recordName, `${DOMAIN_ALLOWED} in the hosted zone "${zoneName}"`);
    }
    const known = new Set(RegionInfo.regions.map((r) => r.name));
    const seen = new Set<string>();
    regions.forEach((r, i) => {
      if (!known.has(r.region)) problems.add(`regions[${i}].region`, r.region, 'a known AWS region name such as "us-east-1"');
      else if (seen.has(r.region)) problems.add(`regions[${i}].region`, r.region, 'a region not listed twice');
      seen.add(r.region);
      if (!['primary', 'secondary', 'standby', 'read-only'].includes(r.role)) {
        problems.add(`regions[${i}].role`, r.role, "one of 'primary', 'secondary', 'standby', 'read-only'");
      }
    });
    const roles = (role: GlobalDnsRegion['role']) => regions.filter((r) => r.role === role);
    const list = regions.map((r) => `${r.region}:${r.role}`);
    if (regions.length === 0) problems.add('regions', regions.map((r) => r.region), 'at least one region');
    else if (roles('primary').length !== 1) problems.add('regions', list, "exactly one region with role 'primary'");
    if (!['latency', 'geolocation', 'failover'].includes(routing)) problems.add('routing', routing, "'latency', 'geolocation' or 'failover'");
    if (routing === 'failover' && (roles('standby').length !== 1 || roles('secondary').length > 0)) {
      problems.add('regions', list, "one 'primary' and one 'standby' (and no 'secondary') with 'failover' routing");
    }
    if (routing !== 'failover' && roles('standby').length > 0) {
      problems.add('routing', routing, "'failover' when a region is a 'standby' (a standby serves only when the primary fails)");
    }
    const serving = regions.filter((r) => r.role === 'primary' || r.role === 'secondary').map((r) => r.region);
    for (const [continent, region] of Object.entries(props.continents ?? {})) {
      if (routing !== 'geolocation') problems.add(`continents.${continent}`, region, "unset unless 'routing' is 'geolocation'");
      else if (!Object.values(route53.Continent).includes(continent as route53.Continent)) {
        problems.add(`continents.${continent}`, region, `keyed by a continent code (${Object.values(route53.Continent).join(', ')})`);
      } else if (!serving.includes(region)) {
        problems.add(`continents.${continent}`, region, `a 'primary' or 'secondary' region (${serving.join(', ')})`);
      }
    }
    if (roles('read-only').length > 0 && (!DOMAIN_NAME.test(readOnlyName) || readOnlyName === recordName)) {
      problems.add('readOnlyRecordName', readOnlyName, `${DOMAIN_ALLOWED}, other than '${props.recordName === undefined ? 'domainName' : 'recordName'}'`);
    }
    if (roles('read-only').length > 1) problems.add('regions', list, "at most one 'read-only' region (it has a name of its own)");
    if (!(path.startsWith('/') && path.length <= 255)) problems.add('healthCheckPath', path, "an absolute HTTP path such as '/health'");
    if (![10, 30].includes(interval.toSeconds())) problems.add('healthCheckInterval', `${interval.toSeconds()}s`, '10 or 30 seconds');
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1 || failureThreshold > 10) {
      problems.add('failureThreshold', failureThreshold, 'an integer between 1 and 10');
    }
    problems.throwIfAny();
    this.routing = routing;

    this.hostedZone = props.hostedZone
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.hostedZone)
      : new route53.PublicHostedZone(this, 'Zone', { zoneName });

    for (const r of healthChecks ? regions : []) {
      this.healthChecks[r.region] = new route53.HealthCheck(this, `HealthCheck-${r.region}`, {
        type: route53.HealthCheckType.HTTPS,
        fqdn: r.loadBalancer.loadBalancerDnsName,
        port: 443,
        resourcePath: path,
        enableSNI: true,
        requestInterval: interval,
        failureThreshold,
        measureLatency: routing === 'latency',
      });
    }

    const record = (id: string, r: GlobalDnsRegion, recordName: string, routed: Partial<route53.ARecordProps>) => {
      this.records.push(
        new route53.ARecord(this, id, {
          zone: this.hostedZone,
          recordName,
          target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(r.loadBalancer, { evaluateTargetHealth: true })),
          healthCheck: this.healthChecks[r.region],
          ...routed,
        }),
      );
    };
    const primary = roles('primary')[0];
    const name = recordName;
    if (routing === 'failover') {
      record(`Failover-${primary.region}`, primary, name, { failover: route53.Failover.PRIMARY, setIdentifier: `primary-${primary.region}` });
      const standby = roles('standby')[0];
      record(`Failover-${standby.region}`, standby, name, { failover: route53.Failover.SECONDARY, setIdentifier: `standby-${standby.region}` });
    } else if (routing === 'latency') {
      for (const r of regions.filter((x) => x.role === 'primary' || x.role === 'secondary')) {
        record(`Latency-${r.region}`, r, name, { region: r.region, setIdentifier: `latency-${r.region}` });
      }
    } else {
      record('Geo-default', primary, name, { geoLocation: route53.GeoLocation.default(), setIdentifier: `geo-default-${primary.region}` });
      for (const [continent, region] of Object.entries(props.continents ?? {})) {
        const r = regions.find((x) => x.region === region) as GlobalDnsRegion;
        record(`Geo-${continent}`, r, name, { geoLocation: route53.GeoLocation.continent(continent as route53.Continent), setIdentifier: `geo-${continent}-${region}` });
      }
    }
    for (const r of roles('read-only')) {
      // Reads go to the read-only region while it is healthy, and to the primary (which has every row) when not.
      record(`ReadOnly-${r.region}`, r, readOnlyName, { failover: route53.Failover.PRIMARY, setIdentifier: `read-${r.region}` });
      record(`ReadOnlyFallback-${primary.region}`, primary, readOnlyName, { failover: route53.Failover.SECONDARY, setIdentifier: `read-fallback-${primary.region}` });
    }
  }
}
