/**
 * ansible.builtin.deb822_repository: a /etc/apt/sources.list.d/NAME.sources file, and a keyring
 * in /etc/apt/keyrings when signed_by is a URL (downloaded on the host and compared with the
 * installed one; installed by change() when it differs). The file is compared by sha256 on the
 * host and written atomically (copy's putFile). Absent: the files found are removed (a plan).
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, listArg } from './util/args.js';
import { applyPlan, change, probeFields, type Plan } from './util/change.js';
import { OPT_BOOL, declareArgs, type ArgSpec } from './util/declare.js';
import { putFile } from './util/putfile.js';
import { STR_OR_LIST } from './util/schema.js';
import { KEYRINGS_DIR, isUrl, keyringPath, renderDeb822, slugOf, sourcesPath, type FieldValue } from './pkg/deb822.js';
import { tailOf } from './pkg/names.js';

const BOOLS = ['allow_downgrade_to_insecure', 'allow_insecure', 'allow_weak', 'by_hash', 'check_date', 'check_valid_until', 'enabled', 'pdiffs', 'trusted'] as const;
const LISTS = ['architectures', 'components', 'languages', 'suites', 'targets', 'types', 'uris'] as const;

/** a list of strings that stays undefined when not given (the field is then left out) */
const OPT_LIST = { type: 'any', schema: STR_OR_LIST, read: (v: unknown, n: string) => listArg(v, n) } as const satisfies ArgSpec;

const args = declareArgs({
  name: { type: 'str', required: true },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  mode: { type: 'mode', default: '0644' },
  signed_by: { type: 'str' },
  date_max_future: { type: 'int' },
  inrelease_path: { type: 'str' },
  install_python_debian: { type: 'bool' },
  ...(Object.fromEntries(BOOLS.map((k) => [k, OPT_BOOL])) as Record<(typeof BOOLS)[number], typeof OPT_BOOL>),
  ...(Object.fromEntries(LISTS.map((k) => [k, OPT_LIST])) as Record<(typeof LISTS)[number], typeof OPT_LIST>),
});

export const deb822_repository: ModuleDef = {
  name: 'deb822_repository',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const slug = slugOf(a.name);
    const dest = sourcesPath(slug);
    if (a.state === 'absent') return removeRepo(ctx, dest, slug);

    const fields: Record<string, FieldValue | undefined> = { name: a.name };
    for (const k of [...BOOLS, ...LISTS]) fields[k] = a[k];
    fields.types ??= ['deb'];
    for (const t of fields.types as string[]) if (t !== 'deb' && t !== 'deb-src') throw new KbsError('TASK', `value of types must be one or more of: deb, deb-src, got: ${t}`);
    fields.date_max_future = a.date_max_future;
    fields.inrelease_path = a.inrelease_path;

    let keyChanged = false;
    let keyFile: string | null = null;
    if (a.signed_by !== undefined) {
      if (isUrl(a.signed_by)) {
        const k = await fetchKey(ctx, a.signed_by, slug);
        if (k.failed) return k.failed;
        keyChanged = k.changed;
        keyFile = k.path;
        fields.signed_by = k.path;
      } else fields.signed_by = a.signed_by;
    }
    const repo = renderDeb822(fields);
    const r = await putFile(ctx, {
      dest,
      data: Buffer.from(repo, 'utf8'),
      mode: a.mode,
      owner: undefined,
      group: undefined,
      backup: false,
      force: true,
      follow: false,
      afterHeader: 'dynamically generated',
    });
    const res: ModuleResult = { changed: r.changed || keyChanged, repo, dest, key_filename: keyFile };
    // the file's uid, gid, owner, group, mode, state and size (Ansible's add_path_info of dest)
    for (const k of ['uid', 'gid', 'owner', 'group', 'mode', 'state', 'size']) if (r[k] !== undefined) res[k] = r[k];
    if (r.diff) res.diff = r.diff;
    return res;
  },
};

/** Download the key into "$t" (removed on exit) and name its keyring: armored keys SLUG.asc, binary ones SLUG.gpg. */
function downloadScript(url: string, slug: string): string[] {
  return [
    't=$(mktemp) || exit 1',
    "trap 'rm -f \"$t\"' EXIT",
    `if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 2 -o "$t" -- ${shq(url)} || exit 4;`,
    `elif command -v wget >/dev/null 2>&1; then wget -q -O "$t" -- ${shq(url)} || exit 4;`,
    `else echo 'neither curl nor wget is installed' >&2; exit 5; fi`,
    `if grep -q -e '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$t"; then ext=asc; else ext=gpg; fi`,
    `d=${KEYRINGS_DIR}/${slug}.$ext`,
  ];
}

/**
 * The key as the host downloads it, compared with the installed keyring (content, mode 0644, a
 * /etc/apt/keyrings folder); when it differs, change() downloads it again and installs it (0644,
 * in a 0755 /etc/apt/keyrings).
 */
async function fetchKey(ctx: ModuleContext, url: string, slug: string): Promise<{ changed: boolean; path: string; failed?: ModuleResult }> {
  const fetchFailed = (r: { rc: number; stderr: string }) => ({ changed: false, path: '', failed: failed(`Could not fetch signed_by key: ${tailOf(r.stderr) || `rc=${r.rc}`}`) });
  const compare = [
    ...downloadScript(url, slug),
    `printf 'EXT\\t%s\\n' "$ext"`,
    `ch=0; [ -d ${KEYRINGS_DIR} ] || ch=1`,
    `cmp -s "$t" "$d" || ch=1`,
    `[ -f "$d" ] && [ "$(stat -c %a "$d")" != 644 ] && ch=1`,
    `printf 'CH\\t%s\\n' "$ch"`,
    '',
  ];
  const q = await ctx.run(compare.join('\n'));
  if (q.rc !== 0) return fetchFailed(q);
  const v = probeFields(q.stdout);
  const path = keyringPath(slug, v.EXT === 'asc' ? 'asc' : 'gpg');
  if (v.CH !== '1') return { changed: false, path };
  const install = [
    ...downloadScript(url, slug),
    `mkdir -p -m 0755 ${KEYRINGS_DIR} && chmod 0755 ${KEYRINGS_DIR} || exit 1`,
    `n=$(mktemp ${KEYRINGS_DIR}/.kbs-tmp.XXXXXXXX) || exit 1`,
    `cat "$t" > "$n" && chmod 0644 "$n" && mv -f -- "$n" "$d" || { rm -f "$n"; exit 1; }`,
    '',
  ];
  const r = await change(ctx, `install the signed_by key ${path}`, install.join('\n'), { keepFailure: true });
  if (r && r.rc !== 0) return fetchFailed(r);
  return { changed: true, path };
}

/** absent: the sources file and its keyrings that exist, removed */
export function planRemoval(dest: string, slug: string, existing: string[], diff: boolean): Plan {
  const files = [dest, keyringPath(slug, 'asc'), keyringPath(slug, 'gpg')].filter((f) => existing.includes(f));
  const result: ModuleResult = { changed: false, repo: null, dest, key_filename: keyringPath(slug, 'gpg') };
  if (diff && files.length) result.diff = files.map((f) => ({ before_header: f, after_header: '/dev/null', before: `(${f} present)\n`, after: '' }));
  return { result, changes: files.length ? [{ description: `remove ${dest}`, command: `rm -f -- ${files.map(shq).join(' ')}` }] : [] };
}

async function removeRepo(ctx: ModuleContext, dest: string, slug: string): Promise<ModuleResult> {
  const files = [dest, keyringPath(slug, 'asc'), keyringPath(slug, 'gpg')];
  const q = await ctx.run(files.map((f) => `if [ -e ${shq(f)} ]; then echo ${shq(f)}; fi`).join('\n'));
  if (q.rc !== 0) throw new KbsError('TASK', `cannot remove ${dest}: ${tailOf(q.stderr)}`);
  return applyPlan(ctx, planRemoval(dest, slug, q.stdout.split('\n').filter(Boolean), ctx.diff));
}
