/**
 * ansible.builtin.package_facts: the installed packages as the fact `packages` (name → list of
 * {name, version, arch, category, origin, source}). On dpkg hosts one exec runs dpkg-query and
 * `apt-cache policy` (for each installed version's origin, as python-apt's origins[0].origin);
 * on rpm hosts `rpm -qa`. No Python or python3-apt is needed on the host.
 */
import type { ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { probeSections } from './util/change.js';
import { declareArgs } from './util/declare.js';

export interface Pkg {
  name: string;
  version: string;
  arch: string;
  category?: string;
  origin?: string;
  epoch?: number | null;
  release?: string;
  source: string;
}

/** `apt-cache policy` (no args): package-file line ("500 URL suite/comp arch Packages") → o= origin. */
export function policyOrigins(out: string): Map<string, string> {
  const m = new Map<string, string>();
  let file: string | undefined;
  for (const line of out.split('\n')) {
    const f = /^\s*-?\d+ (.+)$/.exec(line);
    if (f && !line.startsWith('     ')) {
      file = f[1].trim();
      m.set(file, '');
      continue;
    }
    const r = /^\s+release (.*)$/.exec(line);
    if (r && file !== undefined) m.set(file, /(?:^|,)o=([^,]*)/.exec(r[1])?.[1] ?? '');
  }
  return m;
}

/** `apt-cache policy PKG...`: package → the first package file listed under its installed (***) version. */
export function installedFiles(out: string): Map<string, string> {
  const m = new Map<string, string>();
  let pkg: string | undefined;
  let inInstalled = false;
  for (const line of out.split('\n')) {
    const p = /^(\S+):$/.exec(line);
    if (p) {
      pkg = p[1];
      inInstalled = false;
      continue;
    }
    if (/^ \*\*\* /.test(line)) {
      inInstalled = true;
      continue;
    }
    if (/^ {5}\S/.test(line)) {
      inInstalled = false;
      continue;
    }
    const f = /^ {8}-?\d+ (.+)$/.exec(line);
    if (f && inInstalled && pkg && !m.has(pkg)) m.set(pkg, f[1].trim());
  }
  return m;
}

/** dpkg-query lines (name, version, arch, section, status abbrev) into Ansible's packages fact. */
export function dpkgPackages(query: string, nativeArch: string, origins: Map<string, string>, files: Map<string, string>): Record<string, Pkg[]> {
  const out: Record<string, Pkg[]> = {};
  for (const line of query.split('\n')) {
    const [name, version, arch, section, status] = line.split('\t');
    if (!name || !status || status[1] === 'n' || status[1] === 'c') continue;
    const key = arch === nativeArch || arch === 'all' ? name : `${name}:${arch}`;
    const file = files.get(key) ?? files.get(name);
    const p: Pkg = { name: key, version, arch, category: section, origin: file ? (origins.get(file) ?? '') : '', source: 'apt' };
    (out[key] ??= []).push(p);
  }
  return out;
}

const DPKG = [
  'command -v dpkg-query >/dev/null 2>&1 || { echo "@@none"; exit 0; }',
  'echo "@@arch"; dpkg --print-architecture',
  "echo \"@@query\"; dpkg-query -W -f '${Package}\\t${Version}\\t${Architecture}\\t${Section}\\t${db:Status-Abbrev}\\n' || exit 1",
  'if command -v apt-cache >/dev/null 2>&1; then echo "@@sources"; LC_ALL=C apt-cache policy; echo "@@policy"; dpkg-query -W -f \'${db:Status-Abbrev} ${Package}:${Architecture}\\n\' | awk \'$1 ~ /^.[^nc]/ {print $2}\' | LC_ALL=C xargs -r apt-cache policy; fi',
].join('\n');

const RPM = [
  'command -v rpm >/dev/null 2>&1 || { echo "@@none"; exit 0; }',
  "echo \"@@rpm\"; rpm -qa --qf '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n' || exit 1",
].join('\n');

const args = declareArgs({
  manager: { type: 'list', elements: 'str', default: ['auto'] },
  strategy: { type: 'str', choices: ['first', 'all'], default: 'first' },
});

export const package_facts: ModuleDef = {
  name: 'package_facts',
  schema: args.schema,
  async run(raw, ctx) {
    const { manager, strategy } = args.read(raw);
    let managers = manager.map((m) => m.toLowerCase());
    if (managers.includes('auto')) managers = ['apt', 'rpm'];
    const bad = managers.filter((m) => m !== 'apt' && m !== 'rpm');
    if (bad.length) return failed(`Unsupported package managers requested: ${bad.join(', ')}`, { hint: 'kbs reads apt (dpkg) and rpm' });
    const packages: Record<string, Pkg[]> = {};
    let found = 0;
    for (const m of managers) {
      if (found && strategy === 'first') break;
      const r = await ctx.run(m === 'apt' ? DPKG : RPM);
      if (r.rc !== 0 || r.stdout.startsWith('@@none')) continue;
      found++;
      const s = probeSections(r.stdout);
      if (m === 'apt') {
        const add = dpkgPackages(s.query ?? '', (s.arch ?? '').trim(), policyOrigins(s.sources ?? ''), installedFiles(s.policy ?? ''));
        for (const [k, v] of Object.entries(add)) (packages[k] ??= []).push(...v);
      } else {
        for (const line of (s.rpm ?? '').split('\n')) {
          const [name, version, release, epoch, arch] = line.split('\t');
          if (!name) continue;
          (packages[name] ??= []).push({ name, version, release, epoch: epoch === '(none)' ? null : Number(epoch), arch, source: 'rpm' });
        }
      }
    }
    if (!found) return failed(`Could not detect a supported package manager from the following list: ${JSON.stringify(managers)}, or the required Python library is not installed. Check warnings for details.`);
    ctx.setFacts?.({ packages });
    return { changed: false, ansible_facts: { packages } };
  },
};
