/**
 * The time limits of a module call: `async`/`poll` (a job left running or waited for) and the
 * `timeout:` keyword (the call and the commands it runs carry the task's deadline).
 */
import { KbsError } from '../errors.js';
import type { TaskNode, Vars } from '../load/model.js';
import type { ModuleResult } from '../modules/types.js';
import type { RunContext } from './context.js';
import { newJobId, startJob } from '../modules/async_jobs.js';

/**
 * `async: N`: the module call may run N seconds. `poll: 0` leaves it running as a job that
 * async_status looks up (the task reports it started); otherwise the task waits for it.
 */
export async function runAsync(call: Promise<ModuleResult>, seconds: number, poll: number, host: string): Promise<ModuleResult> {
  const jid = newJobId();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ModuleResult>((done) => {
    timer = setTimeout(
      () => done({ changed: false, failed: true, msg: `async task did not complete within the requested time - ${seconds}s`, async_result: { ansible_job_id: jid, started: 1, finished: 0 } }),
      seconds * 1000,
    );
  });
  const job = Promise.race([call, expired]).finally(() => clearTimeout(timer));
  if (poll === 0) {
    startJob(jid, host, job);
    return { changed: true, ansible_job_id: jid, started: 1, finished: 0 };
  }
  const r = await job;
  return r.async_result ? r : { ...r, ansible_job_id: jid, started: 1, finished: 1 };
}

/** the `timeout:` keyword in seconds, or undefined (absent or 0: no limit, as in Ansible) */
export function taskTimeout(raw: unknown, tpl: RunContext['templater'], scope: Vars, where: { pos: TaskNode['pos']; task: string }): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const v = Number(tpl.render(raw, scope, where));
  if (!Number.isInteger(v) || v < 0) throw new KbsError('TASK', `timeout must be a whole number of seconds, got ${JSON.stringify(raw)}`, { pos: where.pos });
  return v === 0 ? undefined : v;
}

/** a command's own time limit, cut to what is left before the task's deadline */
export function remaining(own: number | undefined, deadline: number): { timeoutMs?: number } {
  if (deadline === Infinity) return own === undefined ? {} : { timeoutMs: own };
  const left = Math.max(1, deadline - Date.now());
  return { timeoutMs: own === undefined ? left : Math.min(own, left) };
}

/**
 * The module call, failed with Ansible's message when it outlives the task's `timeout:`. The
 * commands it runs carry the same deadline (they are killed on the host when it passes).
 */
export async function withTimeout(call: Promise<ModuleResult>, seconds: number | undefined, action: string): Promise<ModuleResult> {
  if (seconds === undefined) return call;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ModuleResult>((done) => {
    timer = setTimeout(
      () => done({ changed: false, failed: true, msg: `The ${action} action failed to execute in the expected time frame (${seconds}) and was terminated` }),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
}
