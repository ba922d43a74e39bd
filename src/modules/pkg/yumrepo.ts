/**
 * The .repo files of ansible.builtin.yum_repository, handled as the module handles them with
 * Python's RawConfigParser: read (comments and blank lines dropped, option names lowercased,
 * continuation lines joined with "\n", a [DEFAULT] section merged into every section's items),
 * edited (a repository's section removed and added again at the end, its options in the sorted
 * order of the argument names), compared through the module's sorted dump, and written back as
 * configparser writes (`key = value`, continuation lines indented with a tab, a blank line after
 * every section).
 */

/** Python's str.strip() whitespace (ASCII and the common Unicode spaces). */
const pyStrip = (s: string) => s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/g, '');

export type Section = Map<string, string>;

export interface RepoFile {
  /** the [DEFAULT] section's options */
  defaults: Section;
  /** sections in file order */
  sections: Map<string, Section>;
}

export class RepoParseError extends Error {}

/** Python's repr() of a short line (quotes, backslashes, tabs and newlines escaped). */
const pyRepr = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;

/** Python's str.splitlines(keepends=True), which configparser's file iteration approximates for "\n" files. */
function fileLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** RawConfigParser().read_string(text) with its default settings (strict, '=' and ':', '#' and ';' comments). */
export function parseRepoFile(text: string): RepoFile {
  const defaults: Section = new Map();
  const sections = new Map<string, Section>();
  const raw = new Map<Section, Map<string, string[]>>();
  const rawOf = (s: Section) => {
    let r = raw.get(s);
    if (!r) raw.set(s, (r = new Map()));
    return r;
  };
  let cur: Section | undefined;
  let sectName = '';
  let optname: string | undefined;
  let indent = Number.MAX_SAFE_INTEGER;
  const added = new Set<string>();
  const bad: number[] = [];
  const lines = fileLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const stripped = pyStrip(line);
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    const value = isComment ? '' : stripped;
    if (!value) {
      if (!isComment && cur && optname !== undefined) rawOf(cur).get(optname)?.push('');
      continue;
    }
    const first = line.search(/\S/);
    const level = first < 0 ? 0 : first;
    if (cur && optname !== undefined && level > indent) {
      rawOf(cur).get(optname)!.push(value);
      continue;
    }
    indent = level;
    const sm = /^\[(.+)\]/.exec(value);
    if (sm) {
      const name = sm[1];
      if (name === 'DEFAULT') cur = defaults;
      else if (sections.has(name)) {
        if (added.has(name)) throw new RepoParseError(`While reading from '<file>' [line ${String(i + 1).padStart(2)}]: section '${name}' already exists`);
        cur = sections.get(name)!;
      } else {
        cur = new Map();
        sections.set(name, cur);
      }
      if (name !== 'DEFAULT') added.add(name);
      sectName = name;
      optname = undefined;
      continue;
    }
    if (!cur) throw new RepoParseError(`File contains no section headers.\nfile: '<file>', line: ${i + 1}\n${pyRepr(line)}`);
    const om = /^(.*?)\s*(=|:)\s*(.*)$/.exec(value);
    if (!om || !om[1]) {
      bad.push(i + 1);
      optname = undefined;
      continue;
    }
    const name = om[1].replace(/\s+$/, '').toLowerCase();
    const key = `${sectName}\u0000${name}`;
    if (added.has(key)) throw new RepoParseError(`While reading from '<file>' [line ${String(i + 1).padStart(2)}]: option '${name}' in section '${sectName}' already exists`);
    added.add(key);
    optname = name;
    rawOf(cur).set(name, [pyStrip(om[3])]);
    cur.set(name, '');
  }
  if (bad.length) throw new RepoParseError(`Source contains parsing errors: '<file>'${bad.map((n) => `\n\t[line ${String(n).padStart(2)}]: ${pyRepr(lines[n - 1])}`).join('')}`);
  for (const [s, opts] of raw) for (const [k, v] of opts) s.set(k, v.join('\n').replace(/[\s\u001c-\u001f\u0085]+$/, ''));
  return { defaults, sections };
}

/** A section's items as configparser's items(section): the defaults, then the section's own. */
function itemsOf(f: RepoFile, s: Section): [string, string][] {
  const m = new Map(f.defaults);
  for (const [k, v] of s) m.set(k, v);
  return [...m];
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The module's dump(): sections and their items sorted, `key = value`, a blank line after each. */
export function dumpRepoFile(f: RepoFile): string {
  let out = '';
  for (const name of [...f.sections.keys()].sort(byCodePoint)) {
    out += `[${name}]\n`;
    for (const [k, v] of itemsOf(f, f.sections.get(name)!).sort((a, b) => byCodePoint(a[0], b[0]))) out += `${k} = ${v}\n`;
    out += '\n';
  }
  return out;
}

/** RawConfigParser.write(): [DEFAULT] first when it has options, then the sections in order. */
export function writeRepoFile(f: RepoFile): string {
  const section = (name: string, s: Section) => `[${name}]\n${[...s].map(([k, v]) => `${k} = ${v.replace(/\n/g, '\n\t')}\n`).join('')}\n`;
  let out = f.defaults.size ? section('DEFAULT', f.defaults) : '';
  for (const [name, s] of f.sections) out += section(name, s);
  return out;
}

/** The options Ansible writes into a repository's section, in the order it sets them. */
export const REPO_OPTIONS = [
  'async',
  'bandwidth',
  'baseurl',
  'cost',
  'deltarpm_metadata_percentage',
  'deltarpm_percentage',
  'enabled',
  'enablegroups',
  'exclude',
  'failovermethod',
  'gpgcakey',
  'gpgcheck',
  'gpgkey',
  'http_caching',
  'include',
  'includepkgs',
  'ip_resolve',
  'keepalive',
  'keepcache',
  'metadata_expire',
  'metadata_expire_filter',
  'metalink',
  'mirrorlist',
  'mirrorlist_expire',
  'module_hotfixes',
  'name',
  'password',
  'priority',
  'protect',
  'proxy',
  'proxy_password',
  'proxy_username',
  'repo_gpgcheck',
  'retries',
  's3_enabled',
  'skip_if_unavailable',
  'ssl_check_cert_permissions',
  'sslcacert',
  'sslclientcert',
  'sslclientkey',
  'sslverify',
  'throttle',
  'timeout',
  'ui_repoid_vars',
  'username',
] as const;

/** The section `repoid` replaced by OPTIONS (already rendered as text), moved to the end of the file. */
export function setRepo(f: RepoFile, repoid: string, options: Record<string, string>): RepoFile {
  const sections = new Map(f.sections);
  sections.delete(repoid);
  const s: Section = new Map();
  for (const k of [...Object.keys(options)].sort(byCodePoint)) s.set(k, options[k]);
  sections.set(repoid, s);
  return { defaults: f.defaults, sections };
}

/** The section `repoid` removed. */
export function removeRepo(f: RepoFile, repoid: string): RepoFile {
  const sections = new Map(f.sections);
  sections.delete(repoid);
  return { defaults: f.defaults, sections };
}
