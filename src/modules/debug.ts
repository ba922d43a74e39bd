/** ansible.builtin.debug: print a message or a variable (evaluated as a Jinja2 expression). */
import { KbsError } from '../errors.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { INT, STR } from './util/schema.js';

export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

const args = declareArgs({
  msg: { type: 'any', nullable: true },
  var: { type: 'any', schema: STR, nullable: true },
  verbosity: { type: 'any', schema: INT, default: 0, read: readVerbosity },
});

function readVerbosity(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new KbsError('TASK', `verbosity must be an integer, got ${String(v)}`);
  return n;
}

export const debug: ModuleDef = {
  name: 'debug',
  local: true,
  schema: args.schema,
  async run(given, ctx): Promise<ModuleResult> {
    const a = args.read(given);
    if (ctx.verbosity < a.verbosity) {
      return { changed: false, skipped: true, skipped_reason: 'Verbosity threshold not met.' };
    }
    if (a.msg !== undefined && a.var !== undefined) throw new KbsError('TASK', "'msg' and 'var' are incompatible options");
    if (a.var !== undefined && a.var !== null) {
      const name = typeof a.var === 'string' ? a.var : JSON.stringify(a.var);
      const value = typeof a.var === 'string' ? evaluate(ctx, a.var) : a.var;
      return { changed: false, [name]: value };
    }
    // a non-string msg (list, dict) stays native as in Ansible, although ModuleResult.msg is typed
    // string; a msg given as null (or a template that renders None) stays null, as Ansible's
    return { changed: false, msg: (a.msg === undefined ? 'Hello world!' : a.msg) as string };
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
