/**
 * Runs one of kbs's own read-only playbooks (gather.yml, lock.yml) without a view: the events are
 * collected for the caller, which parses the results it asked for. With a shared pool the run
 * uses the command's connections (kbs apply); without, it opens and closes its own.
 */
import { dirname } from 'node:path';
import type { EngineEvent } from './events.js';
import type { RunOptions } from './options.js';
import { runPlaybook, type RunSummary } from './run.js';
import type { Inventory } from '../inventory/types.js';
import { loadPlaybook } from '../load/playbook.js';
import type { Vars } from '../load/model.js';
import { createTemplater } from '../template/index.js';
import { ConnectionPool } from '../transport/pool.js';
import type { SharedPool } from '../transport/shared.js';
import { builtinRolesDir, shippedPlaybook } from '../util/assets.js';

export interface InternalRun {
  summary: RunSummary;
  events: EngineEvent[];
  /** host → the module result of the task with that name (last one wins) */
  results(task: string): Map<string, { status: string; result: Record<string, unknown> }>;
  unreachable: string[];
}

export async function runInternal(name: string, inv: Inventory, opts: RunOptions, vars: Vars = {}, shared?: SharedPool): Promise<InternalRun> {
  const file = shippedPlaybook(name);
  const pb = loadPlaybook(file, { rolesPath: [], builtinRolesDir: builtinRolesDir() });
  const events: EngineEvent[] = [];
  const runOpts: RunOptions = { ...opts, check: false, diff: false, tags: [], skipTags: [], startAtTask: undefined, knownFacts: undefined, extraVars: { ...opts.extraVars, ...vars } };
  const summary = await runPlaybook(pb, inv, runOpts, {
    templater: createTemplater({ lookupBase: dirname(file) }),
    pool: shared ? shared.lease() : new ConnectionPool(opts.transport),
    emit: (e) => events.push(e),
  });
  return {
    summary,
    events,
    results(task) {
      const m = new Map<string, { status: string; result: Record<string, unknown> }>();
      for (const e of events) if (e.type === 'host_result' && e.task === task) m.set(e.host, { status: e.status, result: e.result as Record<string, unknown> });
      return m;
    },
    unreachable: Object.entries(summary.stats).filter(([, s]) => s.unreachable > 0).map(([h]) => h),
  };
}
