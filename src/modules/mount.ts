/**
 * ansible.posix.mount: a mount point's line in fstab (added, changed, removed) and, for mounted /
 * unmounted / remounted / ephemeral / absent, the mount itself (mount, umount, mount -o remount),
 * as ansible.posix 1.5's module does on Linux. One exec reads fstab, /proc/self/mountinfo and
 * whether the path is a mount point; fstab is written atomically.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { change, changeFile } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { remoteError } from './util/remote.js';

const STATES = ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted', 'ephemeral'] as const;

/** Ansible's _escape_fstab: space, & and backslash as octal escapes. */
export const escapeFstab = (v: string) => v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');

export interface MountArgs {
  name: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
}

const FIELDS = ['src', 'name', 'fstype', 'opts', 'dump', 'passno'] as const;

/** _set_mount_save_old: fstab lines with the entry added or changed, and whether they changed. */
export function setMount(text: string, a: MountArgs): { lines: string[]; changed: boolean } {
  const e: Record<string, string | undefined> = { src: a.src && escapeFstab(a.src), name: escapeFstab(a.name), fstype: a.fstype && escapeFstab(a.fstype), opts: escapeFstab(a.opts), dump: a.dump, passno: a.passno };
  const out: string[] = [];
  let exists = false;
  let changed = false;
  for (let line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if (!line.endsWith('\n')) line += '\n';
    if (!line.trim() || line.trim().startsWith('#')) {
      out.push(line);
      continue;
    }
    const f = line.split(/\s+/).filter(Boolean);
    if (f.length < 4 || f.length > 6) {
      out.push(line);
      continue;
    }
    // a missing dump/passno is Python's 0 (an int): it never equals the string wanted
    const ld: Record<string, string | number> = { dump: 0, passno: 0 };
    f.forEach((v, i) => (ld[FIELDS[i]] = v));
    if (ld.name !== e.name || (a.src !== undefined && ld.name === 'none' && ld.fstype === 'swap' && ld.src !== a.src)) {
      out.push(line);
      continue;
    }
    exists = true;
    for (const t of ['src', 'fstype', 'opts', 'dump', 'passno'] as const) {
      if (ld[t] !== e[t]) {
        ld[t] = e[t] as string;
        changed = true;
      }
    }
    // as Ansible: once any line changed, every matching line after it is rewritten too
    out.push(changed ? `${ld.src} ${ld.name} ${ld.fstype} ${ld.opts} ${ld.dump} ${ld.passno}\n` : line);
  }
  if (!exists) {
    out.push(`${e.src} ${e.name} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`);
    changed = true;
  }
  return { lines: out, changed };
}

/** unset_mount: fstab lines without the entry (only full six-field lines are considered). */
export function unsetMount(text: string, a: Pick<MountArgs, 'name' | 'src'>): { lines: string[]; changed: boolean } {
  const name = escapeFstab(a.name);
  const out: string[] = [];
  let changed = false;
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const f = line.split(/\s+/).filter(Boolean);
    if (!line.trim() || line.trim().startsWith('#') || f.length !== 6) {
      out.push(line);
      continue;
    }
    if (f[1] !== name || (a.src !== undefined && f[1] === 'none' && f[2] === 'swap' && f[0] !== a.src)) {
      out.push(line);
      continue;
    }
    changed = true;
  }
  return { lines: out, changed };
}

/** get_linux_mounts: mount point → source (bind mounts: the source folder), from mountinfo. */
export function linuxMounts(mountinfo: string): Map<string, string> {
  const info = new Map<number, { parent: number; root: string; dst: string; src: string }>();
  for (const line of mountinfo.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    info.set(Number(f[0]), { parent: Number(f[1]), root: f[3], dst: f[4], src: f[f.length - 2] });
  }
  const out = new Map<string, string>();
  for (const m of info.values()) {
    let src = m.src;
    const p = info.get(m.parent);
    if (m.parent !== 1 && p) {
      let root = m.root;
      if (p.root.length > 1 && root.startsWith(`${p.root}/`)) root = root.slice(p.root.length);
      if (p.dst !== '/') root = `${p.dst}${root}`;
      src = root;
    }
    out.set(m.dst, src);
  }
  return out;
}

interface HostState {
  fstab: string;
  fstabExists: boolean;
  /** the fstab's mode (stat %a), 644 when it cannot be read */
  fstabMode: string;
  mounts: Map<string, string>;
  isMount: boolean;
  exists: boolean;
}

async function readState(ctx: ModuleContext, fstab: string | undefined, name: string): Promise<HostState> {
  const f = fstab && shq(fstab);
  const r = await ctx.run(
    [
      `n=${shq(name)}`,
      `if mountpoint -q -- "$n" 2>/dev/null; then echo M1; else echo M0; fi`,
      `if [ -e "$n" ]; then echo E1; else echo E0; fi`,
      f ? `[ -f ${f} ] && printf 'S%s\\n' "$(stat -c %a -- ${f} 2>/dev/null || echo 644)"` : '',
      "echo '@@mountinfo'; cat /proc/self/mountinfo 2>/dev/null",
      f ? `if [ -f ${f} ]; then echo '@@fstab'; cat -- ${f} || exit 1; fi` : '',
    ].join('\n'),
  );
  if (r.rc !== 0) throw remoteError(`cannot read ${fstab ?? 'the mounts'}`, r);
  const at = r.stdout.indexOf('@@mountinfo\n');
  const head = r.stdout.slice(0, at);
  const rest = r.stdout.slice(at + '@@mountinfo\n'.length);
  const fi = rest.indexOf('@@fstab\n');
  return {
    isMount: head.includes('M1'),
    exists: head.includes('E1'),
    fstabMode: /^S(\d+)$/m.exec(head)?.[1] ?? '644',
    mounts: linuxMounts(fi < 0 ? rest : rest.slice(0, fi)),
    fstab: fi < 0 ? '' : rest.slice(fi + '@@fstab\n'.length),
    fstabExists: fi >= 0,
  };
}

const args = declareArgs({
  path: { type: 'str', required: true, aliases: ['name'] },
  src: { type: 'str' },
  fstype: { type: 'str' },
  opts: { type: 'str' },
  dump: { type: 'str', default: '0' },
  passno: { type: 'str', default: '0' },
  fstab: { type: 'str' },
  boot: { type: 'bool', default: true },
  backup: { type: 'bool' },
  state: { type: 'str', required: true, choices: STATES },
});

export const mount: ModuleDef = {
  name: 'mount',
  schema: args.schema,
  async run(raw, ctx) {
    const d = args.read(raw);
    const { state, fstype, backup } = d;
    const name = await expandPath(ctx, d.path);
    const src = await expandPath(ctx, d.src);
    if (['mounted', 'present', 'ephemeral'].includes(state) && (src === undefined || fstype === undefined)) {
      return failed(`state is ${state} but all of the following are missing: ${[src === undefined ? 'src' : '', fstype === undefined ? 'fstype' : ''].filter(Boolean).join(', ')}`);
    }
    const fstab = d.fstab ?? '/etc/fstab';
    let opts = d.opts ?? (d.fstab === undefined ? 'rw' : 'defaults');
    const warnings: string[] = [];
    let boot = 'yes';
    const o = opts.split(',');
    if (o.includes('noauto')) warnings.push("Ignore the 'boot' due to 'opts' contains 'noauto'.");
    else if (!d.boot) {
      boot = 'no';
      if (o.includes('defaults')) warnings.push("Ignore the 'boot' due to 'opts' contains 'defaults'.");
      else opts = [...o, 'noauto'].join(',');
    }
    const a: MountArgs = { name, src, fstype, opts, dump: d.dump, passno: d.passno };
    const st = await readState(ctx, state === 'ephemeral' ? undefined : fstab, name);
    const result: ModuleResult = { changed: false, name, opts, dump: a.dump, passno: a.passno, fstab, boot, backup_file: '' };
    if (src !== undefined) result.src = src;
    if (fstype !== undefined) result.fstype = fstype;
    if (warnings.length) result.warnings = warnings;
    const fail = (msg: string) => ({ ...result, changed: false, failed: true, msg });
    const fstabT = (f: string) => (f !== '/etc/fstab' ? `-T ${shq(f)} ` : '');
    // every change goes through change(): in check mode nothing runs and each one counts as done
    const run = async (what: string, cmd: string) => {
      const r = await change(ctx, what, cmd, { keepFailure: true });
      return r ? { rc: r.rc, msg: r.stdout + r.stderr, stderr: r.stderr } : { rc: 0, msg: '', stderr: '' };
    };
    const doMount = () =>
      run(`mount ${name}`, state === 'ephemeral' ? `mount -t ${shq(fstype!)} ${opts !== 'defaults' ? `-o ${shq(opts)} ` : ''}${shq(src!)} ${shq(name)}` : `mount ${fstabT(fstab)}${shq(name)}`);
    const doUmount = () => run(`unmount ${name}`, `umount ${shq(name)}`);
    const doRemount = async () => {
      const ro = state === 'remounted' && opts !== 'defaults' ? `remount,${opts}` : 'remount';
      const eph = state === 'ephemeral' ? `-t ${shq(fstype!)} ${opts !== 'defaults' ? `-o ${shq(opts)} ` : ''}${shq(src!)} ` : '';
      const r = await run(`remount ${name}`, `mount -o ${shq(ro)} ${state === 'ephemeral' ? '' : fstabT(fstab)}${eph}${shq(name)}`);
      if (r.rc === 0) return r;
      if (state === 'remounted' && opts !== 'defaults') {
        return { rc: -1, msg: 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.' };
      }
      const u = await doUmount();
      return u.rc === 0 ? doMount() : u;
    };
    const mounted = (withSrc?: string) => st.isMount || (withSrc === undefined ? st.mounts.has(name) : st.mounts.get(name) === withSrc);
    const diffOf = (after: string) => (ctx.diff ? { before_header: fstab, after_header: fstab, before: st.fstab, after } : undefined);
    let fstabMode = st.fstabMode;
    const saveFstab = async (lines: string[]) => {
      if (backup && st.fstabExists) {
        const b = await change(ctx, `back up ${fstab}`, `b=${shq(fstab)}.$$.$(date +%Y-%m-%d@%H:%M:%S)~; cp -p -- ${shq(fstab)} "$b" && printf '%s' "$b"`, { keepFailure: true });
        if (b?.rc === 0) result.backup_file = b.stdout;
      }
      await changeFile(ctx, { dest: fstab, mode: parseInt(fstabMode, 8), mkdirs: true }, Buffer.from(lines.join(''), 'utf8'));
    };

    // as Ansible, a missing fstab is created first
    if (state !== 'ephemeral' && !st.fstabExists) {
      const t = await run(`create ${fstab}`, `f=${shq(fstab)}; mkdir -p -- "$(dirname -- "$f")" && touch -- "$f" && { stat -c %a -- "$f" 2>/dev/null || echo 644; }`);
      if (t.rc) return fail(`Failed to open ${fstab} due to ${t.stderr.trim()}`);
      fstabMode = t.msg.trim() || fstabMode;
    }
    if (state === 'absent_from_fstab' || state === 'absent') {
      const u = unsetMount(st.fstab, a);
      result.changed = u.changed;
      if (u.changed) {
        const d = diffOf(u.lines.join(''));
        if (d) result.diff = d;
        await saveFstab(u.lines);
        if (state === 'absent') {
          if (mounted()) {
            const r = await doUmount();
            if (r.rc) return fail(`Error unmounting ${name}: ${r.msg}`);
          }
          const rm = await run(`remove ${name}`, `[ ! -e ${shq(name)} ] || rmdir -- ${shq(name)}`);
          if (rm.rc) return fail(`Error rmdir ${name}: ${rm.stderr.trim()}`);
        }
      }
      return result;
    }
    if (state === 'unmounted') {
      if (mounted()) {
        const r = await doUmount();
        if (r.rc) return fail(`Error unmounting ${name}: ${r.msg}`);
        result.changed = true;
      }
      return result;
    }
    if (state === 'present') {
      const s = setMount(st.fstab, a);
      result.changed = s.changed;
      if (s.changed) {
        const d = diffOf(s.lines.join(''));
        if (d) result.diff = d;
        await saveFstab(s.lines);
      }
      return result;
    }
    if (state === 'remounted') {
      const r = await doRemount();
      if (r.rc) return fail(`Error remounting ${name}: ${r.msg}`);
      result.changed = true;
      return result;
    }
    // mounted / ephemeral
    let created = false;
    if (!st.exists) {
      const m = await change(ctx, `create ${name}`, `mkdir -p -- ${shq(name)}`, { keepFailure: true });
      if (m?.rc) return fail(`Error making dir ${name}: ${m.stderr.trim()}`);
      created = m !== undefined;
    }
    let changed = false;
    let lines: string[] | undefined;
    if (state !== 'ephemeral') {
      const s = setMount(st.fstab, a);
      changed = s.changed;
      if (s.changed) {
        lines = s.lines;
        const d = diffOf(s.lines.join(''));
        if (d) result.diff = d;
        await saveFstab(s.lines);
      }
    }
    let res = { rc: 0, msg: '' };
    if (mounted(src)) {
      if (changed) res = await doRemount();
      if (state === 'ephemeral') {
        if (st.mounts.get(name) === src || st.isMount) {
          changed = true;
          res = await doRemount();
        } else {
          return fail(
            'Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.',
          );
        }
      }
    } else {
      changed = true;
      res = await doMount();
    }
    if (res.rc) {
      if (lines !== undefined && state !== 'ephemeral') await changeFile(ctx, { dest: fstab, mode: 0o644 }, Buffer.from(st.fstab, 'utf8')).catch(() => undefined);
      if (created) await change(ctx, `remove ${name}`, `rmdir -- ${shq(name)}`, { keepFailure: true });
      return fail(`Error mounting ${name}: ${res.msg}`);
    }
    result.changed = changed;
    return result;
  },
};
