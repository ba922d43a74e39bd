/**
 * ansible.posix.selinux: the SELinux mode and policy type in the config file (SELINUX=,
 * SELINUXTYPE= lines), the running mode (selinuxfs's `enforce`), and with update_kernel_param the
 * kernels' `selinux=0` argument (grubby), step by step as ansible.posix 1.5's module. What that
 * module asks libselinux is read from the host in one probe: enabled means a mounted selinuxfs
 * and an /etc/selinux/config; the running policy type is that file's last SELINUXTYPE= (default
 * "targeted"). No Python bindings are needed on the host (Ansible's module needs python3-selinux).
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { splitLines } from './util/args.js';
import { probeFields, probeSections, runPlanned, type Change, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({
  policy: { type: 'str' },
  state: { type: 'str', required: true, choices: ['enforcing', 'permissive', 'disabled'] },
  configfile: { type: 'str', default: '/etc/selinux/config', aliases: ['conf', 'file'] },
  update_kernel_param: { type: 'bool', default: false },
});
type Args = ReturnType<typeof args.read>;

/** Python's str.strip() */
const strip = (s: string) => s.replace(/^\s+|\s+$/g, '');

/** The value of the first line matching ^KEY=, as the module's getters (split('=')[1].strip()). */
export function configValue(lines: string[], key: 'SELINUX' | 'SELINUXTYPE'): string | null {
  for (const l of lines) if (l.startsWith(`${key}=`)) return strip(l.split('=')[1]);
  return null;
}

/** set_config_state / set_config_policy: every ^KEY= line replaced, or KEY=VALUE appended. */
export function setConfigValue(lines: string[], key: 'SELINUX' | 'SELINUXTYPE', value: string): string[] {
  let found = false;
  const out = lines.map((l) => {
    if (!l.startsWith(`${key}=`)) return l;
    found = true;
    return `${key}=${value}`;
  });
  if (!found) out.push(`${key}=${value}`);
  return out;
}

/** get_kernel_enabled from `grubby --info=ALL`: true, false, or null when the kernels disagree. */
export function kernelEnabled(info: string): boolean | null {
  let allEnabled = true;
  let allDisabled = true;
  for (const line of info.split('\n')) {
    const m = /^args="(.*)"$/.exec(line);
    if (!m) continue;
    if (m[1].split(' ').includes('selinux=0')) allEnabled = false;
    else allDisabled = false;
  }
  return allEnabled === allDisabled ? null : allEnabled;
}

const pyStr = (v: string | null) => (v === null ? 'None' : v);

export const selinuxPlanner: Planner<Args> = {
  args,
  probe: (a) => {
    const cf = shq(a.configfile);
    const lines = [
      `echo @@fields`,
      `mnt=$(awk '$3 == "selinuxfs" { print $2; exit }' /proc/mounts 2>/dev/null)`,
      `printf 'MNT\\t%s\\n' "$mnt"`,
      `if [ -n "$mnt" ] && [ -r "$mnt/enforce" ]; then printf 'ENFORCE\\t%s\\n' "$(cat "$mnt/enforce")"; fi`,
      `if [ -e /etc/selinux/config ]; then printf 'SYSCONF\\t1\\n'; printf 'RTYPE\\t%s\\n' "$(sed -n 's/^[[:space:]]*[Ss][Ee][Ll][Ii][Nn][Uu][Xx][Tt][Yy][Pp][Ee]=//p' /etc/selinux/config 2>/dev/null | tail -n 1 | sed 's/[[:space:][:cntrl:]]*$//')"; fi`,
      `if [ -f ${cf} ]; then printf 'CF\\t1\\n'; printf 'MODE\\t%s\\n' "$(stat -L -c %a ${cf})"; fi`,
    ];
    if (a.policy) lines.push(`if [ -e ${shq(`/etc/selinux/${a.policy}/policy`)} ]; then printf 'POLICYDIR\\t1\\n'; fi`);
    if (a.update_kernel_param) {
      lines.push(`g=$(command -v grubby 2>/dev/null); printf 'GRUBBY\\t%s\\n' "$g"`);
      lines.push(`if [ -n "$g" ]; then out=$("$g" --info=ALL 2>/dev/null); printf 'GRUBBYRC\\t%s\\n' "$?"; echo @@grubby; printf '%s\\n' "$out"; fi`);
    }
    lines.push(`if [ -f ${cf} ]; then echo @@config; cat ${cf}; fi`);
    return lines.join('\n');
  },
  probeError: () => 'cannot read the SELinux state',
  plan(a, out, { check }) {
    const sec = probeSections(out);
    const v = probeFields(sec.fields ?? '');
    const fail = (msg: string, extra: Record<string, unknown> = {}) => ({ result: { changed: false, failed: true, msg, ...extra } as ModuleResult, changes: [] });
    const runtimeEnabled = !!v.MNT && v.SYSCONF === '1';
    const runtimePolicy = v.RTYPE || 'targeted';
    let runtimeState = 'disabled';
    if (runtimeEnabled) runtimeState = strip(v.ENFORCE ?? '') === '1' ? 'enforcing' : 'permissive';
    if (v.CF !== '1') return fail(`Unable to find file ${a.configfile}`, { details: 'Please install SELinux-policy package, if this package is not installed previously.' });
    let lines = splitLines(sec.config ?? '');
    const configPolicy = configValue(lines, 'SELINUXTYPE');
    const configState = configValue(lines, 'SELINUX');
    let kernel: boolean | null = null;
    if (a.update_kernel_param) {
      if (!v.GRUBBY) {
        return fail("'grubby' command not found on host", {
          details: 'In order to update the kernel command lineenabled/disabled setting, the grubby packageneeds to be present on the system.',
        });
      }
      if (v.GRUBBYRC !== '0') return fail('unable to run grubby');
      kernel = kernelEnabled(sec.grubby ?? '');
    }
    let policy: string | null = a.policy || null;
    if (a.state !== 'disabled') {
      if (!policy) return fail("Policy is required if state is not 'disabled'");
    } else if (!policy) policy = configPolicy;

    const msgs: string[] = [];
    const warnings: string[] = [];
    const commands: Change[] = [];
    let changed = false;
    let reboot = false;
    let fileChanged = false;
    const checkOnly = { result: { changed: true }, changes: [] as Change[] };
    if (policy !== runtimePolicy) {
      // Ansible's module stops here in check mode with `changed` alone
      if (check) return checkOnly;
      msgs.push(`Running SELinux policy changed from '${runtimePolicy}' to '${pyStr(policy)}'`);
      changed = true;
    }
    if (policy !== configPolicy) {
      if (check) return checkOnly;
      if (v.POLICYDIR !== '1') return fail(`Policy ${pyStr(policy)} does not exist in /etc/selinux/`);
      lines = setConfigValue(lines, 'SELINUXTYPE', policy!);
      fileChanged = true;
      msgs.push(`SELinux policy configuration in '${a.configfile}' changed from '${pyStr(configPolicy)}' to '${pyStr(policy)}'`);
      changed = true;
    }
    const enforce = (value: 0 | 1): Change => ({
      description: `set the running SELinux mode to ${value ? 'enforcing' : 'permissive'}`,
      command: `printf ${value} > ${shq(`${v.MNT}/enforce`)}`,
    });
    if (a.state !== runtimeState) {
      if (runtimeEnabled) {
        if (a.state === 'disabled') {
          if (runtimeState !== 'permissive') {
            commands.push(enforce(0));
            warnings.push(`SELinux state temporarily changed from '${runtimeState}' to 'permissive'. State change will take effect next reboot.`);
            changed = true;
          } else warnings.push('SELinux state change will take effect next reboot');
          reboot = true;
        } else {
          commands.push(enforce(a.state === 'enforcing' ? 1 : 0));
          msgs.push(`SELinux state changed from '${runtimeState}' to '${a.state}'`);
          changed = true;
        }
      } else {
        warnings.push(`Reboot is required to set SELinux state to '${a.state}'`);
        reboot = true;
      }
    }
    if (a.state !== configState) {
      lines = setConfigValue(lines, 'SELINUX', a.state);
      fileChanged = true;
      msgs.push(`Config SELinux state changed from '${pyStr(configState)}' to '${a.state}'`);
      changed = true;
    }
    const wantKernel = a.state === 'enforcing' || a.state === 'permissive';
    if (a.update_kernel_param && kernel !== wantKernel) {
      commands.push({
        description: wantKernel ? 'remove selinux=0 from kernel config' : 'add selinux=0 to kernel config',
        command: `${shq(v.GRUBBY)} --update-kernel=ALL ${wantKernel ? '--remove-args' : '--args'} selinux=0`,
        fail: () => ({ failed: true, msg: wantKernel ? 'unable to remove selinux=0 from kernel config' : 'unable to add selinux=0 to kernel config' }),
      });
      const states = wantKernel ? ['disabled', 'enabled'] : ['enabled', 'disabled'];
      if (kernel === null) states[0] = '<inconsistent>';
      msgs.push(`Kernel SELinux state changed from '${states[0]}' to '${states[1]}'`);
      changed = true;
    }
    const changes: Change[] = [];
    if (fileChanged) {
      changes.push({
        description: `write ${a.configfile}`,
        write: { path: a.configfile, data: lines.map((l) => `${l}\n`).join(''), mode: parseInt(v.MODE || '644', 8) },
      });
    }
    changes.push(...commands);
    const result: ModuleResult = { changed, msg: msgs.join(', '), configfile: a.configfile, policy, state: a.state, reboot_required: reboot };
    if (warnings.length) result.warnings = warnings;
    return { result, changes };
  },
};

export const selinux: ModuleDef = {
  name: 'selinux',
  schema: args.schema,
  run: (a, ctx) => runPlanned(selinuxPlanner, a, ctx),
};
