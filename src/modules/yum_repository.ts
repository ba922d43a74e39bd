/**
 * ansible.builtin.yum_repository: a repository's section in REPOSDIR/FILE.repo added (replacing
 * the section as a whole) or removed, the file removed with its last section, as ansible-core
 * 2.14's module does (pkg/yumrepo.ts reads and writes the file as its RawConfigParser). Changed
 * when the module's sorted dump of the file differs; the diff is that dump before and after and is
 * always in the result, as Ansible returns it. Only files: it works on any host.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { change } from './util/change.js';
import { FILE_ATTR_ARGS, OPT_BOOL, REQUIRED_STR_EMPTY_OK, SELINUX_ARGS, declareArgs, type ArgSpec } from './util/declare.js';
import type { AttrWant } from './util/attrs.js';
import { expandPath } from './util/paths.js';
import { remoteError } from './util/remote.js';
import { STR, STR_OR_LIST } from './util/schema.js';
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
const ALIASES: Record<string, string[]> = { sslcacert: ['ca_cert'], sslclientcert: ['client_cert'], sslclientkey: ['client_key'], sslverify: ['validate_certs'] };

/** A list argument as Ansible's check_type_list: a string is split on commas, elements are Python's str() of them. */
function pyList(v: unknown): string[] {
  const s = (x: unknown) => (typeof x === 'boolean' ? (x ? 'True' : 'False') : String(x));
  if (Array.isArray(v)) return v.map(s);
  if (typeof v === 'string') return v.split(',');
  return [s(v)];
}

/** the options of the section: unset when not given, as the module writes only those */
const OPTION_ARGS: Record<string, ArgSpec> = {
  ...Object.fromEntries(BOOLS.map((k) => [k, { ...OPT_BOOL, aliases: ALIASES[k] }])),
  ...Object.fromEntries([...LINES, ...WORDS].map((k) => [k, { type: 'any', schema: STR_OR_LIST, read: pyList }])),
  // a choice is checked after Python's str() of the value (ip_resolve: 4 is '4'), so the schema takes any scalar
  ...Object.fromEntries(STRS.map((k) => [k, { type: 'str', choices: CHOICES[k], aliases: ALIASES[k], schema: STR }])),
};

const args = declareArgs({
  name: REQUIRED_STR_EMPTY_OK,
  description: { type: 'str' },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  file: { type: 'str' },
  reposdir: { type: 'str', default: '/etc/yum.repos.d' },
  params: { type: 'any', schema: { type: ['object', 'string', 'null'] } },
  ...OPTION_ARGS,
  ...FILE_ATTR_ARGS,
  attributes: { type: 'str', aliases: ['attr'] },
  ...SELINUX_ARGS,
});

type Args = ReturnType<typeof args.read>;

/** The options written into the section, from the read args (description is the name option). */
export function repoOptions(a: Args): Record<string, string> {
  const o: Record<string, string> = {};
  const given = (k: string) => (a as Record<string, unknown>)[k];
  for (const k of BOOLS) if (given(k) !== undefined) o[k] = given(k) ? '1' : '0';
  for (const k of LINES) if (given(k) !== undefined) o[k] = (given(k) as string[]).join('\n');
  for (const k of WORDS) if (given(k) !== undefined) o[k] = (given(k) as string[]).join(' ');
  for (const k of STRS) if (given(k) !== undefined) o[k] = given(k) as string;
  if (a.description !== undefined) o.name = a.description;
  return o;
}

/** Python's os.path.join of two parts. */
const pyJoin = (a: string, b: string) => (b.startsWith('/') ? b : a === '' || a.endsWith('/') ? a + b : `${a}/${b}`);

export const yum_repository: ModuleDef = {
  name: 'yum_repository',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const params = a.params;
    if (params !== undefined && params !== null && params !== '' && !(typeof params === 'object' && !Object.keys(params as object).length)) {
      return failed("The params option to yum_repository was removed in Ansible 2.5 since it circumvents Ansible's option handling");
    }
    const { name, state } = a;
    const options = repoOptions(a);
    if (state === 'present') {
      if (options.baseurl === undefined && options.metalink === undefined && options.mirrorlist === undefined) {
        return failed("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
      }
      if (options.name === undefined) return failed("Parameter 'description' is required.");
    }
    const reposdir = await expandPath(ctx, a.reposdir);
    const dest = pyJoin(reposdir, `${a.file ?? name}.repo`);
    const attrs = { mode: a.mode, owner: a.owner, group: a.group, attributes: a.attributes };
    return apply(ctx, attrs, { name, state, reposdir, dest, options });
  },
};

interface Want {
  name: string;
  state: string;
  reposdir: string;
  dest: string;
  options: Record<string, string>;
}

async function apply(ctx: ModuleContext, attrs: AttrWant & { attributes?: string }, w: Want): Promise<ModuleResult> {
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
    if (f.exists) {
      const r = await change(ctx, `remove the empty repo file ${w.dest}`, `rm -f -- ${shq(w.dest)}`, { keepFailure: true });
      if (r && r.rc !== 0) throw remoteError(`Cannot remove empty repo file ${w.dest}.`, r);
    }
    return { ...result, diff };
  }
  const saved = await saveText(ctx, f, {
    result,
    after: changed ? Buffer.from(writeRepoFile(after), 'utf8') : undefined,
    attrs: f.exists || changed ? attrs : undefined,
  });
  delete saved.msg;
  return { ...saved, diff };
}
