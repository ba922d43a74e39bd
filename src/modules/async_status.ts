/**
 * ansible.builtin.async_status: the state of a job started with `async:` and `poll: 0` —
 * `finished: 0` while it runs, then the module's own result with `finished: 1`; mode=cleanup
 * forgets the job.
 */
import { KbsError } from '../errors.js';
import { forgetJob, jobState } from './async_jobs.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { STR } from './util/schema.js';

const MODES = ['status', 'cleanup'] as const;

const args = declareArgs({
  jid: { type: 'any', schema: STR, required: true, read: String },
  mode: { type: 'str', choices: MODES, default: 'status', schema: { enum: [...MODES] } },
});

export const async_status: ModuleDef = {
  name: 'async_status',
  local: true,
  schema: args.schema,
  async run(given, ctx): Promise<ModuleResult> {
    const { jid: jidArg, mode } = args.read(given);
    // required: read() has refused a task without it
    const jid = jidArg as string;
    if (mode === 'cleanup') {
      if (!forgetJob(jid, ctx.host)) throw new KbsError('TASK', 'could not find job');
      return { changed: false, ansible_job_id: jid, erased: jid };
    }
    const s = jobState(jid, ctx.host);
    if (!s) return { changed: false, failed: true, msg: 'could not find job', ansible_job_id: jid, started: 1, finished: 1 };
    if (!s.done) return { changed: false, ansible_job_id: jid, started: 1, finished: 0 };
    return { ...(s.result as ModuleResult), ansible_job_id: jid, started: 1, finished: 1 };
  },
};
