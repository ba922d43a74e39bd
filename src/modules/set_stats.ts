/**
 * ansible.builtin.set_stats: custom statistics for the recap. `data` (a mapping) is kept per
 * host (`per_host: true`) or for the whole run (default); with `aggregate` (default true) numbers
 * add up, lists concatenate and mappings merge with earlier values, otherwise they replace them.
 * The engine keeps them (engine/flow.ts); the recap shows them as Ansible's CUSTOM STATS when
 * show_custom_stats is on, and --output json carries them in its recap event.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { toBool } from './util/args.js';
import { BOOL, argsSchema } from './util/schema.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const set_stats: ModuleDef = {
  name: 'set_stats',
  local: true,
  schema: argsSchema({ data: {}, per_host: BOOL, aggregate: BOOL }),
  async run(args, ctx) {
    const data = args.data ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return { changed: false, failed: true, msg: "The 'data' option needs to be a dictionary/hash" };
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
      const k = key.includes('{{') || key.includes('{%') ? String(ctx.render(key)) : key;
      if (!NAME.test(k)) {
        throw new KbsError('TASK', `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      }
      out[k] = v;
    }
    const stats = { data: out, per_host: toBool(args.per_host, false, 'per_host'), aggregate: toBool(args.aggregate, true, 'aggregate') };
    return { changed: false, ansible_stats: stats };
  },
};
