/**
 * Run a loaded playbook against an inventory: checks that need no host (patterns, handlers), then
 * each play in order. Returns the recap; never throws for task failures (those are in the stats).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { KbsError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { resolvePattern } from '../inventory/pattern.js';
import type { Play, Playbook, Vars } from '../load/model.js';
import { parseYaml } from '../yaml/read.js';
import type { Templater } from '../template/types.js';
import { RunContext, type Pool } from './context.js';
import type { Emit, HostStats } from './events.js';
import type { RunOptions } from './options.js';
import { PlayRunner } from './play.js';
import { redactValue } from '../vault/redact.js';
import { promptVars } from './prompt.js';

export interface RunSummary {
  stats: Record<string, HostStats>;
  durationMs: number;
  connections: number;
  /** remote commands run */
  execs: number;
  /** SSH exec channels opened (long-lived shells plus commands that needed their own) */
  channels: number;
  /** hosts refused by a safety check (host key unknown or changed) */
  refused: string[];
  /** --start-at-task named no task that the run met (nothing ran) */
  startAtUnmatched?: string;
  /** the run was interrupted: the reason the abort signal carried (e.g. SIGINT) */
  interrupted?: string;
}

export interface RunDeps {
  templater: Templater;
  pool: Pool;
  emit: Emit;
  /**
   * Aborted to interrupt the run (its reason names why, e.g. 'SIGINT'): no task starts after it,
   * the remote commands the run started get SIGTERM, then SIGKILL after graceMs.
   */
  signal?: AbortSignal;
  /** how long running tasks get to end after SIGTERM (default 5000 ms) */
  graceMs?: number;
}

export const DEFAULT_GRACE_MS = 5000;

export async function runPlaybook(pb: Playbook, inv: Inventory, opts: RunOptions, deps: RunDeps): Promise<RunSummary> {
  const started = Date.now();
  // after the recap nothing more is shown (an abandoned task may still end later)
  let open = true;
  const emit: Emit = (e) => {
    // decrypted vault values are masked in every event
    if (open) deps.emit(redactValue(e));
  };
  const ctx = new RunContext(inv, opts, deps.templater, deps.pool, emit, dirname(resolve(pb.file)));
  emit({ type: 'playbook_start', file: pb.file, check: opts.check });
  const seen = new Set<string>();
  const startAt = { name: opts.startAtTask };
  const work = runPlays(ctx, pb, inv, opts, seen, startAt);
  let stop: Promise<void> | undefined;
  const interrupted = new Promise<void>((res) => {
    const onAbort = () => {
      stop = stopRun(ctx, deps, work, String(deps.signal?.reason ?? 'SIGINT'));
      void stop.then(res);
    };
    if (deps.signal?.aborted) onAbort();
    else deps.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([work, interrupted]);
    if (stop) {
      await stop;
      work.catch(() => undefined); // abandoned after the grace period
    }
  } finally {
    await deps.pool.closeAll();
  }
  const stats: Record<string, HostStats> = {};
  for (const h of seen) stats[h] = ctx.host(h).stats;
  const totals = deps.pool.totals();
  const refused = [...seen].filter((h) => ctx.host(h).refused);
  const summary: RunSummary = { stats, durationMs: Date.now() - started, connections: totals.connects, execs: totals.execs, channels: totals.channels, refused };
  if (ctx.interrupted !== undefined) summary.interrupted = ctx.interrupted;
  else if (startAt.name !== undefined) summary.startAtUnmatched = startAt.name;
  const custom = Object.keys(ctx.customStats).length ? { custom: ctx.customStats } : {};
  emit({ type: 'recap', stats, durationMs: summary.durationMs, connections: summary.connections, execs: summary.execs, channels: summary.channels, ...custom });
  open = false;
  return summary;
}

/**
 * The interruption: no task starts from now on, the remote commands get SIGTERM; what has not
 * ended after the grace period gets SIGKILL. Then the interrupted event says what was cut short.
 */
async function stopRun(ctx: RunContext, deps: RunDeps, work: Promise<void>, reason: string): Promise<void> {
  ctx.interrupted = reason;
  ctx.stopping.abort();
  const running = [...ctx.running].map(([id, r]) => ({ task: r.task, id, hosts: [...r.hosts] })).filter((r) => r.hosts.length);
  let stopped = (await deps.pool.interrupt?.('TERM').catch(() => 0)) ?? 0;
  const grace = deps.graceMs ?? DEFAULT_GRACE_MS;
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((res) => (timer = setTimeout(() => res(false), grace))),
  ]);
  clearTimeout(timer);
  if (!ended) stopped += (await deps.pool.interrupt?.('KILL').catch(() => 0)) ?? 0;
  ctx.emit({ type: 'interrupted', signal: reason, running, stopped, forced: !ended });
}

async function runPlays(ctx: RunContext, pb: Playbook, inv: Inventory, opts: RunOptions, seen: Set<string>, startAt: { name?: string }): Promise<void> {
  const limited = opts.limit ? new Set(resolvePattern(inv, opts.limit).hosts) : undefined;
  for (const play of pb.plays) {
    if (ctx.interrupted !== undefined) return;
    const hosts = playHosts(ctx, play, limited);
    ctx.playHostsAll = [...hosts];
    hosts.forEach((h) => seen.add(h));
    ctx.startPlay(play);
    ctx.playVars = loadPlayVars(ctx, play, await promptVars(ctx, play));
    ctx.invalidate();
    for (const h of hosts) ctx.host(h).ended = false;
    const active = hosts.filter((h) => ctx.host(h).active);
    if (!active.length) {
      ctx.emit({ type: 'warning', msg: `play "${play.name}": no hosts matched` + (hosts.length ? ' that are still running' : ''), pos: play.pos });
      continue;
    }
    await new PlayRunner(ctx, play, startAt).run(active);
  }
}

function playHosts(ctx: RunContext, play: Play, limited?: Set<string>): string[] {
  const pattern = String(ctx.templater.render(play.hosts, { ...ctx.opts.extraVars }, { pos: play.pos }));
  const r = resolvePattern(ctx.inv, pattern);
  ctx.playPattern = { pattern, limited };
  for (const w of r.warnings) ctx.emit({ type: 'warning', msg: w, pos: play.pos });
  return limited ? r.hosts.filter((h) => limited.has(h)) : r.hosts;
}

/** play vars, then vars_files on top (files named with templates are rendered with play + extra vars). */
function loadPlayVars(ctx: RunContext, play: Play, prompted: Vars): Vars {
  const out: Vars = { ...play.vars, ...prompted };
  play.varsFiles.forEach((f, j) => {
    const pos = play.varsFilesPos?.[j] ?? play.pos;
    const name = String(ctx.templater.render(f, { ...out, ...ctx.opts.extraVars }, { pos }));
    const path = isAbsolute(name) ? name : resolve(play.baseDir, name);
    if (!existsSync(path)) throw new KbsError('NOT_FOUND', `vars file "${name}" not found`, { pos, hint: `looked for ${path}` });
    const yf = parseYaml(path);
    if (yf.value == null) return;
    if (typeof yf.value !== 'object' || Array.isArray(yf.value)) {
      throw new KbsError('SCHEMA', `vars file ${path} must hold a mapping of variables`, { pos: { file: path, line: 1, col: 1 } });
    }
    Object.assign(out, yf.value);
  });
  return out;
}

