/**
 * The `attributes` (alias `attr`) file argument: Linux file attributes read with `lsattr -d` and
 * set with `chattr`, compared as Ansible's set_attributes_if_different compares them (the flags
 * without dashes against the given letters; a leading `+` or `-` is chattr's operator, and `-`
 * always counts as a change).
 */
import { shq } from '../../transport/shell.js';
import type { DiffEntry, ModuleContext, ModuleResult } from '../types.js';
import { change } from './change.js';
import { stateDiff } from './diff.js';
import { remoteError } from './remote.js';

export interface ChattrResult {
  changed: boolean;
  diff?: DiffEntry;
}

/** Set `attributes` on `path` when they differ (through the change seam: check mode only reports). */
export async function setAttributes(ctx: ModuleContext, path: string, attributes: string): Promise<ChattrResult> {
  const p = shq(path);
  const r = await ctx.run(`if [ ! -e ${p} ] && [ ! -L ${p} ]; then echo '@@absent'; exit 0; fi; command -v chattr >/dev/null 2>&1 || { echo '@@nochattr'; exit 0; }; lsattr -d -- ${p} 2>/dev/null | cut -d' ' -f1`);
  const out = r.stdout.trim();
  // a file that does not exist yet (check mode) will be created: a change, as in Ansible
  if (out === '@@absent') return { changed: true };
  if (out === '@@nochattr') return { changed: false };
  const existing = out.replace(/-/g, '');
  let op = '=';
  let want = attributes;
  if (want.startsWith('+') || want.startsWith('-')) [op, want] = [want[0], want.slice(1)];
  if (existing === want && op !== '-') return { changed: false };
  const res: ChattrResult = { changed: true };
  if (ctx.diff) res.diff = stateDiff({ path, attributes: existing }, { path, attributes: `${op}${want}` }, `${path} (attributes)`);
  const c = await change(ctx, `set the attributes of ${path}`, `chattr ${shq(op + want)} -- ${p}`, { keepFailure: true });
  if (c && (c.rc !== 0 || c.stderr.trim())) throw remoteError(`chattr failed on ${path}`, c);
  return res;
}

/**
 * A module's result with `attributes` then set on `path` (Ansible's set_fs_attributes_if_different,
 * last after content and mode): changed when they were, the attributes' diff entry appended.
 */
export async function withAttributes(ctx: ModuleContext, path: string, attributes: string, r: ModuleResult): Promise<ModuleResult> {
  const c = await setAttributes(ctx, path, attributes);
  if (!c.changed) return r;
  const out: ModuleResult = { ...r, changed: true };
  if (c.diff) out.diff = [...(r.diff === undefined ? [] : Array.isArray(r.diff) ? r.diff : [r.diff]), c.diff];
  return out;
}
