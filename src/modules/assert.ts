/** ansible.builtin.assert: every `that` condition must hold. */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { toBool } from './util/args.js';
import { BOOL, STR_OR_LIST, argsSchema } from './util/schema.js';

export const assert: ModuleDef = {
  name: 'assert',
  local: true,
  schema: argsSchema({ that: {}, fail_msg: STR_OR_LIST, msg: STR_OR_LIST, success_msg: STR_OR_LIST, quiet: BOOL }, ['that']),
  async run(args, ctx): Promise<ModuleResult> {
    if (args.that === undefined || args.that === null) throw new KbsError('TASK', 'conditional required in "that" string');
    const thats = Array.isArray(args.that) ? args.that : [args.that];
    const failMsg = args.fail_msg ?? args.msg ?? 'Assertion failed';
    const successMsg = args.success_msg ?? 'All assertions passed';
    const quiet = toBool(args.quiet, false, 'quiet');
    for (const that of thats) {
      if (!ctx.condition(that)) {
        return { changed: false, failed: true, evaluated_to: false, assertion: that, msg: failMsg as string };
      }
    }
    // msg stays a list when given as a list, as in Ansible (ModuleResult.msg is typed string)
    const msg = successMsg as string;
    return quiet ? { changed: false, msg, _ansible_verbose_always: false } : { changed: false, msg };
  },
};
