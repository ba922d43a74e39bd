/**
 * ansible.builtin.file: state file / directory / link / hard / absent / touch, with mode, owner,
 * group (recursively for directories). One probe round trip, then at most a few commands.
 */
import { expandPath } from './util/paths.js';
import { posix } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { planAttrs, type AttrWant } from './util/attrs.js';
import { change } from './util/change.js';
import { setAttributes } from './util/chattr.js';
import { FILE_ATTR_ARGS, SELINUX_ARGS, declareArgs } from './util/declare.js';
import { stateDiff } from './util/diff.js';
import { formatMode, resolveMode } from './util/mode.js';
import { chownSpec, probe, type FileInfo, type Probe } from './util/remote.js';
import { recurseAttrs } from './util/tree.js';
import { addPathInfo } from './util/pathinfo.js';

const STATES = ['absent', 'directory', 'file', 'hard', 'link', 'touch'] as const;
type State = (typeof STATES)[number];

const args = declareArgs({
  path: { type: 'str', required: true, aliases: ['dest', 'name'] },
  state: { type: 'str', choices: STATES },
  src: { type: 'str' },
  ...FILE_ATTR_ARGS,
  recurse: { type: 'bool' },
  force: { type: 'bool' },
  follow: { type: 'bool', default: true },
  access_time: { type: 'str' },
  access_time_format: { type: 'str', default: '%Y%m%d%H%M.%S' },
  modification_time: { type: 'str' },
  modification_time_format: { type: 'str', default: '%Y%m%d%H%M.%S' },
  attributes: { type: 'str', aliases: ['attr'] },
  ...SELINUX_ARGS,
});
type Args = ReturnType<typeof args.read>;

export const file: ModuleDef = {
  name: 'file',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const path = await expandPath(ctx, a.path);
    if (!path) throw new KbsError('TASK', 'missing required argument: path');
    const stateArg = a.state;
    const src = await expandPath(ctx, a.src);
    const { recurse, force, follow } = a;
    const want: AttrWant = a;
    if (want.mode?.kind === 'preserve') throw new KbsError('TASK', 'mode "preserve" is only valid for copy and template');
    const times = parseTimes(a, stateArg === 'touch');

    const srcAbs = src === undefined ? undefined : src.startsWith('/') ? src : posix.join(posix.dirname(path), src);
    const items = [
      { tag: 'l', path },
      { tag: 't', path, follow: true, sameAs: 'l' },
      ...(srcAbs !== undefined ? [{ tag: 's', path: srcAbs, follow: true }] : []),
    ];
    const prelude = [times.atime, times.mtime]
      .map((t, i) => (t && t !== 'now' && t !== 'preserve' ? `printf '${i ? 'MT' : 'AT'}\\t%s\\n' "$(date -d ${shq(t)} +%s)"` : ''))
      .filter(Boolean)
      .join('\n');
    const p = await probe(ctx, items, { prelude });
    const l = p.files.l;
    const prev = prevState(l);
    let state: State;
    if (stateArg) state = stateArg as State;
    else if (prev !== 'absent') state = prev === 'hard' ? 'file' : prev;
    else state = recurse ? 'directory' : 'file';
    if (src !== undefined && state !== 'link' && state !== 'hard') {
      throw new KbsError('TASK', `src option requires state to be 'link' or 'hard'`);
    }
    if (recurse && state !== 'directory') throw new KbsError('TASK', 'recurse option requires state to be directory');

    const f = new FileTask(ctx, p, path, prev, want, follow);
    const r = await dispatch(f, state, times, recurse, src, force);
    if (a.attributes !== undefined && state !== 'absent') {
      const c = await setAttributes(ctx, f.attrPath(), a.attributes);
      if (c.changed) r.changed = true;
      if (c.diff) r.diff = [...(r.diff === undefined ? [] : Array.isArray(r.diff) ? r.diff : [r.diff]), c.diff];
    }
    // a module that changed nothing on the host (a no-op, or check mode) left the path as probed
    // (through a followed link, the result names the target: what the probe found following it)
    const untouched = !r.changed || ctx.check;
    const seen = f.shownPath === undefined ? p.files.l : p.files.t;
    return addPathInfo(ctx, ansibleShape(state, r, path), untouched ? { info: seen, target: p.files.t } : undefined);
  },
};

function dispatch(f: FileTask, state: State, times: Times, recurse: boolean, src: string | undefined, force: boolean): Promise<ModuleResult> {
  switch (state) {
    case 'absent':
      return f.absent();
    case 'file':
      return f.file(times);
    case 'directory':
      return f.directory(recurse, times);
    case 'touch':
      return f.touch(times);
    case 'link':
      return f.link(src, force);
    case 'hard':
      return f.hard(src, force);
  }
}

/**
 * The keys Ansible's file module returns for each state (absent: path and state; file and
 * directory: path; touch: dest; link and hard: dest and src); the path's uid, gid, owner, group,
 * mode, state and size are then read from the host as the module leaves it (add_path_info).
 */
function ansibleShape(state: State, r: ModuleResult, path: string): ModuleResult {
  const out: ModuleResult = { ...r };
  for (const k of ['path', 'dest', 'src', 'state', 'mode', 'owner', 'group', 'uid', 'gid', 'size']) delete out[k];
  if (state === 'absent') Object.assign(out, { path, state: 'absent' });
  else if (state === 'file' || state === 'directory') out.path = typeof r.path === 'string' ? r.path : path;
  else if (state === 'touch') out.dest = path;
  else Object.assign(out, { dest: path, src: r.src });
  return out;
}

type Prev = 'absent' | 'file' | 'directory' | 'link' | 'hard';

function prevState(i: FileInfo): Prev {
  if (!i.exists) return 'absent';
  if (i.type === 'link') return 'link';
  if (i.type === 'directory') return 'directory';
  return i.nlink > 1 ? 'hard' : 'file';
}

interface Times {
  atime?: string; // 'now' | 'preserve' | a date for `date -d`
  mtime?: string;
}

/** access_time/modification_time: 'now', 'preserve' or a time in the default format %Y%m%d%H%M.%S */
function parseTimes(a: Args, touch: boolean): Times {
  const one = (k: 'access_time' | 'modification_time', fk: 'access_time_format' | 'modification_time_format'): string | undefined => {
    const v = a[k] ?? (touch ? 'now' : 'preserve');
    if (v === 'now' || v === 'preserve') return v;
    const fmt = a[fk];
    if (fmt !== '%Y%m%d%H%M.%S') throw new KbsError('TASK', `${fk} other than %Y%m%d%H%M.%S is not supported by kbs`);
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{2})$/.exec(v);
    if (!m) throw new KbsError('TASK', `${k} "${v}" does not match the format ${fmt}`);
    return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
  };
  return { atime: one('access_time', 'access_time_format'), mtime: one('modification_time', 'modification_time_format') };
}

class FileTask {
  constructor(
    readonly ctx: ModuleContext,
    readonly p: Probe,
    readonly path: string,
    readonly prev: Prev,
    readonly want: AttrWant,
    readonly follow: boolean,
  ) {}

  /** state file or directory through a followed link: Ansible reports the link's target (its realpath) */
  private shown?: string;

  private async exec(cmd: string, description: string): Promise<void> {
    await change(this.ctx, description, cmd);
  }

  private result(changed: boolean, state: string, before: Record<string, unknown>, after: Record<string, unknown>, extra: Record<string, unknown> = {}): ModuleResult {
    const path = this.shown ?? this.path;
    const r: ModuleResult = { changed, path, state, ...extra };
    if (this.ctx.diff) r.diff = stateDiff({ path, ...before }, { path, ...after });
    return r;
  }

  async absent(): Promise<ModuleResult> {
    if (this.prev === 'absent') return this.result(false, 'absent', {}, {});
    await this.exec(`rm -rf -- ${shq(this.path)}`, `remove ${this.path}`);
    return this.result(true, 'absent', { state: this.prev }, { state: 'absent' });
  }

  /** the path whose file attributes (chattr) are managed */
  attrPath(): string {
    return this.target().path;
  }

  /** the path the result names, when it is not the task's path (a followed link) */
  get shownPath(): string | undefined {
    return this.shown;
  }

  /** the path whose attributes are managed: the link's target when following a link */
  private target(): { path: string; info: FileInfo } {
    const l = this.p.files.l;
    if (l.type === 'link' && this.follow) return { path: l.lnkSource ?? this.path, info: this.p.files.t };
    return { path: this.path, info: l };
  }

  private timesCmd(path: string, t: Times, noDeref: boolean, info: FileInfo): { cmd: string; changed: boolean } {
    const parts: string[] = [];
    let changed = false;
    const h = noDeref ? '-h ' : '';
    for (const [flag, v, cur, key] of [
      ['-a', t.atime, info.atime, 'AT'],
      ['-m', t.mtime, info.mtime, 'MT'],
    ] as const) {
      if (!v || v === 'preserve') continue;
      if (v === 'now') {
        parts.push(`touch -c ${h}${flag} -- ${shq(path)}`);
        changed = true;
      } else {
        const epoch = Number(this.p.vals[key]);
        if (Math.floor(cur) !== epoch) {
          parts.push(`touch -c ${h}${flag} -d ${shq(v)} -- ${shq(path)}`);
          changed = true;
        }
      }
    }
    return { cmd: parts.join(' && '), changed };
  }

  async file(times: Times): Promise<ModuleResult> {
    const { path, info } = this.target();
    if (path !== this.path) this.shown = path;
    const kind = prevState(info);
    if (kind === 'absent') throw new KbsError('TASK', `file (${path}) is absent, cannot continue`, { hint: 'use state: touch to create an empty file' });
    if (kind !== 'file' && kind !== 'hard') throw new KbsError('TASK', `file (${path}) is ${kind}, cannot continue`);
    return this.attrsOnly(path, info, times, 'file');
  }

  private async attrsOnly(path: string, info: FileInfo, times: Times, state: string, extraCmd = '', extraChanged = false, before: Record<string, unknown> = {}, after: Record<string, unknown> = {}): Promise<ModuleResult> {
    const noDeref = info.type === 'link';
    const a = planAttrs(path, info, this.want, this.p.umask, noDeref);
    const t = this.timesCmd(path, times, noDeref, info);
    const cmd = [extraCmd, a.cmd, t.cmd].filter(Boolean).join(' && ');
    await this.exec(cmd, `set attributes of ${path}`);
    return this.result(extraChanged || a.changed || t.changed, state, { ...before, ...a.before }, { ...after, ...a.after }, {
      mode: formatMode(a.mode),
      owner: a.owner,
      group: a.group,
      uid: info.uid,
      gid: info.gid,
      size: info.size,
    });
  }

  async directory(recurse: boolean, times: Times): Promise<ModuleResult> {
    const { path, info } = this.target();
    if (path !== this.path) this.shown = path;
    if (info.exists && info.type !== 'directory') {
      throw new KbsError('TASK', `${this.path} already exists as a ${prevState(info)}`);
    }
    if (!info.exists) return this.mkdir(path, recurse);
    const res = await this.attrsOnly(path, info, times, 'directory');
    if (recurse) {
      const r = await recurseAttrs(this.ctx, path, this.want, this.p.umask);
      if (r.changed) res.changed = true;
    }
    return res;
  }

  /** create the folder and its missing parents; mode/owner/group apply to each one created */
  private async mkdir(path: string, recurse: boolean): Promise<ModuleResult> {
    const base = 0o777 & ~this.p.umask;
    const mode = this.want.mode ? resolveMode(this.want.mode, base, true, this.p.umask) : undefined;
    const chown = chownSpec(this.want.owner, this.want.group);
    const per = [chown ? `chown ${shq(chown)} -- "$c" || exit 1` : '', mode !== undefined ? `chmod ${mode.toString(8)} -- "$c" || exit 1` : '']
      .filter(Boolean)
      .join('; ');
    const cmd =
      `c=${shq(path)}; set --; while [ ! -e "$c" ] && [ ! -L "$c" ]; do set -- "$c" "$@"; c=$(dirname -- "$c"); done\n` +
      // a folder that another process made meanwhile is fine (as Ansible's EEXIST check)
      `for c in "$@"; do mkdir -- "$c" 2>/dev/null || { [ -d "$c" ] && continue; mkdir -- "$c"; exit 1; }; ${per}${per ? ';' : ''} done`;
    await this.exec(cmd, `create ${path}`);
    if (recurse && !this.ctx.check) await recurseAttrs(this.ctx, path, this.want, this.p.umask);
    return this.result(true, 'directory', { state: 'absent' }, { state: 'directory' }, {
      mode: formatMode(mode ?? base),
      owner: this.want.owner ?? this.p.user,
      group: this.want.group ?? this.p.group,
    });
  }

  async touch(times: Times): Promise<ModuleResult> {
    const l = this.p.files.l;
    if (!l.exists) {
      const base = 0o666 & ~this.p.umask;
      const mode = this.want.mode ? resolveMode(this.want.mode, base, false, this.p.umask) : base;
      const chown = chownSpec(this.want.owner, this.want.group);
      const cmd = [`touch -- ${shq(this.path)}`, chown ? `chown ${shq(chown)} -- ${shq(this.path)}` : '', this.want.mode ? `chmod ${mode.toString(8)} -- ${shq(this.path)}` : '']
        .filter(Boolean)
        .join(' && ');
      await this.exec(cmd, `create ${this.path}`);
      return this.result(true, 'file', { state: 'absent' }, { state: 'touch' }, {
        mode: formatMode(mode),
        owner: this.want.owner ?? this.p.user,
        group: this.want.group ?? this.p.group,
      });
    }
    const { path, info } = this.target();
    const state = prevState(info) === 'directory' ? 'directory' : prevState(info) === 'absent' ? 'link' : 'file';
    return this.attrsOnly(path, info, times, state, '', false, { state: this.prev }, { state: 'touch' });
  }

  async link(src: string | undefined, force: boolean): Promise<ModuleResult> {
    const l = this.p.files.l;
    if (src === undefined) {
      if (l.type !== 'link' || l.lnkTarget === undefined) throw new KbsError('TASK', 'src is required for creating new symlinks');
      // as Ansible: the link's present target is the src when the link is followed to something
      // that exists; otherwise there is no src (null) and the link stays as it is
      if (this.follow && this.p.files.t.exists) src = l.lnkTarget;
    }
    // without src: the link's present target, as probed by following the link
    const s = this.p.files.s ?? (src !== undefined && src === l.lnkTarget ? this.p.files.t : undefined);
    if (s && !s.exists && !force) {
      throw new KbsError('TASK', `src file does not exist, use "force=yes" if you really want to create the link: ${src}`);
    }
    let pre = '';
    if (this.prev === 'directory') {
      if (!force) throw new KbsError('TASK', `refusing to convert from directory to symlink for ${this.path}`);
      pre = `rmdir -- ${shq(this.path)} 2>/dev/null || { echo 'the directory ${this.path.replace(/'/g, '')} is not empty, refusing to convert it' >&2; exit 1; }; `;
    } else if ((this.prev === 'file' || this.prev === 'hard') && !force) {
      throw new KbsError('TASK', `refusing to convert from ${this.prev} to symlink for ${this.path}`, { hint: 'set force: true to replace it' });
    }
    const relink = this.prev !== 'link' || (src !== undefined && l.lnkTarget !== src);
    let cmd = '';
    if (relink && src !== undefined) {
      cmd = `${pre}t=$(dirname -- ${shq(this.path)})/.kbs-link.$$ && ln -s -- ${shq(src)} "$t" && mv -Tf -- "$t" ${shq(this.path)} || { rm -f -- "$t"; exit 1; }`;
    }
    // owner/group of the link itself; mode of its target (Linux has no link modes)
    const linkInfo: FileInfo = relink ? { ...l, exists: true, type: 'link', owner: this.p.user, group: this.p.group, uid: -1, gid: -1 } : l;
    const a = planAttrs(this.path, linkInfo, { owner: this.want.owner, group: this.want.group }, this.p.umask, true);
    const owner = this.want.owner ?? (relink ? undefined : a.owner);
    let modeCmd = '';
    const modeDiff: Record<string, unknown>[] = [{}, {}];
    if (this.want.mode && this.follow && s?.exists) {
      const m = resolveMode(this.want.mode, s.mode, s.type === 'directory', this.p.umask);
      if (m !== s.mode) {
        modeCmd = `chmod ${m.toString(8)} -- ${shq(this.path)}`;
        [modeDiff[0].mode, modeDiff[1].mode] = [formatMode(s.mode), formatMode(m)];
      }
    }
    const all = [cmd, a.cmd, modeCmd].filter(Boolean).join(' && ');
    await this.exec(all, `link ${this.path}`);
    const changed = relink || a.changed || modeCmd !== '';
    const before: Record<string, unknown> = { ...a.before, ...modeDiff[0] };
    const after: Record<string, unknown> = { ...a.after, ...modeDiff[1] };
    if (relink) {
      before.state = this.prev;
      after.state = 'link';
      if (l.lnkTarget !== undefined) before.src = l.lnkTarget;
      after.src = src;
    }
    const r = this.result(changed, 'link', before, after, { dest: this.path, src: src ?? null });
    if (owner) r.owner = owner;
    return r;
  }

  async hard(src: string | undefined, force: boolean): Promise<ModuleResult> {
    if (src === undefined) throw new KbsError('TASK', 'src is required for creating new hard links');
    const s = this.p.files.s;
    if (!s.exists) throw new KbsError('TASK', `src does not exist: ${src}`);
    if (s.type === 'directory') throw new KbsError('TASK', `cannot hard link a directory: ${src}`);
    const l = this.p.files.l;
    if (this.prev === 'directory') throw new KbsError('TASK', `refusing to convert from directory to hard link for ${this.path}`);
    const same = l.exists && l.type !== 'link' && l.inode === s.inode && l.dev === s.dev;
    if (!same && this.prev === 'file' && !force) {
      throw new KbsError('TASK', `Cannot link, file exists at destination: ${this.path}`, { hint: 'set force: true to replace it' });
    }
    const srcPath = src.startsWith('/') ? src : posix.join(posix.dirname(this.path), src);
    const cmd = same
      ? ''
      : `t=$(dirname -- ${shq(this.path)})/.kbs-link.$$ && ln -L -- ${shq(srcPath)} "$t" && mv -Tf -- "$t" ${shq(this.path)} || { rm -f -- "$t"; exit 1; }`;
    // after linking, the path shares the source's inode: its attributes are the source's
    const a = planAttrs(this.path, same ? l : s, this.want, this.p.umask);
    await this.exec([cmd, a.cmd].filter(Boolean).join(' && '), `link ${this.path}`);
    const before: Record<string, unknown> = { ...a.before };
    const after: Record<string, unknown> = { ...a.after };
    if (!same) [before.state, after.state, after.src] = [this.prev, 'hard', src];
    return this.result(!same || a.changed, 'hard', before, after, { dest: this.path, src, mode: formatMode(a.mode), owner: a.owner, group: a.group });
  }
}
