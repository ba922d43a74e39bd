/**
 * JSON Schema validation (ajv) with errors mapped back to file:line:col through the YAML document.
 * One error per problem, with the key, the reason and a hint ("did you mean ...?").
 */
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { KbsError, didYouMean } from '../errors.js';
import { posAt, type YamlSource, type YamlPath } from '../yaml/read.js';
import { check } from './check.js';

const require = createRequire(import.meta.url);

let ajv: Ajv | undefined;
const cache = new WeakMap<object, ValidateFunction>();

/** a full validator (all errors, with their schemas) for `schema`; ajv is loaded on first use */
export function compile(schema: object): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    if (!ajv) {
      const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
      ajv = new AjvClass({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
    }
    v = ajv.compile(schema);
    cache.set(schema, v);
  }
  return v;
}

/** how often a value was checked by walking its schema, and by ajv (tests read it) */
export const schemaStats = { walked: 0, compiled: 0 };

/** is `value` valid? check.ts walks the schema; ajv is asked only for schemas that walk cannot take */
function valid(schema: object, value: unknown): boolean {
  const r = check(schema, value);
  if (r !== undefined) {
    schemaStats.walked++;
    return r;
  }
  schemaStats.compiled++;
  return compile(schema)(value) as boolean;
}

/**
 * Validate `value` (found at `base` inside `yf`) against `schema`. Throws one KbsError SCHEMA for the
 * most relevant problem. `what` names the thing for messages ("task", "play", "inventory").
 */
export function validate(
  schema: object,
  value: unknown,
  yf: YamlSource,
  base: YamlPath,
  what: string,
  opts: ValidateOptions = {},
): void {
  if (valid(schema, value)) return;
  const v = compile(schema);
  if (v(value)) return;
  const errors = v.errors ?? [];
  const err = pickError(errors);
  const expect = expectationFor(err, errors);
  if (expect !== undefined && err.keyword !== 'additionalProperties' && err.keyword !== 'required') {
    const rel = pathOf(err.instancePath);
    const subject = rel.length ? `"${String(rel[rel.length - 1])}" in ${what}` : what;
    throw new KbsError('SCHEMA', `${subject} must be ${expect}`, { pos: posAt(yf, [...base, ...rel]) });
  }
  throw toKbsError(err, yf, base, what, opts);
}

export interface ValidateOptions {
  /** word for keys in messages: 'key' (default), 'argument', 'keyword' */
  noun?: string;
}

/**
 * A schema may carry `expect: "a number or a template"` (ignored by ajv): the wording of what the
 * value must be. Looked up on the failing schema and on an anyOf/oneOf around it at the same path.
 */
function expectationFor(err: ErrorObject, all: ErrorObject[]): string | undefined {
  const own = (err.parentSchema as { expect?: unknown } | undefined)?.expect;
  // the outermost anyOf/oneOf with an expectation at the same place
  const alt = all
    .filter(
      (e) =>
        (e.keyword === 'anyOf' || e.keyword === 'oneOf') &&
        e.instancePath === err.instancePath &&
        typeof (e.parentSchema as { expect?: unknown } | undefined)?.expect === 'string',
    )
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length)[0];
  const outer = (alt?.parentSchema as { expect?: string } | undefined)?.expect;
  if (outer !== undefined) return outer;
  return typeof own === 'string' ? own : undefined;
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

export function toKbsError(
  err: ErrorObject,
  yf: YamlSource,
  base: YamlPath,
  what: string,
  opts: ValidateOptions = {},
): KbsError {
  const noun = opts.noun ?? 'key';
  const rel = pathOf(err.instancePath);
  const path = [...base, ...rel];
  const keyName = rel.length ? String(rel[rel.length - 1]) : what;
  switch (err.keyword) {
    case 'additionalProperties': {
      const extra = String((err.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(((err.parentSchema as { properties?: object })?.properties ?? {}) as object);
      const guess = didYouMean(extra, allowed);
      return new KbsError('SCHEMA', `unknown ${noun} "${extra}" in ${rel.length ? `"${keyName}" of ` : ''}${what}`, {
        pos: posAt(yf, [...path, extra], 'key'),
        hint: guess ? `did you mean ${guess}?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined,
      });
    }
    case 'required': {
      const missing = String((err.params as { missingProperty: string }).missingProperty);
      return new KbsError('SCHEMA', `${what}${rel.length ? ` "${keyName}"` : ''} is missing the required ${noun} "${missing}"`, {
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
