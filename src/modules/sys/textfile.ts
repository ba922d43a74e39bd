/**
 * Edit a text file on the host the way blockinfile / replace / sysctl do: one probe that reads the
 * file (following a symlink to its target, as Ansible's realpath), an edit done here, then one
 * atomic write (temp file in the same folder + rename) only when the content differs, and the
 * mode/owner/group args applied with Ansible's "ownership, perms or SE linux context changed"
 * (planned by the pure planSave, applied through the change seam).
 */
import { KbsError } from '../../errors.js';
import { shq } from '../../transport/shell.js';
import type { DiffEntry, ModuleContext, ModuleResult } from '../types.js';
import { checkValidate } from '../util/args.js';
import { planAttrs, type AttrWant } from '../util/attrs.js';
import { change, changeFile } from '../util/change.js';
import { withAttributes } from '../util/chattr.js';
import { FILE_ATTR_ARGS, type ArgSpec } from '../util/declare.js';
import { stateDiff } from '../util/diff.js';
import { expandPath } from '../util/paths.js';
import { chownSpec, probe, type FileInfo, type WriteSpec } from '../util/remote.js';

/** The arguments of lineinfile / blockinfile / replace: the file (`path` or an alias), backup, validate, mode/owner/group, attributes. */
export const TEXT_FILE_ARGS = {
  path: { type: 'str', required: true, aliases: ['dest', 'destfile', 'name'] },
  backup: { type: 'bool' },
  validate: { type: 'str' },
  ...FILE_ATTR_ARGS,
  attributes: { type: 'str', aliases: ['attr'] },
} as const satisfies Record<string, ArgSpec>;

/** The arguments of lineinfile and blockinfile: where a new line or block goes, and whether the file may be created. */
export const INSERT_ARGS = {
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  insertafter: { type: 'str' },
  insertbefore: { type: 'str' },
  create: { type: 'bool' },
} as const satisfies Record<string, ArgSpec>;

/** The file's path, expanded on the host; `validate` checked (it must hold %s). */
export async function textPath(ctx: ModuleContext, a: { path: string; validate?: string }): Promise<string> {
  checkValidate(a.validate);
  const path = await expandPath(ctx, a.path);
  if (!path) throw new KbsError('TASK', 'missing required argument: path');
  return path;
}

/** UTF-8 text as a latin1 "byte string" (Ansible edits these files as bytes), and back. */
export const toBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
export const fromBytes = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

export interface TextFile {
  /** path as given */
  path: string;
  /** the symlink-resolved path that is written */
  real: string;
  exists: boolean;
  info: FileInfo;
  content: Buffer;
  umask: number;
  user: string;
  group: string;
}

/** Read the file (a directory fails with Ansible's "Path ... is a directory !"). */
export async function readText(ctx: ModuleContext, path: string): Promise<TextFile> {
  const f = await probeText(ctx, path);
  if (f.exists && f.info.type === 'directory') throw new KbsError('TASK', `Path ${path} is a directory !`);
  return f;
}

/** Read the file; a directory is returned as it is (info.type 'directory', no content). */
export async function probeText(ctx: ModuleContext, path: string): Promise<TextFile> {
  const prelude = `d=${shq(path)}; [ -L "$d" ] && d=$(readlink -f -- "$d"); printf 'D\\t%s\\n' "$d"`;
  const p = await probe(ctx, [{ tag: 'f', expr: '"$d"', follow: true }], { prelude, content: { expr: '"$d"' } });
  const info = p.files.f;
  if (info.exists && info.type !== 'directory' && !info.readable) throw new KbsError('TASK', `cannot read ${path}`);
  return {
    path,
    real: p.vals.D ?? path,
    exists: info.exists,
    info,
    content: info.exists ? (p.content ?? Buffer.alloc(0)) : Buffer.alloc(0),
    umask: p.umask,
    user: p.user,
    group: p.group,
  };
}

export interface SaveOptions {
  /** the module's own result so far: changed and msg are updated, diff entries appended */
  result: ModuleResult;
  /** new content (undefined: leave the content alone) */
  after?: Buffer;
  attrs?: AttrWant;
  backup?: boolean;
  validate?: string;
  /** key of the backup file name in the result (Ansible: 'backup' or 'backup_file') */
  backupKey?: string;
}

/** What saving takes: the file write (the content differs) or the in-place chmod/chown command. */
export interface SavePlan {
  write?: WriteSpec;
  command?: string;
}

/**
 * The plan of saveText, a pure function of the file as read: `o.result` gets changed, msg (Ansible's
 * "ownership, perms or SE linux context changed") and, with `diff`, the file-attributes entry.
 */
export function planSave(f: TextFile, o: SaveOptions, diff: boolean): SavePlan {
  const r = o.result;
  const contentChanged = o.after !== undefined && (!f.exists || !o.after.equals(f.content));
  const want = o.attrs ?? {};
  const base: FileInfo = f.exists ? f.info : { ...f.info, exists: true, type: 'file', mode: 0o666 & ~f.umask, owner: f.user, group: f.group };
  const attrs = planAttrs(f.real, base, want, f.umask);
  const diffs: DiffEntry[] = r.diff === undefined ? [] : Array.isArray(r.diff) ? [...r.diff] : [r.diff];
  if (attrs.changed && (f.exists || contentChanged)) {
    r.msg = r.msg ? `${String(r.msg)} and ownership, perms or SE linux context changed` : 'ownership, perms or SE linux context changed';
    r.changed = true;
    if (diff) diffs.push(stateDiff({ path: f.path, ...attrs.before }, { path: f.path, ...attrs.after }, `${f.path} (file attributes)`));
  }
  if (contentChanged) r.changed = true;
  if (diffs.length) r.diff = diffs;
  if (!r.changed) return {};
  if (!contentChanged) return { command: attrs.cmd };
  const chown = f.exists ? chownSpec(want.owner ?? String(f.info.uid), want.group ?? String(f.info.gid)) : chownSpec(want.owner, want.group);
  return {
    write: {
      dest: f.real,
      mode: attrs.mode,
      chown,
      chownSoft: f.exists && !want.owner && !want.group,
      backup: (o.backup ?? false) && f.exists,
      validate: o.validate,
      mkdirs: !f.exists,
    },
  };
}

/**
 * Apply attrs (mode/owner/group) and write `after` when it differs from the file's content, as
 * planSave plans it; the write and the chmod/chown go through the change seam (nothing is changed
 * in check mode), then `attributes` (chattr).
 */
export async function saveText(ctx: ModuleContext, f: TextFile, o: SaveOptions): Promise<ModuleResult> {
  const p = planSave(f, o, ctx.diff);
  if (p.write) {
    const out = await changeFile(ctx, p.write, o.after);
    if (out?.backupFile) o.result[o.backupKey ?? 'backup_file'] = out.backupFile;
  } else if (p.command) await change(ctx, `set attributes of ${f.path}`, p.command);
  return withChattr(ctx, f, o.attrs ?? {}, o.result);
}

/** `attributes` (chattr) last, as Ansible's set_fs_attributes_if_different; on a file that is there or written */
async function withChattr(ctx: ModuleContext, f: TextFile, want: AttrWant, r: ModuleResult): Promise<ModuleResult> {
  if (!want.attributes || (!f.exists && !r.changed)) return r;
  return withAttributes(ctx, f.real, want.attributes, r);
}

/** A content diff entry with Ansible's "(content)" headers. */
export function textDiff(path: string, before: string, after: string, header = `${path} (content)`): DiffEntry {
  return { before_header: header, after_header: header, before, after };
}
