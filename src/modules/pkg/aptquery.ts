/**
 * What the apt module needs to know about a host, in one round trip: the cache age (after an
 * optional `apt-get update`), every package dpkg knows, the auto-installed ones, the policy
 * (installed/candidate/version table) of the requested names and the fields of .deb files.
 */
import { shq } from '../../transport/shell.js';
import { APT_ENV, lockWaitFunction } from './aptsh.js';

export const STAMP = '/var/lib/apt/periodic/update-success-stamp';
export const LISTS = '/var/lib/apt/lists';

export interface QuerySpec {
  /** names (without version) whose policy is wanted */
  names: string[];
  /** .deb files on the host whose control fields are wanted */
  debs?: string[];
  /** update the cache when older than validSec (0: always) */
  update?: { validSec: number; check: boolean; retries: number; maxDelay: number };
  defaultRelease?: string;
  lockTimeout: number;
  /** also list apt-cache pkgnames matching these regexes (name globs) */
  globs?: { pattern: string; regex: string }[];
}

export function queryScript(q: QuerySpec): string {
  const L: string[] = [APT_ENV, lockWaitFunction(q.lockTimeout)];
  L.push(`kbs_mtime() { stat -c %Y ${STAMP} 2>/dev/null || stat -c %Y ${LISTS} 2>/dev/null || echo 0; }`);
  L.push('m0=$(kbs_mtime); printf "@@mtime0\\t%s\\n" "$m0"');
  if (q.update) {
    const u = q.update;
    L.push(`if [ $((m0 + ${Math.floor(u.validSec)})) -lt "$(date +%s)" ]; then`);
    if (u.check) L.push('  printf "@@updated\\tcheck\\n"');
    else {
      const retries = Math.max(1, Math.floor(u.retries));
      L.push(
        `  kbs_try=0; while :; do`,
        `    kbs_lockwait apt-get -q update >/dev/null 2>/tmp/.kbs-apt-update.$$; kbs_urc=$?`,
        // apt-get update exits 0 with "W: Failed to fetch": python-apt raises on those as well
        `    if [ $kbs_urc -eq 0 ] && grep -q -e '^W: Failed to fetch' -e '^W: Some index files failed' -e '^E:' /tmp/.kbs-apt-update.$$; then kbs_urc=100; fi`,
        `    kbs_try=$((kbs_try + 1)); [ $kbs_urc -eq 0 ] || [ $kbs_try -ge ${retries} ] && break`,
        `    kbs_d=$((1 << kbs_try)); [ $kbs_d -gt ${Math.max(1, Math.floor(u.maxDelay))} ] && kbs_d=${Math.max(1, Math.floor(u.maxDelay))}; sleep $kbs_d`,
        `  done`,
        `  if [ $kbs_urc -ne 0 ]; then cat /tmp/.kbs-apt-update.$$ >&2; rm -f /tmp/.kbs-apt-update.$$; printf "@@updatefailed\\t%s\\n" $kbs_urc; exit 0; fi`,
        `  rm -f /tmp/.kbs-apt-update.$$`,
        `  printf "@@updated\\tyes\\n"`,
      );
    }
    L.push('fi');
  }
  L.push('printf "@@mtime\\t%s\\n" "$(kbs_mtime)"');
  L.push('printf "@@arch\\t%s\\n" "$(dpkg --print-architecture)"');
  L.push('echo @@dpkg');
  L.push(`dpkg-query -W -f='\${db:Status-Abbrev}\\t\${Package}\\t\${Architecture}\\t\${Version}\\t\${Provides}\\n' 2>/dev/null`);
  L.push('echo @@auto');
  L.push('apt-mark showauto 2>/dev/null');
  let names = q.names.map(shq).join(' ');
  if (q.globs?.length) {
    L.push('echo @@globs');
    L.push('kbs_all=$(apt-cache pkgnames 2>/dev/null)');
    q.globs.forEach((g, i) => {
      L.push(`kbs_g${i}=$(printf '%s\\n' "$kbs_all" | grep -E -x -- ${shq(g.regex)} | sort)`);
      L.push(`printf '%s\\n' "$kbs_g${i}" | sed -e '/^$/d' -e 's/^/${i}\\t/'`);
      names += ` $kbs_g${i}`;
    });
  }
  L.push('echo @@policy');
  if (names.trim()) {
    const rel = q.defaultRelease ? ` -o APT::Default-Release=${shq(q.defaultRelease)}` : '';
    L.push(`apt-cache${rel} policy -- ${names} 2>/dev/null`);
  }
  for (const [i, d] of (q.debs ?? []).entries()) {
    L.push(`printf '@@deb\\t%s\\n' ${i}`);
    L.push(`if [ -f ${shq(d)} ]; then dpkg-deb -f ${shq(d)} Package Version Architecture 2>&1 || echo '@@bad'; else echo '@@missing'; fi`);
  }
  L.push('echo @@end');
  return L.join('\n') + '\n';
}

export interface DpkgEntry {
  /** selection (u i h r p), status (n i c u f h W t) */
  want: string;
  status: string;
  name: string;
  arch: string;
  version: string;
  provides: string[];
}

export interface PolicyVersion {
  version: string;
  priority: number;
  installed: boolean;
}

export interface Policy {
  installed: string | null;
  candidate: string | null;
  versions: PolicyVersion[];
}

export interface DebInfo {
  path: string;
  missing?: boolean;
  bad?: string;
  name?: string;
  version?: string;
  arch?: string;
}

export interface QueryResult {
  mtime0: number;
  mtime: number;
  /** 'yes' updated, 'check' would update, undefined: not needed */
  updated?: 'yes' | 'check';
  updateFailed?: number;
  arch: string;
  dpkg: DpkgEntry[];
  auto: Set<string>;
  policy: Map<string, Policy>;
  globs: Map<number, string[]>;
  debs: DebInfo[];
}

export function parseQuery(out: string, debs: string[] = []): QueryResult {
  const r: QueryResult = { mtime0: 0, mtime: 0, arch: '', dpkg: [], auto: new Set(), policy: new Map(), globs: new Map(), debs: [] };
  let section = '';
  let policyText = '';
  let deb: DebInfo | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('@@')) {
      const [k, v] = line.slice(2).split('\t');
      if (k === 'mtime0') r.mtime0 = Number(v) || 0;
      else if (k === 'mtime') r.mtime = Number(v) || 0;
      else if (k === 'updated') r.updated = v === 'check' ? 'check' : 'yes';
      else if (k === 'updatefailed') r.updateFailed = Number(v) || 1;
      else if (k === 'arch') r.arch = v ?? '';
      else if (k === 'deb') {
        deb = { path: debs[Number(v)] ?? '' };
        r.debs.push(deb);
        section = 'deb';
        continue;
      } else if (k === 'missing' && deb) deb.missing = true;
      else if (k === 'bad' && deb) deb.bad = deb.bad ?? 'not a Debian package';
      else section = k;
      continue;
    }
    if (section === 'dpkg' && line) {
      const f = line.split('\t');
      if (f.length < 4) continue;
      r.dpkg.push({
        want: f[0][0] ?? '',
        status: f[0][1] ?? '',
        name: f[1],
        arch: f[2],
        version: f[3],
        provides: (f[4] ?? '')
          .split(',')
          .map((p) => p.trim().split(/[\s(]/)[0])
          .filter(Boolean),
      });
    } else if (section === 'auto' && line) r.auto.add(line.trim().replace(/:.*$/, ''));
    else if (section === 'globs' && line) {
      const [i, name] = line.split('\t');
      const list = r.globs.get(Number(i)) ?? [];
      list.push(name);
      r.globs.set(Number(i), list);
    } else if (section === 'policy') policyText += line + '\n';
    else if (section === 'deb' && deb && line) {
      const m = /^(Package|Version|Architecture): (.*)$/.exec(line);
      if (m) {
        if (m[1] === 'Package') deb.name = m[2];
        else if (m[1] === 'Version') deb.version = m[2];
        else deb.arch = m[2];
      } else if (!deb.name) deb.bad = line.trim();
    }
  }
  r.policy = parsePolicy(policyText);
  return r;
}

/** `apt-cache policy A B` output (C locale) by package name. */
export function parsePolicy(text: string): Map<string, Policy> {
  const out = new Map<string, Policy>();
  let cur: Policy | undefined;
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+):$/.exec(line))) {
      cur = { installed: null, candidate: null, versions: [] };
      out.set(m[1], cur);
    } else if (!cur) continue;
    else if ((m = /^ {2}Installed: (.*)$/.exec(line))) cur.installed = m[1] === '(none)' ? null : m[1];
    else if ((m = /^ {2}Candidate: (.*)$/.exec(line))) cur.candidate = m[1] === '(none)' ? null : m[1];
    else if ((m = /^ (\*\*\*| {3}) (\S+) (-?\d+)$/.exec(line))) {
      cur.versions.push({ version: m[2], priority: Number(m[3]), installed: m[1] === '***' });
    }
  }
  return out;
}
