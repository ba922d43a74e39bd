/**
 * All modules by name. `ansible.builtin.X`, `ansible.legacy.X` and aliases resolve to the module.
 * Add a module by importing it and listing it in MODULES.
 */
import { assert } from './assert.js';
import { async_status } from './async_status.js';
import { command } from './command.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { file } from './file.js';
import { lineinfile } from './lineinfile.js';
import { meta } from './meta.js';
import { raw } from './raw.js';
import { set_fact } from './set_fact.js';
import { setupModule } from './setup.js';
import { shell } from './shell.js';
import { slurp } from './slurp.js';
import { stat } from './stat.js';
import { template } from './template.js';
// system modules
import { blockinfile } from './blockinfile.js';
import { fetch } from './fetch.js';
import { get_url } from './get_url.js';
import { group } from './group.js';
import { hostname } from './hostname.js';
import { modprobe } from './modprobe.js';
import { ping } from './ping.js';
import { pause } from './pause.js';
import { pip } from './pip.js';
import { replace } from './replace.js';
import { service } from './service.js';
import { sysctl } from './sysctl.js';
import { systemd } from './systemd.js';
import { unarchive } from './unarchive.js';
import { uri } from './uri.js';
import { user } from './user.js';
import { wait_for } from './wait_for.js';
import { wait_for_connection } from './wait_for_connection.js';
// package modules
import { apt } from './apt.js';
import { apt_repository } from './apt_repository.js';
import { deb822_repository } from './deb822_repository.js';
import { dnf } from './dnf.js';
import { debconf } from './debconf.js';
import { dpkg_selections } from './dpkg_selections.js';
import { getent } from './getent.js';
import { packageModule } from './package.js';
import { yum } from './yum.js';
import { yum_repository } from './yum_repository.js';
// host modules
import { apt_key } from './apt_key.js';
import { assemble } from './assemble.js';
import { authorized_key } from './authorized_key.js';
import { cron } from './cron.js';
import { expect } from './expect.js';
import { find } from './find.js';
import { git } from './git.js';
import { helm } from './helm.js';
import { helm_repository } from './helm_repository.js';
import { ini_file } from './ini_file.js';
import { iptables } from './iptables.js';
import { known_hosts } from './known_hosts.js';
import { mount } from './mount.js';
import { package_facts } from './package_facts.js';
import { reboot } from './reboot.js';
import { script } from './script.js';
import { selinux } from './selinux.js';
import { service_facts } from './service_facts.js';
import { synchronize } from './synchronize.js';
import { rpm_key } from './rpm_key.js';
import { subversion } from './subversion.js';
import { zypper } from './zypper.js';
import { sysvinit } from './sysvinit.js';
import { tempfile } from './tempfile.js';
import { timezone } from './timezone.js';
import { x509_certificate_info } from './x509_certificate_info.js';
// flow modules
import { add_host } from './add_host.js';
import { group_by } from './group_by.js';
import { include_vars } from './include_vars.js';
import { set_stats } from './set_stats.js';
import { validate_argument_spec } from './validate_argument_spec.js';
import type { ModuleDef } from './types.js';

const MODULES: ModuleDef[] = [
  command,
  shell,
  raw,
  copy,
  template,
  file,
  lineinfile,
  stat,
  slurp,
  set_fact,
  debug,
  assert,
  fail,
  meta,
  async_status,
  setupModule,
  // system modules
  blockinfile,
  fetch,
  get_url,
  group,
  hostname,
  modprobe,
  ping,
  pause,
  replace,
  service,
  sysctl,
  systemd,
  rpm_key,
  subversion,
  sysvinit,
  unarchive,
  uri,
  user,
  wait_for,
  wait_for_connection,
  // package modules
  apt,
  apt_repository,
  deb822_repository,
  dnf,
  debconf,
  dpkg_selections,
  getent,
  packageModule,
  pip,
  yum,
  yum_repository,
  zypper,
  // host modules
  apt_key,
  assemble,
  authorized_key,
  cron,
  expect,
  find,
  git,
  helm,
  helm_repository,
  ini_file,
  iptables,
  known_hosts,
  mount,
  package_facts,
  reboot,
  script,
  selinux,
  service_facts,
  synchronize,
  tempfile,
  timezone,
  x509_certificate_info,
  // flow modules
  add_host,
  group_by,
  include_vars,
  set_stats,
  validate_argument_spec,
];

const byName = new Map<string, ModuleDef>();
for (const m of MODULES) {
  byName.set(m.name, m);
  for (const a of m.aliases ?? []) byName.set(a, m);
}

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.'];

/** Short canonical name for a module name as written, or undefined when unknown. */
export function canonicalModuleName(name: string): string | undefined {
  return getModule(name)?.name;
}

export function getModule(name: string): ModuleDef | undefined {
  let n = name;
  for (const p of PREFIXES) if (n.startsWith(p)) n = n.slice(p.length);
  return byName.get(n);
}

/** Every accepted short name (for "did you mean"). */
export function moduleNames(): string[] {
  return [...byName.keys()];
}

export function registerModule(m: ModuleDef): void {
  byName.set(m.name, m);
  for (const a of m.aliases ?? []) byName.set(a, m);
}
