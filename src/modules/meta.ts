/** ansible.builtin.meta: actions on the play (carried out by the engine through ctx.meta). */
import type { ModuleDef } from './types.js';
import { failed, optStr } from './util/args.js';
import { STR, argsSchema } from './util/schema.js';

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

export const meta: ModuleDef = {
  name: 'meta',
  local: true,
  freeForm: true,
  schema: argsSchema({ _raw_params: STR }, ['_raw_params']),
  async run(args, ctx) {
    const action = (optStr(args, '_raw_params') ?? '').trim();
    if (!META_ACTIONS.includes(action)) return failed(`invalid meta action requested: ${action}`);
    ctx.meta?.(action);
    return { changed: false };
  },
};
