/**
 * Put bytes at a path on the host, the way copy and template do: one probe (exists, type,
 * sha256, mode, owner, group; the old content too under --diff), a pure plan (planPut), then one
 * atomic write (temp file in the dest folder, chmod/chown, validate, backup, mv) or an in-place
 * chmod/chown, both through the change seam (util/change.ts: nothing is changed in check mode).
 * The arguments these modules share are declared here (PUT_ARGS).
 */
import { withAttributes } from './chattr.js';
import { createHash } from 'node:crypto';
import { KbsError } from '../../errors.js';
import { shq } from '../../transport/shell.js';
import type { DiffEntry, ModuleContext, ModuleResult } from '../types.js';
import { checkValidate } from './args.js';
import { change, changeFile } from './change.js';
import { FILE_ATTR_ARGS, type ArgSpec } from './declare.js';
import { MAX_DIFF_BYTES, contentDiff, stateDiff } from './diff.js';
import { type ModeSpec, formatMode, resolveMode } from './mode.js';
import { attrScript, chownSpec, groupMatches, ownerMatches, probe, type Probe, type WriteOutcome, type WriteSpec } from './remote.js';
import { type PathInfo, parsePathInfoLine, pathInfoLine, pathInfoOf, withPathInfo } from './pathinfo.js';

export interface PutSpec {
  dest: string;
  /** the bytes to put, or a remote file (remote_src) with its sha256 */
  data?: Buffer;
  remote?: { path: string; sha256: string; sha1?: string; md5?: string };
  /**
   * the result as Ansible's copy module gives it (remote_src, assemble): checksum, md5sum and src
   * also when nothing changed; otherwise as the copy action: those only when it copied
   */
  moduleShape?: boolean;
  /** `src` of the result in the module shape when there is no remote source (assemble) */
  srcPath?: string;
  /** name used when dest is a folder (copy/template with src); undefined for content */
  basename?: string;
  mode?: ModeSpec;
  /** create missing parent folders (recursive copy; dest ending in /) */
  mkdirs?: boolean;
  /** the source's mode, for mode: preserve */
  srcMode?: number;
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  validate?: string;
  follow: boolean;
  /** --diff header of the new content (source path, or 'dynamically generated') */
  afterHeader: string;
  /** Linux file attributes (chattr), set after the content and mode, as Ansible's set_fs_attributes_if_different */
  attributes?: string;
}

/** The arguments copy, template and assemble put a file with: mode, owner, group, attributes, backup, validate, follow. */
export const PUT_ARGS = {
  ...FILE_ATTR_ARGS,
  attributes: { type: 'str', aliases: ['attr'] },
  backup: { type: 'bool' },
  validate: { type: 'str' },
  follow: { type: 'bool' },
} as const satisfies Record<string, ArgSpec>;

/** copy's and template's `force`: replace a file whose content differs (default yes). */
export const FORCE_ARG = { force: { type: 'bool', default: true } } as const satisfies Record<string, ArgSpec>;

type PutArgs = Pick<PutSpec, 'mode' | 'owner' | 'group' | 'attributes' | 'backup' | 'validate' | 'follow'> & { force?: boolean };

/** The PutSpec fields of the declared PUT_ARGS (and force, default yes). */
export function putArgs(a: PutArgs): PutArgs & { force: boolean } {
  return { mode: a.mode, owner: a.owner, group: a.group, attributes: a.attributes, backup: a.backup, force: a.force ?? true, validate: a.validate, follow: a.follow };
}

export async function putFile(ctx: ModuleContext, s: PutSpec): Promise<ModuleResult> {
  const seen = { leftAlone: false };
  const r = await putContent(ctx, s, seen);
  // attributes last, on the file written or kept (not on one force: no left alone)
  if (s.attributes === undefined || seen.leftAlone || r.failed || typeof r.dest !== 'string') return r;
  return withAttributes(ctx, r.dest, s.attributes, r);
}

async function putContent(ctx: ModuleContext, s: PutSpec, seen: { leftAlone: boolean }): Promise<ModuleResult> {
  checkValidate(s.validate);
  let dest = s.dest;
  let mkdirs = s.mkdirs ?? false;
  if (dest.endsWith('/')) {
    if (s.basename === undefined) throw new KbsError('TASK', 'can not use content with a dir as dest');
    dest = dest + s.basename;
    mkdirs = true;
  }
  const prelude = [
    `d=${shq(dest)}`,
    s.basename !== undefined ? `if [ -d "$d" ]; then d="$d/"${shq(s.basename)}; fi` : `[ -d "$d" ] && printf 'ISDIR\\t1\\n'`,
    s.follow ? `[ -L "$d" ] && d=$(readlink -f -- "$d")` : '',
    `printf 'D\\t%s\\n' "$d"`,
    `kbs_dirname "$d"; [ -d "$kbs_dir" ] && printf 'PD\\t1\\n'`,
  ]
    .filter(Boolean)
    .join('\n');
  const p = await probe(ctx, [{ tag: 'dest', expr: '"$d"', checksum: 'sha256' }], {
    prelude,
    content: ctx.diff && s.data ? { expr: '"$d"', max: MAX_DIFF_BYTES } : undefined,
  });
  const plan = planPut({ ...s, dest, mkdirs }, p, { diff: ctx.diff, check: ctx.check });
  seen.leftAlone = plan.leftAlone ?? false;
  if (plan.write) {
    const out = await changeFile(ctx, plan.write.spec, s.data);
    return out ? plan.write.done(out) : plan.result;
  }
  if (plan.attrs) {
    const r = await change(ctx, `set attributes of ${plan.attrs.path}`, plan.attrs.command);
    return r ? plan.attrs.done(parsePathInfoLine(r.stdout)) : plan.result;
  }
  return plan.result;
}

/** What putting the bytes at the probed dest takes: nothing, a write, or an in-place chmod/chown. */
export interface PutPlan {
  /** the result as it stands without a change (and in check mode) */
  result: ModuleResult;
  /** force: no and something is there: it is left alone (its attributes too) */
  leftAlone?: boolean;
  /** the content differs: the write, and the result from what the write reports */
  write?: { spec: WriteSpec; done(out: WriteOutcome): ModuleResult };
  /** only mode/owner/group differ: the command (it prints the path info), and the result from that */
  attrs?: { path: string; command: string; done(info: PathInfo | undefined): ModuleResult };
}

/**
 * The plan of putFile from its probe, a pure function: `s.dest` is the dest as given (a folder's
 * basename added), the probe says where it leads (D), whether its folder exists (PD), and what
 * is there. Refusals are thrown as the module's errors.
 */
export function planPut(s: PutSpec, p: Probe, o: { diff: boolean; check?: boolean }): PutPlan {
  if (p.vals.ISDIR) throw new KbsError('TASK', 'can not use content with a dir as dest');
  const dest = p.vals.D ?? s.dest;
  const mkdirs = s.mkdirs ?? false;
  const cur = p.files.dest;
  if (!p.vals.PD && !mkdirs) {
    // as Ansible's copy/template action in check mode: a file that would be new is a change
    // (`changed` alone), whether or not its folder exists (the module would refuse)
    if (o.check && !s.moduleShape) {
      const r: ModuleResult = { changed: true };
      if (o.diff && s.data) r.diff = [contentDiff(undefined, s.data, dest, s.afterHeader)];
      return { result: r };
    }
    throw new KbsError('TASK', `Destination directory ${dirname(dest)} does not exist`);
  }
  if (cur.exists && cur.type === 'directory') throw new KbsError('TASK', `${dest} is a directory`);

  const sha256 = s.remote ? s.remote.sha256 : createHash('sha256').update(s.data!).digest('hex');
  const sha1 = s.remote ? s.remote.sha1 : createHash('sha1').update(s.data!).digest('hex');
  const isFile = cur.exists && cur.type === 'file';
  if (cur.exists && !s.force) {
    // force: no and something is there: Ansible leaves it alone, attributes too (the copy action
    // skips the file; the copy module with remote_src exits with "file already exists")
    // (src: Ansible's is a temporary file on the controller for content; kbs has none: null)
    const src = s.remote?.path ?? s.srcPath ?? null;
    const result = s.moduleShape ? withPathInfo({ changed: false, msg: 'file already exists', src, dest }, pathInfoOf(cur)) : { changed: false, dest, src };
    return { result, leftAlone: true };
  }
  const contentChanged = !isFile ? !cur.exists || s.force : s.force && cur.checksum !== sha256;

  const base = cur.exists && cur.type === 'file' ? cur.mode : 0o666 & ~p.umask;
  const mode =
    s.mode === undefined ? base : s.mode.kind === 'preserve' ? (s.srcMode ?? base) & 0o7777 : resolveMode(s.mode, base, false, p.umask);
  const attrChanged = cur.exists && (mode !== cur.mode || !ownerMatches(s.owner, cur) || !groupMatches(s.group, cur));
  const changed = contentChanged || attrChanged;

  const diff: DiffEntry[] = [];
  if (o.diff && contentChanged) {
    if (s.data) diff.push(contentDiff(isFile ? p.content : undefined, s.data, dest, s.afterHeader, isFile ? cur.size : undefined));
    else diff.push({ before_header: dest, after_header: s.afterHeader, before: '', after: '(diff skipped: remote source)\n' });
  }
  if (o.diff && attrChanged) {
    const b: Record<string, unknown> = { path: dest };
    const a: Record<string, unknown> = { path: dest };
    if (mode !== cur.mode) [b.mode, a.mode] = [formatMode(cur.mode), formatMode(mode)];
    if (!ownerMatches(s.owner, cur)) [b.owner, a.owner] = [cur.owner, s.owner];
    if (!groupMatches(s.group, cur)) [b.group, a.group] = [cur.group, s.group];
    diff.push(stateDiff(b, a, `${dest} (file attributes)`));
  }

  const md5 = s.remote ? s.remote.md5 : createHash('md5').update(s.data!).digest('hex');
  const known = pathInfoOf(cur);
  // Ansible's copy module (remote_src, assemble) always returns these; the copy action only when it copied
  const full = (info: PathInfo | undefined, src: string | undefined): ModuleResult =>
    withPathInfo(clean({ changed, dest, checksum: sha1, md5sum: md5, src }), info);
  const withDiff = (r: ModuleResult) => {
    if (diff.length) r.diff = diff;
    return r;
  };
  // unchanged, the copy action hands the file to the file module: its path, plus dest and checksum
  const kept = (info: PathInfo | undefined) => withDiff(s.moduleShape ? full(info, s.remote?.path ?? s.srcPath) : withPathInfo({ changed, checksum: sha1, dest, path: dest }, info));

  if (contentChanged) {
    const explicit = chownSpec(s.owner, s.group);
    // an existing file keeps its owner and group unless told otherwise (as Ansible's atomic_move)
    const keep = cur.exists ? chownSpec(s.owner ?? String(cur.uid), s.group ?? String(cur.gid)) : explicit;
    const spec: WriteSpec = { dest, mode, chown: keep, chownSoft: cur.exists && !explicit, backup: s.backup, validate: s.validate, mkdirs, remoteSrc: s.remote?.path };
    const done = (out: WriteOutcome) => {
      const r = full(out.info, s.remote?.path ?? s.srcPath ?? out.tmp);
      if (out.backupFile) r.backup_file = out.backupFile;
      return withDiff(r);
    };
    return { result: withDiff(s.moduleShape ? full(known, s.remote?.path ?? s.srcPath) : { changed: true }), write: { spec, done } };
  }
  if (!attrChanged) return { result: kept(known) };
  const cmd = attrScript(shq(dest), mode !== cur.mode ? mode : undefined, chownSpec(s.owner, s.group));
  return { result: kept(known), attrs: { path: dest, command: `${cmd} || exit 1\n${pathInfoLine(shq(dest))}`, done: (info) => kept(info ?? known) } };
}

function clean(r: ModuleResult): ModuleResult {
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return r;
}

function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}
