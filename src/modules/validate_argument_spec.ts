/**
 * ansible.builtin.validate_argument_spec: check values against an argument spec, as a role's
 * meta/argument_specs.yml asks before the role's tasks run (the loader puts that task first).
 * The values are `provided_arguments` over the variables of the same names. Checked as Ansible's
 * ArgumentSpecValidator does: required, type (str, list, dict, bool, int, float, path, raw),
 * choices, elements and nested options; messages as Ansible words them.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';

type Dict = Record<string, unknown>;
type Spec = Record<string, Dict>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** Python's type name of a value, as in "<class 'int'>" */
function pyType(v: unknown): string {
  const t = v === null || v === undefined ? 'NoneType' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v === 'string' ? 'str' : Array.isArray(v) ? 'list' : 'dict';
  return `<class '${t}'>`;
}

/** the value converted to `type`, or an error text (Ansible's check_type_* reasons) */
function convert(v: unknown, type: string): { ok: true; value: unknown } | { ok: false; why: string } {
  const no = (why: string) => ({ ok: false as const, why });
  switch (type) {
    case 'raw':
      return { ok: true, value: v };
    case 'str':
    case 'path':
      return { ok: true, value: typeof v === 'string' ? v : pyLiteral(v) };
    case 'list':
      if (Array.isArray(v)) return { ok: true, value: v };
      if (typeof v === 'string') return { ok: true, value: v.split(',') };
      if (typeof v === 'number') return { ok: true, value: [String(v)] };
      return no(`${pyType(v)} cannot be converted to a list`);
    case 'dict':
      if (isDict(v)) return { ok: true, value: v };
      if (typeof v === 'string' && v.trim().startsWith('{')) {
        try {
          return { ok: true, value: JSON.parse(v) };
        } catch {
          return no('unable to evaluate string as dictionary');
        }
      }
      return no(`${pyType(v)} cannot be converted to a dict`);
    case 'bool':
    case 'boolean':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (TRUE.has(String(v).toLowerCase())) return { ok: true, value: true };
      if (FALSE.has(String(v).toLowerCase())) return { ok: true, value: false };
      return no(`The value '${String(v)}' is not a valid boolean.  Valid booleans include: 0, 'on', 'f', 'false', 1, 'no', 'n', '1', '0', 't', 'y', 'off', 'yes', 'true'`);
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return { ok: true, value: v };
      if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return { ok: true, value: Number(v) };
      return no(`${pyType(v)} cannot be converted to an int`);
    case 'float':
      if (typeof v === 'number') return { ok: true, value: v };
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return { ok: true, value: Number(v) };
      return no(`${pyType(v)} cannot be converted to a float`);
    default:
      return { ok: true, value: v };
  }
}

/** str() of a value as Python prints it */
function pyLiteral(v: unknown, inner = false): string {
  if (typeof v === 'string') return inner ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : v;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map((x) => pyLiteral(x, true)).join(', ')}]`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${pyLiteral(k, true)}: ${pyLiteral(x, true)}`).join(', ')}}`;
  return String(v);
}

interface Unsupported {
  names: string[];
  supported: string[];
}

/** Ansible's error messages for `params` against `spec`; `where` is the options context */
function check(spec: Spec, params: Dict, where: string[], errors: string[], unsupported: Unsupported): void {
  const found = where.length ? ` found in ${where.join(' -> ')}` : '';
  const foundQ = where.length ? ` found in '${where.join(' -> ')}'.` : '';
  const missing = Object.keys(spec).filter((k) => spec[k]?.required === true && !(k in params));
  if (missing.length) errors.push(`missing required arguments: ${missing.sort().join(', ')}${found}`);
  const known = new Set(Object.keys(spec).flatMap((k) => [k, ...((spec[k]?.aliases as string[] | undefined) ?? [])]));
  const unknown = Object.keys(params).filter((k) => !known.has(k));
  if (unknown.length) {
    unsupported.names.push(...unknown.map((k) => [...where, k].join('.')));
    unsupported.supported = [...known].sort();
  }
  // as Ansible: the types and values of this level first, then the nested options
  const nested: (() => void)[] = [];
  for (const [name, s] of Object.entries(spec)) {
    if (!(name in params) || params[name] === null || params[name] === undefined) continue;
    const type = String(s?.type ?? 'str');
    const c = convert(params[name], type);
    if (!c.ok) {
      errors.push(`argument '${name}' is of type ${pyType(params[name])}${foundQ} and we were unable to convert to ${type}: ${c.why}`);
      continue;
    }
    const value = c.value;
    if (Array.isArray(s?.choices)) {
      const choices = s.choices as unknown[];
      const bad = (Array.isArray(value) ? value : [value]).filter((x) => !choices.some((ch) => String(ch) === String(x)));
      const list = choices.map(String).join(', ');
      if (bad.length && Array.isArray(value)) errors.push(`value of ${name} must be one or more of: ${list}. Got no match for: ${bad.map(String).join(', ')}${found}`);
      else if (bad.length) errors.push(`value of ${name} must be one of: ${list}, got: ${pyLiteral(value)}${found}`);
    }
    if (type === 'list' && typeof s?.elements === 'string' && Array.isArray(value)) {
      value.forEach((x, i) => {
        const e = convert(x, String(s.elements));
        if (!e.ok) errors.push(`Elements value for option '${name}'${where.length ? ` found in '${where.join(' -> ')}'` : ''} is of type ${pyType(x)} and we were unable to convert to ${String(s.elements)}: ${e.why}`);
        else if (isDict(s.options) && isDict(e.value)) {
          const item = e.value;
          nested.push(() => check(s.options as Spec, item, [...where, name], errors, unsupported));
        }
        void i;
      });
    } else if (type === 'dict' && isDict(s?.options) && isDict(value)) nested.push(() => check(s.options as Spec, value, [...where, name], errors, unsupported));
  }
  for (const n of nested) n();
}

const args = declareArgs({
  // null is kept, to be refused as Ansible words it (a NoneType is not a dict)
  argument_spec: { type: 'any', schema: { type: 'object' }, required: true, nullable: true },
  provided_arguments: { type: 'any', schema: { type: ['object', 'null'] }, default: {} },
  validate_args_context: { type: 'any', default: {} },
});

export const validate_argument_spec: ModuleDef = {
  name: 'validate_argument_spec',
  local: true,
  schema: args.schema,
  async run(given, ctx): Promise<ModuleResult> {
    const a = args.read(given);
    const spec = a.argument_spec;
    if (!isDict(spec)) throw new KbsError('TASK', `Incorrect type for argument_spec, expected dict and got ${pyType(spec)}`);
    const provided = a.provided_arguments as Dict;
    if (!isDict(provided)) throw new KbsError('TASK', `Incorrect type for provided_arguments, expected dict and got ${pyType(provided)}`);
    // the variables named in the spec, templated, under the provided arguments
    const params: Dict = {};
    for (const name of Object.keys(spec)) {
      if (!(name in ctx.vars)) continue;
      params[name] = ctx.evaluate ? ctx.evaluate(name) : ctx.vars[name];
    }
    Object.assign(params, provided);
    const errors: string[] = [];
    const unsupported: Unsupported = { names: [], supported: [] };
    check(spec as Spec, params, [], errors, unsupported);
    // as Ansible's ArgumentSpecValidator, unknown names last, nested ones as a.b
    if (unsupported.names.length) errors.push(`${unsupported.names.sort().join(', ')}. Supported parameters include: ${unsupported.supported.join(', ')}.`);
    const context = a.validate_args_context;
    if (errors.length) {
      return { changed: false, failed: true, msg: `Validation of arguments failed:\n${errors.join('\n')}`, argument_spec_data: spec, argument_errors: errors, validate_args_context: context };
    }
    return { changed: false, msg: 'The arg spec validation passed', validate_args_context: context };
  },
};
