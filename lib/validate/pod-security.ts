import { Finding, arrayAt, finding, objectAt } from './manifest';
import { Workload } from './_workloads';
import { shown } from './_shown';

/**
 * The restricted Pod Security Standard, every control of it and of the baseline it includes, as the
 * pod-security-admission checks define them for Kubernetes 1.34. Each control is its own rule, `pss-*`.
 */
export function checkPodSecurity(w: Workload): Finding[] {
  const out: Finding[] = [];
  const m = w.manifest;
  const at = (field: string) => `${w.specPath}.${field}`;
  const podSc = objectAt(w.spec, 'securityContext') ?? {};

  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (w.spec[field] === true) out.push(finding(m, 'pss-host-namespaces', at(field), `${field} must be unset or false, got: true`));
  }

  arrayAt(w.spec, 'volumes').forEach((v, i) => {
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.includes('hostPath')) out.push(finding(m, 'pss-host-path', at(`volumes[${i}].hostPath`), `volume ${String(v.name)} must not be a hostPath`));
    const disallowed = sources.filter((s) => !ALLOWED_VOLUME_TYPES.has(s));
    if (disallowed.length > 0) {
      out.push(finding(m, 'pss-volume-types', at(`volumes[${i}]`), `volume ${String(v.name)} is ${disallowed.join(', ')}; allowed: ${[...ALLOWED_VOLUME_TYPES].join(', ')}`));
    }
  });

  arrayAt(podSc, 'sysctls').forEach((s, i) => {
    if (!SAFE_SYSCTLS.has(String(s.name))) out.push(finding(m, 'pss-sysctls', at(`securityContext.sysctls[${i}].name`), `sysctl ${String(s.name)} is not one of the safe sysctls: ${[...SAFE_SYSCTLS].join(', ')}`));
  });

  for (const [key, value] of Object.entries(w.annotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      out.push(finding(m, 'pss-apparmor', `${w.specPath.replace(/\.spec$/, '')}.metadata.annotations.${key}`, `AppArmor profile must be runtime/default or localhost/*, got: ${value}`));
    }
  }

  // Pod-level security context fields that containers may also set.
  checkSecurityContext(podSc, at('securityContext'), out, w);

  const podSeccomp = objectAt(podSc, 'seccompProfile')?.type;
  const podNonRoot = podSc.runAsNonRoot === true;
  for (const { container: c, path } of w.containers) {
    const sc = objectAt(c, 'securityContext') ?? {};
    const scPath = `${path}.securityContext`;
    const name = String(c.name);
    checkSecurityContext(sc, scPath, out, w);

    if (sc.privileged === true) out.push(finding(m, 'pss-privileged', `${scPath}.privileged`, `container ${name} must not be privileged`));
    if (sc.allowPrivilegeEscalation !== false) {
      out.push(finding(m, 'pss-privilege-escalation', `${scPath}.allowPrivilegeEscalation`, `container ${name} must set allowPrivilegeEscalation: false, got: ${String(sc.allowPrivilegeEscalation)}`));
    }
    const caps = objectAt(sc, 'capabilities') ?? {};
    const drop = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes('ALL')) out.push(finding(m, 'pss-capabilities', `${scPath}.capabilities.drop`, `container ${name} must drop ALL capabilities, drops: ${JSON.stringify(drop)}`));
    const add = (Array.isArray(caps.add) ? caps.add : []).filter((a) => a !== 'NET_BIND_SERVICE');
    if (add.length > 0) out.push(finding(m, 'pss-capabilities', `${scPath}.capabilities.add`, `container ${name} may add only NET_BIND_SERVICE, adds: ${add.join(', ')}`));
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(finding(m, 'pss-proc-mount', `${scPath}.procMount`, `container ${name} procMount must be unset or Default, got: ${shown(sc.procMount)}`));
    if (sc.runAsNonRoot === false || (!podNonRoot && sc.runAsNonRoot !== true)) {
      out.push(finding(m, 'pss-run-as-non-root', `${scPath}.runAsNonRoot`, `container ${name} must run as non-root: set runAsNonRoot: true on the pod or the container`));
    }
    const seccomp = objectAt(sc, 'seccompProfile')?.type;
    const effective = seccomp ?? podSeccomp;
    if (effective !== 'RuntimeDefault' && effective !== 'Localhost') {
      out.push(finding(m, 'pss-seccomp', `${scPath}.seccompProfile.type`, `container ${name} seccompProfile.type must be RuntimeDefault or Localhost (here or on the pod), got: ${String(effective)}`));
    }
    arrayAt(c, 'ports').forEach((p, i) => {
      if (p.hostPort !== undefined && p.hostPort !== 0) out.push(finding(m, 'pss-host-ports', `${path}.ports[${i}].hostPort`, `container ${name} must not use hostPort, got: ${shown(p.hostPort)}`));
    });
    for (const [handlerPath, handler] of handlers(c, path)) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = objectAt(handler, kind)?.host;
        if (host !== undefined && host !== '') out.push(finding(m, 'pss-probe-host', `${handlerPath}.${kind}.host`, `container ${name} probes and lifecycle handlers must not set host, got: ${shown(host)}`));
      }
    }
  }
  return out;
}

/** The checks that apply alike to the pod's and to each container's securityContext. */
function checkSecurityContext(sc: Record<string, unknown>, scPath: string, out: Finding[], w: Workload): void {
  const m = w.manifest;
  const appArmor = objectAt(sc, 'appArmorProfile')?.type;
  if (appArmor !== undefined && appArmor !== 'RuntimeDefault' && appArmor !== 'Localhost') {
    out.push(finding(m, 'pss-apparmor', `${scPath}.appArmorProfile.type`, `appArmorProfile.type must be RuntimeDefault or Localhost, got: ${shown(appArmor)}`));
  }
  const seLinux = objectAt(sc, 'seLinuxOptions');
  if (seLinux) {
    if (seLinux.type !== undefined && !SELINUX_TYPES.has(shown(seLinux.type))) {
      out.push(finding(m, 'pss-selinux', `${scPath}.seLinuxOptions.type`, `seLinuxOptions.type must be unset or one of ${[...SELINUX_TYPES].filter(Boolean).join(', ')}, got: ${shown(seLinux.type)}`));
    }
    for (const field of ['user', 'role']) {
      if (seLinux[field] !== undefined && seLinux[field] !== '') out.push(finding(m, 'pss-selinux', `${scPath}.seLinuxOptions.${field}`, `seLinuxOptions.${field} must be unset, got: ${shown(seLinux[field])}`));
    }
  }
  if (objectAt(sc, 'seccompProfile')?.type === 'Unconfined') {
    out.push(finding(m, 'pss-seccomp', `${scPath}.seccompProfile.type`, 'seccompProfile.type must not be Unconfined'));
  }
  if (objectAt(sc, 'windowsOptions')?.hostProcess === true) {
    out.push(finding(m, 'pss-windows-host-process', `${scPath}.windowsOptions.hostProcess`, 'windowsOptions.hostProcess must be unset or false'));
  }
  if (sc.runAsUser === 0) out.push(finding(m, 'pss-run-as-user', `${scPath}.runAsUser`, 'runAsUser must not be 0 (root)'));
}

/** The probes and lifecycle handlers of a container, with their paths. */
export function handlers(c: Record<string, unknown>, path: string): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = objectAt(c, probe);
    if (p) out.push([`${path}.${probe}`, p]);
  }
  for (const hook of ['postStart', 'preStop']) {
    const h = objectAt(objectAt(c, 'lifecycle'), hook);
    if (h) out.push([`${path}.lifecycle.${hook}`, h]);
  }
  return out;
}

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
