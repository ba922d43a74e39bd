/**
 * ansible.builtin.apt_repository: a one-line source in sources.list(.d). All .list files are
 * read in one probe; a repo found in any file (enabled or not) is not added again; only files
 * whose content changes are written (atomically), and the cache is updated afterwards. When that
 * update fails, the files are put back as they were (as Ansible's module restores them).
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { runPlanned, type Change, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { resolveMode } from './util/mode.js';
import { updateScript } from './pkg/aptupdate.js';
import { tailOf } from './pkg/names.js';
import { SOURCES_DIR, SOURCES_LIST, SourcesList, suggestFilename } from './pkg/sources.js';

const args = declareArgs({
  repo: { type: 'str', required: true },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  mode: { type: 'mode' },
  update_cache: { type: 'bool', default: true, aliases: ['update-cache'] },
  update_cache_retries: { type: 'int', default: 5 },
  update_cache_retry_max_delay: { type: 'int', default: 12 },
  filename: { type: 'str' },
  install_python_apt: { type: 'bool' },
  validate_certs: { type: 'bool' },
  codename: { type: 'str' },
});

/** each .list file as `F<TAB>path<TAB>octal mode<TAB>base64 content` */
const PROBE =
  `for f in ${SOURCES_LIST} ${SOURCES_DIR}/*.list; do [ -f "$f" ] || continue; ` +
  `printf 'F\\t%s\\t%s\\t' "$f" "$(stat -c %a -- "$f")"; base64 -w0 -- "$f" || exit 1; echo; done`;

/** Shell that puts a touched file back: its old content and mode, or removed when it was new. */
function restoreCommand(path: string, old: string | undefined, mode: number | undefined): string {
  const p = shq(path);
  if (old === undefined && mode === undefined) return `rm -f -- ${p}`;
  const data = Buffer.from(old ?? '', 'utf8').toString('base64');
  return `t=$(mktemp -- ${p}.XXXXXXXX) && printf '%s' ${shq(data)} | base64 -d > "$t" && chmod ${(mode ?? 0o644).toString(8)} -- "$t" && mv -f -- "$t" ${p}`;
}

export const aptRepositoryPlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  probe(a) {
    if (a.repo.trim().startsWith('ppa:')) {
      throw new KbsError('TASK', 'PPA repositories are not supported by kbs', { hint: 'write the deb line (with signed-by) or use deb822_repository' });
    }
    return PROBE;
  },
  probeError: () => 'cannot read the apt sources',
  plan(a, out, { diff }) {
    const { repo, state } = a;
    let source: string;
    try {
      source = SourcesList.normalise(repo);
    } catch (e) {
      return { result: failed((e as Error).message), changes: [] };
    }
    const modes = new Map<string, number>();
    const before = new SourcesList();
    const after = new SourcesList();
    for (const line of out.split('\n')) {
      const f = line.split('\t');
      if (f[0] !== 'F' || f.length < 4) continue;
      const text = Buffer.from(f[3], 'base64').toString('utf8');
      modes.set(f[1], parseInt(f[2], 8));
      before.load(f[1], text);
      after.load(f[1], text);
    }
    if (state === 'present') after.add(source, suggestFilename(source, a.filename));
    else after.remove(source);
    const b = before.dump();
    const n = after.dump();
    const touched = [...new Set([...b.keys(), ...n.keys()])].sort().filter((p) => b.get(p) !== n.get(p));
    const result: ModuleResult = { changed: false, repo, state };
    if (touched.length && diff) {
      result.diff = touched.map(
        (p): DiffEntry => ({ before: b.get(p) ?? '', after: n.get(p) ?? '', before_header: b.has(p) ? p : '/dev/null', after_header: n.has(p) ? p : '/dev/null' }),
      );
    }
    const changes: Change[] = [];
    for (const p of touched) {
      const content = n.get(p);
      if (content === undefined) {
        changes.push({ description: `remove ${p}`, command: `rm -f -- ${shq(p)}` });
        continue;
      }
      const mode = after.newFiles.has(p) ? (a.mode ? resolveMode(a.mode, 0o644, false) : 0o644) : (modes.get(p) ?? 0o644);
      changes.push({ description: `write ${p}`, write: { path: p, data: content, mode, mkdirs: true } });
    }
    if (changes.length && a.update_cache) {
      const restore = touched.map((p) => restoreCommand(p, b.get(p), modes.get(p))).join('\n');
      changes.push({
        description: 'update the apt cache',
        command: `(\n${updateScript(a.update_cache_retries, a.update_cache_retry_max_delay)})\nkbs_rc=$?\nif [ $kbs_rc -ne 0 ]; then\n${restore}\nexit $kbs_rc\nfi`,
        failWith: (u) => failed(`Failed to update apt cache: ${tailOf(u.stderr) || 'unknown reason'}`, { repo, state }),
      });
    }
    return { result, changes };
  },
};

export const apt_repository: ModuleDef = {
  name: 'apt_repository',
  schema: args.schema,
  run: (a, ctx) => runPlanned(aptRepositoryPlanner, a, ctx),
};
