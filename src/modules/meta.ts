/** ansible.builtin.meta: actions on the play (carried out by the engine through ctx.meta). */
import type { ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';

export const META_ACTIONS = [
  'flush_handlers',
  'refresh_inventory',
  'noop',
  'clear_facts',
  'clear_host_errors',
  'end_play',
  'end_host',
  'end_batch',
  'end_role',
  'reset_connection',
  'role_complete',
];

const args = declareArgs({ _raw_params: { type: 'str', default: '' } });

export const meta: ModuleDef = {
  name: 'meta',
  local: true,
  freeForm: true,
  // the action is required before any host is contacted; an empty one is an invalid action
  schema: { ...args.schema, required: ['_raw_params'] },
  async run(given, ctx) {
    const action = args.read(given)._raw_params.trim();
    if (!META_ACTIONS.includes(action)) return failed(`invalid meta action requested: ${action}`);
    ctx.meta?.(action);
    return { changed: false };
  },
};
