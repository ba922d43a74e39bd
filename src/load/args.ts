/**
 * Module arguments: a mapping, a free-form string (`command: echo hi` -> _raw_params) or
 * Ansible's `k=v` string; the legacy `args:` keyword merges in (inline args win). Checked with the
 * module's JSON Schema, where template values are accepted for any type.
 */
import { types } from 'node:util';
import { KbsError, type Position } from '../errors.js';
import { PyFloat } from '../util/pyfloat.js';
import type { ModuleDef, JsonSchema } from '../modules/types.js';
import { TEMPLATED } from '../modules/util/schema.js';
import { templateTolerant } from '../schema/tolerant.js';
import { validate } from '../schema/validate.js';
import { isTemplate } from './keywords.js';
import { parseKv } from './kv.js';
import type { YamlSource, YamlPath } from '../yaml/read.js';

/** options never taken out of a free-form string, even if the module documents them */
const NEVER_INLINE = new Set(['_raw_params', 'cmd', 'argv', 'free_form']);

const schemas = new WeakMap<ModuleDef, JsonSchema>();
/** the module's argument schema (one object per module, so that its compiled check is reused) */
export function schemaOf(mod: ModuleDef): JsonSchema {
  let out = schemas.get(mod);
  if (!out) {
    const s = mod.schema ?? {};
    const props = (s.properties ?? {}) as Record<string, unknown>;
    out = mod.freeForm && !('_raw_params' in props) ? { ...s, properties: { ...props, _raw_params: { type: 'string' } } } : s;
    schemas.set(mod, out);
  }
  return out;
}

/** every schema finishArgs may check a module's arguments with (for precompilation) */
export function argSchemas(mod: ModuleDef): JsonSchema[] {
  const tolerant = templateTolerant(schemaOf(mod));
  return [tolerant, partial(tolerant)];
}

function optionNames(schema: JsonSchema): Set<string> {
  return new Set(Object.keys((schema.properties ?? {}) as object).filter((k) => !NEVER_INLINE.has(k)));
}

/** string args -> a mapping, following the module's free-form-ness */
export function stringArgs(mod: ModuleDef, text: string, pos: Position): Record<string, unknown> {
  const schema = schemaOf(mod);
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  const freeForm = mod.freeForm === true || '_raw_params' in props;
  const args = parseKv(text, { freeForm, options: optionNames(schema), pos });
  if (!freeForm && args._raw_params !== undefined) {
    throw new KbsError('SCHEMA', `module "${mod.name}" does not take free-form text: "${String(args._raw_params)}"`, {
      pos,
      hint: `give arguments as key=value words or as a mapping (key: value lines under ${mod.name}:)`,
    });
  }
  return args;
}

/**
 * Values given as strings where the schema wants a boolean, a number or a list are converted as
 * Ansible's argument spec does ("yes" -> true, "3" -> 3, "a,b" -> [a, b]). Templates stay as they are.
 * Also useful to the engine after rendering.
 */
export function coerceArgs(args: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = typeof v === 'string' && props[k] && !isTemplate(v) ? coerce(v, props[k]) : v;
  return floatArgs(out, schema);
}

/**
 * Whole floats (PyFloat) in arguments of a declared type: Python's text (`5.0`) where the module
 * wants a string, else the plain number. Arguments of any type (debug's msg, set_fact's) keep them.
 */
export function floatArgs(args: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  let out = args;
  for (const k of Object.keys(args)) {
    const v = args[k];
    if (!props[k] || typesOf(props[k]).length === 0 || !hasFloat(v)) continue;
    if (out === args) out = { ...args };
    out[k] = floatArg(v, props[k]);
  }
  return out;
}

function floatArg(v: unknown, s: JsonSchema): unknown {
  if (v instanceof PyFloat) {
    const types = typesOf(s);
    // an argument that takes integers (and no text that reads as this float) refuses a float, as
    // Ansible's check_type_int: the box is kept so that the schema check fails on it
    if (takesInt(types) && !acceptsText(s, String(v))) return v;
    return types.includes('string') && !types.includes('integer') ? String(v) : v.value;
  }
  const items = Array.isArray(v) ? itemsOf(s) : undefined;
  return items ? (v as unknown[]).map((x) => floatArg(x, items)) : unboxDeep(v);
}

/**
 * The first argument that takes integers (and no other numbers) but holds a float or text that is
 * neither a whole number nor text its schema takes otherwise (a template value renders late).
 */
export function intRefused(args: Record<string, unknown>, schema: JsonSchema): { name: string; type: 'float' | 'str' } | undefined {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [k, v] of Object.entries(args)) {
    const s = props[k];
    if (!s || (!(v instanceof PyFloat) && typeof v !== 'string')) continue;
    if (!takesInt(typesOf(s))) continue;
    if (v instanceof PyFloat) return { name: k, type: 'float' };
    if (!/^\s*[-+]?\d+\s*$/.test(v as string) && !acceptsText(s, v as string, true)) return { name: k, type: 'str' };
  }
  return undefined;
}

/** an integer argument: not a number of any kind, nor a boolean (Ansible's booleans take 1.0 and 'yes') */
const takesInt = (types: string[]): boolean => types.includes('integer') && !types.includes('number') && !types.includes('boolean');

/** true when a string alternative of the schema takes this text (no pattern, or one it matches) */
function acceptsText(s: JsonSchema, text: string, rendered = false): boolean {
  const alts = [s, ...((s.anyOf as JsonSchema[]) ?? []), ...((s.oneOf as JsonSchema[]) ?? [])];
  // after rendering, the alternative that stands for a template value (TEMPLATED) takes nothing more
  const plain = (a: JsonSchema): boolean => !(rendered && a.pattern === TEMPLATED.pattern);
  return alts.some((a) => a.type === 'string' && plain(a) && (a.enum ? (a.enum as unknown[]).includes(text) : typeof a.pattern !== 'string' || new RegExp(a.pattern, 'u').test(text)));
}

/** the schema of a list's items, also when the list is one of the alternatives */
function itemsOf(s: JsonSchema): JsonSchema | undefined {
  if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) return s.items as JsonSchema;
  for (const alt of [...((s.anyOf as JsonSchema[]) ?? []), ...((s.oneOf as JsonSchema[]) ?? [])]) {
    const found = itemsOf(alt);
    if (found) return found;
  }
  return undefined;
}

function hasFloat(v: unknown, depth = 0): boolean {
  if (v instanceof PyFloat) return true;
  if (typeof v !== 'object' || v === null || depth > 20 || types.isProxy(v)) return false;
  return Array.isArray(v) ? v.some((x) => hasFloat(x, depth + 1)) : Object.values(v).some((x) => hasFloat(x, depth + 1));
}

function unboxDeep(v: unknown, depth = 0): unknown {
  if (v instanceof PyFloat) return v.value;
  if (typeof v !== 'object' || v === null || depth > 20 || types.isProxy(v)) return v;
  if (Array.isArray(v)) return v.map((x) => unboxDeep(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unboxDeep(x, depth + 1)]));
}

function typesOf(s: JsonSchema): string[] {
  const t = s.type;
  const own = t === undefined ? [] : Array.isArray(t) ? t.map(String) : [String(t)];
  const alts = [...((s.anyOf as JsonSchema[]) ?? []), ...((s.oneOf as JsonSchema[]) ?? [])].flatMap(typesOf);
  return [...own, ...alts];
}

function coerce(v: string, s: JsonSchema): unknown {
  const types = typesOf(s);
  if (types.length === 0 || types.includes('string')) return v;
  const low = v.trim().toLowerCase();
  if (types.includes('boolean')) {
    if (['yes', 'true', 'on', '1', 'y'].includes(low)) return true;
    if (['no', 'false', 'off', '0', 'n'].includes(low)) return false;
  }
  if (types.includes('integer') && /^[-+]?\d+$/.test(low)) return Number(low);
  if (types.includes('number') && low !== '' && Number.isFinite(Number(low))) return Number(low);
  if (types.includes('array')) {
    const items = (s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? s.items : {}) as JsonSchema;
    return v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => coerce(x, items));
  }
  return v;
}

/** Where each arg came from, so that an error points at the right place. */
export interface ArgSource {
  yf: YamlSource;
  /** path of the module value (map or string) */
  path: YamlPath;
}

/**
 * Merge `args:` (lower) with the module's own args (higher), coerce and validate. `inline` are args
 * parsed from the module value; `extra` from the args: keyword.
 */
export function finishArgs(
  mod: ModuleDef,
  inline: Record<string, unknown>,
  inlineSrc: ArgSource,
  extra: Record<string, unknown> | undefined,
  extraSrc: ArgSource | undefined,
): Record<string, unknown> {
  const schema = schemaOf(mod);
  const merged = coerceArgs({ ...(extra ?? {}), ...inline }, schema);
  const tolerant = templateTolerant(schema);
  const what = `module "${mod.name}"`;
  // validate each source separately first so that positions point into the right mapping
  if (extra && extraSrc) {
    const own = Object.fromEntries(Object.entries(merged).filter(([k]) => !(k in inline)));
    validate(partial(tolerant), own, extraSrc.yf, extraSrc.path, what, { noun: 'argument' });
  }
  validate(partial(tolerant), pick(merged, Object.keys(inline)), inlineSrc.yf, inlineSrc.path, what, { noun: 'argument' });
  validate(tolerant, merged, inlineSrc.yf, inlineSrc.path, what, { noun: 'argument' });
  return merged;
}

const partials = new WeakMap<object, JsonSchema>();
/** the schema without `required` (a part of the args is checked alone) */
function partial(s: JsonSchema): JsonSchema {
  let p = partials.get(s);
  if (!p) {
    p = { ...s };
    for (const k of ['required', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependencies', 'minProperties']) delete p[k];
    partials.set(s, p);
  }
  return p;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
