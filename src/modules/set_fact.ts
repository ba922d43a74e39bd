/** ansible.builtin.set_fact: host facts from the (already templated) args. */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { declareArgs } from './util/declare.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no']);
const TRUE_WORDS = new Set(['true', 'yes']);

/** the one option; every other argument is a fact */
const args = declareArgs({ cacheable: { type: 'bool' } });

export const set_fact: ModuleDef = {
  name: 'set_fact',
  local: true,
  schema: {
    ...args.schema,
    // names may be templated ("{{ prefix }}_ip": ...), as Ansible templates set_fact keys
    propertyNames: { pattern: '^([A-Za-z_][A-Za-z0-9_]*|.*\\{\\{.*)$' },
    additionalProperties: true,
  },
  async run(given, ctx) {
    const { cacheable } = args.read(given);
    const facts: Record<string, unknown> = {};
    const unsafe: string[] = [];
    for (const [key, v] of Object.entries(given)) {
      if (key === 'cacheable') continue;
      const k = key.includes('{{') ? String(ctx.render(key)).trim() : key;
      if (!NAME.test(k)) {
        throw new KbsError('TASK', `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      }
      // as Ansible's set_fact (jinja2_native off): text that names a boolean becomes one
      facts[k] = typeof v === 'string' && BOOLEAN_WORDS.has(v.toLowerCase()) ? TRUE_WORDS.has(v.toLowerCase()) : v;
      if (ctx.unsafeArgs?.has(key)) unsafe.push(k);
    }
    if (Object.keys(facts).length === 0) {
      throw new KbsError('TASK', 'No key/value pairs provided, at least one is required for this action to succeed');
    }
    ctx.setFacts?.(facts, cacheable, unsafe);
    return { changed: false, ansible_facts: facts, ...(cacheable ? { _ansible_facts_cacheable: true } : {}) };
  },
};
