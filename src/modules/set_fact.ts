/** ansible.builtin.set_fact: host facts from the (already templated) args. */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { toBool } from './util/args.js';
import { BOOL } from './util/schema.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const set_fact: ModuleDef = {
  name: 'set_fact',
  local: true,
  schema: {
    type: 'object',
    properties: { cacheable: BOOL },
    // names may be templated ("{{ prefix }}_ip": ...), as Ansible templates set_fact keys
    propertyNames: { pattern: '^([A-Za-z_][A-Za-z0-9_]*|.*\\{\\{.*)$' },
    additionalProperties: true,
  },
  async run(args, ctx) {
    const facts: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(args)) {
      if (key === 'cacheable') continue;
      const k = key.includes('{{') ? String(ctx.render(key)).trim() : key;
      if (!NAME.test(k)) {
        throw new KbsError('TASK', `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      }
      facts[k] = v;
    }
    if (Object.keys(facts).length === 0) {
      throw new KbsError('TASK', 'No key/value pairs provided, at least one is required for this action to succeed');
    }
    const cacheable = toBool(args.cacheable, false, 'cacheable');
    ctx.setFacts?.(facts, cacheable);
    return { changed: false, ansible_facts: facts, ...(cacheable ? { _ansible_facts_cacheable: true } : {}) };
  },
};
