/**
 * community.general.modprobe: load or unload a kernel module, and (persistent) keep it loaded at
 * boot through /etc/modules-load.d/NAME.conf (+ /etc/modprobe.d/NAME.conf for params).
 * A module that is built into the kernel or whose capability is already there (/sys/module/NAME,
 * /proc/modules, modules.builtin, "overlay" in /proc/filesystems, /proc/sys/net/bridge for
 * br_netfilter) is reported ok without calling modprobe: containers often have no loadable modules.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { optStr } from './util/args.js';
import { stateDiff } from './util/diff.js';
import { STR, argsSchema, oneOfStr } from './util/schema.js';
import { remoteError, writeFile } from './util/remote.js';

const LOAD_DIR = '/etc/modules-load.d';
const OPTS_DIR = '/etc/modprobe.d';

/** One script: L (loaded by name), B (built in), C (capability present), persistence files. */
export function modprobeQuery(name: string): string {
  const n = shq(name);
  const u = shq(name.replace(/-/g, '_'));
  const lines = [
    `n=${n}; u=${u}`,
    `L=0; [ -d "/sys/module/$u" ] && L=1; grep -q "^$u " /proc/modules 2>/dev/null && L=1; echo "L\t$L"`,
    `B=0; grep -qE "/$u\\.ko(\\.[a-z]+)?$|/$n\\.ko(\\.[a-z]+)?$" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null && B=1; echo "B\t$B"`,
    `C=0; case "$u" in br_netfilter) [ -d /proc/sys/net/bridge ] && C=1;; overlay|*fs) grep -qw "$n" /proc/filesystems 2>/dev/null && C=1;; esac; echo "C\t$C"`,
    `P=0; grep -qsxE "[[:space:]]*$n[[:space:]]*" ${LOAD_DIR}/*.conf && P=1; echo "P\t$P"`,
    `printf 'F\\t'; cat ${LOAD_DIR}/$n.conf 2>/dev/null | tr '\\n' '\\001'; echo`,
    `printf 'O\\t'; grep -hsE "^[[:space:]]*options[[:space:]]+$n([[:space:]]|$)" ${OPTS_DIR}/*.conf | head -n 1; echo`,
  ];
  return lines.join('\n');
}

export const modprobe: ModuleDef = {
  name: 'modprobe',
  schema: argsSchema(
    {
      name: STR,
      state: oneOfStr('present', 'absent'),
      params: STR,
      persistent: oneOfStr('present', 'absent', 'disabled'),
    },
    ['name'],
  ),
  async run(args, ctx) {
    const name = optStr(args, 'name') ?? '';
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new KbsError('TASK', `invalid module name: ${JSON.stringify(name)}`);
    const state = optStr(args, 'state') ?? 'present';
    const params = (optStr(args, 'params') ?? '').trim();
    const persistent = optStr(args, 'persistent') ?? 'disabled';

    const q = await ctx.run(modprobeQuery(name));
    if (q.rc !== 0) throw remoteError(`cannot inspect kernel module ${name}`, q);
    const v: Record<string, string> = {};
    for (const line of q.stdout.split('\n')) {
      const t = line.indexOf('\t');
      if (t > 0) v[line.slice(0, t)] = line.slice(t + 1);
    }
    const loaded = v.L === '1';
    const builtin = v.B === '1';
    const capable = v.C === '1';
    const available = loaded || builtin || capable;

    const result: ModuleResult = { changed: false, name, params, state };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const diffs: DiffEntry[] = [];
    const cmds: string[] = [];
    const writes: { path: string; data: string }[] = [];

    if (state === 'present' && !available) {
      before.loaded = false;
      after.loaded = true;
      cmds.push(`modprobe ${shq(name)}${params ? ' ' + params.split(/\s+/).map(shq).join(' ') : ''}`);
    } else if (state === 'absent' && (loaded || builtin || capable)) {
      if (builtin || (!loaded && capable)) {
        return { ...result, failed: true, msg: `${name} is built into the kernel (or not a loadable module here) and cannot be removed` };
      }
      before.loaded = true;
      after.loaded = false;
      cmds.push(`modprobe -r ${shq(name)}`);
    }
    if (state === 'present' && available && !loaded) result.builtin = true;

    const loadFile = `${LOAD_DIR}/${name}.conf`;
    const optsFile = `${OPTS_DIR}/${name}.conf`;
    const curLoad = (v.F ?? '').replace(/\x01/g, '\n');
    const curOpts = (v.O ?? '').trim();
    if (persistent === 'present') {
      if (v.P !== '1') {
        writes.push({ path: loadFile, data: `${name}\n` });
        if (ctx.diff) diffs.push({ before_header: loadFile, after_header: loadFile, before: curLoad, after: `${name}\n` });
      }
      const wantOpts = params ? `options ${name} ${params}` : '';
      if (params && curOpts !== wantOpts) {
        writes.push({ path: optsFile, data: `${wantOpts}\n` });
        if (ctx.diff) diffs.push({ before_header: optsFile, after_header: optsFile, before: curOpts ? curOpts + '\n' : '', after: wantOpts + '\n' });
      }
    } else if (persistent === 'absent') {
      const n = name.replace(/[.[\]*^$\\/]/g, '\\$&');
      if (v.P === '1') {
        before.persistent = true;
        after.persistent = false;
        cmds.push(`sed -i -E 's/^([[:space:]]*${n}[[:space:]]*)$/#\\1/' ${LOAD_DIR}/*.conf`);
      }
      if (curOpts) {
        before.options = curOpts;
        after.options = null;
        cmds.push(`sed -i -E 's/^([[:space:]]*options[[:space:]]+${n}([[:space:]].*)?)$/#\\1/' ${OPTS_DIR}/*.conf`);
      }
    }
    if (Object.keys(after).length && ctx.diff) diffs.unshift(stateDiff({ name, ...before }, { name, ...after }));
    result.changed = cmds.length > 0 || writes.length > 0;
    if (diffs.length) result.diff = diffs;
    if (ctx.check || !result.changed) return result;

    for (const w of writes) await writeFile(ctx, { dest: w.path, mode: 0o644, mkdirs: true }, Buffer.from(w.data));
    if (cmds.length) {
      const r = await ctx.run(cmds.join(' && '));
      if (r.rc !== 0) return { ...result, failed: true, msg: `${cmds[0].startsWith('modprobe') ? 'Error while running modprobe' : 'cannot update persistence files'}: ${(r.stderr || r.stdout).trim()}`, rc: r.rc };
    }
    return result;
  },
};
