/** ansible.builtin.debug: print a message or a variable (evaluated as a Jinja2 expression). */
import { KbsError } from '../errors.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { INT, STR, argsSchema } from './util/schema.js';

export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

export const debug: ModuleDef = {
  name: 'debug',
  local: true,
  schema: argsSchema({ msg: {}, var: STR, verbosity: INT }),
  async run(args, ctx): Promise<ModuleResult> {
    const verbosity = args.verbosity === undefined || args.verbosity === null ? 0 : Number(args.verbosity);
    if (!Number.isInteger(verbosity)) throw new KbsError('TASK', `verbosity must be an integer, got ${String(args.verbosity)}`);
    if (ctx.verbosity < verbosity) {
      return { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' };
    }
    if (args.msg !== undefined && args.var !== undefined) throw new KbsError('TASK', "'msg' and 'var' are incompatible options");
    if (args.var !== undefined && args.var !== null) {
      const name = typeof args.var === 'string' ? args.var : JSON.stringify(args.var);
      const value = typeof args.var === 'string' ? evaluate(ctx, args.var) : args.var;
      return { changed: false, [name]: value };
    }
    // a non-string msg (list, dict) stays native as in Ansible, although ModuleResult.msg is typed
    // string; a msg given as null (or a template that renders None) stays null, as Ansible's
    return { changed: false, msg: (args.msg === undefined ? 'Hello world!' : args.msg) as string };
  },
};

/** `{{ expr }}` with native types when the context can evaluate; undefined -> Ansible's marker. */
function evaluate(ctx: ModuleContext, expr: string): unknown {
  try {
    return ctx.evaluate ? ctx.evaluate(expr) : ctx.render(`{{ ${expr} }}`);
  } catch (e) {
    if (e instanceof KbsError && (e.code === 'UNDEFINED' || (e.code === 'TEMPLATE' && /undefined/i.test(e.message)))) {
      return ctx.verbosity > 0 ? `${NOT_DEFINED}: ${e.message}` : NOT_DEFINED;
    }
    throw e;
  }
}
