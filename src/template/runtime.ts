/**
 * The runtime object compiled templates call into (`runtime.memberLookup(...)` etc.): nunjucks'
 * own runtime with the lookups, output and operators replaced by strict, Python-like ones.
 * Also the per-render context (`KbsContext`), which filters, tests and lookups see as `this`.
 */
import { didYouMean } from '../errors.js';
import type { TemplateContext, TemplateSyntax } from './types.js';
import { isSafeString, njRuntime, type NjFrame } from './nunjucks.js';
import { pyMethod } from './pymethods.js';
import { PyObject } from './pyobject.js';
import {
  makeTuple,
  namedField,
  type Dict,
  hasKey,
  isDict,
  isNamespace,
  makeDict,
  outputStr,
  pyArith,
  pyCompare,
  pyIn,
  pyType,
  pyUnary,
  setKey,
  templateError,
  truthy,
} from './python.js';
import { Undefined, missingVariable } from './undefined.js';
import { pyFloat, unboxArgs } from './float.js';
import { isVaultedAt } from '../vault/marks.js';

/** What filters, tests, globals and lookups need from the environment. */
export interface KbsEnv {
  opts: { autoescape: boolean };
  globals: Dict;
  getFilter(name: string): (...args: unknown[]) => unknown;
  getTest(name: string): (...args: unknown[]) => unknown;
  getTemplate(): never;
  getExtension(): never;
  waterfall(): never;
  /** base directory for relative lookup('file') paths (else playbook_dir, else cwd) */
  lookupBase?: string;
  /** render a template string with the same templater (lookup('template'), with its other delimiters) */
  renderString(source: string, vars: Dict, ctx?: TemplateContext, syntax?: TemplateSyntax): string;
  /** a warning for the run's output (lookup errors=warn) */
  warn?: (msg: string) => void;
}

/** The `context` of one render. */
export class KbsContext {
  /** top-level `{% set %}` variables */
  readonly locals: Dict = Object.create(null) as Dict;
  /** value captured by a native (single expression) template */
  native: unknown = undefined;
  blocks: Dict = {};

  constructor(
    readonly vars: Dict,
    readonly env: KbsEnv,
    readonly tctx: TemplateContext | undefined,
  ) {}

  /** Resolve a variable name: set variables, then vars, then globals. */
  resolve(name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.locals, name)) return this.locals[name];
    const vars = this.vars;
    if (hasKey(vars, name) && vars[name] !== undefined) return vars[name];
    if (Object.prototype.hasOwnProperty.call(this.env.globals, name)) return this.env.globals[name];
    return missingVariable(name, () => {
      const names: string[] = [];
      for (const k in vars) names.push(k);
      const guess = didYouMean(name, names);
      return guess ? `did you mean '${guess}'?` : undefined;
    });
  }

  lookup(name: string): unknown {
    return this.resolve(name);
  }
  setVariable(name: string, val: unknown): void {
    this.locals[name] = val;
  }
  addExport(): void {}
  getVariables(): Dict {
    return { ...this.vars, ...this.locals };
  }
  getBlock(name: string): unknown {
    const b = this.blocks['b_' + name];
    if (typeof b !== 'function') throw templateError(`unknown block '${name}'`);
    return b;
  }
}

function indexOf(key: unknown, len: number): number | undefined {
  let i: number;
  if (typeof key === 'number' && Number.isInteger(key)) i = key;
  else if (typeof key === 'string' && /^-?\d+$/.test(key)) i = Number(key);
  else return undefined;
  if (i < 0) i += len;
  return i >= 0 && i < len ? i : -1;
}

/** `obj.key` / `obj[key]` with Jinja semantics and strict undefined results. */
export function memberLookup(obj: unknown, key: unknown, path = '?'): unknown {
  if (obj instanceof Undefined) return obj; // chained lookups keep the first cause
  if (key instanceof Undefined) throw key.error();
  if (obj === null || obj === undefined) return new Undefined(path, `'None' has no attribute '${String(key)}'`);
  if (isSafeString(obj)) obj = String(obj);
  if (typeof obj === 'string' || Array.isArray(obj)) {
    const what = typeof obj === 'string' ? 'str' : 'list';
    const i = indexOf(key, obj.length);
    if (i !== undefined) {
      if (i < 0) return new Undefined(path, `${what} index ${String(key)} out of range`);
      return obj[i];
    }
    const field = typeof key === 'string' && Array.isArray(obj) ? namedField(obj, key) : undefined;
    if (field !== undefined) return obj[field];
    const m = typeof key === 'string' ? pyMethod(obj, key) : undefined;
    return m ?? new Undefined(path, `'${what} object' has no attribute '${String(key)}'`);
  }
  if (obj instanceof PyObject) {
    const v = typeof key === 'string' ? obj.attr(key) : undefined;
    return v !== undefined ? v : new Undefined(path, `'${obj.typeName}' object has no attribute '${String(key)}'`);
  }
  if (typeof obj === 'object') {
    const k = typeof key === 'string' ? key : outputStr(key);
    const d = obj as Dict;
    if (hasKey(d, k) && d[k] !== undefined) return d[k];
    const m = pyMethod(obj, k);
    if (m) return m;
    return new Undefined(path, `'dict object' has no attribute '${k}'`, () => {
      const guess = didYouMean(k, Object.keys(d));
      return guess ? `did you mean '${guess}'?` : undefined;
    });
  }
  return new Undefined(path, `'${pyType(obj)} object' has no attribute '${String(key)}'`);
}

/** Python slicing `x[a:b:c]` for lists and strings. */
function kbsSlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj instanceof Undefined) throw obj.error();
  for (const v of [start, stop, step]) if (v instanceof Undefined) throw v.error();
  if (isSafeString(obj)) obj = String(obj);
  if (typeof obj !== 'string' && !Array.isArray(obj)) throw templateError(`'${pyType(obj)}' object is not subscriptable`);
  const len = obj.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (st === 0) throw templateError('slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    let n = Number(v);
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const items: unknown[] = [];
  const seq = obj as ArrayLike<unknown>;
  if (st > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += st) items.push(seq[i]);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += st) items.push(seq[i]);
  }
  return typeof obj === 'string' ? items.join('') : items;
}

function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (fn instanceof Undefined) throw fn.error();
  if (typeof fn !== 'function') throw templateError(`'${name}' is not callable`);
  return fn.apply(context, unboxArgs(args));
}

/** Iteration in `{% for %}`: lists, strings, dict keys (or dict pairs for `for k, v in d`). */
function kbsIter(v: unknown, dims: number): unknown {
  if (v instanceof Undefined) throw v.error();
  if (v === null || v === undefined) throw templateError(`'NoneType' object is not iterable`);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' || isSafeString(v)) return Array.from(String(v));
  if (isDict(v)) {
    if (dims > 1) return v; // nunjucks' object form: `for k, v in dict`
    return Object.keys(v);
  }
  if (typeof v === 'object' && Symbol.iterator in v) return Array.from(v as Iterable<unknown>);
  throw templateError(`'${pyType(v)}' object is not iterable`);
}

/** `{% for x in items if cond %}`: the items whose `keep` (the condition, names bound) is true. */
function kbsLoopFilter(items: unknown, dims: number, keep: (...names: unknown[]) => boolean): unknown {
  if (Array.isArray(items)) {
    return items.filter((x) => (dims > 1 ? keep(...Array.from({ length: dims }, (_n, u) => (x as unknown[])[u])) : keep(x)));
  }
  // `for k, v in dict` (nunjucks' pair form): the kept pairs, as a dict again
  const out: Dict = {};
  for (const k of Object.keys(items as Dict)) if (keep(k, (items as Dict)[k])) setKey(out, k, (items as Dict)[k]);
  return out;
}

/** `{% set ns.attr = value %}`: only on a namespace(), as in Jinja2. */
function kbsSetAttr(obj: unknown, key: unknown, value: unknown): void {
  if (obj instanceof Undefined) throw obj.error();
  if (!isNamespace(obj)) throw templateError('cannot assign attribute on non-namespace object', 'create it with {% set ns = namespace(attr=value) %}');
  setKey(obj, String(key), value);
}

function kbsCompare(first: unknown, ...rest: unknown[]): boolean {
  let left = first;
  for (let i = 0; i < rest.length; i += 2) {
    const right = rest[i + 1];
    if (!pyCompare(String(rest[i]), left, right)) return false;
    left = right;
  }
  return true;
}

export const kbsRuntime: Record<string, unknown> = {
  ...njRuntime,
  contextOrFrameLookup(context: KbsContext, frame: NjFrame, name: string): unknown {
    const v = frame.lookup(name);
    return v !== undefined ? v : context.resolve(name);
  },
  memberLookup,
  kbsSlice,
  callWrap,
  kbsIter,
  kbsLoopFilter,
  kbsSetAttr,
  suppressValue(val: unknown): string {
    return outputStr(val);
  },
  ensureDefined(val: unknown): unknown {
    return val;
  },
  handleError(e: unknown): unknown {
    return e;
  },
  inOperator: pyIn,
  truthy,
  kbsAnd(left: unknown, right: () => unknown): unknown {
    return truthy(left) ? right() : left;
  },
  kbsOr(left: unknown, right: () => unknown): unknown {
    return truthy(left) ? left : right();
  },
  kbsCompare,
  kbsArith: pyArith,
  kbsTuple: makeTuple,
  kbsUnary: pyUnary,
  kbsFloat: pyFloat,
  /** `name is vault_encrypted`: a variable (not a loop or {% set %} one) whose slot holds a decrypted !vault value */
  kbsVaultVar(context: KbsContext, frame: NjFrame, name: string): boolean {
    if (frame.lookup(name) !== undefined || Object.prototype.hasOwnProperty.call(context.locals, name)) return false;
    const v = context.resolve(name);
    if (v instanceof Undefined) throw v.error();
    return isVaultedAt(context.vars, name);
  },
  /** `obj.key is vault_encrypted` / `obj[key] is vault_encrypted` */
  kbsVaultMember(obj: unknown, key: unknown): boolean {
    const v = memberLookup(obj, key);
    if (v instanceof Undefined) throw v.error(); // as Ansible: an undefined operand is an error
    return isVaultedAt(obj, key);
  },
  kbsDict(pairs: Array<[unknown, unknown]>): Dict {
    return makeDict(pairs);
  },
};
