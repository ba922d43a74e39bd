/** ansible.builtin.fail: fail the task with a message. */
import type { ModuleDef } from './types.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({ msg: { type: 'any', default: 'Failed as requested from task' } });

export const fail: ModuleDef = {
  name: 'fail',
  local: true,
  schema: args.schema,
  async run(given) {
    const { msg } = args.read(given);
    return { changed: false, failed: true, msg: typeof msg === 'string' ? msg : JSON.stringify(msg) };
  },
};
