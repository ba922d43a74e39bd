/**
 * ansible.builtin.yum_repository: a repository's section in REPOSDIR/FILE.repo added (replacing
 * the section as a whole) or removed, the file removed with its last section, as ansible-core
 * 2.14's module does (pkg/yumrepo.ts reads and writes the file as its RawConfigParser). Changed
 * when the module's sorted dump of the file differs; the diff is that dump before and after and is
 * always in the result, as Ansible returns it. Only files: it works on any host.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, toBool } from './util/args.js';
import { attrArgs } from './util/attrs.js';
import { attributesArg } from './util/chattr.js';
import { expandPath } from './util/paths.js';
import { remoteError } from './util/remote.js';
import { BOOL, FILE_ATTRS, SELINUX, STR, STR_OR_LIST, argsSchema, oneOfStr } from './util/schema.js';
import { readText, saveText } from './sys/textfile.js';
import { RepoParseError, dumpRepoFile, parseRepoFile, removeRepo, setRepo, writeRepoFile, type RepoFile } from './pkg/yumrepo.js';

const BOOLS = [
  'async',
  'enabled',
  'enablegroups',
  'gpgcheck',
  'keepalive',
  'module_hotfixes',
  'protect',
  'repo_gpgcheck',
  's3_enabled',
  'skip_if_unavailable',
  'ssl_check_cert_permissions',
  'sslverify',
] as const;
/** list arguments: baseurl and gpgkey are written one per line, exclude and includepkgs space-separated */
const LINES = ['baseurl', 'gpgkey'] as const;
const WORDS = ['exclude', 'includepkgs'] as const;
const CHOICES: Record<string, string[]> = {
  failovermethod: ['roundrobin', 'priority'],
  http_caching: ['all', 'packages', 'none'],
  ip_resolve: ['4', '6', 'IPv4', 'IPv6', 'whatever'],
  keepcache: ['0', '1'],
  metadata_expire_filter: ['never', 'read-only:past', 'read-only:present', 'read-only:future'],
};
const STRS = [
  'bandwidth',
  'cost',
  'deltarpm_metadata_percentage',
  'deltarpm_percentage',
  'gpgcakey',
  'include',
  'metadata_expire',
  'metalink',
  'mirrorlist',
  'mirrorlist_expire',
  'password',
  'priority',
  'proxy',
  'proxy_password',
  'proxy_username',
  'retries',
  'sslcacert',
  'sslclientcert',
  'sslclientkey',
  'throttle',
  'timeout',
  'ui_repoid_vars',
  'username',
  ...Object.keys(CHOICES),
];
const ALIASES: Record<string, string> = { ca_cert: 'sslcacert', client_cert: 'sslclientcert', client_key: 'sslclientkey', validate_certs: 'sslverify' };

/** A str argument as Ansible converts it (Python's str() of a YAML scalar). */
function pyStr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** A list argument as Ansible's check_type_list: a string is split on commas. */
function pyList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(pyStr);
  if (typeof v === 'string') return v.split(',');
  return [pyStr(v)];
}

/** args[name] or its alias, undefined when absent or null. */
function arg(args: Record<string, unknown>, name: string): unknown {
  for (const [k, v] of Object.entries(args)) if ((k === name || ALIASES[k] === name) && v !== undefined && v !== null) return v;
  return undefined;
}

/** The options written into the section, from the task's args (name is the description). */
export function repoOptions(args: Record<string, unknown>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const k of BOOLS) {
    const v = arg(args, k);
    if (v !== undefined) o[k] = toBool(v, false, k) ? '1' : '0';
  }
  for (const k of LINES) {
    const v = arg(args, k);
    if (v !== undefined) o[k] = pyList(v).join('\n');
  }
  for (const k of WORDS) {
    const v = arg(args, k);
    if (v !== undefined) o[k] = pyList(v).join(' ');
  }
  for (const k of STRS) {
    const v = arg(args, k);
    if (v === undefined) continue;
    const s = pyStr(v);
    if (CHOICES[k] && !CHOICES[k].includes(s)) throw new RepoArgError(`value of ${k} must be one of: ${CHOICES[k].join(', ')}, got: ${s}`);
    o[k] = s;
  }
  const d = arg(args, 'description');
  if (d !== undefined) o.name = pyStr(d);
  return o;
}

class RepoArgError extends Error {}

/** Python's os.path.join of two parts. */
const pyJoin = (a: string, b: string) => (b.startsWith('/') ? b : a === '' || a.endsWith('/') ? a + b : `${a}/${b}`);

export const yum_repository: ModuleDef = {
  name: 'yum_repository',
  schema: argsSchema({
    name: STR,
    description: STR,
    state: oneOfStr('present', 'absent'),
    file: STR,
    reposdir: STR,
    params: { type: ['object', 'string', 'null'] },
    ...Object.fromEntries(BOOLS.map((k) => [k, BOOL])),
    ...Object.fromEntries([...LINES, ...WORDS].map((k) => [k, STR_OR_LIST])),
    ...Object.fromEntries(STRS.map((k) => [k, STR])),
    ...Object.fromEntries(Object.keys(ALIASES).map((k) => [k, ALIASES[k] === 'sslverify' ? BOOL : STR])),
    ...FILE_ATTRS,
    attributes: STR,
    attr: STR,
    ...SELINUX,
  }, ['name']),
  async run(args, ctx) {
    if (args.params !== undefined && args.params !== null && args.params !== '' && !(typeof args.params === 'object' && !Object.keys(args.params as object).length)) {
      return failed("The params option to yum_repository was removed in Ansible 2.5 since it circumvents Ansible's option handling");
    }
    const name = optStr(args, 'name')!;
    const state = optStr(args, 'state') ?? 'present';
    let options: Record<string, string>;
    try {
      options = repoOptions(args);
    } catch (e) {
      if (e instanceof RepoArgError) return failed(e.message);
      throw e;
    }
    if (state === 'present') {
      if (options.baseurl === undefined && options.metalink === undefined && options.mirrorlist === undefined) {
        return failed("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
      }
      if (options.name === undefined) return failed("Parameter 'description' is required.");
    }
    const reposdir = await expandPath(ctx, optStr(args, 'reposdir') ?? '/etc/yum.repos.d');
    const file = optStr(args, 'file') ?? name;
    const dest = pyJoin(reposdir, `${file}.repo`);
    return apply(ctx, args, { name, state, reposdir, dest, options });
  },
};

interface Want {
  name: string;
  state: string;
  reposdir: string;
  dest: string;
  options: Record<string, string>;
}

async function apply(ctx: ModuleContext, args: Record<string, unknown>, w: Want): Promise<ModuleResult> {
  const dirOk = await ctx.run(`[ -d ${shq(w.reposdir)} ]`);
  if (dirOk.rc !== 0) return failed(`Repo directory '${w.reposdir}' does not exist.`);
  const f = await readText(ctx, w.dest);
  let before: RepoFile;
  try {
    before = parseRepoFile(f.exists ? f.content.toString('utf8') : '');
  } catch (e) {
    if (e instanceof RepoParseError) return failed(`cannot read ${w.dest}: ${e.message.replaceAll('<file>', w.dest)}`);
    throw e;
  }
  const after = w.state === 'present' ? setRepo(before, w.name, w.options) : removeRepo(before, w.name);
  const diff = { before_header: w.dest, before: dumpRepoFile(before), after_header: w.dest, after: dumpRepoFile(after) };
  const changed = diff.before !== diff.after;
  const result: ModuleResult = { changed, repo: w.name, state: w.state };
  if (changed && !after.sections.size) {
    // the last section went: the file is removed (never created when it was not there)
    if (!ctx.check && f.exists) {
      const r = await ctx.run(`rm -f -- ${shq(w.dest)}`);
      if (r.rc !== 0) throw remoteError(`Cannot remove empty repo file ${w.dest}.`, r);
    }
    return { ...result, diff };
  }
  const saved = await saveText(ctx, f, {
    result,
    after: changed ? Buffer.from(writeRepoFile(after), 'utf8') : undefined,
    attrs: f.exists || changed ? { ...attrArgs(args), attributes: attributesArg(args) } : undefined,
  });
  delete saved.msg;
  return { ...saved, diff };
}
