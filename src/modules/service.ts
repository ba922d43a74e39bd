/**
 * ansible.builtin.service: on a host running systemd it is the systemd module; elsewhere the
 * `service` command (SysV) with update-rc.d for enabled.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { optStr, toBool } from './util/args.js';
import { BOOL, INT, STR, argsSchema, oneOfStr } from './util/schema.js';
import { runSystemd } from './systemd.js';

export const service: ModuleDef = {
  name: 'service',
  schema: argsSchema(
    {
      name: STR,
      state: oneOfStr('started', 'stopped', 'restarted', 'reloaded'),
      enabled: BOOL,
      sleep: INT,
      pattern: STR,
      arguments: STR,
      args: STR,
      runlevel: STR,
      use: STR,
      daemon_reload: BOOL,
    },
    ['name'],
  ),
  async run(args, ctx) {
    const name = optStr(args, 'name');
    if (!name) throw new KbsError('TASK', 'missing required argument: name');
    const state = optStr(args, 'state');
    const enabled = args.enabled === undefined || args.enabled === null ? undefined : toBool(args.enabled, false, 'enabled');
    const daemonReload = toBool(args.daemon_reload, false, 'daemon_reload');
    if (state === undefined && enabled === undefined && !daemonReload) throw new KbsError('TASK', 'Neither argument state nor enabled are set');
    const use = optStr(args, 'use') ?? 'auto';
    let systemd = use === 'systemd';
    if (use === 'auto') systemd = (await ctx.run('[ -d /run/systemd/system ]')).rc === 0;
    if (systemd) {
      return runSystemd({ name, state, enabled, daemonReload, daemonReexec: false, scope: 'system', noBlock: false, force: false }, ctx);
    }
    // Ansible's service action passes daemon_reload to the systemd module only; the SysV module refuses it
    if (args.daemon_reload !== undefined && args.daemon_reload !== null) throw new KbsError('TASK', 'Unsupported parameters for (service) module: daemon_reload', { hint: 'daemon_reload applies to systemd hosts only' });
    return sysv(ctx, name, state, enabled);
  },
};

/** SysV init: `service NAME status` for the state, update-rc.d for enabled. */
async function sysv(ctx: ModuleContext, name: string, state: string | undefined, enabled: boolean | undefined): Promise<ModuleResult> {
  const n = shq(name);
  const q = await ctx.run(`service ${n} status >/dev/null 2>&1; echo "$?"; ls /etc/rc[2345].d/S??${name.replace(/[^A-Za-z0-9_.@-]/g, '')} 2>/dev/null | wc -l`);
  const [rcLine, links] = q.stdout.trim().split('\n');
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
  if (!cmds.length) return result;
  result.changed = true;
  if (ctx.check) return result;
  const r = await ctx.run(cmds.join(' && '));
  if (r.rc !== 0) return { ...result, failed: true, msg: `Unable to change service ${name}: ${(r.stderr || r.stdout).trim()}` };
  return result;
}
