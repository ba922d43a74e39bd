/** ansible.builtin.assert: every `that` condition must hold. */
import { KbsError } from '../errors.js';
import { VERBOSE_ALWAYS, type ModuleDef, type ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { STR_OR_LIST } from './util/schema.js';

const args = declareArgs({
  that: { type: 'any' },
  fail_msg: { type: 'any', schema: STR_OR_LIST, aliases: ['msg'], default: 'Assertion failed' },
  success_msg: { type: 'any', schema: STR_OR_LIST, default: 'All assertions passed' },
  quiet: { type: 'bool' },
});

export const assert: ModuleDef = {
  name: 'assert',
  local: true,
  // `that` is required before any host is contacted; a null one fails with Ansible's message
  schema: { ...args.schema, required: ['that'] },
  async run(given, ctx): Promise<ModuleResult> {
    const a = args.read(given);
    if (a.that === undefined) throw new KbsError('TASK', 'conditional required in "that" string');
    const thats = Array.isArray(a.that) ? a.that : [a.that];
    for (const that of thats) {
      if (!ctx.condition(that)) {
        return { changed: false, failed: true, evaluated_to: false, assertion: that, msg: a.fail_msg as string };
      }
    }
    // msg stays a list when given as a list, as in Ansible (ModuleResult.msg is typed string)
    const msg = a.success_msg as string;
    // Ansible's callback shows the result of an assert that is not quiet (its _ansible_verbose_always)
    return a.quiet ? { changed: false, msg } : { changed: false, msg, [VERBOSE_ALWAYS]: true };
  },
};
