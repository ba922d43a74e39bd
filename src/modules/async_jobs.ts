/**
 * Background module runs started by `async: N` with `poll: 0`, by job id, for async_status. They
 * run in the kbs process over the host's connection, so they last as long as the run (Ansible's
 * keep running on the host after ansible-playbook exits).
 */
import { randomInt } from 'node:crypto';
import type { ModuleResult } from './types.js';

interface Job {
  host: string;
  result?: ModuleResult;
}

const jobs = new Map<string, Job>();

/** Ansible's job id form: j + digits + . + pid */
export function newJobId(): string {
  return `j${randomInt(1e11, 1e12 - 1)}.${process.pid}`;
}

export function startJob(jid: string, host: string, run: Promise<ModuleResult>): void {
  const job: Job = { host };
  jobs.set(jid, job);
  run.then(
    (r) => (job.result = r),
    (e: unknown) => (job.result = { changed: false, failed: true, msg: e instanceof Error ? e.message : String(e) }),
  );
}

/** undefined: no such job on that host */
export function jobState(jid: string, host: string): { done: boolean; result?: ModuleResult } | undefined {
  const j = jobs.get(jid);
  if (!j || j.host !== host) return undefined;
  return { done: j.result !== undefined, result: j.result };
}

export function forgetJob(jid: string, host: string): boolean {
  const j = jobs.get(jid);
  if (!j || j.host !== host) return false;
  jobs.delete(jid);
  return true;
}
