/** Turn the raw output of FACTS_SCRIPT into typed Facts (Ansible names, no `ansible_` prefix). */
import { dateTimeFacts } from './datetime.js';
import { distroFacts } from './distro.js';
import { cpuFacts, memoryFacts } from './hardware.js';
import { networkFacts } from './network.js';
import { firstLine, section, splitSections } from './sections.js';
import { dnsFacts, nameFacts, parseEnv, pkgMgr, selinux, serviceMgr, userFacts, virtualization } from './system.js';
import type { CoreFacts, Facts } from './types.js';

/** Key of ansible_<iface>: characters other than [A-Za-z0-9_] become '_' (br-int → br_int). */
export function interfaceKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function normalizeArch(machine: string): string {
  return /^i[3-6]86$/.test(machine) ? 'i386' : machine;
}

export function parseFacts(stdout: string, host?: string): Facts {
  const raw = splitSections(stdout, host);
  const file = (p: string) => firstLine(raw, p);
  const lines = (p: string) => raw.files.get(p) ?? [];
  const flags = new Set(section(raw, 'flags').map((l) => l.trim()));
  const env = parseEnv(raw.env);
  const machine = section(raw, 'uname')[0]?.trim() || 'NA';
  const osLines = raw.files.has('/etc/os-release') ? lines('/etc/os-release') : lines('/usr/lib/os-release');
  const net = networkFacts(section(raw, 'ipaddr'), section(raw, 'route4'), section(raw, 'route6'), section(raw, 'netdev'));
  const virt = virtualization(
    section(raw, 'virt')[0],
    flags,
    file('/run/systemd/container'),
    file('/sys/class/dmi/id/product_name'),
    file('/sys/class/dmi/id/sys_vendor'),
  );
  const uptime = Number(file('/proc/uptime')?.split(/\s+/)[0]);
  const nproc = Number(section(raw, 'nproc')[0]);

  const core: CoreFacts = {
    system: file('/proc/sys/kernel/ostype') ?? 'Linux',
    kernel: file('/proc/sys/kernel/osrelease') ?? 'NA',
    kernel_version: file('/proc/sys/kernel/version') ?? 'NA',
    architecture: normalizeArch(machine),
    machine,
    ...nameFacts(file('/proc/sys/kernel/hostname') ?? 'localhost', section(raw, 'fqdn')[0], lines('/etc/hosts')),
    ...distroFacts(osLines, file('/etc/debian_version'), file('/etc/redhat-release')),
    machine_id: file('/etc/machine-id') ?? file('/var/lib/dbus/machine-id') ?? 'NA',
    product_uuid: file('/sys/class/dmi/id/product_uuid') ?? 'NA',
    product_name: file('/sys/class/dmi/id/product_name') ?? 'NA',
    system_vendor: file('/sys/class/dmi/id/sys_vendor') ?? 'NA',
    ...memoryFacts(lines('/proc/meminfo')),
    ...cpuFacts(section(raw, 'cpuinfo'), Number.isFinite(nproc) ? nproc : undefined),
    interfaces: net.interfaces,
    all_ipv4_addresses: net.all_ipv4_addresses,
    all_ipv6_addresses: net.all_ipv6_addresses,
    default_ipv4: net.default_ipv4,
    default_ipv6: net.default_ipv6,
    dns: dnsFacts(lines('/etc/resolv.conf')),
    service_mgr: serviceMgr(file('/proc/1/comm'), flags),
    pkg_mgr: pkgMgr(flags),
    virtualization_type: virt.type,
    virtualization_role: virt.role,
    selinux: selinux(lines('/sys/fs/selinux/enforce')[0], lines('/etc/selinux/config')),
    apparmor: { status: flags.has('apparmor') ? 'enabled' : 'disabled' },
    ...userFacts(section(raw, 'id')[0]),
    env,
  };
  const python = pythonFacts(section(raw, 'python'));
  if (python) core.python = python;
  if (env.HOME) core.user_dir = env.HOME;
  if (env.SHELL) core.user_shell = env.SHELL;
  if (Number.isFinite(uptime)) core.uptime_seconds = Math.floor(uptime);
  const dt = dateTimeFacts(section(raw, 'date')[0]);
  if (dt) core.date_time = dt;

  const facts: Facts = { ...core };
  for (const [name, iface] of net.byName) {
    const key = interfaceKey(name);
    if (!(key in facts)) facts[key] = iface;
  }
  return facts;
}

const RELEASE_LEVEL: Record<string, string> = { a: 'alpha', b: 'beta', rc: 'candidate' };

/**
 * ansible_python from the python section: the interpreter's path (its sys.executable: Python does
 * not resolve a symlink there), then what its `-V` printed: `Python 3.11.2`, `Python 3.13.0rc1`
 * (a pre-release: its level and serial), PyPy's `Python 3.9.16 (...)` with `[PyPy ...]` on the next
 * line (the implementation).
 */
export function pythonFacts(lines: string[]): CoreFacts['python'] {
  const [executable, version, ...rest] = lines.map((l) => l.trim());
  const m = /^Python (\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?/.exec(version ?? '');
  if (!executable || !m) return undefined;
  const [major, minor, micro] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const releaselevel = m[4] ? RELEASE_LEVEL[m[4]] : 'final';
  const serial = m[5] ? Number(m[5]) : 0;
  return {
    executable,
    has_sslcontext: true,
    type: [version, ...rest].some((l) => /\bPyPy\b/.test(l)) ? 'pypy' : 'cpython',
    version: { major, minor, micro, releaselevel, serial },
    version_info: [major, minor, micro, releaselevel, serial],
  };
}
