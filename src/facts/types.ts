/**
 * Typed host facts, named as Ansible names them WITHOUT the `ansible_` prefix
 * (`hostname` here is `ansible_hostname` / `ansible_facts.hostname` in a playbook).
 * Values that cannot be found are 'NA' (strings) as in Ansible, or absent for optional ones.
 */

export interface Ipv4Info {
  address: string;
  prefix: string;
  netmask: string;
  network: string;
  broadcast?: string;
}

export interface Ipv6Info {
  address: string;
  prefix: string;
  scope: string;
}

/** ansible_default_ipv4 / ansible_default_ipv6: {} when there is no default route. */
export interface DefaultRoute {
  address?: string;
  interface?: string;
  alias?: string;
  gateway?: string;
  netmask?: string;
  network?: string;
  prefix?: string;
  broadcast?: string;
  scope?: string;
  macaddress?: string;
  mtu?: number;
  type?: string;
}

/** ansible_<iface> (dashes and dots in the name become underscores in the key). */
export interface InterfaceFacts {
  device: string;
  active: boolean;
  type: string;
  mtu?: number;
  macaddress?: string;
  promisc?: boolean;
  ipv4?: Ipv4Info;
  ipv4_secondaries?: Ipv4Info[];
  ipv6?: Ipv6Info[];
}

export interface DateTimeFacts {
  epoch: string;
  epoch_int: string;
  iso8601: string;
  iso8601_micro: string;
  iso8601_basic: string;
  iso8601_basic_short: string;
  date: string;
  time: string;
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  weekday: string;
  weekday_number: string;
  weeknumber: string;
  tz: string;
  tz_offset: string;
}

export interface CoreFacts {
  /** the host's Python, when it has one (Ansible's ansible_python) */
  python?: {
    executable: string;
    has_sslcontext: boolean;
    type: string;
    version: { major: number; minor: number; micro: number; releaselevel: string; serial: number };
    version_info: (number | string)[];
  };
  system: string;
  kernel: string;
  kernel_version: string;
  architecture: string;
  machine: string;
  userspace_bits?: string;

  hostname: string;
  nodename: string;
  fqdn: string;
  domain: string;

  os_family: string;
  distribution: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_release: string;

  machine_id: string;
  product_uuid: string;
  product_name?: string;
  system_vendor?: string;

  memtotal_mb: number;
  memfree_mb: number;
  swaptotal_mb: number;
  swapfree_mb: number;
  memory_mb: {
    real: { total: number; used: number; free: number };
    nocache: { free: number; used: number };
    swap: { total: number; free: number; used: number; cached?: number };
  };
  processor: string[];
  processor_count: number;
  processor_cores: number;
  processor_threads_per_core: number;
  processor_vcpus: number;
  processor_nproc: number;
  uptime_seconds?: number;

  interfaces: string[];
  all_ipv4_addresses: string[];
  all_ipv6_addresses: string[];
  default_ipv4: DefaultRoute;
  default_ipv6: DefaultRoute;
  dns: { nameservers?: string[]; search?: string[]; domain?: string };

  service_mgr: string;
  pkg_mgr: string;
  virtualization_type: string;
  virtualization_role: string;
  selinux: { status: string; mode?: string; config_mode?: string; type?: string };
  apparmor: { status: string };

  user_id: string;
  user_uid: number;
  user_gid: number;
  user_dir?: string;
  user_shell?: string;
  env: Record<string, string>;
  date_time?: DateTimeFacts;
}

/**
 * All facts: the core ones plus one `InterfaceFacts` entry per network interface, keyed by the
 * interface name with characters other than [A-Za-z0-9_] replaced by '_' (eth0, br_int, ...).
 */
export type Facts = CoreFacts & Record<string, unknown>;
