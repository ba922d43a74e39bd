/**
 * Module argument schemas are written for final values, but a value may be a template that is
 * only known at run time (`mode: "{{ m }}"`). templateTolerant(schema) returns a copy in which
 * every property / item schema also accepts a string with Jinja2 markup, so only literal values
 * are type-checked before the run. Unknown keys and missing required keys are still errors.
 */
import { TEMPLATE } from './playbook.js';

type Schema = Record<string, unknown>;
const memo = new WeakMap<object, Schema>();

export function templateTolerant(schema: Schema): Schema {
  let out = memo.get(schema);
  if (!out) {
    out = walk(schema);
    memo.set(schema, out);
  }
  return out;
}

function walk(s: Schema): Schema {
  const copy: Schema = { ...s };
  if (isObj(s.properties)) {
    copy.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, wrap(v)]));
  }
  if (isObj(s.patternProperties)) {
    copy.patternProperties = Object.fromEntries(Object.entries(s.patternProperties).map(([k, v]) => [k, wrap(v)]));
  }
  if (isObj(s.additionalProperties)) copy.additionalProperties = wrap(s.additionalProperties);
  if (Array.isArray(s.items)) copy.items = s.items.map(wrap);
  else if (isObj(s.items)) copy.items = wrap(s.items);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[k])) copy[k] = (s[k] as unknown[]).map((x) => (isObj(x) ? walk(x) : x));
  }
  return copy;
}

/** accept the schema's own values or a template string */
function wrap(v: unknown): unknown {
  if (!isObj(v)) return v;
  if (acceptsAnyString(v)) return walk(v);
  return { anyOf: [walk(v), TEMPLATE] };
}

function acceptsAnyString(s: Schema): boolean {
  if (Object.keys(s).length === 0) return true;
  const t = s.type;
  const str = t === 'string' || (Array.isArray(t) && t.includes('string'));
  return str && s.enum === undefined && s.const === undefined && s.pattern === undefined && s.format === undefined;
}

function isObj(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
