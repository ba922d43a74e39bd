/**
 * A task's final module arguments, as Ansible's Task.post_validate builds them: the module's
 * `module_defaults` (play, blocks, task; later ones win) below the rendered arguments, and
 * arguments given as one Jinja expression (`copy: "{{ args }}"`, kept in `_variable_params`)
 * below the ones written out. Keys the module does not know are an error. Whole floats become
 * what the module's argument types want (load/args.ts floatArgs); a float or other text given to an
 * argument that takes integers fails the task, as in Ansible.
 */
import { KbsError, type Position } from '../errors.js';
import { floatArgs, intRefused, schemaOf } from '../load/args.js';
import type { Vars } from '../load/model.js';
import { canonicalModuleName } from '../modules/registry.js';
import type { ModuleDef } from '../modules/types.js';
import type { TemplateContext, Templater } from '../template/types.js';

const isMap = (v: unknown): v is Vars => typeof v === 'object' && v !== null && !Array.isArray(v);

/** the defaults for `module` out of a list of rendered module_defaults values */
export function defaultsFor(module: string, lists: unknown[]): Vars {
  const out: Vars = {};
  for (const one of lists.flatMap((l) => (Array.isArray(l) ? l : [l]))) {
    if (!isMap(one)) continue;
    // a key names the module as a task may (short, ansible.builtin., community.general.... or an alias)
    for (const [name, d] of Object.entries(one)) if (isMap(d) && canonicalModuleName(name) === module) Object.assign(out, d);
  }
  return out;
}

export function finalArgs(mod: ModuleDef, rendered: Vars, defaults: unknown[], tpl: Templater, scope: Vars, where: TemplateContext & { pos: Position }): Vars {
  let args = rendered;
  let checked = false;
  if ('_variable_params' in args) {
    const { _variable_params: vp, ...rest } = args;
    if (!isMap(vp)) {
      throw new KbsError('TASK', `the task's arguments must come out as a mapping, got ${vp === null ? 'null' : Array.isArray(vp) ? 'a list' : typeof vp}`, {
        pos: where.pos,
        hint: 'the expression given as the module\'s arguments must render to a dictionary',
      });
    }
    args = { ...vp, ...rest };
    checked = true;
  }
  if (defaults.length) {
    const d = defaultsFor(mod.name, defaults.map((x) => tpl.render(x, scope, where)));
    if (Object.keys(d).length) {
      args = { ...d, ...args };
      checked = true;
    }
  }
  if (checked) checkKnown(mod, args, where.pos);
  const schema = schemaOf(mod);
  const out = floatArgs(args, schema);
  const bad = intRefused(out, schema);
  if (bad) {
    // as Ansible's check_type_int: an argument that takes integers refuses a float and text that is not a whole number
    throw new KbsError('TASK', `argument '${bad.name}' is of type <class '${bad.type}'> and we were unable to convert to int: <class '${bad.type}'> cannot be converted to an int`, {
      pos: where.pos,
      hint: `give ${bad.name} a whole number (e.g. "{{ x | int }}")`,
    });
  }
  return out;
}

function checkKnown(mod: ModuleDef, args: Vars, pos: Position): void {
  const schema = schemaOf(mod);
  if (schema.additionalProperties !== false || !schema.properties) return;
  const known = new Set(Object.keys(schema.properties as object));
  const bad = Object.keys(args).filter((k) => !known.has(k)).sort();
  if (bad.length) {
    throw new KbsError('TASK', `Unsupported parameters for (${mod.name}) module: ${bad.join(', ')}`, {
      pos,
      hint: `supported parameters: ${[...known].filter((k) => !k.startsWith('_')).sort().join(', ')}`,
    });
  }
}
