/** mode/owner/group of one existing path: what differs, the diff, and the command that fixes it. */
import { shq } from '../../transport/shell.js';
import { optStr } from './args.js';
import { formatMode, parseMode, resolveMode, type ModeSpec } from './mode.js';
import { attrScript, chownSpec, groupMatches, ownerMatches, type FileInfo } from './remote.js';

export interface AttrWant {
  mode?: ModeSpec;
  owner?: string;
  group?: string;
  /** Linux file attributes (chattr), for the modules that take Ansible's `attributes` (saveText) */
  attributes?: string;
}

/** The FILE_ATTRS args (mode, owner, group) of a task. */
export function attrArgs(args: Record<string, unknown>): AttrWant {
  return { mode: parseMode(args.mode), owner: optStr(args, 'owner'), group: optStr(args, 'group') };
}

export interface AttrPlan {
  changed: boolean;
  /** mode after the change */
  mode: number;
  owner: string;
  group: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** sh command applying the change ('' when nothing to do) */
  cmd: string;
}

/** `noDeref`: the path is a symlink acted on itself (chown -h, no chmod). */
export function planAttrs(path: string, info: FileInfo, want: AttrWant, umask: number, noDeref = false): AttrPlan {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let mode = info.mode;
  let newMode: number | undefined;
  if (want.mode && !noDeref) {
    const m = resolveMode(want.mode, info.mode, info.type === 'directory', umask);
    if (m !== info.mode) {
      before.mode = formatMode(info.mode);
      after.mode = formatMode(m);
      newMode = m;
      mode = m;
    }
  }
  const ownerOk = ownerMatches(want.owner, info);
  const groupOk = groupMatches(want.group, info);
  if (!ownerOk) [before.owner, after.owner] = [info.owner, want.owner];
  if (!groupOk) [before.group, after.group] = [info.group, want.group];
  const chown = ownerOk && groupOk ? undefined : chownSpec(ownerOk ? undefined : want.owner, groupOk ? undefined : want.group);
  const cmd = attrScript(shq(path), newMode, chown, noDeref);
  return {
    changed: cmd !== '',
    mode,
    owner: ownerOk ? info.owner : want.owner!,
    group: groupOk ? info.group : want.group!,
    before,
    after,
    cmd,
  };
}
