/** mode/owner/group below a folder (file's recurse): one listing, then chmod/chown of what differs (chownChmodBelow, also unarchive's). */
import { shq } from '../../transport/shell.js';
import type { ModuleContext } from '../types.js';
import type { AttrWant } from './attrs.js';
import { resolveMode } from './mode.js';
import { change } from './change.js';
import { chownSpec, remoteError } from './remote.js';

interface Entry {
  type: string; // find's %y: f d l ...
  mode: number;
  owner: string;
  group: string;
  uid: number;
  gid: number;
  path: string;
}

/**
 * Links met inside the tree are not followed (their own owner/group is set with chown -h).
 * Returns how many entries were (or, in check mode, would be) changed; the changes go through the seam.
 */
export async function recurseAttrs(ctx: ModuleContext, root: string, want: AttrWant, umask: number): Promise<{ changed: boolean; count: number }> {
  if (!want.mode && want.owner === undefined && want.group === undefined) return { changed: false, count: 0 };
  const r = await ctx.run(`find ${shq(root)} -mindepth 1 -printf '%y\\t%m\\t%u\\t%g\\t%U\\t%G\\t%p\\0'`);
  if (r.rc !== 0) throw remoteError(`cannot list ${root}`, r);
  const entries: Entry[] = [];
  for (const rec of (r.stdoutBuf ?? Buffer.from(r.stdout)).toString('utf8').split('\0')) {
    if (!rec) continue;
    const f = rec.split('\t');
    entries.push({ type: f[0], mode: parseInt(f[1], 8), owner: f[2], group: f[3], uid: Number(f[4]), gid: Number(f[5]), path: f.slice(6).join('\t') });
  }
  const chmodList: string[] = [];
  const chownList: string[] = [];
  for (const e of entries) {
    if (want.mode && e.type !== 'l') {
      const m = resolveMode(want.mode, e.mode, e.type === 'd', umask);
      if (m !== e.mode) chmodList.push(e.path);
    }
    const ownerOk = want.owner === undefined || want.owner === e.owner || (/^\d+$/.test(want.owner) && Number(want.owner) === e.uid);
    const groupOk = want.group === undefined || want.group === e.group || (/^\d+$/.test(want.group) && Number(want.group) === e.gid);
    if (!ownerOk || !groupOk) {
      chownList.push(e.path);
      // chown clears setuid/setgid: set the mode again afterwards
      if (want.mode && e.type !== 'l' && !chmodList.includes(e.path)) chmodList.push(e.path);
    }
  }
  const count = new Set([...chmodList, ...chownList]).size;
  if (count === 0) return { changed: false, count };
  // octal: the same mode for all; symbolic: chmod applies it per entry as Ansible does
  const spec = want.mode?.kind === 'octal' ? want.mode.value.toString(8) : want.mode?.kind === 'symbolic' ? want.mode.spec : '';
  await chownChmodBelow(ctx, root, chownSpec(want.owner, want.group), chownList, spec && chmodList.length ? [[spec, chmodList]] : []);
  return { changed: true, count };
}

/**
 * chown (-h: links themselves) the paths below root to `owner`, then chmod each list of paths to
 * its mode, through the change seam (nothing runs in check mode); the paths go on stdin to xargs -0.
 * chown first: it clears setuid/setgid bits that chmod then sets.
 */
export async function chownChmodBelow(ctx: ModuleContext, root: string, owner: string | undefined, chowns: string[], chmods: [mode: string, paths: string[]][]): Promise<void> {
  const list = (paths: string[]) => ({ stdin: paths.join('\0') + '\0' });
  if (chowns.length && owner) await change(ctx, `chown below ${root}`, `xargs -0 chown -h ${shq(owner)} --`, list(chowns));
  for (const [mode, paths] of chmods) await change(ctx, `chmod below ${root}`, `xargs -0 chmod ${shq(mode)} --`, list(paths));
}
