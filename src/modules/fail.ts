/** ansible.builtin.fail: fail the task with a message. */
import type { ModuleDef } from './types.js';
import { argsSchema } from './util/schema.js';

export const fail: ModuleDef = {
  name: 'fail',
  local: true,
  schema: argsSchema({ msg: {} }),
  async run(args) {
    const msg = args.msg === undefined || args.msg === null ? 'Failed as requested from task' : args.msg;
    return { changed: false, failed: true, msg: typeof msg === 'string' ? msg : JSON.stringify(msg) };
  },
};
