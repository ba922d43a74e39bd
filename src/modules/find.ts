/**
 * ansible.builtin.find: files, directories or links under `paths` chosen by name (glob or Python
 * regex, with excludes), age, size and content. One `find -printf` round trip lists the entries
 * with their stat data; the filters run here; `contains` and `get_checksum` read only the
 * candidates in one more round trip each. Results come in os.walk's order (per folder: files,
 * then folders; depth first), as Ansible lists them. Read-only: never changed, runs in check mode.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import type { FileInfo } from './util/remote.js';
import { fnmatch } from '../util/glob.js';
import { declareArgs } from './util/declare.js';
import { pyRegex } from './util/pyregex.js';
import { readFiles } from './util/readmany.js';
import { argWord } from './util/words.js';
import { STR_OR_LIST } from './util/schema.js';
import { modeFlags } from './util/mode.js';

/** Ansible's list type: a list, or a comma-separated string. */
export function strList(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') return v === '' ? [] : v.split(',').map((s) => s.trim());
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  throw new KbsError('TASK', `${name} must be a list of strings`);
}

/** "1d", "-2h", "30" → seconds (s m h d w), as Ansible's find. */
export function parseAge(s: string): number | undefined {
  const m = /^(-?\d+)(s|m|h|d|w)?$/.exec(s.toLowerCase());
  if (!m) return undefined;
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as Record<string, number>)[m[2] ?? 's'];
}

/** "10k", "-1m", "100" → bytes (b k m g t), as Ansible's find. */
export function parseSize(s: string): number | undefined {
  const m = /^(-?\d+)(b|k|m|g|t)?$/.exec(s.toLowerCase());
  if (!m) return undefined;
  return Number(m[1]) * 1024 ** ['b', 'k', 'm', 'g', 't'].indexOf(m[2] ?? 'b');
}

/** One path as find -printf reports it: the stat fields of util/remote.ts's FileInfo, and where it is. */
export interface Entry extends Pick<FileInfo, 'mode' | 'uid' | 'gid' | 'owner' | 'group' | 'size' | 'inode' | 'dev' | 'nlink' | 'atime' | 'mtime' | 'ctime'> {
  depth: number;
  /** %y: type letter (f d l b c p s); %Y: the type with links followed */
  type: string;
  ftype: string;
  path: string;
}

const FMT = '%d\\t%y\\t%Y\\t%m\\t%U\\t%G\\t%u\\t%g\\t%s\\t%i\\t%D\\t%n\\t%A@\\t%T@\\t%C@\\t%p\\0';

/** Parse the NUL-separated `find -printf FMT` records. */
export function parseEntries(out: string): Entry[] {
  const list: Entry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const f = rec.split('\t');
    if (f.length < 16) continue;
    const path = normPath(f.slice(15).join('\t'));
    list.push({
      depth: Number(f[0]),
      type: f[1],
      ftype: f[2],
      mode: parseInt(f[3], 8),
      uid: Number(f[4]),
      gid: Number(f[5]),
      owner: /^\d+$/.test(f[6]) && f[6] === f[4] ? '' : f[6],
      group: /^\d+$/.test(f[7]) && f[7] === f[5] ? '' : f[7],
      size: Number(f[8]),
      inode: Number(f[9]),
      dev: Number(f[10]),
      nlink: Number(f[11]),
      atime: Number(f[12]),
      mtime: Number(f[13]),
      ctime: Number(f[14]),
      path,
    });
  }
  return list;
}

/** Entries in os.walk's top-down order: a folder's non-folders, then its folders, then each folder's contents. */
export function walkOrder(root: string, entries: Entry[], follow: boolean): Entry[] {
  const kids = new Map<string, Entry[]>();
  const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
  for (const e of entries) {
    const p = parentOf(e.path);
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p)!.push(e);
  }
  const out: Entry[] = [];
  const visit = (dir: string) => {
    const all = kids.get(dir) ?? [];
    // os.walk's is_dir() follows links: a link to a folder is listed among the folders
    const isDir = (e: Entry) => e.type === 'd' || (e.type === 'l' && e.ftype === 'd');
    const dirs = all.filter(isDir);
    out.push(...all.filter((e) => !isDir(e)), ...dirs);
    for (const d of dirs) if (d.type === 'd' || follow) visit(d.path);
  };
  visit(normPath(root).replace(/(.)\/+$/, '$1'));
  return out;
}

function statInfo(e: Entry): Record<string, unknown> {
  const m = e.mode;
  const t = e.type;
  return {
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: t === 'd',
    ischr: t === 'c',
    isblk: t === 'b',
    isreg: t === 'f',
    isfifo: t === 'p',
    islnk: t === 'l',
    issock: t === 's',
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    dev: e.dev,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    gr_name: e.group,
    pw_name: e.owner,
    ...modeFlags(m),
  };
}

/** Python's re.match (anchored at the start only). */
function pyMatch(re: RegExp, s: string): boolean {
  const y = new RegExp(re.source, re.flags.replace(/[gy]/g, '') + 'y');
  return y.test(s);
}

/** Ansible's pfilter: a name matches one pattern and no exclude. */
function nameFilter(name: string, patterns: string[], excludes: string[], useRegex: boolean): boolean {
  const test = useRegex ? (p: string) => pyMatch(pyRegex(p, 'pattern'), name) : (p: string) => fnmatch(name, p);
  return patterns.some(test) && !excludes.some(test);
}

function contentMatches(data: Buffer | undefined, re: RegExp, whole: boolean): boolean {
  if (!data) return false;
  const text = new TextDecoder('utf-8', { fatal: true });
  let s: string;
  try {
    s = text.decode(data);
  } catch {
    return false;
  }
  if (whole) return new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(s);
  const lines = s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.some((l) => pyMatch(re, l));
}

/** a list argument read as Ansible's list type (strList) */
const STR_LIST = { type: 'any', schema: STR_OR_LIST, read: strList } as const;

const args = declareArgs({
  paths: { ...STR_LIST, required: true, aliases: ['name', 'path'] },
  patterns: { ...STR_LIST, aliases: ['pattern'] },
  excludes: { ...STR_LIST, aliases: ['exclude'] },
  contains: { type: 'str' },
  read_whole_file: { type: 'bool' },
  file_type: { type: 'str', choices: ['any', 'directory', 'file', 'link'], default: 'file' },
  age: { type: 'str' },
  age_stamp: { type: 'str', choices: ['atime', 'ctime', 'mtime'], default: 'mtime' },
  size: { type: 'str' },
  recurse: { type: 'bool' },
  hidden: { type: 'bool' },
  follow: { type: 'bool' },
  get_checksum: { type: 'bool' },
  use_regex: { type: 'bool' },
  depth: { type: 'int', default: 0 },
});

export const find: ModuleDef = {
  name: 'find',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const paths = a.paths ?? [];
    if (!paths.length) throw new KbsError('TASK', 'missing required argument: paths');
    const useRegex = a.use_regex;
    let patterns = a.patterns ?? [];
    if (!patterns.length) patterns = [useRegex ? '.*' : '*'];
    const excludes = a.excludes ?? [];
    const { contains, read_whole_file: whole, file_type: fileType, age_stamp: ageStamp, recurse, hidden, follow, get_checksum: getChecksum, depth } = a;
    const ageArg = a.age;
    const sizeArg = a.size;
    const age = ageArg === undefined ? undefined : parseAge(ageArg);
    if (ageArg !== undefined && age === undefined) return { changed: false, failed: true, age: ageArg, msg: 'failed to process age' };
    const size = sizeArg === undefined ? undefined : parseSize(sizeArg);
    if (sizeArg !== undefined && size === undefined) return { changed: false, failed: true, size: sizeArg, msg: 'failed to process size' };
    const contentRe = contains === undefined ? undefined : pyRegex(contains, 'contains');

    // one exec: the host's clock, then per path a header and its entries (or why it was skipped)
    const maxDepth = !recurse ? 1 : depth > 0 ? depth + 1 : 0;
    const script = [
      "printf 'N\\t%s\\0' \"$(date +%s.%N)\"",
      ...paths.map((p) => {
        const w = `"$p"`;
        const findCmd = `find ${follow ? '-L' : '-H'} ${w} -mindepth 1${maxDepth ? ` -maxdepth ${maxDepth}` : ''} -printf '${FMT}'`;
        return `p=${argWord(p, true)}; printf '\\001%s\\0' "$p"; if [ -d ${w} ]; then ${findCmd} || printf 'E\\0'; else printf 'X\\0'; fi`;
      }),
    ].join('\n');
    const r = await ctx.run(script);
    const now = Number(/N\t([\d.]+)\0/.exec(r.stdout)?.[1] ?? Date.now() / 1000);
    const blocks = r.stdout.split('\x01').slice(1);
    const skipped: Record<string, string> = {};
    const warnings: string[] = [];
    const files: Record<string, unknown>[] = [];
    const wantContent: Entry[] = [];
    let looked = 0;
    for (const b of blocks) {
      const end = b.indexOf('\0');
      const root = b.slice(0, end);
      let rest = b.slice(end + 1);
      if (rest.startsWith('X\0')) {
        skipped[root] = `'${root}' is not a directory`;
        warnings.push(`Skipped '${root}' path due to this access issue: '${root}' is not a directory\n`);
        continue;
      }
      if (rest === 'E\0' || rest.endsWith('\0E\0')) {
        rest = rest.slice(0, -2);
        skipped[root] = r.stderr.trim().split('\n').slice(-3).join('; ') || 'find failed';
        warnings.push(`Skipped '${root}' path due to this access issue: ${skipped[root]}\n`);
      }
      const entries = walkOrder(root, parseEntries(rest), follow);
      looked += entries.length;
      for (const e of entries) {
        if (depth > 0 && recurse && e.depth > depth) continue;
        const base = e.path.slice(e.path.lastIndexOf('/') + 1);
        if (base.startsWith('.') && !hidden) continue;
        if (!nameFilter(base, patterns, excludes, useRegex)) continue;
        const stamp = e[ageStamp];
        if (age !== undefined && !(age >= 0 ? now - stamp >= Math.abs(age) : now - stamp <= Math.abs(age))) continue;
        const sizeOk = size === undefined || (size >= 0 ? e.size >= Math.abs(size) : e.size <= Math.abs(size));
        const one = { path: e.path, ...statInfo(e) };
        if (fileType === 'any') {
          if (e.type !== 'f' || sizeOk) files.push(one);
        } else if (fileType === 'directory' && e.type === 'd') files.push(one);
        else if (fileType === 'link' && e.type === 'l') files.push(one);
        else if (fileType === 'file' && e.type === 'f' && sizeOk) {
          files.push(one);
          if (contentRe) wantContent.push(e);
        }
      }
    }
    let list = files;
    if (contentRe) {
      const data = await readFiles(ctx, wantContent.map((e) => e.path));
      list = files.filter((f) => f.isreg !== true || contentMatches(data.get(f.path as string), contentRe, whole));
    }
    if (getChecksum) {
      const regs = list.filter((f) => f.isreg === true).map((f) => f.path as string);
      if (regs.length) {
        const c = await ctx.run(`for f in ${regs.map(shq).join(' ')}; do h=$(sha1sum < "$f" 2>/dev/null) && printf '%s\\t%s\\0' "\${h%% *}" "$f"; done`);
        const sums = new Map<string, string>();
        for (const rec of c.stdout.split('\0')) {
          const t = rec.indexOf('\t');
          if (t > 0) sums.set(rec.slice(t + 1), rec.slice(0, t));
        }
        for (const f of list) if (sums.has(f.path as string)) f.checksum = sums.get(f.path as string);
      }
    }
    const result: ModuleResult = {
      changed: false,
      files: list,
      msg: warnings.length ? 'Not all paths examined, check warnings for details' : 'All paths examined',
      matched: list.length,
      examined: looked,
      skipped_paths: skipped,
    };
    if (warnings.length) result.warnings = warnings;
    return result;
  },
};

/** os.path.normpath for the joined paths find prints (collapses // and /./). */
function normPath(p: string): string {
  return p.replace(/\/{2,}/g, '/').replace(/\/\.(?=\/)/g, '');
}
