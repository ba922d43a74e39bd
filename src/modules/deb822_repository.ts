/**
 * ansible.builtin.deb822_repository: a /etc/apt/sources.list.d/NAME.sources file, and a keyring
 * in /etc/apt/keyrings when signed_by is a URL (downloaded on the host, kept when unchanged).
 * The file is compared by sha256 on the host and written atomically (copy's putFile).
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, reqStr, toBool } from './util/args.js';
import { parseMode } from './util/mode.js';
import { putFile } from './util/putfile.js';
import { BOOL, INT, MODE, STR, STR_OR_LIST, argsSchema, oneOfStr } from './util/schema.js';
import { KEYRINGS_DIR, isUrl, keyringPath, renderDeb822, slugOf, sourcesPath, type FieldValue } from './pkg/deb822.js';
import { choiceArg, intArg, listArg, tailOf } from './pkg/names.js';

const BOOLS = ['allow_downgrade_to_insecure', 'allow_insecure', 'allow_weak', 'by_hash', 'check_date', 'check_valid_until', 'enabled', 'pdiffs', 'trusted'];
const LISTS = ['architectures', 'components', 'languages', 'suites', 'targets', 'types', 'uris'];

export const deb822_repository: ModuleDef = {
  name: 'deb822_repository',
  schema: argsSchema(
    {
      name: STR,
      state: oneOfStr('present', 'absent'),
      mode: MODE,
      signed_by: STR,
      date_max_future: INT,
      inrelease_path: STR,
      install_python_debian: BOOL,
      ...Object.fromEntries(BOOLS.map((k) => [k, BOOL])),
      ...Object.fromEntries(LISTS.map((k) => [k, STR_OR_LIST])),
    },
    ['name'],
  ),
  async run(args, ctx) {
    const name = reqStr(args, 'name');
    const state = choiceArg(optStr(args, 'state'), 'state', ['present', 'absent'] as const, 'present');
    const slug = slugOf(name);
    const dest = sourcesPath(slug);
    if (state === 'absent') return removeRepo(ctx, dest, slug);

    const fields: Record<string, FieldValue | undefined> = { name };
    for (const k of BOOLS) if (args[k] !== undefined && args[k] !== null) fields[k] = toBool(args[k], false, k);
    for (const k of LISTS) if (args[k] !== undefined && args[k] !== null) fields[k] = listArg(args[k], k);
    fields.types ??= ['deb'];
    for (const t of fields.types as string[]) if (t !== 'deb' && t !== 'deb-src') throw new KbsError('TASK', `value of types must be one or more of: deb, deb-src, got: ${t}`);
    if (args.date_max_future !== undefined && args.date_max_future !== null) fields.date_max_future = intArg(args.date_max_future, 'date_max_future', 0);
    const inrelease = optStr(args, 'inrelease_path');
    if (inrelease !== undefined) fields.inrelease_path = inrelease;

    let keyChanged = false;
    let keyFile: string | null = null;
    const signedBy = optStr(args, 'signed_by');
    if (signedBy !== undefined) {
      if (isUrl(signedBy)) {
        const k = await fetchKey(ctx, signedBy, slug);
        if (k.failed) return k.failed;
        keyChanged = k.changed;
        keyFile = k.path;
        fields.signed_by = k.path;
      } else fields.signed_by = signedBy;
    }
    const repo = renderDeb822(fields);
    const r = await putFile(ctx, {
      dest,
      data: Buffer.from(repo, 'utf8'),
      mode: parseMode(args.mode ?? '0644'),
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

/**
 * Download the key on the host; armored keys become SLUG.asc, binary ones SLUG.gpg (0644, in a
 * 0755 /etc/apt/keyrings). Unchanged keys are left alone; check mode only compares.
 */
async function fetchKey(ctx: ModuleContext, url: string, slug: string): Promise<{ changed: boolean; path: string; failed?: ModuleResult }> {
  const script = [
    't=$(mktemp) || exit 1',
    "trap 'rm -f \"$t\"' EXIT",
    `if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 2 -o "$t" -- ${shq(url)} || exit 4;`,
    `elif command -v wget >/dev/null 2>&1; then wget -q -O "$t" -- ${shq(url)} || exit 4;`,
    `else echo 'neither curl nor wget is installed' >&2; exit 5; fi`,
    `if grep -q -e '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$t"; then ext=asc; else ext=gpg; fi`,
    `d=${KEYRINGS_DIR}/${slug}.$ext`,
    `printf 'EXT\\t%s\\n' "$ext"`,
    `ch=0; [ -d ${KEYRINGS_DIR} ] || ch=1`,
    `cmp -s "$t" "$d" || ch=1`,
    `[ -f "$d" ] && [ "$(stat -c %a "$d")" != 644 ] && ch=1`,
    `printf 'CH\\t%s\\n' "$ch"`,
    ctx.check ? 'exit 0' : `[ "$ch" = 1 ] || exit 0`,
    `mkdir -p -m 0755 ${KEYRINGS_DIR} && chmod 0755 ${KEYRINGS_DIR} || exit 1`,
    `n=$(mktemp ${KEYRINGS_DIR}/.kbs-tmp.XXXXXXXX) || exit 1`,
    `cat "$t" > "$n" && chmod 0644 "$n" && mv -f -- "$n" "$d" || { rm -f "$n"; exit 1; }`,
    '',
  ].join('\n');
  const r = await ctx.run(script);
  const vals = Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t') as [string, string]));
  if (r.rc !== 0) {
    return { changed: false, path: '', failed: failed(`Could not fetch signed_by key: ${tailOf(r.stderr) || `rc=${r.rc}`}`) };
  }
  const ext = vals.EXT === 'asc' ? 'asc' : 'gpg';
  return { changed: vals.CH === '1', path: keyringPath(slug, ext) };
}

async function removeRepo(ctx: ModuleContext, dest: string, slug: string): Promise<ModuleResult> {
  const files = [dest, keyringPath(slug, 'asc'), keyringPath(slug, 'gpg')];
  const script = files.map((f) => `if [ -e ${shq(f)} ]; then echo ${shq(f)}; ${ctx.check ? '' : `rm -f -- ${shq(f)} || exit 1;`} fi`).join('\n');
  const r = await ctx.run(script);
  if (r.rc !== 0) throw new KbsError('TASK', `cannot remove ${dest}: ${tailOf(r.stderr)}`);
  const gone = r.stdout.split('\n').filter(Boolean);
  const res: ModuleResult = { changed: gone.length > 0, repo: null, dest, key_filename: keyringPath(slug, 'gpg') };
  if (ctx.diff && gone.length) res.diff = gone.map((f) => ({ before_header: f, after_header: '/dev/null', before: `(${f} present)\n`, after: '' }));
  return res;
}
