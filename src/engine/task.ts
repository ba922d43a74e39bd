/**
 * One task on one host: conditions, loop, templated args, delegate_to, become, environment, the
 * module call with until/retries, changed_when/failed_when, register. Returns the host's outcome;
 * the play runner turns outcomes into stats, events and host state.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KbsError } from '../errors.js';
import type { TaskNode, Vars } from '../load/model.js';
import { getModule } from '../modules/registry.js';
import { libraryModuleDef } from '../modules/python/module.js';
import type { ModuleContext, ModuleResult } from '../modules/types.js';
import { isUndefinedError, removeOmit } from '../template/index.js';
import type { Connection, ConnectionSpec } from '../transport/types.js';
import { resolveTarget } from '../transport/resolve.js';
import { makeScope, markUnsafe, mergeLayers, rawOf } from '../vars/scope.js';
import { markAllUnsafeAt, markUnsafeAt, trackUnsafe } from '../template/unsafe.js';
import { setKey } from '../template/python.js';
import type { RunContext } from './context.js';
import type { ConnectionKeywords } from './connection-spec.js';
import type { HostStatus } from './events.js';
import { findFile } from './files.js';
import { hasLoop, itemLabel, itemVars, loopItems } from './loop.js';
import { defaultsFor, finalArgs } from './task-args.js';
import { remaining, runAsync, taskTimeout, withTimeout } from './task-time.js';
import { whenHolds, type Inherited } from './inherit.js';
import { makeFlow, taskSearchPath } from './flow.js';

export interface TaskRun {
  task: TaskNode;
  inh: Inherited;
  id: number;
  name: string;
  /** the task runs once for the batch (run_once): what it sets goes to every host of the batch */
  runOnce?: boolean;
}

export interface HostOutcome {
  status: HostStatus;
  result: ModuleResult;
  delegatedTo?: string;
  /** the delegate's address, when its connection goes elsewhere than its name (the views show it) */
  delegateAddress?: string;
  /** per-item outcomes of a loop */
  items?: { status: HostStatus; label: string; result: ModuleResult; delegatedTo?: string; delegateAddress?: string }[];
  noLog: boolean;
  /** the diff keyword turned diff mode on for this task (the views show its diff without --diff) */
  diff?: boolean;
}

/** ansible_search_path: the task's search path, then the play's folder (as Ansible shows it) */
function searchPathVar(ctx: RunContext, t: TaskRun): Vars {
  const path = taskSearchPath(t.task);
  const base = ctx.play?.baseDir ?? ctx.playbookDir;
  if (base && !path.includes(base)) path.push(base);
  return { ansible_search_path: path };
}

/** diff mode for the task: its diff keyword (task, block, play) when given, else --diff */
function taskDiff(ctx: RunContext, t: TaskRun, scope: Vars): boolean {
  const raw = t.task.kw.diff ?? t.inh.diff;
  return raw === undefined ? ctx.opts.diff : ctx.templater.condition(raw, scope);
}

export type ItemOutcome = NonNullable<HostOutcome['items']>[number];

/** The variables of the task on the host, with the connection variables of Ansible's PlayContext. */
function taskScope(ctx: RunContext, t: TaskRun, host: string): Vars {
  const scope = ctx.taskVars(host, t.task.role, t.inh, t.task.kw, searchPathVar(ctx, t));
  ctx.addConnectionVars(host, scope, () => connectionKeywords(t, ctx.templater, scope));
  return scope;
}

type Delegated = Pick<HostOutcome, 'delegatedTo' | 'delegateAddress'>;

/** where a delegated task went: the delegate, and its address when that is not its name (Ansible's `h1 -> h2(10.0.0.2)`) */
function delegated(ctx: RunContext, delegate: string | undefined, spec: ConnectionSpec | undefined, kw: ConnectionKeywords): Delegated {
  if (delegate === undefined) return {};
  let address = spec?.address;
  if (address === undefined) {
    try {
      address = ctx.taskSpec(delegate, undefined, kw).address;
    } catch {
      /* no spec: shown by name */
    }
  }
  return address === undefined || address === delegate ? { delegatedTo: delegate } : { delegatedTo: delegate, delegateAddress: address };
}

/**
 * With delegate_to, the connection variables the task sees are the delegate's (Ansible renders
 * delegate_to and makes the PlayContext before the task's `when`, per loop item). A delegate_to
 * that does not render leaves the host's: the task reports that error when it runs.
 */
function withDelegate(ctx: RunContext, t: TaskRun, scope: Vars): { scope: Vars; delegate?: string } {
  const raw = t.task.kw.delegate_to ?? t.inh.delegateTo;
  if (raw === undefined) return { scope };
  let delegate: string;
  let kw: ReturnType<typeof connectionKeywords>;
  try {
    delegate = String(ctx.templater.render(raw, scope, { pos: t.task.pos, task: t.name }));
    kw = connectionKeywords(t, ctx.templater, scope);
  } catch (e) {
    if (e instanceof KbsError) return { scope };
    throw e;
  }
  // the delegate rendered once: the task connects to the host whose variables it sees, even when
  // delegate_to picks one at random
  return { scope: ctx.delegatedScope(scope, delegate, kw), delegate };
}

/** the task's `remote_user`, `port` and `connection` keywords (its own or its blocks'), rendered */
function connectionKeywords(t: TaskRun, tpl: RunContext['templater'], scope: Vars): ConnectionKeywords & { connection?: string } {
  const where = { pos: t.task.pos, task: t.name };
  const remoteUserRaw = t.task.kw.remote_user ?? t.inh.remoteUser;
  const portRaw = t.task.kw.port ?? t.inh.port;
  const connRaw = t.task.kw.connection ?? t.inh.connection;
  return {
    remoteUser: remoteUserRaw === undefined ? undefined : String(tpl.render(remoteUserRaw, scope, where)),
    port: portRaw === undefined ? undefined : tpl.render(portRaw, scope, where),
    connection: connRaw === undefined ? undefined : String(tpl.render(connRaw, scope, where)),
  };
}

/** Run the task on one host; `onItem` hears each loop item's outcome as the item finishes. */
export async function runTaskOnHost(ctx: RunContext, t: TaskRun, host: string, onItem?: (item: ItemOutcome, noLog: boolean, diff: boolean) => void): Promise<HostOutcome> {
  const { task, inh } = t;
  const tpl = ctx.templater;
  const kw = task.kw;
  let noLog = false;
  let diff = false;
  try {
    let scope = taskScope(ctx, t, host);
    noLog = tpl.condition(kw.no_log ?? inh.noLog ?? false, scope);
    diff = taskDiff(ctx, t, scope);
    if (!hasLoop(kw)) {
      const d1 = withDelegate(ctx, t, scope);
      if (!whenHolds(ctx.templater, inh, kw, d1.scope, { pos: t.task.pos, task: t.name })) return skipped(kw.when, noLog);
      const r = await runOnce(ctx, t, host, d1.scope, d1.delegate);
      return { ...r, noLog, diff };
    }
    let items: unknown[];
    // items from unsafe data, and those of a with_<lookup> (with_items included) loop, as Ansible
    // wraps a loop lookup's results, are unsafe: the loop variable is never templated again
    let itemsUnsafe: boolean;
    try {
      const r = trackUnsafe(() => loopItems(tpl, kw, scope, { pos: task.pos, task: t.name, module: task.module }));
      items = r.value;
      itemsUnsafe = r.unsafe || kw.loop_with !== undefined || kw.with_items !== undefined;
    } catch (e) {
      // as Ansible's TaskExecutor: an undefined loop is an error only when the task's `when` holds
      if (!isUndefinedError(e)) throw e;
      let holds: boolean;
      try {
        holds = whenHolds(ctx.templater, inh, kw, scope, { pos: t.task.pos, task: t.name });
      } catch {
        throw e;
      }
      if (!holds) return skipped(kw.when, noLog);
      throw e;
    }
    const lc = kw.loop_control ?? {};
    const loopVar = lc.loop_var ?? 'item';
    const extended = lc.extended !== undefined && tpl.condition(lc.extended, scope);
    const allItems = lc.extended_allitems === undefined || tpl.condition(lc.extended_allitems, scope);
    const results: ModuleResult[] = [];
    const itemOutcomes: HostOutcome['items'] = [];
    // the registered name holds the item before's result while the loop runs (Ansible's task_vars)
    const registered: Vars = {};
    for (let i = 0; i < items.length; i++) {
      if (ctx.interrupted !== undefined) break;
      const extra = itemVars(items, i, lc, loopVar, extended, allItems);
      if (itemsUnsafe) markUnsafeAt(extra, loopVar, items[i]);
      const d = withDelegate(ctx, t, makeScope(mergeLayers([rawOf(scope), registered, extra]), { templater: tpl }));
      const itemScope = d.scope;
      let r: Delegated & { status: HostStatus; result: ModuleResult };
      const held = whenHolds(ctx.templater, inh, kw, itemScope, { pos: t.task.pos, task: t.name });
      if (!held) {
        r = skipped(kw.when, noLog);
      } else {
        r = await runOnce(ctx, t, host, itemScope, d.delegate);
        // facts an item set (set_fact, *_facts) are seen by the next item, as Ansible updates the loop's variables
        if (r.result.ansible_facts && (r.status === 'ok' || r.status === 'changed')) scope = taskScope(ctx, t, host);
      }
      const res: ModuleResult = { ...r.result, [loopVar]: items[i], ansible_loop_var: loopVar };
      if (lc.index_var) {
        res[lc.index_var] = i;
        res.ansible_index_var = lc.index_var;
      }
      if (extended) res.ansible_loop = extra.ansible_loop;
      if (kw.register && held) registered[kw.register] = markUnsafe(res);
      let label = itemLabel(items[i]);
      if (lc.label !== undefined) {
        // as Ansible: the label is rendered after the item ran, with the registered name holding its result
        try {
          label = String(tpl.render(lc.label, makeScope(mergeLayers([rawOf(scope), registered, extra]), { templater: tpl })));
        } catch (e) {
          if (!isUndefinedError(e)) throw e;
          Object.assign(res, { failed: true, msg: `Failed to template loop_control.label: ${(e as Error).message}` });
          r = { ...r, status: 'failed' };
        }
      }
      results.push(res);
      const outcome = { status: r.status, label, result: res, delegatedTo: r.delegatedTo, delegateAddress: r.delegateAddress };
      itemOutcomes.push(outcome);
      onItem?.(outcome, noLog, diff);
      if (r.status === 'unreachable') return { ...r, noLog, diff };
      if (lc.pause) await sleep(Number(lc.pause) * 1000, undefined, { signal: ctx.stopping.signal });
    }
    const anyFailed = results.some((r) => r.failed);
    const allSkipped = results.length > 0 && results.every((r) => r.skipped);
    const agg: ModuleResult = {
      changed: results.some((r) => r.changed),
      results,
      msg: anyFailed ? 'One or more items failed' : allSkipped ? 'All items skipped' : 'All items completed',
    };
    if (anyFailed) agg.failed = true;
    agg.skipped = allSkipped || results.length === 0;
    let status: HostStatus = anyFailed ? 'failed' : agg.skipped ? 'skipped' : agg.changed ? 'changed' : 'ok';
    if (status === 'failed' && tpl.condition(kw.ignore_errors ?? inh.ignoreErrors ?? false, scope)) status = 'ignored';
    return { status, result: agg, items: itemOutcomes, noLog, diff };
  } catch (e) {
    const out = errorOutcome(e, host, noLog);
    // as in Ansible, ignore_errors also covers a task that fails before its module runs
    // (an undefined variable in `when` or in the arguments)
    if (out.status === 'failed' && ignoresErrors(ctx, t, host)) out.status = 'ignored';
    return out;
  }
}

function ignoresErrors(ctx: RunContext, t: TaskRun, host: string): boolean {
  const raw = t.task.kw.ignore_errors ?? t.inh.ignoreErrors;
  if (raw === undefined) return false;
  try {
    return ctx.templater.condition(raw, ctx.taskVars(host, t.task.role, t.inh, t.task.kw));
  } catch {
    return false;
  }
}

function skipped(_when: unknown, noLog: boolean): HostOutcome {
  return {
    status: 'skipped',
    result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' },
    noLog,
  };
}

export function errorOutcome(e: unknown, host: string, noLog: boolean): HostOutcome {
  if (e instanceof KbsError && (e.code === 'UNREACHABLE' || e.code === 'HOST_KEY')) {
    const msg = e.hint ? `${e.message} (hint: ${e.hint})` : e.message;
    const result: HostOutcome['result'] = { changed: false, unreachable: true, msg };
    if (e.code === 'HOST_KEY') result.host_key_refused = true;
    return { status: 'unreachable', result, noLog };
  }
  if (e instanceof KbsError) {
    const where = e.where();
    const msg = `${where ? where + ': ' : ''}${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`;
    return { status: 'failed', result: { changed: false, failed: true, msg }, noLog };
  }
  return { status: 'failed', result: { changed: false, failed: true, msg: `internal error on ${host}: ${String(e)}` }, noLog };
}

async function runOnce(
  ctx: RunContext,
  t: TaskRun,
  host: string,
  scope: Vars,
  /** delegate_to as withDelegate rendered it (rendered here when it could not be there: the error is the task's) */
  delegateRendered?: string,
): Promise<Delegated & { status: HostStatus; result: ModuleResult }> {
  const { task, inh } = t;
  const tpl = ctx.templater;
  const kw = task.kw;
  const where = { pos: task.pos, task: t.name };
  const mod = task.library ? libraryModuleDef(task.module, task.library.file, task.library.utilsDirs, task.pos) : getModule(task.module);
  if (!mod) throw new KbsError('SCHEMA', `unknown module "${task.module}"`, { pos: task.pos });

  const defaults = [...(inh.moduleDefaults ?? []), ...(kw.module_defaults === undefined ? [] : [kw.module_defaults])];
  // set_fact: which values come from unsafe data (each argument rendered on its own, as Ansible
  // templates each); they stay unsafe as facts (src/template/unsafe.ts)
  const unsafeArgs = task.module === 'set_fact' ? new Set<string>() : undefined;
  const rendered = unsafeArgs ? renderEach(task.args, unsafeArgs, (v) => tpl.render(v, scope, where), (k) => (tpl.isTemplate(k) ? tpl.renderString(k, scope, where) : k)) : tpl.render(task.args, scope, where);
  const args = finalArgs(mod, removeOmit(rendered) as Vars, defaults, tpl, scope, where); // omit: drop `x | default(omit)` args
  const delegateRaw = kw.delegate_to ?? inh.delegateTo;
  const delegate = delegateRaw === undefined ? undefined : (delegateRendered ?? String(tpl.render(delegateRaw, scope, where)));
  const target = delegate ?? host;
  // the connection as Ansible's PlayContext makes it per task: the task's variables (the delegate's
  // own for delegate_to), with the remote_user and port keywords as defaults
  const connKw = connectionKeywords(t, tpl, scope);
  const spec = mod.local ? undefined : ctx.taskSpec(target, delegate === undefined ? scope : undefined, connKw);
  // as Ansible's PlayContext: the ansible_become / ansible_become_user variables (inventory, play,
  // task or extra vars) win over the become keywords; with delegate_to the delegate's own (spec)
  const varBecome = delegate === undefined ? scope.ansible_become : undefined;
  const varBecomeUser = delegate === undefined ? scope.ansible_become_user : undefined;
  const becomeRaw = varBecome ?? kw.become ?? inh.become ?? ctx.play?.become;
  const become = becomeRaw === undefined ? (spec?.become ?? false) : tpl.condition(becomeRaw, scope, where);
  const becomeUserRaw = varBecomeUser ?? kw.become_user ?? inh.becomeUser ?? ctx.play?.becomeUser;
  const becomeUser = becomeUserRaw === undefined || becomeUserRaw === null ? spec?.becomeUser : String(tpl.render(becomeUserRaw, scope, where));
  // become_flags / become_exe: the variables (not for delegated tasks), the keywords, ansible.cfg
  const sudoVar = (...names: string[]) => (delegate === undefined ? names.map((n) => scope[n]).find((x) => x !== undefined && x !== null) : undefined);
  const sudoOpt = (v: unknown) => (v === undefined || v === null ? undefined : String(tpl.render(v, scope, where)));
  const becomeFlags = sudoOpt(sudoVar('ansible_become_flags', 'ansible_sudo_flags') ?? kw.become_flags ?? inh.becomeFlags) ?? ctx.opts.becomeFlags;
  const becomeExe = sudoOpt(sudoVar('ansible_become_exe', 'ansible_sudo_exe') ?? kw.become_exe ?? inh.becomeExe) ?? ctx.opts.becomeExe;
  const env: Record<string, string> = {};
  for (const e of [ctx.play?.environment, ...inh.environment, kw.environment]) {
    if (e === undefined || e === null) continue;
    const r = tpl.render(e, scope, where);
    if (r && typeof r === 'object') for (const [k, v] of Object.entries(r as Vars)) env[k] = String(v);
  }
  const checkRaw = kw.check_mode ?? inh.checkMode;
  const check = checkRaw === undefined ? ctx.opts.check : tpl.condition(checkRaw, scope, where);
  if (check && mod.noCheckMode) {
    const result = mod.checkModeResult ?? { changed: false, failed: false, skipped: true, msg: `remote module (${mod.name}) does not support check mode` };
    return { status: 'skipped', result: { ...result }, ...delegated(ctx, delegate, spec, connKw) };
  }
  // `connection: local` runs on the workstation, unless the host's ansible_connection says otherwise (as in Ansible)
  const local = connKw.connection === 'local' && (delegate !== undefined || ctx.userVar(scope, 'ansible_connection') === undefined);
  const conn: Connection = ctx.lazyConnection(target, local, spec);
  const facts = delegate !== undefined && (kw.delegate_facts ?? inh.delegateFacts) !== undefined && tpl.condition(kw.delegate_facts ?? inh.delegateFacts, scope, where);
  const state = ctx.host(facts ? (delegate as string) : host);
  const limit = taskTimeout(kw.timeout ?? inh.timeout, tpl, scope, where);
  const asyncSec = kw.async === undefined ? 0 : Number(tpl.render(kw.async, scope, where));
  const poll = kw.poll === undefined ? 15 : Number(tpl.render(kw.poll, scope, where));
  let deadline = Infinity;
  const mctx: ModuleContext = {
    host,
    conn,
    check,
    diff: taskDiff(ctx, t, scope),
    vars: scope,
    verbosity: ctx.opts.verbosity,
    noLog: tpl.condition(kw.no_log ?? inh.noLog ?? false, scope),
    run: (cmd, o) => conn.exec(cmd, { ...o, ...remaining(o?.timeoutMs, deadline), become, becomeUser, becomeFlags, becomeExe, env: { ...env, ...(o?.env ?? {}) } }),
    // what a probe learnt (umask, groups) holds for one login user and one become user
    memo: ctx.memo(target, `${spec?.user ?? ''}>${become ? (becomeUser ?? 'root') : ''}`),
    render: (src, extra, syntax) =>
      tpl.renderString(src, extra ? makeScope(mergeLayers([rawOf(scope), extra]), { templater: tpl }) : scope, where, syntax),
    condition: (e) => tpl.conditional(e, scope, where),
    // debug's var: Ansible templates `{{ var }}` (a number from an expression is text, as in Ansible)
    evaluate: (e) => tpl.render(tpl.isTemplate(e) ? e : `{{ ${e} }}`, scope, where),
    findFile: (kind, src) => findFile(kind, src, { role: task.role, taskFile: task.pos.file, playbookDir: ctx.playbookDir, pos: task.pos }),
    moduleDefaults: (name) => (defaults.length ? defaultsFor(name, defaults.map((x) => tpl.render(x, scope, where))) : {}),
    become: become ? { user: becomeUser ?? 'root' } : undefined,
    sshTarget: () => (spec && spec.type === 'ssh' && !local ? resolveTarget(spec, ctx.opts.transport) : undefined),
    reconnect: async () => {
      ctx.forgetMemos(target);
      await ctx.pool.reset?.(target);
    },
    // meta is carried out by the play runner (it acts on the play, not on a host)
    meta: () => undefined,
    flow: mod.local ? makeFlow(ctx, task, host) : undefined,
    setFacts: (facts, _cacheable, unsafe) => {
      if (task.module === 'setup') state.addFacts(facts);
      else if (task.module.endsWith('_facts') || mod.hostFacts || mod.source) {
        // package_facts, service_facts: ansible_facts.packages and, as Ansible injects them, `packages`
        state.addFacts(facts);
        Object.assign(state.setFacts, facts);
        markAllUnsafeAt(state.setFacts, facts); // a module's result, unsafe as in Ansible
      } else Object.assign(state.setFacts, facts);
      for (const k of unsafe ?? []) if (Object.prototype.hasOwnProperty.call(facts, k)) markUnsafeAt(state.setFacts, k, facts[k]);
      ctx.invalidate();
    },
    unsafeArgs,
  };

  const until = kw.until;
  let attempts = 1;
  let delay = 0;
  if (until !== undefined) {
    const r = kw.retries === undefined ? 3 : Number(tpl.render(kw.retries, scope, where));
    attempts = r <= 0 ? 1 : r + 1;
    delay = kw.delay === undefined ? 5 : Number(tpl.render(kw.delay, scope, where));
  }
  let result: ModuleResult = { changed: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (limit !== undefined) deadline = Date.now() + limit * 1000;
    if (asyncSec > 0 && mod.local) result = { changed: false, failed: true, msg: 'async is not supported for this task.' };
    else if (asyncSec > 0) {
      deadline = Math.min(deadline, Date.now() + asyncSec * 1000);
      result = await runAsync(withTimeout(callModule(mod.run.bind(mod), args, mctx), limit, task.module), asyncSec, poll, host);
    } else result = await withTimeout(callModule(mod.run.bind(mod), args, mctx), limit, task.module);
    // as Ansible's TaskExecutor: `failed` and `changed` are always there once the module ran
    if (result.failed === undefined) result.failed = false;
    if (result.changed === undefined) result.changed = false;
    // as Ansible 2.14: attempts is there for changed_when/failed_when already
    if (until !== undefined) result.attempts = attempt;
    result = postProcess(ctx, t, result, scope);
    // retries: 0 (one attempt) never evaluates until
    if (until === undefined || attempts <= 1) break;
    const bound = bindRegister(kw.register, result, scope, ctx);
    if (tpl.conditional(until, bound, where)) break;
    if (attempt === attempts) {
      // out of attempts: Ansible 2.14 reports one less than it made (retries), and fails
      result.attempts = attempts - 1;
      result.failed = true;
      break;
    }
    if (ctx.interrupted !== undefined) break;
    ctx.emit({ type: 'retry', task: t.name, id: t.id, host, attempts: attempt, left: attempts - attempt });
    if (delay > 0) await sleep(delay * 1000, undefined, { signal: ctx.stopping.signal });
  }
  let status: HostStatus = result.failed ? 'failed' : result.skipped ? 'skipped' : result.changed ? 'changed' : 'ok';
  if (status === 'failed' && tpl.condition(kw.ignore_errors ?? inh.ignoreErrors ?? false, scope, where)) status = 'ignored';
  return { status, result, ...delegated(ctx, delegate, spec, connKw) };
}

/**
 * A KbsError raised by a module is the task's failure on this host, as Ansible's fail_json: it
 * becomes a failed result so that failed_when, until, register, ignore_errors and loops apply.
 * Unreachable hosts and refused host keys stay what they are.
 */
async function callModule(run: (args: Vars, mctx: ModuleContext) => Promise<ModuleResult>, args: Vars, mctx: ModuleContext): Promise<ModuleResult> {
  try {
    return await run(args, mctx);
  } catch (e) {
    if (!(e instanceof KbsError) || e.code === 'UNREACHABLE' || e.code === 'HOST_KEY') throw e;
    return errorOutcome(e, mctx.host, false).result;
  }
}

function bindRegister(register: string | undefined, result: ModuleResult, scope: Vars, ctx: RunContext): Vars {
  if (!register) return scope;
  return makeScope(mergeLayers([rawOf(scope), { [register]: markUnsafe(result) }]), { templater: ctx.templater });
}

/** changed_when / failed_when, evaluated with the register name bound to the result (as Ansible does). */
function postProcess(ctx: RunContext, t: TaskRun, result: ModuleResult, scope: Vars): ModuleResult {
  const kw = t.task.kw;
  if (kw.changed_when === undefined && kw.failed_when === undefined) return result;
  // as Ansible's TaskExecutor: a skipped result (check mode, creates/removes) is not evaluated
  if (result.skipped) return result;
  const where = { pos: t.task.pos, task: t.name };
  const bound = bindRegister(kw.register, result, scope, ctx);
  const r = { ...result };
  // as Ansible: an error in the condition fails the task and is kept as changed_when_result / failed_when_result
  let cond: 'changed_when' | 'failed_when' = 'changed_when';
  try {
    if (kw.changed_when !== undefined) r.changed = ctx.templater.conditional(kw.changed_when, bound, where);
    cond = 'failed_when';
    if (kw.failed_when !== undefined) {
      const f = ctx.templater.conditional(kw.failed_when, bound, where);
      r.failed_when_result = f;
      // (the module's msg is kept as it is, as in Ansible: the views say why it failed)
      r.failed = f;
    }
  } catch (e) {
    if (!(e instanceof KbsError)) throw e;
    r.failed = true;
    r[`${cond}_result`] = `The conditional check '${String(kw[cond])}' failed. The error was: ${e.message}`;
  }
  return r;
}

/**
 * A task's arguments rendered one top-level value at a time, noting in `unsafe` the (rendered)
 * names whose value a template made from unsafe data.
 */
function renderEach(args: Vars, unsafe: Set<string>, render: (v: unknown) => unknown, renderKey: (k: string) => string): Vars {
  const out: Vars = {};
  for (const k of Object.keys(args)) {
    const key = renderKey(k);
    const r = trackUnsafe(() => render(args[k]));
    setKey(out, key, r.value);
    if (r.unsafe) unsafe.add(key);
  }
  return out;
}
