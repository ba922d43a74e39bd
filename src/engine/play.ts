/**
 * One play: hosts → batches (serial) → sections (pre_tasks, roles, tasks, post_tasks, each
 * followed by a handler flush) → nodes. Linear strategy: a task runs on every active host of the
 * batch concurrently (forks), then the next task starts.
 * Over 400 lines because PlayRunner's parts (sections, blocks, tasks, meta, handlers) share its
 * state; what stands alone lives beside it (includes.ts, stats.ts, flow.ts, task.ts).
 */
import pLimit from 'p-limit';
import { moduleWarnings } from './warnings.js';
import { KbsError } from '../errors.js';
import type { BlockNode, IncludeNode, Node, Play, TaskNode, Vars } from '../load/model.js';
import { handlerNames, handlersReached } from '../load/handlers.js';
import { CENSORED } from './events.js';
import type { RunContext } from './context.js';
import { inherit, nodeName, rootInherited, whenHolds, type Inherited } from './inherit.js';
import { tagsSelected, type TagFilter } from './tags.js';
import { runTaskOnHost, errorOutcome, type HostOutcome, type ItemOutcome, type TaskRun } from './task.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, TaskProgress } from './progress.js';
import { batches } from './batches.js';
import { makeScope, markUnsafe, mergeLayers } from '../vars/scope.js';
import { matchName } from './selection.js';
import { MAX_INCLUDE_DEPTH } from '../yaml/limits.js';
import { getModule } from '../modules/registry.js';
import { flowEffects } from './flow.js';
import { countOutcome } from './stats.js';
import { includeCalls, includeTask, includeTooDeep, type IncludeCall } from './includes.js';

let taskIds = 0;

/** meta actions Ansible's linear strategy runs for each host (the others run once) */
const PER_HOST_META = new Set(['noop', 'reset_connection', 'end_host', 'role_complete', 'flush_handlers']);

export class PlayRunner {
  private aborted = false;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly tags: TagFilter;

  constructor(
    private readonly ctx: RunContext,
    private readonly play: Play,
    /** shared across plays: --start-at-task is pending until the task is met */
    private readonly startAt: { name?: string },
  ) {
    this.limit = pLimit(Math.max(1, ctx.opts.forks));
    this.tags = { only: ctx.opts.tags, skip: ctx.opts.skipTags };
  }

  async run(hosts: string[]): Promise<void> {
    const { ctx, play } = this;
    ctx.emit({ type: 'play_start', play: play.name, hosts, pos: play.pos });
    ctx.playHosts = hosts;
    const root = inherit(rootInherited(play.tags), play.keywords ?? {});
    const facts: Inherited = { ...rootInherited(play.tags), when: play.importWhen ?? [] };
    const { serial } = playKeywords(ctx, play);
    const list = batches(hosts, serial, play.pos);
    for (let i = 0; i < list.length && !this.stopped; i++) {
      const batch = list[i].filter((h) => ctx.host(h).active);
      if (!batch.length) continue;
      ctx.batchHosts = batch;
      if (i > 0) ctx.resetPlayHostsAll();
      ctx.invalidate();
      if (list.length > 1) ctx.emit({ type: 'batch_start', play: play.name, hosts: batch, index: i + 1, of: list.length });
      if (play.gatherFacts) await this.gatherFacts(batch, facts);
      for (const section of [play.preTasks, [...play.roles, ...play.tasks], play.postTasks]) {
        if (this.stopped) break;
        await this.runNodes(section, root, batch);
        if (!this.stopped) await this.flushHandlers(batch);
      }
      if (!batch.some((h) => ctx.host(h).active)) break;
    }
    ctx.emit({ type: 'play_end', play: play.name });
  }

  /** the play stopped (end_play, any_errors_fatal, ...) or the run was interrupted */
  private get stopped(): boolean {
    return this.aborted || this.ctx.interrupted !== undefined;
  }

  private async gatherFacts(batch: string[], root: Inherited): Promise<void> {
    const known = this.ctx.opts.knownFacts ?? {};
    const cached = batch.filter((h) => known[h]);
    for (const h of cached) this.ctx.host(h).facts = { ...known[h] };
    if (cached.length) this.ctx.invalidate();
    batch = batch.filter((h) => !known[h]);
    if (!batch.length) return;
    const task: TaskNode = { kind: 'task', module: 'setup', args: {}, kw: { name: 'Gathering Facts', tags: ['always'] }, pos: this.play.pos };
    await this.runTask(task, root, batch);
  }

  private active(hosts: string[]): string[] {
    return hosts.filter((h) => this.ctx.host(h).active);
  }

  /** Run nodes in order on `hosts`. */
  async runNodes(nodes: Node[], inh: Inherited, hosts: string[]): Promise<void> {
    for (const node of nodes) {
      if (this.stopped) return;
      const act = this.active(hosts);
      if (!act.length) return;
      if (node.kind === 'task') await this.runTask(node, inh, act);
      else if (node.kind === 'block') await this.runBlock(node, inh, act);
      else await this.runInclude(node, inh, act);
    }
  }

  private async runBlock(b: BlockNode, inh: Inherited, hosts: string[]): Promise<void> {
    const { ctx } = this;
    if (b.roleOnce && b.role) return this.runRoleOnce(b, inh, hosts);
    const inner = inherit(inh, b.kw);
    const rescuable = b.rescue.length > 0;
    const before = new Set(hosts.filter((h) => ctx.host(h).active));
    await this.runNodes(b.block, { ...inner, rescuable: rescuable || inner.rescuable }, hosts);
    const failedInBlock = [...before].filter((h) => ctx.host(h).failed && !ctx.host(h).unreachable);
    if (rescuable && failedInBlock.length && !this.stopped) {
      for (const h of failedInBlock) ctx.host(h).failed = false;
      await this.runNodes(b.rescue, inner, failedInBlock);
    }
    if (b.always.length && !this.stopped) {
      // always runs on every host that entered the block, failed or not; failures stay failures
      const stillFailed = [...before].filter((h) => ctx.host(h).failed && !ctx.host(h).unreachable);
      for (const h of stillFailed) ctx.host(h).failed = false;
      await this.runNodes(b.always, inner, [...before]);
      for (const h of stillFailed) ctx.host(h).failed = true;
    }
  }

  /**
   * A role used again in the play (roles:, dependencies): as Ansible's linear strategy, its tasks
   * are passed over silently on hosts where the same role already ran a task and reached its end.
   */
  private async runRoleOnce(b: BlockNode, inh: Inherited, hosts: string[]): Promise<void> {
    const role = b.role as object;
    const todo = hosts.filter((h) => !this.ctx.host(h).rolesDone.has(role));
    if (!todo.length) return;
    await this.runBlock({ ...b, roleOnce: false }, inh, todo);
    for (const h of todo) {
      const s = this.ctx.host(h);
      if (s.active && s.rolesRan.has(role)) s.rolesDone.add(role);
    }
  }

  private async runInclude(n: IncludeNode, inh: Inherited, hosts: string[]): Promise<void> {
    const { ctx } = this;
    if (!tagsSelected([...inh.tags, ...(n.kw.tags ?? [])], this.tags)) return;
    // each host: the list of (file or role, params) invocations it makes (a loop gives several)
    const calls = new Map<string, IncludeCall[]>();
    const failed = new Map<string, unknown>();
    await Promise.all(
      hosts.map(async (h) => {
        try {
          calls.set(h, includeCalls(ctx, n, inh, h, (load) => this.withHandlers(load)));
        } catch (e) {
          failed.set(h, e);
        }
      }),
    );
    if (failed.size) this.failInclude(n, inh, failed);
    const rounds = Math.max(0, ...[...calls.values()].map((l) => l.length));
    type Group = { hosts: string[]; key: string; params: Vars; load: () => Node[]; label?: string };
    const byRound: Map<string, Group>[] = [];
    for (let i = 0; i < rounds; i++) {
      const groups = new Map<string, Group>();
      for (const [h, list] of calls) {
        const c = list[i];
        if (!c || !ctx.host(h).active) continue;
        const k = `${c.key}|${JSON.stringify(c.params)}`;
        const g = groups.get(k) ?? { hosts: [], key: c.key, params: c.params, load: c.node, label: c.label };
        g.hosts.push(h);
        groups.set(k, g);
      }
      byRound.push(groups);
    }
    this.reportInclude(n, inh, calls, byRound.flatMap((r) => [...r.values()]));
    for (const groups of byRound) {
      if (this.stopped) break;
      for (const g of groups.values()) {
        let nodes: Node[];
        const includes = [...(inh.includes ?? []), g.key];
        try {
          if (includes.length > MAX_INCLUDE_DEPTH) throw includeTooDeep(includes, n.pos);
          nodes = g.load();
        } catch (e) {
          this.failInclude(n, inh, new Map(g.hosts.map((h) => [h, e])));
          continue;
        }
        const child: Inherited = { ...inherit(inh, { ...n.kw, when: undefined, tags: undefined, vars: undefined, loop: undefined }), includeParams: { ...(inh.includeParams ?? {}), ...g.params }, includes };
        await this.runNodes(nodes, child, g.hosts);
      }
    }
  }

  /**
   * The include as Ansible's output shows it before the included tasks run: its TASK banner, a
   * skipped line for each host whose `when` does not hold, and for include_tasks one `included`
   * line per file and item with the hosts that load it, each counting as ok for those hosts
   * (include_role counts nothing: Ansible's strategy counts an included file when it loads it).
   */
  private reportInclude(n: IncludeNode, inh: Inherited, calls: Map<string, IncludeCall[]>, groups: { hosts: string[]; key: string; label?: string }[]): void {
    const { ctx } = this;
    if (!calls.size) return;
    const t: TaskRun = { id: ++taskIds, name: nodeName(n), task: includeTask(n), inh };
    ctx.emit({ type: 'task_start', task: t.name, id: t.id, pos: n.pos, role: n.role?.name, handler: !!inh.handler, hosts: [...calls.keys()] });
    for (const [h, list] of calls) {
      if (list.length) continue;
      ctx.emit({ type: 'host_start', task: t.name, id: t.id, host: h });
      this.apply(h, t, { status: 'skipped', result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, noLog: false });
    }
    for (const g of groups) {
      if (!g.key.startsWith('tasks:')) continue;
      for (const h of g.hosts) ctx.host(h).stats.ok++;
      ctx.emit({ type: 'included', task: t.name, id: t.id, file: g.key.slice('tasks:'.length), hosts: g.hosts, ...(g.label !== undefined ? { label: g.label } : {}) });
    }
    ctx.emit({ type: 'task_end', task: t.name, id: t.id, durationMs: 0 });
  }

  /** An include that could not be evaluated or loaded: a task of its own, failed on those hosts. */
  private failInclude(n: IncludeNode, inh: Inherited, errors: Map<string, unknown>): void {
    const { ctx } = this;
    const t: TaskRun = { id: ++taskIds, name: nodeName(n), task: includeTask(n), inh };
    ctx.emit({ type: 'task_start', task: t.name, id: t.id, pos: n.pos, role: n.role?.name, handler: !!inh.handler, hosts: [...errors.keys()] });
    for (const [h, e] of errors) {
      ctx.emit({ type: 'host_start', task: t.name, id: t.id, host: h });
      this.apply(h, t, errorOutcome(e, h, false));
    }
    ctx.emit({ type: 'task_end', task: t.name, id: t.id, durationMs: 0 });
  }

  /** Load included nodes; handlers they bring join the play's (once per name). */
  private withHandlers(load: (handlers: TaskNode[]) => Node[]): Node[] {
    const found: TaskNode[] = [];
    const nodes = load(found);
    const known = new Set(this.play.handlers.map((h) => h.kw.name));
    for (const h of found) {
      if (h.kw.name && known.has(h.kw.name)) continue;
      this.play.handlers.push(h);
      known.add(h.kw.name);
    }
    return nodes;
  }

  /** Run one task on the active hosts (concurrently, up to forks). */
  async runTask(task: TaskNode, inh: Inherited, hosts: string[]): Promise<void> {
    const { ctx } = this;
    const taskTags = [...inh.tags, ...(task.kw.tags ?? [])];
    if (!inh.handler && !tagsSelected(taskTags, this.tags)) return;
    const name = task.kw.name ?? task.action ?? task.module;
    if (this.startAt.name !== undefined && !inh.handler) {
      if (!matchName(this.startAt.name, name)) return;
      this.startAt.name = undefined;
    }
    const act = this.active(hosts);
    if (!act.length || this.stopped) return;
    const t: TaskRun = { task, inh, id: ++taskIds, name };
    if (task.module === 'meta') return this.runMeta(t, act);
    ctx.emit({ type: 'task_start', task: name, id: t.id, pos: task.pos, role: task.role?.name, handler: !!inh.handler, hosts: act });

    let runOnce = false;
    try {
      const ro = task.kw.run_once ?? inh.runOnce;
      runOnce = ro !== undefined && ctx.templater.condition(ro, ctx.taskVars(act[0], task.role, inh, task.kw));
    } catch {
      runOnce = false;
    }
    t.runOnce = runOnce;
    // add_host runs once for the batch (Ansible's bypass_host_loop), without run_once's sharing of results
    const bypass = !runOnce && getModule(task.module)?.bypassHostLoop === true;
    if (bypass) runOnce = true;
    const targets = runOnce ? act.slice(0, 1) : act;
    const progress = new TaskProgress(ctx.emit, { name, id: t.id, play: this.play.name }, targets.length, ctx.opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
    // each host's outcome is recorded and reported as soon as that host is done; undefined: the
    // run was interrupted before or while the host ran it (not counted)
    const one = async (h: string): Promise<HostOutcome | undefined> => {
      if (ctx.interrupted !== undefined) return undefined;
      progress.hostStart(h);
      const out = await this.runOnHost(t, h, (it, noLog, diff) => this.emitItem(h, t, it, noLog, diff));
      progress.hostEnd(h);
      if (out) this.apply(h, t, out);
      return out;
    };
    let durationMs: number;
    try {
      if (runOnce) {
        const first = act[0];
        const out = await one(first);
        for (const h of out && !bypass ? act.slice(1) : []) {
          if (task.kw.register) ctx.host(h).registered[task.kw.register] = out!.result;
          if (task.module === 'set_fact') {
            // the facts, with the marks of both hosts' (unsafe, vaulted: a slot keeps its mark while it holds the text)
            const to = ctx.host(h).setFacts;
            Object.assign(to, mergeLayers([to, ctx.host(first).setFacts]));
          }
        }
      } else {
        const throttle = this.throttle(t, act[0]);
        const lim = throttle ? pLimit(throttle) : undefined;
        const settled = await Promise.allSettled(act.map((h) => this.limit(() => (lim ? lim(() => one(h)) : one(h)))));
        const err = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
        if (err) throw err.reason;
      }
    } finally {
      durationMs = progress.stop();
    }
    ctx.emit({ type: 'task_end', task: name, id: t.id, durationMs });
    if (ctx.interrupted !== undefined) return;
    this.checkFailureLimits(t, act);
  }

  /**
   * The task on one host, tracked in ctx.running while it runs. Undefined when the run was
   * interrupted before it started or while it ran (its result is not counted: the interrupted
   * event names it).
   */
  private async runOnHost(t: TaskRun, host: string, onItem: Parameters<typeof runTaskOnHost>[3]): Promise<HostOutcome | undefined> {
    const { ctx } = this;
    if (ctx.interrupted !== undefined) return undefined;
    let r = ctx.running.get(t.id);
    if (!r) ctx.running.set(t.id, (r = { task: t.name, hosts: new Set() }));
    r.hosts.add(host);
    try {
      const out = await runTaskOnHost(ctx, t, host, onItem);
      return ctx.interrupted !== undefined ? undefined : out;
    } finally {
      r.hosts.delete(host);
      if (!r.hosts.size) ctx.running.delete(t.id);
    }
  }

  /** the task's throttle (its own or inherited), 0 for none; a throttle above forks changes nothing */
  private throttle(t: TaskRun, host: string): number {
    const raw = t.task.kw.throttle ?? t.inh.throttle;
    if (raw === undefined || raw === null) return 0;
    const n = Number(this.ctx.templater.render(raw, this.ctx.taskVars(host, t.task.role, t.inh, t.task.kw)));
    if (!Number.isInteger(n) || n < 0) throw new KbsError('TASK', `throttle must be a whole number, got ${JSON.stringify(raw)}`, { pos: t.task.pos });
    return n;
  }

  private checkFailureLimits(t: TaskRun, act: string[]): void {
    const { ctx, play } = this;
    const failedNow = act.filter((h) => ctx.host(h).failed || ctx.host(h).unreachable);
    if (!failedNow.length) return;
    const vars = { ...ctx.playVars, ...ctx.opts.extraVars };
    const fatal = play.anyErrorsFatal || (t.inh.anyErrorsFatal !== undefined && ctx.templater.condition(t.inh.anyErrorsFatal, vars)) ||
      (t.task.kw.any_errors_fatal !== undefined && ctx.templater.condition(t.task.kw.any_errors_fatal, vars));
    if (fatal && !t.inh.rescuable) {
      this.abort(`any_errors_fatal: ${failedNow.join(', ')} failed on task "${t.name}"`);
      return;
    }
    if (play.maxFailPercentage !== undefined) {
      const batch = ctx.batchHosts;
      const failed = batch.filter((h) => ctx.host(h).failed || ctx.host(h).unreachable).length;
      if ((failed / batch.length) * 100 > play.maxFailPercentage) {
        this.abort(`max_fail_percentage ${play.maxFailPercentage}% exceeded: ${failed} of ${batch.length} hosts failed`);
      }
    }
  }

  private abort(msg: string): void {
    this.aborted = true;
    this.ctx.emit({ type: 'warning', msg: `play "${this.play.name}" stopped: ${msg}` });
    for (const h of this.ctx.batchHosts) {
      const s = this.ctx.host(h);
      if (s.active) s.failed = true;
    }
  }

  /** Record a host's outcome: register, roles run, recap counts (stats.ts), notify, flow effects, event. */
  private apply(host: string, t: TaskRun, out: HostOutcome): void {
    const { ctx } = this;
    const s = ctx.host(host);
    const kw = t.task.kw;
    if (kw.register) {
      s.registered[kw.register] = markUnsafe(out.result);
      ctx.invalidate();
    }
    if (t.task.role && out.status !== 'skipped' && out.status !== 'unreachable') s.rolesRan.add(t.task.role);
    countOutcome(s, t, out);
    const notify = kw.notify ?? t.inh.notify;
    if ((out.status === 'changed' || (out.status === 'ignored' && out.result.changed)) && notify) {
      const scope = ctx.taskVars(host, t.task.role, t.inh, kw);
      for (const n of notify) s.notified.add(String(ctx.templater.render(n, scope)));
    }
    flowEffects(ctx, t, host, out);
    const shown = out.noLog ? censor(out.result) : out.result;
    if (!out.noLog) moduleWarnings(ctx, out.result);
    ctx.emit({ type: 'host_result', task: t.name, id: t.id, host, status: out.status, result: shown, action: t.task.module, ...delegation(out), noLog: out.noLog, ...(out.diff && !ctx.opts.diff ? { diff: true } : {}) });
  }

  /** A loop item's outcome, reported as the item finishes. */
  private emitItem(host: string, t: TaskRun, it: ItemOutcome, noLog: boolean, diff: boolean): void {
    const { ctx } = this;
    ctx.emit({ type: 'item_result', task: t.name, id: t.id, host, status: it.status, label: noLog ? '(censored)' : it.label, result: noLog ? censor(it.result) : it.result, action: t.task.module, ...delegation(it), ...(noLog ? { noLog } : {}), ...(diff && !ctx.opts.diff ? { diff: true } : {}) });
  }

  private async runMeta(t: TaskRun, hosts: string[]): Promise<void> {
    const { ctx } = this;
    const action = String(t.task.args._raw_params ?? t.task.args.action ?? '').trim();
    // as Ansible's linear strategy: these run for each host; any other runs once, for the first
    // host, whose `when` decides for all (end_play, end_batch, clear_facts, clear_host_errors)
    const perHost = PER_HOST_META.has(action);
    const ran = perHost ? hosts : hosts.slice(0, 1);
    const selected: string[] = [];
    for (const h of ran) {
      const scope = ctx.taskVars(h, t.task.role, t.inh, t.task.kw);
      if (whenHolds(ctx.templater, t.inh, t.task.kw, scope)) selected.push(h);
    }
    ctx.emit({ type: 'meta', task: t.name, id: t.id, action, role: t.task.role?.name, handler: !!t.inh.handler, hosts: ran, skipped: ran.filter((h) => !selected.includes(h)) });
    switch (action) {
      case 'flush_handlers':
        await this.flushHandlers(hosts);
        return;
      case 'end_play':
        if (selected.length) {
          for (const h of ctx.batchHosts) ctx.host(h).ended = true;
          this.aborted = true;
        }
        return;
      case 'end_host':
        for (const h of selected) ctx.host(h).ended = true;
        return;
      case 'end_batch':
        if (selected.length) for (const h of ctx.batchHosts) ctx.host(h).ended = true;
        return;
      case 'clear_facts':
        // as Ansible: the fact cache of every play host; what set_fact set stays (its
        // non-persistent copy), and so does a fact module's result only where set_fact replaced it
        if (!selected.length) return;
        for (const h of ctx.playHosts) {
          const st = ctx.host(h);
          for (const [k, v] of Object.entries(st.facts)) if (Object.prototype.hasOwnProperty.call(st.setFacts, k) && st.setFacts[k] === v) delete st.setFacts[k];
          st.facts = {};
        }
        ctx.invalidate();
        return;
      case 'clear_host_errors':
        if (selected.length) for (const h of ctx.playHosts) ctx.host(h).failed = false;
        return;
      case 'reset_connection':
        for (const h of selected) await ctx.pool.reset?.(h);
        return;
      case 'noop':
      case 'refresh_inventory':
        return;
      default:
        throw new KbsError('SCHEMA', `unknown meta action "${action}"`, {
          pos: t.task.pos,
          hint: 'use flush_handlers, end_play, end_host, end_batch, clear_facts, clear_host_errors, reset_connection or noop',
        });
    }
  }

  /** Run notified handlers in definition order, until none is pending. */
  async flushHandlers(hosts: string[]): Promise<void> {
    const { ctx, play } = this;
    const inh: Inherited = { ...rootInherited(play.tags), handler: true };
    // per host, the handlers each pending notification has run so far; a notification is done
    // once every handler it reaches has run (a handler's name can be another's listen topic)
    const ranFor = new Map<string, Map<string, Set<TaskNode>>>();
    for (let pass = 0; pass < 10; pass++) {
      let ran = false;
      for (const hd of play.handlers) {
        const names = handlerNames(hd);
        const due = (h: string) => {
          const s = ctx.host(h);
          return s.active ? names.filter((n) => s.notified.has(n) && handlersReached(n, play.handlers).includes(hd) && !ranFor.get(h)?.get(n)?.has(hd)) : [];
        };
        const dueBy = new Map(hosts.map((h) => [h, due(h)]));
        const targets = hosts.filter((h) => dueBy.get(h)!.length > 0);
        if (!targets.length) continue;
        for (const h of targets) {
          const byName = ranFor.get(h) ?? new Map<string, Set<TaskNode>>();
          ranFor.set(h, byName);
          for (const n of dueBy.get(h)!) {
            const done = byName.get(n) ?? new Set<TaskNode>();
            byName.set(n, done.add(hd));
            if (handlersReached(n, play.handlers).every((x) => done.has(x))) {
              ctx.host(h).notified.delete(n);
              byName.delete(n);
            }
          }
        }
        ran = true;
        await this.runTask(hd, inh, targets);
        if (this.stopped) return;
      }
      if (!ran) return;
    }
  }
}

/**
 * Templated play keywords, rendered when the play starts with the play's vars and the extra vars
 * (as Ansible): serial, and strategy (which must come out linear).
 */
function playKeywords(ctx: RunContext, play: Play): { serial?: (number | string)[] } {
  const vars = makeScope({ ...ctx.playVars, ...ctx.opts.extraVars }, { templater: ctx.templater });
  const where = { pos: play.pos };
  if (play.strategy !== undefined) {
    const s = String(ctx.templater.render(play.strategy, vars, where)).trim();
    if (s !== 'linear') {
      throw new KbsError('SCHEMA', `strategy "${s}" is not supported`, { pos: play.pos, hint: 'kbs runs each task on all hosts of a batch before the next task (linear)' });
    }
  }
  const serial = play.serial?.flatMap((v) => {
    const r = ctx.templater.render(v, vars, where);
    return (Array.isArray(r) ? r : [r]).map((x) => (typeof x === 'string' && /^\s*\d+\s*$/.test(x) ? Number(x) : (x as number | string)));
  });
  return { serial };
}

function censor(r: HostOutcome['result']): HostOutcome['result'] {
  const out: HostOutcome['result'] = { changed: r.changed, censored: CENSORED };
  if (r.failed) out.failed = true;
  if (r.skipped) out.skipped = true;
  return out;
}

/** the delegation fields of an event, only when the task was delegated */
function delegation(o: { delegatedTo?: string; delegateAddress?: string }): { delegatedTo?: string; delegateAddress?: string } {
  if (o.delegatedTo === undefined) return {};
  return o.delegateAddress === undefined ? { delegatedTo: o.delegatedTo } : { delegatedTo: o.delegatedTo, delegateAddress: o.delegateAddress };
}
