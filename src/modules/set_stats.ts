/**
 * ansible.builtin.set_stats: custom statistics for the recap. `data` (a mapping) is kept per
 * host (`per_host: true`) or for the whole run (default); with `aggregate` (default true) numbers
 * add up, lists concatenate and mappings merge with earlier values, otherwise they replace them.
 * The engine keeps them (engine/flow.ts); the recap shows them as Ansible's CUSTOM STATS when
 * show_custom_stats is on, and --output json carries them in its recap event.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { declareArgs } from './util/declare.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const args = declareArgs({
  data: { type: 'any', default: {} },
  per_host: { type: 'bool' },
  aggregate: { type: 'bool', default: true },
});

export const set_stats: ModuleDef = {
  name: 'set_stats',
  local: true,
  schema: args.schema,
  async run(given, ctx) {
    const { data, per_host, aggregate } = args.read(given);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return { changed: false, failed: true, msg: "The 'data' option needs to be a dictionary/hash" };
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
      const k = key.includes('{{') || key.includes('{%') ? String(ctx.render(key)) : key;
      if (!NAME.test(k)) {
        throw new KbsError('TASK', `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      }
      out[k] = v;
    }
    const stats = { data: out, per_host, aggregate };
    return { changed: false, ansible_stats: stats };
  },
};
