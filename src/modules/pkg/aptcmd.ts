/** apt-get command lines as Ansible's apt module builds them, and what `apt-get -s` says it would do. */
import { shq } from '../../transport/shell.js';

export const DPKG_OPTIONS = 'force-confdef,force-confold';
/** Ansible's marker of "nothing done" in apt-get output */
export const APT_GET_ZERO = '\n0 upgraded, 0 newly installed';

export function expandDpkgOptions(opts: string): string[] {
  return opts
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => `-o "Dpkg::Options::=--${o}"`);
}

export interface AptOptions {
  dpkgOptions: string;
  force: boolean;
  autoremove: boolean;
  failOnAutoremove: boolean;
  onlyUpgrade: boolean;
  simulate: boolean;
  defaultRelease?: string;
  /** undefined: the OS default */
  installRecommends?: boolean;
  allowUnauthenticated: boolean;
  allowDowngrade: boolean;
  allowChangeHeld: boolean;
  purge: boolean;
  /** seconds apt waits for the dpkg lock */
  lockTimeout: number;
}

export const DEFAULT_APT_OPTIONS: AptOptions = {
  dpkgOptions: DPKG_OPTIONS,
  force: false,
  autoremove: false,
  failOnAutoremove: false,
  onlyUpgrade: false,
  simulate: false,
  installRecommends: undefined,
  allowUnauthenticated: false,
  allowDowngrade: false,
  allowChangeHeld: false,
  purge: false,
  lockTimeout: 60,
};

function join(parts: (string | false | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
}

const lock = (o: AptOptions) => `-o DPkg::Lock::Timeout=${Math.max(0, Math.floor(o.lockTimeout))}`;

/** apt-get install (packages are name, name=version or a /path/to.deb) */
export function installCommand(pkgs: string[], o: AptOptions): string {
  return join([
    'apt-get -y',
    lock(o),
    ...expandDpkgOptions(o.dpkgOptions),
    o.onlyUpgrade && '--only-upgrade',
    o.force && '--force-yes',
    o.autoremove && '--auto-remove',
    o.failOnAutoremove && '--no-remove',
    o.simulate && '--simulate',
    'install',
    ...pkgs.map(shq),
    o.defaultRelease !== undefined && `-t ${shq(o.defaultRelease)}`,
    o.installRecommends === false && '-o APT::Install-Recommends=no',
    o.installRecommends === true && '-o APT::Install-Recommends=yes',
    o.allowUnauthenticated && '--allow-unauthenticated',
    o.allowDowngrade && '--allow-downgrades',
    o.allowChangeHeld && '--allow-change-held-packages',
  ]);
}

export function removeCommand(pkgs: string[], o: AptOptions): string {
  return join([
    'apt-get -q -y',
    lock(o),
    ...expandDpkgOptions(o.dpkgOptions),
    o.purge && '--purge',
    o.force && '--force-yes',
    o.autoremove && '--auto-remove',
    o.simulate && '--simulate',
    'remove',
    ...pkgs.map(shq),
    o.allowChangeHeld && '--allow-change-held-packages',
  ]);
}

/** upgrade: yes|safe → upgrade --with-new-pkgs, dist|full → dist-upgrade */
export function upgradeCommand(mode: string, o: AptOptions): string {
  const dist = mode === 'dist' || mode === 'full';
  return join([
    'apt-get -y',
    lock(o),
    ...expandDpkgOptions(o.dpkgOptions),
    o.force && '--force-yes',
    o.failOnAutoremove && '--no-remove',
    o.allowUnauthenticated && '--allow-unauthenticated',
    o.allowDowngrade && '--allow-downgrades',
    o.simulate && '--simulate',
    dist ? 'dist-upgrade' : 'upgrade --with-new-pkgs',
    o.autoremove && '--auto-remove',
    o.defaultRelease !== undefined && `-t ${shq(o.defaultRelease)}`,
  ]);
}

/** autoremove / autoclean without packages */
export function cleanupCommand(op: 'autoremove' | 'autoclean', o: AptOptions): string {
  return join(['apt-get -y', lock(o), ...expandDpkgOptions(o.dpkgOptions), o.purge && '--purge', o.force && '--force-yes', op, o.simulate && '--simulate']);
}

export interface SimChange {
  op: 'install' | 'remove' | 'purge';
  name: string;
  /** version before (upgrade, removal) */
  from?: string;
  /** version after (install, upgrade) */
  to?: string;
}

/**
 * `apt-get -s` lines: "Inst name [old] (new repo [arch])", "Remv name [old]", "Purg name [old]".
 */
export function parseSimulation(out: string): SimChange[] {
  const res: SimChange[] = [];
  for (const line of out.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^Inst (\S+)(?: \[([^\]]+)\])? \((\S+)/.exec(line))) res.push({ op: 'install', name: m[1], from: m[2], to: m[3] });
    else if ((m = /^(Remv|Purg) (\S+)(?: \[([^\]]+)\])?/.exec(line))) res.push({ op: m[1] === 'Remv' ? 'remove' : 'purge', name: m[2], from: m[3] });
  }
  return res;
}

/** --diff: the affected packages, "name version" per line, before and after */
export function changesDiff(changes: SimChange[]): { before: string; after: string; before_header: string; after_header: string } {
  const sorted = [...changes].sort((a, b) => a.name.localeCompare(b.name));
  const before = sorted.filter((c) => c.from).map((c) => `${c.name} ${c.from}\n`).join('');
  const after = sorted
    .filter((c) => c.op === 'install')
    .map((c) => `${c.name} ${c.to}\n`)
    .join('');
  return { before, after, before_header: 'packages (before)', after_header: 'packages (after)' };
}

/** Ansible's parse_diff: the part of apt-get's output between the state line and the summary */
export function preparedDiff(out: string): string {
  const lines = out.split(/\r?\n/);
  let start = lines.indexOf('Resolving dependencies...');
  if (start < 0) start = lines.indexOf('Reading state information...');
  let end = lines.findIndex((l) => /^[0-9]+ (packages )?upgraded/.test(l));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end + 1).join('\n');
}
