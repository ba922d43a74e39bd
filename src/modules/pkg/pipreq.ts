/**
 * What the pip module's check mode needs (Ansible's _is_present with its Package class): a
 * requirement (`name`, `name==1.0`, `name>=1,<2`, `name[extra]~=1.4`) parsed, the installed
 * packages read from `pip list --format=freeze`, and whether one satisfies the other. Names are
 * compared as PEP 503 normalizes them; versions as PEP 440 orders release segments (pre-, post-
 * and dev-releases by a simple rule).
 */

export interface Requirement {
  /** normalized name */
  name: string;
  specs: { op: string; version: string }[];
}

/** PEP 503: lower case, runs of -, _ and . as one - */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function parseRequirement(text: string): Requirement {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(text);
  if (!m) return { name: normalizeName(text.trim()), specs: [] };
  const specs = m[3]
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const s = /^(===|==|!=|~=|>=|<=|>|<)\s*(\S+)$/.exec(x);
      return s ? { op: s[1], version: s[2] } : { op: '==', version: x };
    });
  return { name: normalizeName(m[1]), specs };
}

/** name → version of each `name==version` line */
export function parseFreeze(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const at = line.indexOf('==');
    if (at > 0) m.set(normalizeName(line.slice(0, at).trim()), line.slice(at + 2).trim());
  }
  return m;
}

/** a version as comparable parts: release numbers, then a rank (dev < pre < final < post) and its number */
function parts(v: string): { release: number[]; rank: number; n: number } {
  const s = v.toLowerCase().replace(/^v/, '').split('+')[0];
  const m = /^(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:[-_.]?(post|rev|r)[-_.]?(\d*)|-(\d+))?(?:[-_.]?dev[-_.]?(\d*))?$/.exec(s);
  if (!m) return { release: [], rank: 0, n: 0 };
  const release = m[1].split('.').map(Number);
  if (m[7] !== undefined && !m[2] && !m[4] && !m[6]) return { release, rank: -1, n: Number(m[7] || 0) };
  // a < b < rc (c, pre, preview are rc): the letter's place, then its number
  if (m[2]) return { release, rank: 0, n: ({ a: 0, alpha: 0, b: 1, beta: 1 }[m[2]] ?? 2) * 1e9 + Number(m[3] || 0) };
  if (m[4] || m[6]) return { release, rank: 2, n: Number(m[5] || m[6] || 0) };
  return { release, rank: 1, n: 0 };
}

/** <0, 0, >0 as PEP 440 orders a and b (trailing zeros of the release do not count) */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  const len = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < len; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (d) return d;
  }
  return x.rank - y.rank || x.n - y.n;
}

function satisfies(version: string, op: string, want: string): boolean {
  if (op === '===') return version === want;
  if ((op === '==' || op === '!=') && want.endsWith('.*')) {
    const prefix = want.slice(0, -2).split('.');
    const rel = parts(version).release.slice(0, prefix.length).join('.');
    const match = rel === prefix.map(Number).join('.');
    return op === '==' ? match : !match;
  }
  const c = compareVersions(version, want);
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '~=': {
      // ~=1.4.5 is >=1.4.5 and ==1.4.*
      const rel = parts(want).release;
      const prefix = rel.slice(0, Math.max(1, rel.length - 1));
      return c >= 0 && parts(version).release.slice(0, prefix.length).join('.') === prefix.join('.');
    }
    default:
      return false;
  }
}

/** whether an installed package satisfies the requirement (any version when it names none) */
export function isPresent(req: Requirement, installed: Map<string, string>): boolean {
  const v = installed.get(req.name);
  if (v === undefined) return false;
  return req.specs.every((s) => satisfies(v, s.op, s.version));
}
