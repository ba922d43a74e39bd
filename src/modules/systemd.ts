/**
 * ansible.builtin.systemd (systemd_service): start/stop/restart/reload, enable, mask, daemon-reload.
 * The unit is read with one exec (show + is-enabled); then only the needed systemctl calls run.
 * restarted/reloaded always report changed. A unit that fails to start fails the task with the
 * last lines of its journal.
 */
import { KbsError } from '../errors.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { OPT_BOOL, declareArgs } from './util/declare.js';
import { stateDiff } from './util/diff.js';
import {
  actionFailure,
  enabledOf,
  isDeactivating,
  isRunning,
  parseQuery,
  queryScript,
  runAction,
  systemctlCmd,
} from './sys/systemctl.js';
import { remoteError } from './util/remote.js';

export interface SystemdArgs {
  name?: string;
  state?: string;
  enabled?: boolean;
  masked?: boolean;
  daemonReload: boolean;
  daemonReexec: boolean;
  scope?: string;
  noBlock: boolean;
  force: boolean;
}

const STATES = ['started', 'stopped', 'restarted', 'reloaded'] as const;

const args = declareArgs(
  {
    name: { type: 'str', aliases: ['service', 'unit'] },
    state: { type: 'str', choices: STATES },
    enabled: OPT_BOOL,
    masked: OPT_BOOL,
    daemon_reload: { type: 'bool', aliases: ['daemon-reload'] },
    daemon_reexec: { type: 'bool', aliases: ['daemon-reexec'] },
    scope: { type: 'str', choices: ['system', 'user', 'global'], default: 'system' },
    no_block: { type: 'bool' },
    force: { type: 'bool' },
  },
  { requiredOneOf: [['name', 'daemon_reload', 'daemon_reexec']] },
);

export function readSystemdArgs(raw: Record<string, unknown>): SystemdArgs {
  const d = args.read(raw);
  const a: SystemdArgs = {
    name: d.name,
    state: d.state,
    enabled: d.enabled,
    masked: d.masked,
    daemonReload: d.daemon_reload,
    daemonReexec: d.daemon_reexec,
    scope: d.scope,
    noBlock: d.no_block,
    force: d.force,
  };
  if (a.scope === 'global' && a.state !== undefined) throw new KbsError('TASK', 'state cannot be used with scope=global');
  if (a.name === undefined && (a.state !== undefined || a.enabled !== undefined || a.masked !== undefined)) {
    throw new KbsError('TASK', 'missing required argument: name (state, enabled and masked need a unit)');
  }
  return a;
}

export async function runSystemd(a: SystemdArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const sc = systemctlCmd(a.scope);
  const pre: string[] = [];
  if (a.daemonReload && !ctx.check) pre.push(`${sc} daemon-reload || { echo "@@R\tdaemon-reload" >&2; exit 97; }`);
  if (a.daemonReexec && !ctx.check) pre.push(`${sc} daemon-reexec || { echo "@@R\tdaemon-reexec" >&2; exit 97; }`);
  if (a.name === undefined) {
    const r = await ctx.run(pre.join('\n') || 'true');
    if (r.rc !== 0) return { changed: false, failed: true, msg: `failure ${r.rc} during daemon-reload: ${r.stderr.replace(/@@R\t\S+\n?/, '').trim()}` };
    return { changed: false, name: null, status: {} };
  }
  const unit = a.name;
  const r = await ctx.run([...pre, queryScript(unit, a.scope)].join('\n'));
  if (r.rc === 97) {
    const what = /@@R\t(\S+)/.exec(r.stderr)?.[1] ?? 'daemon-reload';
    return { changed: false, failed: true, msg: `failure during ${what}: ${r.stderr.replace(/@@R\t\S+\n?/, '').trim()}` };
  }
  if (!r.stdout.includes('@@E')) throw remoteError(`cannot query unit ${unit}`, r);
  const q = parseQuery(r.stdout);
  const status = q.status;
  const found = status.LoadState !== undefined && status.LoadState !== 'not-found';
  const masked0 = status.LoadState === 'masked' || q.isEnabled === 'masked';
  if (status.LoadState === 'error' || status.LoadState === 'bad-setting') {
    const why = status.LoadError ? `: ${status.LoadError}` : '';
    return { changed: false, failed: true, name: unit, status, msg: `Error loading unit file '${unit}' (${status.LoadState})${why}` };
  }
  const missing = (): ModuleResult => ({ changed: false, failed: true, name: unit, msg: `Could not find the requested service ${unit}: host` });
  const result: ModuleResult = { changed: false, name: unit, status };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const act = async (action: string, doing = action): Promise<ModuleResult | undefined> => {
    result.changed = true;
    if (ctx.check) return undefined;
    const o = await runAction(ctx, sc + (a.noBlock && ['start', 'stop', 'restart', 'reload'].includes(action) ? ' --no-block' : ''), action, unit);
    if (o.rc === 0) return undefined;
    return { ...result, changed: result.changed, failed: true, msg: actionFailure(doing, unit, o) };
  };

  if (a.masked !== undefined) {
    if (masked0 !== a.masked) {
      before.masked = masked0;
      after.masked = a.masked;
      const f = await act(a.masked ? 'mask' : 'unmask');
      if (f) return f;
    }
    result.masked = a.masked;
  }
  if (a.enabled !== undefined) {
    if (!found && !masked0) return missing();
    const enabled = enabledOf(q);
    result.enabled = enabled;
    if (enabled !== a.enabled) {
      before.enabled = enabled;
      after.enabled = a.enabled;
      const f = await act(a.enabled ? 'enable' : 'disable');
      if (f) return f;
      result.enabled = a.enabled;
    }
  }
  if (a.state !== undefined) {
    if (!found) return missing();
    result.state = a.state;
    let action: string | undefined;
    if (a.state === 'started') {
      if (!isRunning(status)) action = 'start';
    } else if (a.state === 'stopped') {
      if (isRunning(status) || isDeactivating(status)) action = 'stop';
    } else {
      action = isRunning(status) ? a.state.slice(0, -2) : 'start';
      result.state = 'started';
    }
    if (action) {
      before.state = status.ActiveState;
      after.state = action === 'stop' ? 'inactive' : 'active';
      if (action === 'restart' || action === 'reload') after.state = `${status.ActiveState} (${action}ed)`;
      const f = await act(action);
      if (f) return f;
    }
  }
  if (ctx.diff && result.changed) result.diff = stateDiff({ name: unit, ...before }, { name: unit, ...after });
  return result;
}

export const SYSTEMD_SCHEMA = args.schema;

export const systemd: ModuleDef = {
  name: 'systemd',
  aliases: ['systemd_service'],
  schema: SYSTEMD_SCHEMA,
  run: (args, ctx) => runSystemd(readSystemdArgs(args), ctx),
};
