/**
 * A yes/no JSON Schema check that walks the schema, for the keywords kbs's schemas use, with
 * ajv's semantics (strict numbers off, patterns as `new RegExp(p, "u")`, a property whose value
 * is undefined counts as absent, enum/const by deep equality). ajv compiles each schema into code
 * first, tens of milliseconds a schema and about 50 schemas a run; most values are valid, so
 * validate.ts asks this first and ajv only for a value that fails (for the message) or for a
 * schema with a keyword not handled here (check() then returns undefined).
 */
type Schema = Record<string, unknown>;

/** keywords that only annotate */
const ANNOTATIONS = new Set(['expect', 'description', 'title', 'default', 'examples', '$comment', '$defs', 'definitions']);
const HANDLED = new Set([
  'type', 'enum', 'const', 'pattern', 'properties', 'patternProperties', 'additionalProperties', 'required',
  'items', 'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf', 'allOf', 'oneOf', 'not', '$ref', 'propertyNames',
]);

const supported = new WeakMap<object, boolean>();
const regexps = new Map<string, RegExp>();

/** true/false as ajv would answer; undefined when the schema uses a keyword this does not handle */
export function check(schema: object, value: unknown): boolean | undefined {
  let ok = supported.get(schema);
  if (ok === undefined) {
    ok = handles(schema as Schema);
    supported.set(schema, ok);
  }
  return ok ? matches(schema as Schema, value, schema as Schema) : undefined;
}

function handles(s: unknown): boolean {
  if (typeof s === 'boolean') return true;
  if (!isObj(s)) return false;
  for (const [k, v] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) {
      if ((k === '$defs' || k === 'definitions') && (!isObj(v) || !Object.values(v).every(handles))) return false;
      continue;
    }
    if (!HANDLED.has(k)) return false;
    switch (k) {
      case 'properties':
      case 'patternProperties':
        if (!isObj(v) || !Object.values(v).every(handles)) return false;
        break;
      case 'additionalProperties':
      case 'items':
      case 'not':
      case 'propertyNames':
        if (!handles(v)) return false; // `items: [...]` (a tuple) is not handled
        break;
      case 'anyOf':
      case 'allOf':
      case 'oneOf':
        if (!Array.isArray(v) || !v.every(handles)) return false;
        break;
      case '$ref':
        if (typeof v !== 'string' || !/^#\/(\$defs|definitions)\/[^/~]+$/.test(v)) return false;
        break;
      case 'pattern':
        if (typeof v !== 'string') return false;
        break;
    }
  }
  return true;
}

function matches(s: Schema | boolean, v: unknown, root: Schema): boolean {
  if (typeof s === 'boolean') return s;
  if (s.$ref !== undefined) {
    const [, where, name] = (s.$ref as string).split('/');
    if (!matches((root[where] as Schema)[name] as Schema, v, root)) return false;
  }
  if (s.type !== undefined && !(Array.isArray(s.type) ? s.type.some((t) => isType(t, v)) : isType(s.type as string, v))) return false;
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => equal(e, v))) return false;
  if (s.const !== undefined && !equal(s.const, v)) return false;
  if (typeof v === 'string' && s.pattern !== undefined && !regexp(s.pattern as string).test(v)) return false;
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) return false;
    if (typeof s.maximum === 'number' && v > s.maximum) return false;
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return false;
    if (s.items !== undefined && !v.every((x) => matches(s.items as Schema, x, root))) return false;
  }
  if (isObj(v) && !objectMatches(s, v, root)) return false;
  if (s.anyOf !== undefined && !(s.anyOf as Schema[]).some((x) => matches(x, v, root))) return false;
  if (s.allOf !== undefined && !(s.allOf as Schema[]).every((x) => matches(x, v, root))) return false;
  if (s.oneOf !== undefined && (s.oneOf as Schema[]).filter((x) => matches(x, v, root)).length !== 1) return false;
  if (s.not !== undefined && matches(s.not as Schema, v, root)) return false;
  return true;
}

function objectMatches(s: Schema, v: Schema, root: Schema): boolean {
  if (Array.isArray(s.required) && s.required.some((k) => v[k as string] === undefined)) return false;
  const props = s.properties as Record<string, Schema> | undefined;
  const patterns = s.patternProperties as Record<string, Schema> | undefined;
  if (props) {
    for (const [k, ps] of Object.entries(props)) {
      if (v[k] !== undefined && !matches(ps, v[k], root)) return false;
    }
  }
  for (const k in v) {
    if (s.propertyNames !== undefined && !matches(s.propertyNames as Schema, k, root)) return false;
    let known = props !== undefined && Object.prototype.hasOwnProperty.call(props, k);
    if (patterns) {
      for (const [p, ps] of Object.entries(patterns)) {
        if (regexp(p).test(k)) {
          known = true;
          if (!matches(ps, v[k], root)) return false;
        }
      }
    }
    if (!known && s.additionalProperties !== undefined && !matches(s.additionalProperties as Schema, v[k], root)) return false;
  }
  return true;
}

function isType(t: string, v: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObj(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && !(v % 1) && !Number.isNaN(v);
    default:
      return false;
  }
}

function regexp(p: string): RegExp {
  let r = regexps.get(p);
  if (!r) {
    r = new RegExp(p, 'u');
    regexps.set(p, r);
  }
  return r;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b; // NaN
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => equal(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal((a as Schema)[k], (b as Schema)[k]));
}

function isObj(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
