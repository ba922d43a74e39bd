/**
 * Which packages apt-get must install or remove, from the requested specs and the host's state
 * (Ansible's apt install()/remove()/package_status rules, without python-apt).
 */
import { compareDebVersions } from './debver.js';
import { fnmatch } from '../../util/glob.js';
import type { DpkgEntry, Policy, QueryResult } from './aptquery.js';

export interface PkgSpec {
  /** as written: haproxy, haproxy=2.6.*, haproxy>=2.6 */
  spec: string;
  name: string;
  cmp?: '=' | '>=';
  version?: string;
}

/** Ansible's package_split: name, then `=` or `>=`, then the version (glob allowed with `=`). */
export function splitSpec(spec: string): PkgSpec {
  const m = /^(.*?)(>?=)(.*)$/s.exec(spec);
  if (!m) return { spec, name: spec };
  return { spec, name: m[1], cmp: m[2] as '=' | '>=', version: m[3] };
}

export interface Status {
  /** dpkg says installed (status i) */
  installed: boolean;
  installedVersion?: string;
  /** installed and the version matches the spec */
  versionInstalled: boolean;
  /** the version apt would install for this spec (or true: let apt pick, e.g. virtual) */
  installable: string | true | null;
  /** config files left (purge needed) or installed */
  hasFiles: boolean;
}

export class PlanError extends Error {}

/** the dpkg entry of NAME (NAME or NAME:ARCH), native architecture first */
export function dpkgEntry(q: Pick<QueryResult, 'dpkg' | 'arch'>, name: string): DpkgEntry | undefined {
  const [n, a] = name.split(':');
  const all = q.dpkg.filter((e) => e.name === n && (a === undefined || e.arch === a));
  return all.find((e) => e.arch === q.arch || e.arch === 'all') ?? all[0];
}

function bestMatch(p: Policy, s: PkgSpec): string | null {
  if (s.cmp === '=' && s.version !== undefined) {
    // pinning the version (priority 1001) makes the highest matching version the candidate
    const v = p.versions.find((x) => fnmatch(x.version, s.version!));
    return v ? v.version : null;
  }
  return p.candidate;
}

export function packageStatus(q: Pick<QueryResult, 'dpkg' | 'arch' | 'policy'>, s: PkgSpec, forInstall: boolean): Status {
  const e = dpkgEntry(q, s.name);
  const installed = e?.status === 'i';
  const hasFiles = e !== undefined && e.status !== 'n';
  const p = q.policy.get(s.name);
  if (!p) {
    if (forInstall) throw new PlanError(`No package matching '${s.name}' is available`);
    return { installed, installedVersion: installed ? e!.version : undefined, versionInstalled: installed && versionMatches(e!.version, s), installable: null, hasFiles };
  }
  if (!installed && !p.candidate && p.versions.length === 0) {
    // a virtual package: provided by an installed package, or apt picks a provider
    const provider = q.dpkg.find((x) => x.status === 'i' && x.provides.includes(s.name));
    if (provider) return { installed: true, installedVersion: provider.version, versionInstalled: true, installable: null, hasFiles: true };
    return { installed: false, versionInstalled: false, installable: true, hasFiles: false };
  }
  const best = bestMatch(p, s);
  if (!installed) return { installed: false, versionInstalled: false, installable: best, hasFiles };
  const iv = e!.version;
  let versionInstalled = true;
  let installable: string | null = null;
  if (s.cmp === '=') {
    versionInstalled = fnmatch(iv, s.version!);
    if (best && best !== iv && fnmatch(best, s.version!)) installable = best;
  } else if (s.cmp === '>=') {
    versionInstalled = compareDebVersions(iv, s.version!) >= 0;
    if (best && best !== iv && compareDebVersions(best, s.version!) >= 0) installable = best;
  } else if (best && best !== iv) installable = best;
  return { installed, installedVersion: iv, versionInstalled, installable, hasFiles };
}

function versionMatches(v: string, s: PkgSpec): boolean {
  if (s.cmp === '=') return fnmatch(v, s.version!);
  if (s.cmp === '>=') return compareDebVersions(v, s.version!) >= 0;
  return true;
}

export interface InstallPlan {
  /** apt-get install arguments: name=version */
  install: string[];
  /** requested names (for apt-mark manual) */
  names: string[];
  /** installed, auto-marked, not reinstalled: apt-mark manual */
  markManual: string[];
}

/** state present (upgrade=false) or latest (upgrade=true) */
export function planInstall(q: QueryResult, specs: PkgSpec[], upgrade: boolean, onlyUpgrade = false): InstallPlan {
  const install: string[] = [];
  const names: string[] = [];
  for (const s of specs) {
    names.push(s.name);
    const st = packageStatus(q, s, true);
    if (!st.installed && onlyUpgrade) continue;
    if (!st.versionInstalled && !st.installable) throw new PlanError(`no available installation candidate for ${s.spec}`);
    if (st.installable && ((!st.installed && !onlyUpgrade) || upgrade || !st.versionInstalled)) {
      if (st.installable !== true) install.push(`${s.name}=${st.installable}`);
      else if (s.version) install.push(`${s.name}=${s.version}`);
      else install.push(s.name);
    } else if (st.versionInstalled && st.installable && s.cmp === '=') {
      // Ansible's legacy behaviour: a wildcard matching the installed and a newer version upgrades
      install.push(`${s.name}=${s.version}`);
    }
  }
  const installing = new Set(install.map((a) => a.split('=')[0]));
  const markManual = names.filter((n) => !installing.has(n) && q.auto.has(n.split(':')[0]) && dpkgEntry(q, n)?.status === 'i');
  return { install, names, markManual };
}

/** state absent: the specs to pass to apt-get remove */
export function planRemove(q: QueryResult, specs: PkgSpec[], purge: boolean): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const st = packageStatus(q, s, false);
    if (st.versionInstalled || (st.hasFiles && purge)) out.push(s.spec);
  }
  return out;
}
