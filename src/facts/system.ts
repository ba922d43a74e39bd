/** Host identity, init system, package manager, virtualization, security modules, user, env. */
import type { CoreFacts } from './types.js';

/** Ansible's service_mgr: /proc/1/comm unless it is 'init' or a shell, then probes. */
export function serviceMgr(proc1: string | undefined, flags: Set<string>): string {
  let p = proc1?.trim().split('/').pop();
  if (p === 'init' || p?.endsWith('sh')) p = undefined;
  if (p) return p === 'openrc-init' ? 'openrc' : p;
  if (flags.has('systemctl') && flags.has('systemd_booted')) return 'systemd';
  if (flags.has('openrc')) return 'openrc';
  if (flags.has('initd')) return 'sysvinit';
  return 'service';
}

const PKG_ORDER: [string, string][] = [
  ['apt-get', 'apt'],
  ['dnf', 'dnf'],
  ['yum', 'yum'],
  ['zypper', 'zypper'],
  ['apk', 'apk'],
  ['pacman', 'pacman'],
  ['emerge', 'portage'],
];

export function pkgMgr(flags: Set<string>): string {
  for (const [tool, name] of PKG_ORDER) if (flags.has(`pkg ${tool}`)) return name;
  return 'unknown';
}

/** systemd-detect-virt names → Ansible's virtualization_type names. */
const VIRT: Record<string, string> = {
  qemu: 'kvm',
  kvm: 'kvm',
  amazon: 'kvm',
  vmware: 'VMware',
  oracle: 'virtualbox',
  microsoft: 'VirtualPC',
  'lxc-libvirt': 'lxc',
  'container-other': 'container',
};

export function virtualization(
  detectVirt: string | undefined,
  flags: Set<string>,
  containerFile: string | undefined,
  productName: string | undefined,
  sysVendor: string | undefined,
): { type: string; role: string } {
  const guest = (type: string) => ({ type, role: 'guest' });
  const d = detectVirt?.trim();
  if (d && d !== 'none') return guest(VIRT[d] ?? d);
  if (d === 'none') return { type: 'NA', role: 'NA' };
  // no systemd-detect-virt on the host: the usual markers
  if (containerFile) return guest(VIRT[containerFile] ?? containerFile);
  if (flags.has('dockerenv')) return guest('docker');
  if (flags.has('containerenv')) return guest('podman');
  const dmi = `${productName ?? ''} ${sysVendor ?? ''}`;
  if (/KVM|QEMU|Amazon EC2|Google Compute Engine/i.test(dmi)) return guest('kvm');
  if (/VMware/i.test(dmi)) return guest('VMware');
  if (/VirtualBox/i.test(dmi)) return guest('virtualbox');
  if (/Microsoft Corporation/i.test(dmi)) return guest('VirtualPC');
  return { type: 'NA', role: 'NA' };
}

/** SELinux is enabled when selinuxfs is mounted, i.e. /sys/fs/selinux/enforce exists (a bare
 * /sys/fs/selinux directory is only a mount point: Debian has one). */
export function selinux(enforce: string | undefined, config: string[]): CoreFacts['selinux'] {
  if (enforce === undefined) return { status: 'disabled' };
  const out: CoreFacts['selinux'] = { status: 'enabled', mode: enforce.trim() === '1' ? 'enforcing' : 'permissive' };
  for (const line of config) {
    const m = /^\s*(SELINUX|SELINUXTYPE)\s*=\s*(\S+)/.exec(line);
    if (m?.[1] === 'SELINUX') out.config_mode = m[2];
    if (m?.[1] === 'SELINUXTYPE') out.type = m[2];
  }
  return out;
}

/** `id` output: uid=1000(alice) gid=1000(alice) groups=... */
export function userFacts(idLine: string | undefined): { user_id: string; user_uid: number; user_gid: number } {
  const m = /uid=(\d+)(?:\(([^)]*)\))?\s+gid=(\d+)/.exec(idLine ?? '');
  if (!m) return { user_id: 'NA', user_uid: -1, user_gid: -1 };
  return { user_id: m[2] || m[1], user_uid: Number(m[1]), user_gid: Number(m[3]) };
}

/** Variables whose values are secrets on the workstation or the host: their value is hidden. */
const SECRET_NAME = /PASSW|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_KEY|SESSION_KEY/i;

export const REDACTED = '********';

/** NUL-separated `env -0` output → map, with secret-looking values redacted. */
export function parseEnv(raw: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const rec of raw.split('\0')) {
    const i = rec.indexOf('=');
    if (i <= 0) continue;
    const name = rec.slice(0, i).replace(/^\n+/, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    env[name] = SECRET_NAME.test(name) ? REDACTED : rec.slice(i + 1);
  }
  return env;
}

export interface NameFacts {
  hostname: string;
  nodename: string;
  fqdn: string;
  domain: string;
}

/** fqdn: `hostname -f` when it answered, else the /etc/hosts entry of the host, else the node name. */
export function nameFacts(nodename: string, hostnameF: string | undefined, hosts: string[]): NameFacts {
  const short = nodename.split('.')[0];
  let fqdn = hostnameF?.trim().split(/\s+/)[0] || '';
  if (!fqdn) {
    for (const line of hosts) {
      const names = line.replace(/#.*/, '').trim().split(/\s+/).slice(1);
      if (names.includes(nodename) || names.includes(short)) {
        fqdn = names.find((n) => n.includes('.')) ?? '';
        break;
      }
    }
  }
  if (!fqdn) fqdn = nodename;
  const dot = fqdn.indexOf('.');
  return { hostname: short, nodename, fqdn, domain: dot >= 0 ? fqdn.slice(dot + 1) : '' };
}

export function dnsFacts(lines: string[]): CoreFacts['dns'] {
  const dns: CoreFacts['dns'] = {};
  for (const line of lines) {
    const t = line.replace(/[#;].*/, '').trim().split(/\s+/);
    if (t[0] === 'nameserver' && t[1]) (dns.nameservers ??= []).push(t[1]);
    else if (t[0] === 'search') dns.search = t.slice(1);
    else if (t[0] === 'domain' && t[1]) dns.domain = t[1];
  }
  return dns;
}
