/**
 * distribution, distribution_version/_major_version/_release and os_family, computed from
 * /etc/os-release (+ /etc/debian_version, /etc/redhat-release) the way Ansible reports them.
 */

export interface DistroFacts {
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_release: string;
  os_family: string;
}

/** os-release ID → Ansible's distribution name (other IDs: capitalised, as Ansible does). */
const NAMES: Record<string, string> = {
  debian: 'Debian',
  raspbian: 'Debian',
  ubuntu: 'Ubuntu',
  linuxmint: 'Linux Mint',
  pop: 'Pop!_OS',
  kali: 'Kali',
  devuan: 'Devuan',
  neon: 'KDE neon',
  centos: 'CentOS',
  rhel: 'RedHat',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  ol: 'OracleLinux',
  amzn: 'Amazon',
  cloudlinux: 'CloudLinux',
  scientific: 'Scientific',
  euleros: 'EulerOS',
  openeuler: 'openEuler',
  virtuozzo: 'Virtuozzo',
  sles: 'SLES',
  sles_sap: 'SLES_SAP',
  sled: 'SLED',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  opensuse: 'openSUSE',
  arch: 'Archlinux',
  manjaro: 'Manjaro',
  alpine: 'Alpine',
  gentoo: 'Gentoo',
  flatcar: 'Flatcar',
  'clear-linux-os': 'Clear Linux OS',
  nixos: 'NixOS',
};

/** Ansible's OS_FAMILY_MAP (distribution → family), trimmed to Linux. */
const FAMILIES: Record<string, string[]> = {
  RedHat: [
    'RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM',
    'OracleLinux', 'OVS', 'OEL', 'Amazon', 'Amzn', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS',
    'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server', 'MIRACLE',
  ],
  Debian: [
    'Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali',
    'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC',
  ],
  Suse: [
    'SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap',
    'ALP-Dolomite', 'SL-Micro',
  ],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};

const FAMILY_OF = new Map<string, string>();
for (const [fam, names] of Object.entries(FAMILIES)) for (const n of names) FAMILY_OF.set(n, fam);

/** ID_LIKE token → family, for distributions Ansible does not list. */
const LIKE: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  rhel: 'RedHat',
  fedora: 'RedHat',
  centos: 'RedHat',
  suse: 'Suse',
  opensuse: 'Suse',
  arch: 'Archlinux',
  alpine: 'Alpine',
  gentoo: 'Gentoo',
};

/** KEY=value lines of os-release, quotes removed. */
export function parseOsRelease(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) {
      v = v.slice(1, -1);
      if (m[2].trim()[0] === '"') v = v.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]] = v;
  }
  return out;
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s;
}

function codename(os: Record<string, string>, redhat?: string): string {
  if (os.VERSION_CODENAME) return os.VERSION_CODENAME;
  if (os.UBUNTU_CODENAME) return os.UBUNTU_CODENAME;
  const m = /\(([^)\d][^)]*)\)/.exec(os.VERSION ?? '') ?? /\(([^)]+)\)/.exec(redhat ?? '');
  return m ? m[1].trim() : 'NA';
}

/** Name of the distribution from /etc/redhat-release when there is no os-release. */
function fromRedhatRelease(text: string): { name: string; version: string } {
  const name = /^CentOS/i.test(text) ? 'CentOS' : /^Fedora/i.test(text) ? 'Fedora' : /^Red Hat/i.test(text) ? 'RedHat' : 'RedHat';
  const v = /release\s+(\d+(?:\.\d+)*)/.exec(text);
  return { name, version: v ? v[1] : '' };
}

export function distroFacts(osLines: string[], debianVersion?: string, redhatRelease?: string): DistroFacts {
  const os = parseOsRelease(osLines);
  const id = (os.ID ?? '').toLowerCase();
  let distribution: string;
  let version = os.VERSION_ID ?? '';
  if (id) {
    distribution = NAMES[id] ?? capitalize(id);
  } else if (redhatRelease) {
    const r = fromRedhatRelease(redhatRelease);
    distribution = r.name;
    version = r.version;
  } else if (debianVersion) {
    distribution = 'Debian';
  } else {
    distribution = 'NA';
  }
  // Debian puts only the major version in os-release; Ansible reads /etc/debian_version (12.7).
  if (distribution === 'Debian' && debianVersion && /^\d+(\.\d+)*$/.test(debianVersion)) version = debianVersion;
  // CentOS: Ansible wants major.minor (7.9) from /etc/redhat-release.
  if (id === 'centos' && redhatRelease) {
    const m = /release\s+(\d+(?:\.\d+)?)/.exec(redhatRelease);
    if (m) version = m[1];
  }
  if (!version) version = 'NA';
  let family = FAMILY_OF.get(distribution);
  if (!family) {
    for (const tok of (os.ID_LIKE ?? '').toLowerCase().split(/\s+/)) {
      if (LIKE[tok]) {
        family = LIKE[tok];
        break;
      }
    }
  }
  return {
    distribution,
    distribution_version: version,
    distribution_major_version: version === 'NA' ? 'NA' : version.split('.')[0] || 'NA',
    distribution_release: codename(os, redhatRelease),
    os_family: family ?? distribution,
  };
}
