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
import { actionFailure, actionOutcome, actionScript, enabledOf, isDeactivating, isRunning, parseQuery, queryScript, systemctlCmd } from './sys/systemctl.js';
import { change, runPlannedArgs, type Change, type Plan, type Planner } from './util/change.js';

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

/** The unit's state read once (show + is-enabled), and the systemctl actions planned from it. */
export const systemdPlanner: Planner<SystemdArgs> = {
  args: { schema: args.schema, read: readSystemdArgs },
  probe: (a) => queryScript(a.name!, a.scope),
  probeError: (a) => `cannot query unit ${a.name}`,
  plan(a, out, { diff }) {
    const unit = a.name!;
    if (!out.includes('@@E')) throw new KbsError('TASK', `cannot query unit ${unit}`);
    const sc = systemctlCmd(a.scope);
    const q = parseQuery(out);
    const status = q.status;
    const found = status.LoadState !== undefined && status.LoadState !== 'not-found';
    const masked0 = status.LoadState === 'masked' || q.isEnabled === 'masked';
    if (status.LoadState === 'error' || status.LoadState === 'bad-setting') {
      const why = status.LoadError ? `: ${status.LoadError}` : '';
      return { result: { changed: false, failed: true, name: unit, status, msg: `Error loading unit file '${unit}' (${status.LoadState})${why}` }, changes: [] };
    }
    const result: ModuleResult = { changed: false, name: unit, status };
    const changes: Change[] = [];
    // as Ansible's fail_json after a mask: the mask is made, the failure reports changed false
    const missing = (): Plan => ({ result: { changed: false, failed: true, name: unit, msg: `Could not find the requested service ${unit}: host` }, changes, reportChanged: false });
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const act = (action: string) => {
      result.changed = true;
      const failed = { ...result };
      const blocking = a.noBlock && ['start', 'stop', 'restart', 'reload'].includes(action) ? ' --no-block' : '';
      changes.push({
        description: `${action} ${unit}`,
        command: actionScript(sc + blocking, action, unit),
        failWith: (r) => ({ ...failed, failed: true, msg: actionFailure(action, unit, actionOutcome(r)) }),
      });
    };

    /** masked / enabled: the action when the unit's value is not the one wanted */
    const toggle = (key: 'masked' | 'enabled', now: boolean, want: boolean, action: string) => {
      if (now === want) return;
      before[key] = now;
      after[key] = want;
      act(action);
    };
    if (a.masked !== undefined) {
      toggle('masked', masked0, a.masked, a.masked ? 'mask' : 'unmask');
      result.masked = a.masked;
    }
    if (a.enabled !== undefined) {
      if (!found && !masked0) return missing();
      result.enabled = enabledOf(q);
      toggle('enabled', enabledOf(q), a.enabled, a.enabled ? 'enable' : 'disable');
      result.enabled = a.enabled;
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
        act(action);
      }
    }
    if (diff && result.changed) result.diff = stateDiff({ name: unit, ...before }, { name: unit, ...after });
    return { result, changes };
  },
};

/** daemon-reload / daemon-reexec first (not in check mode), then the unit planned and changed. */
export async function runSystemd(a: SystemdArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const sc = systemctlCmd(a.scope);
  for (const [asked, what] of [
    [a.daemonReload, 'daemon-reload'],
    [a.daemonReexec, 'daemon-reexec'],
  ] as const) {
    const r = asked ? await change(ctx, what, `${sc} ${what}`, { keepFailure: true }) : undefined;
    if (r && r.rc !== 0) return { changed: false, failed: true, msg: `failure ${r.rc} during ${what}: ${r.stderr.trim()}` };
  }
  if (a.name === undefined) return { changed: false, name: null, status: {} };
  return runPlannedArgs(systemdPlanner, a, ctx);
}

export const SYSTEMD_SCHEMA = args.schema;

export const systemd: ModuleDef = {
  name: 'systemd',
  aliases: ['systemd_service'],
  schema: SYSTEMD_SCHEMA,
  run: (args, ctx) => runSystemd(readSystemdArgs(args), ctx),
};
