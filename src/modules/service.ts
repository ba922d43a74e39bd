/**
 * ansible.builtin.service: on a host running systemd it is the systemd module; elsewhere the
 * `service` command (SysV) with update-rc.d for enabled.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { runPlanned, type Planner } from './util/change.js';
import { OPT_BOOL, declareArgs } from './util/declare.js';
import { runSystemd } from './systemd.js';

const args = declareArgs({
  name: { type: 'str', required: true },
  state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
  enabled: OPT_BOOL,
  sleep: { type: 'int' },
  pattern: { type: 'str' },
  arguments: { type: 'str', aliases: ['args'] },
  runlevel: { type: 'str' },
  use: { type: 'str', default: 'auto' },
  daemon_reload: OPT_BOOL,
});
type Args = ReturnType<typeof args.read>;

/** SysV init: `service NAME status` for the state, the rc?.d start links for enabled; update-rc.d and `service` change them. */
export const sysvPlanner: Planner<Args> = {
  args,
  probe: (a) => `service ${shq(a.name)} status >/dev/null 2>&1; echo "$?"; ls /etc/rc[2345].d/S??${a.name.replace(/[^A-Za-z0-9_.@-]/g, '')} 2>/dev/null | wc -l`,
  probeError: (a) => `cannot read the state of service ${a.name}`,
  plan(a, out) {
    const { name, state, enabled } = a;
    const n = shq(name);
    const [rcLine, links] = out.trim().split('\n');
    const running = rcLine === '0';
    const isEnabled = Number(links) > 0;
    const result: ModuleResult = { changed: false, name };
    const cmds: string[] = [];
    if (enabled !== undefined) {
      result.enabled = enabled;
      if (enabled !== isEnabled) cmds.push(`update-rc.d ${n} ${enabled ? 'enable' : 'disable'}`);
    }
    if (state !== undefined) {
      result.state = state === 'stopped' ? 'stopped' : 'started';
      if (state === 'started' && !running) cmds.push(`service ${n} start`);
      else if (state === 'stopped' && running) cmds.push(`service ${n} stop`);
      else if (state === 'restarted') cmds.push(`service ${n} restart`);
      else if (state === 'reloaded') cmds.push(`service ${n} ${running ? 'reload' : 'start'}`);
    }
    if (!cmds.length) return { result, changes: [] };
    return {
      result,
      changes: [{ description: `change service ${name}`, command: cmds.join(' && '), fail: (r) => ({ failed: true, msg: `Unable to change service ${name}: ${(r.stderr || r.stdout).trim()}` }) }],
    };
  },
};

export const service: ModuleDef = {
  name: 'service',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const { name, state, enabled } = a;
    const daemonReload = a.daemon_reload ?? false;
    if (state === undefined && enabled === undefined && !daemonReload) throw new KbsError('TASK', 'Neither argument state nor enabled are set');
    let systemd = a.use === 'systemd';
    if (a.use === 'auto') systemd = (await ctx.run('[ -d /run/systemd/system ]')).rc === 0;
    if (systemd) {
      return runSystemd({ name, state, enabled, daemonReload, daemonReexec: false, scope: 'system', noBlock: false, force: false }, ctx);
    }
    // Ansible's service action passes daemon_reload to the systemd module only; the SysV module refuses it
    if (a.daemon_reload !== undefined) throw new KbsError('TASK', 'Unsupported parameters for (service) module: daemon_reload', { hint: 'daemon_reload applies to systemd hosts only' });
    return runPlanned(sysvPlanner, raw, ctx);
  },
};
