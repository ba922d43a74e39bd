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
import { probeFields, runPlanned, type Change, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { stateDiff } from './util/diff.js';

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

const args = declareArgs({
  name: { type: 'str', required: true },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  params: { type: 'str', default: '' },
  persistent: { type: 'str', choices: ['present', 'absent', 'disabled'], default: 'disabled' },
});

export const modprobePlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  probe(a) {
    if (!/^[A-Za-z0-9_-]+$/.test(a.name)) throw new KbsError('TASK', `invalid module name: ${JSON.stringify(a.name)}`);
    return modprobeQuery(a.name);
  },
  probeError: (a) => `cannot inspect kernel module ${a.name}`,
  plan(a, out, { diff }) {
    const { name, state } = a;
    const params = a.params.trim();
    const v = probeFields(out);
    const loaded = v.L === '1';
    const builtin = v.B === '1';
    const capable = v.C === '1';
    const available = loaded || builtin || capable;

    const result: ModuleResult = { changed: false, name, params, state };
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const diffs: DiffEntry[] = [];
    const cmds: string[] = [];
    const writes: Change[] = [];

    if (state === 'present' && !available) {
      before.loaded = false;
      after.loaded = true;
      cmds.push(`modprobe ${shq(name)}${params ? ' ' + params.split(/\s+/).map(shq).join(' ') : ''}`);
    } else if (state === 'absent' && (loaded || builtin || capable)) {
      if (builtin || (!loaded && capable)) {
        return { result: { ...result, failed: true, msg: `${name} is built into the kernel (or not a loadable module here) and cannot be removed` }, changes: [] };
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
    const write = (path: string, data: string): Change => ({ description: `write ${path}`, write: { path, data, mode: 0o644, mkdirs: true } });
    if (a.persistent === 'present') {
      if (v.P !== '1') {
        writes.push(write(loadFile, `${name}\n`));
        if (diff) diffs.push({ before_header: loadFile, after_header: loadFile, before: curLoad, after: `${name}\n` });
      }
      const wantOpts = params ? `options ${name} ${params}` : '';
      if (params && curOpts !== wantOpts) {
        writes.push(write(optsFile, `${wantOpts}\n`));
        if (diff) diffs.push({ before_header: optsFile, after_header: optsFile, before: curOpts ? curOpts + '\n' : '', after: wantOpts + '\n' });
      }
    } else if (a.persistent === 'absent') {
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
    if (Object.keys(after).length && diff) diffs.unshift(stateDiff({ name, ...before }, { name, ...after }));
    if (diffs.length) result.diff = diffs;
    const changes = [...writes];
    if (cmds.length) {
      const what = cmds[0].startsWith('modprobe') ? 'Error while running modprobe' : 'cannot update persistence files';
      changes.push({
        description: cmds[0].startsWith('modprobe') ? `${state === 'present' ? 'load' : 'unload'} ${name}` : `comment ${name} out of the persistence files`,
        command: cmds.join(' && '),
        fail: (r) => ({ failed: true, msg: `${what}: ${(r.stderr || r.stdout).trim()}`, rc: r.rc }),
      });
    }
    return { result, changes };
  },
};

export const modprobe: ModuleDef = {
  name: 'modprobe',
  schema: args.schema,
  run: (a, ctx) => runPlanned(modprobePlanner, a, ctx),
};
