/**
 * JSON Schema validation (ajv) with errors mapped back to file:line:col through the YAML document.
 * One error per problem, with the key, the reason and a hint ("did you mean ...?").
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { KbsError, didYouMean } from '../errors.js';
import { posAt, type YamlFile, type YamlPath } from '../load/yaml.js';

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
const cache = new WeakMap<object, ValidateFunction>();

export function compile(schema: object): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    cache.set(schema, v);
  }
  return v;
}

/**
 * Validate `value` (found at `base` inside `yf`) against `schema`. Throws one KbsError SCHEMA for the
 * most relevant problem. `what` names the thing for messages ("task", "play", "inventory").
 */
export function validate(schema: object, value: unknown, yf: YamlFile, base: YamlPath, what: string): void {
  const v = compile(schema);
  if (v(value)) return;
  const err = pickError(v.errors ?? []);
  throw toKbsError(err, yf, base, what);
}

function pickError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) =>
    e.keyword === 'additionalProperties' ? 0 : e.keyword === 'required' ? 1 : e.keyword === 'type' ? 2 : 3;
  // deepest first, then by kind
  return [...errors].sort(
    (a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length || rank(a) - rank(b),
  )[0];
}

function pathOf(instancePath: string): YamlPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function toKbsError(err: ErrorObject, yf: YamlFile, base: YamlPath, what: string): KbsError {
  const rel = pathOf(err.instancePath);
  const path = [...base, ...rel];
  const keyName = rel.length ? String(rel[rel.length - 1]) : what;
  switch (err.keyword) {
    case 'additionalProperties': {
      const extra = String((err.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(((err.parentSchema as { properties?: object })?.properties ?? {}) as object);
      const guess = didYouMean(extra, allowed);
      return new KbsError('SCHEMA', `unknown key "${extra}" in ${rel.length ? `"${keyName}" of ` : ''}${what}`, {
        pos: posAt(yf, [...path, extra], 'key'),
        hint: guess ? `did you mean ${guess}?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined,
      });
    }
    case 'required': {
      const missing = String((err.params as { missingProperty: string }).missingProperty);
      return new KbsError('SCHEMA', `${what}${rel.length ? ` "${keyName}"` : ''} is missing the required key "${missing}"`, {
        pos: posAt(yf, path),
        hint: `add "${missing}:"`,
      });
    }
    case 'type': {
      const t = (err.params as { type: string | string[] }).type;
      const want = Array.isArray(t) ? t.join(' or ') : t;
      return new KbsError('SCHEMA', `"${keyName}" in ${what} must be ${article(want)}`, {
        pos: posAt(yf, path),
        hint: want.includes('object') ? 'write a mapping (key: value lines)' : want.includes('array') ? 'write a list (- item lines)' : undefined,
      });
    }
    case 'enum': {
      const allowed = (err.params as { allowedValues: unknown[] }).allowedValues.map(String);
      return new KbsError('SCHEMA', `"${keyName}" in ${what} must be one of: ${allowed.join(', ')}`, {
        pos: posAt(yf, path),
      });
    }
    default:
      return new KbsError('SCHEMA', `"${keyName}" in ${what} ${err.message ?? 'is invalid'}`, { pos: posAt(yf, path) });
  }
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
