/**
 * dnf / yum command lines and the parsing of their output (pure functions). The fleet is Debian:
 * these are tested by unit tests of what is built and parsed, not on real RPM hosts.
 */
import { shq } from '../../transport/shell.js';

export interface RpmOptions {
  tool: 'dnf' | 'yum';
  enablerepo: string[];
  disablerepo: string[];
  confFile?: string;
  disableGpgCheck: boolean;
  installroot?: string;
  releasever?: string;
  exclude: string[];
  installWeakDeps: boolean;
  nobest: boolean;
  skipBroken: boolean;
  cacheonly: boolean;
  downloadOnly: boolean;
  downloadDir?: string;
  disableExcludes?: string;
  sslverify: boolean;
  security: boolean;
  bugfix: boolean;
  updateCache: boolean;
  enablePlugin: string[];
  disablePlugin: string[];
  allowDowngrade: boolean;
  allowerasing: boolean;
}

export const DEFAULT_RPM_OPTIONS: RpmOptions = {
  tool: 'dnf',
  enablerepo: [],
  disablerepo: [],
  disableGpgCheck: false,
  exclude: [],
  installWeakDeps: true,
  nobest: false,
  skipBroken: false,
  cacheonly: false,
  downloadOnly: false,
  sslverify: true,
  security: false,
  bugfix: false,
  updateCache: false,
  enablePlugin: [],
  disablePlugin: [],
  allowDowngrade: false,
  allowerasing: false,
};

/** the options shared by every dnf/yum call (repos, root, excludes...) */
export function commonArgs(o: RpmOptions): string[] {
  const a: string[] = [];
  if (o.disablerepo.length) a.push(`--disablerepo=${shq(o.disablerepo.join(','))}`);
  if (o.enablerepo.length) a.push(`--enablerepo=${shq(o.enablerepo.join(','))}`);
  if (o.confFile) a.push(`-c ${shq(o.confFile)}`);
  if (o.installroot) a.push(`--installroot=${shq(o.installroot)}`);
  if (o.releasever) a.push(`--releasever=${shq(o.releasever)}`);
  if (o.exclude.length) a.push(`--exclude=${shq(o.exclude.join(','))}`);
  if (o.disableExcludes) a.push(`--disableexcludes=${shq(o.disableExcludes)}`);
  if (o.disablePlugin.length) a.push(`--disableplugin=${shq(o.disablePlugin.join(','))}`);
  if (o.enablePlugin.length) a.push(`--enableplugin=${shq(o.enablePlugin.join(','))}`);
  if (!o.sslverify) a.push('--setopt=sslverify=0');
  if (o.cacheonly) a.push('-C');
  return a;
}

function txArgs(o: RpmOptions): string[] {
  const a = [...commonArgs(o)];
  if (o.disableGpgCheck) a.push('--nogpgcheck');
  if (!o.installWeakDeps) a.push('--setopt=install_weak_deps=False');
  if (o.nobest) a.push(o.tool === 'dnf' ? '--nobest' : '--setopt=best=0');
  if (o.skipBroken) a.push('--skip-broken');
  if (o.downloadOnly) a.push('--downloadonly');
  if (o.downloadDir) a.push(`--downloaddir=${shq(o.downloadDir)}`);
  if (o.security) a.push('--security');
  if (o.bugfix) a.push('--bugfix');
  if (o.updateCache) a.push('--refresh');
  if (o.allowerasing && o.tool === 'dnf') a.push('--allowerasing');
  return a;
}

export type RpmVerb = 'install' | 'upgrade' | 'remove' | 'autoremove' | 'downgrade';

export function txCommand(verb: RpmVerb, specs: string[], o: RpmOptions): string {
  const v = verb === 'upgrade' && o.tool === 'yum' ? 'update' : verb;
  const extra = verb === 'remove' || verb === 'autoremove' ? commonArgs(o) : txArgs(o);
  return [o.tool, '-y', ...extra, v, ...specs.map(shq)].join(' ');
}

/** `makecache` for update_cache without packages */
export function makecacheCommand(o: RpmOptions): string {
  return [o.tool, '-y', ...commonArgs(o), 'makecache'].join(' ');
}

/** a spec that names something other than an installed package name: a file, a URL, a group */
export function isSpecialSpec(s: string): boolean {
  return s.startsWith('@') || s.endsWith('.rpm') || /^[a-z]+:\/\//.test(s);
}

/**
 * One round trip: for each spec the installed packages matching it (by name, name-version,
 * or what provides it), and with `latest` whether an update is available (check-update rc 100).
 */
export function rpmQueryScript(specs: string[], o: RpmOptions, latest: boolean): string {
  const qf = "--qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'";
  const root = o.installroot ? ` --root ${shq(o.installroot)}` : '';
  const L = ['export LC_ALL=C'];
  specs.forEach((s, i) => {
    L.push(`printf '@@%s\\n' ${i}`);
    if (isSpecialSpec(s)) {
      L.push("echo '@@special'");
      return;
    }
    L.push(`rpm${root} -q ${qf} -- ${shq(s)} 2>/dev/null || rpm${root} -q --whatprovides ${qf} -- ${shq(s)} 2>/dev/null || echo '@@none'`);
    if (latest) L.push(`${[o.tool, '-q', ...commonArgs(o), 'check-update'].join(' ')} -- ${shq(s)} >/dev/null 2>&1; printf '@@cu\\t%s\\n' $?`);
  });
  L.push("echo '@@end'");
  return L.join('\n') + '\n';
}

export interface RpmSpecState {
  spec: string;
  special: boolean;
  installed: { name: string; evr: string; arch: string }[];
  /** check-update said an update is available */
  updatable: boolean;
}

export function parseRpmQuery(out: string, specs: string[]): RpmSpecState[] {
  const res: RpmSpecState[] = specs.map((spec) => ({ spec, special: false, installed: [], updatable: false }));
  let cur: RpmSpecState | undefined;
  for (const line of out.split('\n')) {
    const m = /^@@(\d+)$/.exec(line);
    if (m) {
      cur = res[Number(m[1])];
      continue;
    }
    if (!cur) continue;
    if (line === '@@special') cur.special = true;
    else if (line.startsWith('@@cu\t')) cur.updatable = line.slice(5).trim() === '100';
    else if (line && !line.startsWith('@@')) {
      const f = line.split('\t');
      // rpm -q prints "package X is not installed" on stdout for a missing one
      if (f.length >= 3) cur.installed.push({ name: f[0], evr: f[1], arch: f[2] });
    }
  }
  return res;
}

export interface RpmPlan {
  install: string[];
  upgrade: string[];
  remove: string[];
}

export function planRpm(states: RpmSpecState[], state: 'present' | 'latest' | 'absent', updateOnly = false): RpmPlan {
  const p: RpmPlan = { install: [], upgrade: [], remove: [] };
  for (const s of states) {
    const installed = s.installed.length > 0;
    if (state === 'absent') {
      if (installed || s.special) p.remove.push(s.spec);
    } else if (s.special) {
      p.install.push(s.spec);
    } else if (!installed) {
      if (!updateOnly) p.install.push(s.spec);
    } else if (state === 'latest' && s.updatable) p.upgrade.push(s.spec);
  }
  return p;
}

/** Packages dnf/yum could not find, from their output. */
export function missingPackages(out: string): string[] {
  const found = new Set<string>();
  const res = [/^No match for argument: (.+)$/gm, /^Error: Unable to find a match: (.+)$/gm, /^No package (\S+) available\.$/gm];
  for (const re of res) {
    for (const m of out.matchAll(re)) for (const n of m[1].trim().split(/\s+/)) found.add(n);
  }
  return [...found];
}

/** the transaction did nothing */
export function nothingDone(out: string): boolean {
  return /^Nothing to do\.?$/m.test(out) || /^Error: Nothing to do/m.test(out);
}
