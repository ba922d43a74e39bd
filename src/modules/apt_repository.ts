/**
 * ansible.builtin.apt_repository: a one-line source in sources.list(.d). All .list files are
 * read in one round trip; a repo found in any file (enabled or not) is not added again; only
 * files whose content changes are written (atomically), and the cache is updated afterwards.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, reqStr, toBool } from './util/args.js';
import { parseMode, resolveMode } from './util/mode.js';
import { writeFile } from './util/remote.js';
import { BOOL, INT, MODE, STR, argsSchema, oneOfStr } from './util/schema.js';
import { updateScript } from './pkg/aptupdate.js';
import { choiceArg, intArg, tailOf } from './pkg/names.js';
import { SOURCES_DIR, SOURCES_LIST, SourcesList, suggestFilename } from './pkg/sources.js';

export const apt_repository: ModuleDef = {
  name: 'apt_repository',
  schema: argsSchema(
    {
      repo: STR,
      state: oneOfStr('present', 'absent'),
      mode: MODE,
      update_cache: BOOL,
      'update-cache': BOOL,
      update_cache_retries: INT,
      update_cache_retry_max_delay: INT,
      filename: STR,
      install_python_apt: BOOL,
      validate_certs: BOOL,
      codename: STR,
    },
    ['repo'],
  ),
  async run(args, ctx) {
    const repo = reqStr(args, 'repo');
    const state = choiceArg(optStr(args, 'state'), 'state', ['present', 'absent'] as const, 'present');
    const updateCache = toBool(args.update_cache ?? args['update-cache'], true, 'update_cache');
    const filename = optStr(args, 'filename');
    const modeSpec = parseMode(args.mode);
    if (repo.trim().startsWith('ppa:')) {
      throw new KbsError('TASK', 'PPA repositories are not supported by kbs', { hint: 'write the deb line (with signed-by) or use deb822_repository' });
    }
    let source: string;
    try {
      source = SourcesList.normalise(repo);
    } catch (e) {
      return failed((e as Error).message);
    }

    const listing = await ctx.run(
      `for f in ${SOURCES_LIST} ${SOURCES_DIR}/*.list; do [ -f "$f" ] || continue; ` +
        `printf 'F\\t%s\\t%s\\t' "$f" "$(stat -c %a -- "$f")"; base64 -w0 -- "$f" || exit 1; echo; done`,
    );
    if (listing.rc !== 0) throw new KbsError('TASK', `cannot read the apt sources: ${tailOf(listing.stderr)}`);
    const modes = new Map<string, number>();
    const before = new SourcesList();
    const after = new SourcesList();
    for (const line of listing.stdout.split('\n')) {
      const f = line.split('\t');
      if (f[0] !== 'F' || f.length < 4) continue;
      const text = Buffer.from(f[3], 'base64').toString('utf8');
      modes.set(f[1], parseInt(f[2], 8));
      before.load(f[1], text);
      after.load(f[1], text);
    }
    if (state === 'present') after.add(source, suggestFilename(source, filename));
    else after.remove(source);
    const b = before.dump();
    const a = after.dump();
    const paths = [...new Set([...b.keys(), ...a.keys()])].sort();
    const touched = paths.filter((p) => b.get(p) !== a.get(p));
    const changed = touched.length > 0;
    const res: ModuleResult = { changed, repo, state };
    if (changed && ctx.diff) {
      res.diff = touched.map(
        (p): DiffEntry => ({ before: b.get(p) ?? '', after: a.get(p) ?? '', before_header: b.has(p) ? p : '/dev/null', after_header: a.has(p) ? p : '/dev/null' }),
      );
    }
    if (!changed || ctx.check) return res;

    const restore = async () => {
      for (const p of touched) {
        const old = b.get(p);
        if (old === undefined && !modes.has(p)) await ctx.run(`rm -f -- ${shq(p)}`);
        else await writeFile(ctx, { dest: p, mode: modes.get(p) ?? 0o644 }, Buffer.from(old ?? '', 'utf8'));
      }
    };
    for (const p of touched) {
      const content = a.get(p);
      if (content === undefined) {
        const r = await ctx.run(`rm -f -- ${shq(p)}`);
        if (r.rc !== 0) throw new KbsError('TASK', `cannot remove ${p}: ${tailOf(r.stderr)}`);
        continue;
      }
      const isNew = after.newFiles.has(p);
      const mode = isNew ? (modeSpec ? resolveMode(modeSpec, 0o644, false) : 0o644) : (modes.get(p) ?? 0o644);
      await writeFile(ctx, { dest: p, mode, mkdirs: true }, Buffer.from(content, 'utf8'));
    }
    if (updateCache) {
      const u = await ctx.run(updateScript(intArg(args.update_cache_retries, 'update_cache_retries', 5), intArg(args.update_cache_retry_max_delay, 'update_cache_retry_max_delay', 12)));
      if (u.rc !== 0) {
        await restore();
        return failed(`Failed to update apt cache: ${tailOf(u.stderr) || 'unknown reason'}`, { repo, state });
      }
    }
    return res;
  },
};
