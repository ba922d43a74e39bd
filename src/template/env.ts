/**
 * The environment compiled templates see as `env`: filter and test tables (with strict-undefined
 * guards and Ansible collection prefixes), and the globals (lookup, query, range, dict, namespace, omit...).
 */
import { nowGlobal } from './filters-time.js';
import { randomBytes } from 'node:crypto';
import { didYouMean } from '../errors.js';
import { assertDefinedArgs, splitArgs } from './args.js';
import { FILTERS, UNDEFINED_OK_FILTERS } from './filters.js';
import { lookup, query } from './lookups.js';
import { type Dict, makeNamespace, pyStr, setKey, templateError } from './python.js';
import type { KbsEnv } from './runtime.js';
import { TESTS, UNDEFINED_OK } from './tests.js';
import { unboxArgs } from './float.js';
import type { TemplateContext, TemplateSyntax } from './types.js';

/**
 * What `omit` renders to. A module argument whose value is exactly OMIT is dropped by the engine
 * (`mode: "{{ file_mode | default(omit) }}"`).
 */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

const PREFIX = /^(ansible\.(builtin|utils|netcommon|posix)|community\.general)\./;

type Fn = (...args: unknown[]) => unknown;

function range(...args: unknown[]): number[] {
  const n = args.map((a) => Number(a));
  const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
  if (step === 0) throw templateError('range() arg 3 must not be zero');
  const len = Math.max(0, Math.ceil((stop - start) / step));
  if (len > 100000) throw templateError('range too big, the limit is 100000 items');
  return Array.from({ length: len }, (_x, i) => start + i * step);
}

function dictGlobal(...args: unknown[]): Dict {
  const [pos, kw] = splitArgs(args);
  const out: Dict = {};
  for (const p of pos) {
    if (Array.isArray(p)) for (const pair of p) if (Array.isArray(pair)) setKey(out, pyStr(pair[0]), pair[1]);
    if (p && typeof p === 'object' && !Array.isArray(p)) Object.assign(out, p);
  }
  for (const k of Object.keys(kw)) setKey(out, k, kw[k]);
  return out;
}

export const GLOBALS: Dict = {
  lookup,
  query,
  q: query,
  range,
  dict: dictGlobal,
  namespace: (...args: unknown[]) => makeNamespace(dictGlobal(...args)),
  now: nowGlobal,
  omit: OMIT,
  True: true,
  False: false,
  None: null,
};

/** Filters and tests that see a whole float (5.0) as a float rather than as a plain number. */
const FLOAT_AWARE = new Set(['string', 'type_debug', 'abs', 'min', 'max', 'sum', 'first', 'last', 'list', 'default', 'd', 'ternary', 'to_json', 'to_nice_json', 'number', 'integer', 'float', 'eq', 'equalto', '==', 'ne', '!=', 'lt', '<', 'le', '<=', 'gt', '>', 'ge', '>=']);

function guarded(table: Record<string, Fn>, lenient: Set<string>, kind: 'filter' | 'test', name: string): Fn {
  const base = name.replace(PREFIX, '');
  const fn = Object.prototype.hasOwnProperty.call(table, base) ? table[base] : undefined;
  if (!fn) {
    const guess = didYouMean(base, Object.keys(table));
    throw templateError(`no ${kind} named '${name}'`, guess ? `did you mean '${guess}'?` : `the supported ${kind}s are listed in docs/playbooks.md (Templates)`);
  }
  // whole floats reach only the filters and tests that tell floats from ints
  const unbox = FLOAT_AWARE.has(base) ? (a: unknown[]) => a : unboxArgs;
  if (lenient.has(base)) return FLOAT_AWARE.has(base) ? fn : function (this: unknown, ...args: unknown[]) {
    return fn.apply(this, unboxArgs(args));
  };
  if (kind === 'test') {
    return function (this: unknown, ...args: unknown[]) {
      assertDefinedArgs(args);
      return fn.apply(this, unbox(args)) === true;
    };
  }
  return function (this: unknown, ...args: unknown[]) {
    assertDefinedArgs(args);
    return fn.apply(this, unbox(args));
  };
}

export function createEnv(lookupBase: string | undefined, renderString: KbsEnv['renderString'], warn?: (msg: string) => void): KbsEnv {
  const filters = new Map<string, Fn>();
  const tests = new Map<string, Fn>();
  const unsupported = (): never => {
    throw templateError('include, import and extends are not supported in kbs templates', 'inline the template, or use a macro');
  };
  return {
    opts: { autoescape: false },
    globals: GLOBALS,
    lookupBase,
    renderString: (source: string, vars: Dict, ctx?: TemplateContext, syntax?: TemplateSyntax) => renderString(source, vars, ctx, syntax),
    warn,
    getFilter(name: string): Fn {
      let f = filters.get(name);
      if (!f) filters.set(name, (f = guarded(FILTERS as Record<string, Fn>, UNDEFINED_OK_FILTERS, 'filter', name)));
      return f;
    },
    getTest(name: string): Fn {
      let t = tests.get(name);
      if (!t) tests.set(name, (t = guarded(TESTS as Record<string, Fn>, UNDEFINED_OK, 'test', name)));
      return t;
    },
    getTemplate: unsupported,
    getExtension: unsupported,
    waterfall: unsupported,
  };
}
