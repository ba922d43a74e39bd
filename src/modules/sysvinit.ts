/**
 * ansible.builtin.sysvinit: a SysV init script's start links (update-rc.d, else chkconfig) and
 * its running state (the script's start/stop, stop then start for a restart), as Ansible 2.14's
 * module does it: the state read from `service NAME status` (or the script's own status, or a ps
 * pattern) with its heuristics, and the result's `status` per operation with the command's rc and
 * output.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed, withLines } from './util/args.js';
import { change, probeFields } from './util/change.js';
import { OPT_BOOL, declareArgs } from './util/declare.js';
import { remoteError } from './util/remote.js';

const args = declareArgs(
  {
    name: { type: 'str', required: true, aliases: ['service'] },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: OPT_BOOL,
    sleep: { type: 'int', default: 1 },
    pattern: { type: 'str' },
    arguments: { type: 'str', aliases: ['args'] },
    runlevels: { type: 'list', elements: 'str' },
    daemonize: { type: 'bool', default: false },
  },
  { requiredOneOf: [['state', 'enabled']] },
);
export type SysvArgs = ReturnType<typeof args.read>;

/** get_sysv_script: a name, or the path of a script */
export const sysvScript = (name: string): string => (name.startsWith('/') ? name : `/etc/init.d/${name}`);

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** One script reading what the module decides with: the script, the tools, the start links, the running state. */
export function sysvProbe(a: SysvArgs): string {
  const n = `"$(printf %s ${shq(b64(a.name))} | base64 -d)"`;
  const lines = [
    `n=${n}; s=${shq(sysvScript(a.name))}`,
    `if [ -e "$s" ]; then echo "exists\t1"; else echo "exists\t0"; fi`,
    `for b in chkconfig update-rc.d insserv service; do for d in /sbin /usr/sbin /bin /usr/bin $(echo "$PATH" | tr : ' '); do if [ -x "$d/$b" ] && [ ! -d "$d/$b" ]; then printf 'bin_%s\\t%s\\n' "$b" "$d/$b"; break; fi; done; done`,
    // sysv_is_enabled: an S??NAME link in /etc/rcN.d (or /etc/init.d/rcN.d without /etc/rc0.d)
    `if [ -d /etc/rc0.d/ ]; then rc() { echo "/etc/rc$1.d"; }; else rc() { echo "/etc/init.d/rc$1.d"; }; fi`,
    `en() { for f in $(rc "$1")/S??"$n"; do [ -e "$f" ] && { echo 1; return; }; done; echo 0; }`,
    ...(a.runlevels.length ? a.runlevels.map((r) => `printf 'enabled_%s\\t%s\\n' ${shq(r)} "$(en ${shq(r)})"`) : [`printf 'enabled\\t%s\\n' "$(en '?')"`]),
  ];
  // get_ps: a line of `ps auxww` holding the text (kept out of any command line)
  const ps = (key: string, text: string) =>
    `p=$(printf %s ${shq(b64(text))} | base64 -d); ps auxww 2>/dev/null | { f=0; while IFS= read -r l; do case "$l" in *"$p"*) f=1; break;; esac; done; printf '${key}\\t%s\\n' "$f"; }`;
  if (a.pattern !== undefined) lines.push(ps('ps_pattern', a.pattern));
  else {
    lines.push(
      `t=$(mktemp -d) || exit 1`,
      `sv=""; for d in /sbin /usr/sbin /bin /usr/bin $(echo "$PATH" | tr : ' '); do if [ -x "$d/service" ]; then sv="$d/service"; break; fi; done`,
      `if [ -n "$sv" ]; then "$sv" "$n" status >"$t/o" 2>"$t/e" </dev/null; else "$s" status >"$t/o" 2>"$t/e" </dev/null; fi; printf 'status_rc\\t%s\\n' "$?"`,
      `printf 'status_out\\t%s\\n' "$(base64 -w0 <"$t/o")"; printf 'status_err\\t%s\\n' "$(base64 -w0 <"$t/e")"; rm -rf "$t"`,
      ps('ps_name', a.name),
    );
  }
  return lines.join('\n');
}

interface Probed {
  exists: boolean;
  bins: Record<string, string>;
  enabled: Record<string, boolean>;
  status?: { rc: number; out: string; err: string };
  psPattern?: boolean;
  psName?: boolean;
}

export function parseSysvProbe(out: string, a: SysvArgs): Probed {
  const f = probeFields(out);
  const un = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  const bins: Record<string, string> = {};
  for (const b of ['chkconfig', 'update-rc.d', 'insserv', 'service']) if (f[`bin_${b}`]) bins[b] = f[`bin_${b}`];
  const enabled: Record<string, boolean> = {};
  if (a.runlevels.length) for (const r of a.runlevels) enabled[r] = f[`enabled_${r}`] === '1';
  else enabled[''] = f.enabled === '1';
  return {
    exists: f.exists === '1',
    bins,
    enabled,
    status: f.status_rc === undefined ? undefined : { rc: Number(f.status_rc), out: un(f.status_out), err: un(f.status_err) },
    psPattern: f.ps_pattern === undefined ? undefined : f.ps_pattern === '1',
    psName: f.ps_name === undefined ? undefined : f.ps_name === '1',
  };
}

/** Is the service running, as the module's heuristics read it; and the warnings they give. */
export function sysvStarted(name: string, p: Probed): { started: boolean; warnings: string[] } {
  const warnings: string[] = [];
  let worked = false;
  let started = false;
  if (p.psPattern !== undefined) worked = started = p.psPattern;
  else if (p.status) {
    const { rc, out } = p.status;
    if (name === 'iptables' && out.includes('ACCEPT')) worked = started = true;
    if (!worked && (out.match(/\n/g) ?? []).length <= 1) {
      const clean = out.toLowerCase().split(name.toLowerCase()).join('');
      if (['stop', 'is dead ', 'dead but ', 'could not access pid file', 'inactive'].some((s) => clean.includes(s))) worked = true;
      else if (['run', 'start', 'active'].some((s) => clean.includes(s)) && !clean.includes('not ')) worked = started = true;
    }
    if (!worked && [1, 2, 3, 4, 69].includes(rc)) worked = true;
    if (!worked) {
      if (rc === 0) worked = started = true;
      else if (p.psName) {
        worked = started = true;
        warnings.push('Used ps output to match service name and determine it is up, this is very unreliable');
      }
    }
  }
  if (!worked) warnings.push('Unable to determine if service is up, assuming it is down');
  return { started, warnings };
}

/** the command that enables or disables the start links, or undefined without update-rc.d and chkconfig */
export function enableCommand(a: SysvArgs, enable: boolean, bins: Record<string, string>): string | undefined {
  const n = shq(a.name);
  const rl = a.runlevels;
  if (bins['update-rc.d']) return `${shq(bins['update-rc.d'])} ${n} ${rl.length ? `${enable ? 'enable' : 'disable'} ${rl.map(shq).join(' ')}` : enable ? 'defaults' : 'disable'}`;
  if (bins.chkconfig) return `${shq(bins.chkconfig)} ${rl.length ? `--level ${shq(rl.join(''))} ` : ''}${n} ${enable ? 'on' : 'off'}`;
  return undefined;
}

type Status = { changed: boolean; rc: number | null; stdout: string | null; stderr: string | null; runlevels?: string[] };
const blank = (): Status => ({ changed: false, rc: null, stdout: null, stderr: null });

export const sysvinit: ModuleDef = {
  name: 'sysvinit',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const q = await ctx.run(sysvProbe(a));
    if (q.rc !== 0) throw remoteError(`cannot read the state of service ${a.name}`, q);
    const p = parseSysvProbe(q.stdout, a);
    if (!p.exists) return failed(`Could not find the requested service ${a.name}: `);
    const script = sysvScript(a.name);
    const { started, warnings } = sysvStarted(a.name, p);
    const enabledStatus = blank();
    const stateKey = a.state ?? 'null';
    const stateStatus = blank();
    const result: ModuleResult = { name: a.name, changed: false, status: { enabled: enabledStatus, [stateKey]: stateStatus } };
    if (warnings.length) result.warnings = warnings;
    // the last command's output, as the module's rc/out/err: the status command's until another runs
    let last = { rc: p.status?.rc ?? 0, stdout: p.status?.out ?? '', stderr: p.status?.err ?? '' };
    const rl = a.runlevels;
    if (rl.length) enabledStatus.runlevels = rl;
    const differs = rl.length ? rl.some((r) => a.enabled !== p.enabled[r]) : a.enabled !== undefined && a.enabled !== p.enabled[''];
    if (differs) {
      result.changed = enabledStatus.changed = true;
      const cmd = enableCommand(a, !!a.enabled, p.bins);
      const r = cmd ? await change(ctx, `${a.enabled ? 'enable' : 'disable'} service ${a.name}`, cmd, { keepFailure: true }) : undefined;
      if (r) last = { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
      if (!ctx.check) {
        Object.assign(enabledStatus, { rc: last.rc, stdout: last.stdout, stderr: last.stderr });
        if (last.stderr.includes('illegal runlevel specified')) return { ...failed(`Illegal runlevel specified for enable operation on service ${a.name}`), ...result, failed: true };
      }
    }
    if (a.state === undefined) return result;
    const action = a.state.replace(/p?ed$/, '');
    const runme = async (doit: string): Promise<ModuleResult | undefined> => {
      const cmd = `${shq(script)} ${doit} ${a.arguments ?? ''}`;
      const r = await change(ctx, `${doit} service ${a.name}`, a.daemonize ? `setsid -w ${cmd} </dev/null` : cmd, { keepFailure: true });
      if (!r) return undefined;
      last = { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
      if (r.rc !== 0) {
        return withLines({ changed: false, failed: true, msg: `Failed to ${action} service: ${a.name}`, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
      }
      return undefined;
    };
    const todo = action === 'restart' ? ['stop', 'start'] : started !== (action === 'start') || started === (action === 'stop') ? [action] : [];
    if (!todo.length) return result;
    result.changed = stateStatus.changed = true;
    if (ctx.check) return result;
    for (const doit of todo) {
      const f = await runme(doit);
      if (f) return f;
      if (action === 'restart' && a.sleep) await sleep(a.sleep * 1000);
    }
    Object.assign(stateStatus, { rc: last.rc, stdout: last.stdout, stderr: last.stderr });
    return result;
  },
};
