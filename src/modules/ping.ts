/**
 * ansible.builtin.ping: proves that kbs can log in to the host and run a command there, and
 * returns `ping: DATA` (default "pong"). As in Ansible, `data: crash` fails the task (its test of
 * module failures). Nothing on the host changes.
 */
import type { ModuleDef } from './types.js';
import { probeFields, runPlanned, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({ data: { type: 'str', default: 'pong' } });

export const pingPlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  probe: () => `printf 'OK\\t1\\n'`,
  probeError: () => 'cannot run a command on the host',
  plan(a, out) {
    if (probeFields(out).OK !== '1') return { result: { changed: false, failed: true, msg: 'the host did not answer the ping command' }, changes: [] };
    if (a.data === 'crash') {
      return {
        result: { changed: false, failed: true, msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error', module_stderr: 'Exception: boom\n', module_stdout: '', rc: 1 },
        changes: [],
      };
    }
    return { result: { changed: false, ping: a.data }, changes: [] };
  },
};

export const ping: ModuleDef = {
  name: 'ping',
  schema: args.schema,
  run: (a, ctx) => runPlanned(pingPlanner, a, ctx),
};
