/**
 * Python semantics for template values: str()/repr(), truthiness, equality and ordering,
 * operators (+ - * / // % ** ~) and type names. Jinja2 (and so Ansible) follows Python here, and
 * JavaScript does not: `[] + []`, `'1' == 1`, `bool([])`, `str(True)` all differ.
 * Over 400 lines on purpose: one table of Python's value semantics, each part leaning on the others.
 */
import { KbsError } from '../errors.js';
import { isSafeString } from './nunjucks.js';
import { Undefined } from './undefined.js';
import { PyObject } from './pyobject.js';
import { floatRepr, intRepr, isFloatValue, PyFloat, pyFloat, toFixedPy } from './float.js';

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Undefined) && !(v instanceof Date) && !(v instanceof PyFloat) && !(v instanceof PyObject) && !isSafeString(v);
}

/** Python's str() of a date/datetime (YAML timestamps load as Date). */
export function dateStr(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
}

/** A string, including nunjucks' SafeString (produced by macros). */
export function isStr(v: unknown): boolean {
  return typeof v === 'string' || isSafeString(v);
}

export function templateError(message: string, hint?: string): KbsError {
  return new KbsError('TEMPLATE', message, hint ? { hint } : {});
}

/** Key test that sees own and inherited keys but not Object.prototype's builtins. */
export function hasKey(obj: object, key: string): boolean {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return true;
  if (key === '__proto__' || !(key in obj)) return false;
  return !(key in Object.prototype) || (obj as Dict)[key] !== (Object.prototype as Dict)[key];
}

/** Python type name of a value (type_debug, error messages). */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof Undefined) return 'Undefined';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'bigint') return 'int';
  if (isStr(v)) return 'str';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (typeof v === 'function') return 'function';
  if (v instanceof PyObject) return v.typeName;
  return 'dict';
}

/** characters Python's repr() escapes beyond ASCII: other (control, format, surrogate, private, unassigned) and separators */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c < 0x7f || !NOT_PRINTABLE.test(ch)) out += ch;
    // what str.isprintable() refuses: \xhh, \uhhhh or \Uhhhhhhhh
    else if (c <= 0xff) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c <= 0xffff) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + quote;
}

function reprNumber(n: number): string {
  return Number.isInteger(n) ? intRepr(n) : floatRepr(n);
}

/** Python repr(), used for values inside lists/dicts and for `{{ [1, 'a'] }}`. */
const TUPLE = Symbol('kbs.tuple');

/** Mark a list made by a tuple literal, so that it prints as a Python tuple. */
export function makeTuple(items: unknown[]): unknown[] {
  Object.defineProperty(items, TUPLE, { value: true });
  return items;
}

export function isTuple(v: unknown[]): boolean {
  return (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

const FIELDS = Symbol('kbs.namedtuple');

/** A Python namedtuple (groupby's (grouper, list)): a tuple whose items are also read by name. */
export function makeNamedTuple(items: unknown[], fields: string[]): unknown[] {
  Object.defineProperty(items, FIELDS, { value: fields });
  return makeTuple(items);
}

/** The index of a namedtuple's field, or undefined. */
export function namedField(v: unknown[], key: string): number | undefined {
  const fields = (v as unknown as Record<symbol, string[] | undefined>)[FIELDS];
  const i = fields ? fields.indexOf(key) : -1;
  return i >= 0 ? i : undefined;
}

export function pyRepr(v: unknown, seen: Set<object> = new Set()): string {
  if (v instanceof Undefined) throw v.error();
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return reprNumber(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'string') return reprString(v);
  if (isSafeString(v)) return reprString(String(v));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'function') return '<function>';
  if (v instanceof Date) return reprString(dateStr(v));
  if (v instanceof PyObject) return v.repr();
  if (typeof v !== 'object') return String(v);
  if (seen.has(v)) return Array.isArray(v) ? '[...]' : '{...}';
  seen.add(v);
  try {
    if (Array.isArray(v) && isTuple(v)) {
      return '(' + v.map((x) => pyRepr(x, seen)).join(', ') + (v.length === 1 ? ',)' : ')');
    }
    if (Array.isArray(v)) return '[' + v.map((x) => pyRepr(x, seen)).join(', ') + ']';
    const parts: string[] = [];
    for (const k of Object.keys(v)) parts.push(`${reprString(k)}: ${pyRepr((v as Dict)[k], seen)}`);
    return '{' + parts.join(', ') + '}';
  } finally {
    seen.delete(v);
  }
}

/** Python str(). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return dateStr(v);
  if (isSafeString(v)) return String(v);
  if (v instanceof PyObject) return v.str();
  return pyRepr(v);
}

const concatStr = (v: unknown): string => (v === undefined ? '' : pyStr(v));

/** What `{{ x }}` prints inside a larger string: like str(), but None prints as '' (Ansible). */
export function outputStr(v: unknown): string {
  if (v === null || v === undefined) return '';
  return pyStr(v);
}

/** Python truthiness (bool(x)); an Undefined value raises. */
export function truthy(v: unknown): boolean {
  if (v instanceof Undefined) throw v.error();
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (isSafeString(v)) return String(v).length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyObject) return v.truthy();
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function isNum(v: unknown): v is number | boolean | PyFloat {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** Python ==. Raises on Undefined. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined) throw a.error();
  if (b instanceof Undefined) throw b.error();
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (a instanceof PyObject) return a.equals(b);
  if (b instanceof PyObject) return b.equals(a);
  if (isNum(a) && isNum(b)) return Number(a) === Number(b);
  if (isStr(a) && isStr(b)) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

function typeMismatch(op: string, a: unknown, b: unknown): KbsError {
  return templateError(`'${op}' not supported between instances of '${pyType(a)}' and '${pyType(b)}'`);
}

/** Python ordering: -1, 0, 1. Raises for unorderable types, like Python 3. */
export function pyOrder(a: unknown, b: unknown, op = '<'): number {
  if (a instanceof Undefined) throw a.error();
  if (b instanceof Undefined) throw b.error();
  if (isNum(a) && isNum(b)) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isStr(a) && isStr(b)) {
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a[i], b[i])) return pyOrder(a[i], b[i], op);
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (a instanceof PyObject) {
    const o = a.order(b);
    if (o !== undefined) return o;
  }
  throw typeMismatch(op, a, b);
}

/** A comparison operator of Jinja (`==`, `!=`, `<`, `<=`, `>`, `>=`). */
export function pyCompare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEquals(a, b);
    case '!=':
    case '!==':
      return !pyEquals(a, b);
    case '<':
      return pyOrder(a, b, op) < 0;
    case '<=':
      return pyOrder(a, b, op) <= 0;
    case '>':
      return pyOrder(a, b, op) > 0;
    case '>=':
      return pyOrder(a, b, op) >= 0;
    default:
      throw templateError(`unknown comparison operator '${op}'`);
  }
}

/** Python `x in container`. */
export function pyIn(item: unknown, container: unknown): boolean {
  if (item instanceof Undefined) throw item.error();
  if (container instanceof Undefined) throw container.error();
  if (isStr(container)) {
    if (!isStr(item)) throw templateError(`'in <string>' requires string as left operand, not ${pyType(item)}`);
    return String(container).includes(String(item));
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isDict(container)) {
    if (typeof item === 'string' || typeof item === 'number') return hasKey(container, String(item));
    return false;
  }
  throw templateError(`argument of type '${pyType(container)}' is not iterable`);
}

function num(op: string, a: unknown, b: unknown): [number, number] {
  if (isNum(a) && isNum(b)) return [Number(a), Number(b)];
  throw templateError(`unsupported operand type(s) for ${op}: '${pyType(a)}' and '${pyType(b)}'`);
}

function repeat<T>(seq: T[] | string, n: unknown): T[] | string {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw templateError(`can't multiply sequence by non-int of type '${pyType(n)}'`);
  }
  if (typeof seq === 'string') return n > 0 ? seq.repeat(n) : '';
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(...seq);
  return out;
}

/** Binary operators of Jinja with Python semantics (an int result when both operands are ints). */
export function pyArith(op: string, a: unknown, b: unknown): unknown {
  if (a instanceof Undefined) throw a.error();
  if (b instanceof Undefined) throw b.error();
  if (isSafeString(a)) a = String(a);
  if (isSafeString(b)) b = String(b);
  if (op !== '~' && (a instanceof PyObject || b instanceof PyObject)) {
    const r = a instanceof PyObject ? a.arith(op, b, false) : (b as PyObject).arith(op, a, true);
    if (r === undefined) throw templateError(`unsupported operand type(s) for ${op}: '${pyType(a)}' and '${pyType(b)}'`);
    return r;
  }
  switch (op) {
    case '~':
      // Jinja2's str() of each side: None is 'None' here (only a printed {{ x }} shows it as '')
      return concatStr(a) + concatStr(b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return isTuple(a) && isTuple(b) ? makeTuple([...a, ...b]) : [...a, ...b];
      return numeric(op, a, b, (x, y) => x + y);
    case '-':
      return numeric(op, a, b, (x, y) => x - y);
    case '*':
      if (typeof a === 'string' || Array.isArray(a)) return repeat(a, b);
      if (typeof b === 'string' || Array.isArray(b)) return repeat(b, a);
      return numeric(op, a, b, (x, y) => x * y);
    case '/': {
      const [x, y] = num(op, a, b);
      if (y === 0) throw templateError('division by zero');
      return pyFloat(x / y);
    }
    case '//': {
      const [, y] = num(op, a, b);
      if (y === 0) throw templateError(isFloatValue(a) || isFloatValue(b) ? 'float divmod()' : 'integer division or modulo by zero');
      return numeric(op, a, b, (p, q) => Math.floor(p / q));
    }
    case '%': {
      if (typeof a === 'string') return pyPercentFormat(a, b);
      const [, y] = num(op, a, b);
      if (y === 0) throw templateError(isFloatValue(a) || isFloatValue(b) ? 'float modulo' : 'integer division or modulo by zero');
      return numeric(op, a, b, (p, q) => {
        const r = p % q;
        return r !== 0 && r < 0 !== q < 0 ? r + q : r;
      });
    }
    case '**': {
      const [x, y] = num(op, a, b);
      if (x === 0 && y < 0) throw templateError('0.0 cannot be raised to a negative power');
      // int ** negative int is a float in Python
      if (!isFloatValue(a) && !isFloatValue(b) && y < 0) return pyFloat(Math.pow(x, y));
      return numeric(op, a, b, Math.pow);
    }
    default:
      throw templateError(`unknown operator '${op}'`);
  }
}

/** A numeric operation whose result is a float when an operand is one. */
function numeric(op: string, a: unknown, b: unknown, f: (x: number, y: number) => number): number | PyFloat {
  const [x, y] = num(op, a, b);
  const r = f(x, y);
  return isFloatValue(a) || isFloatValue(b) ? pyFloat(r) : r;
}

export function pyUnary(op: string, a: unknown): number | PyFloat {
  if (a instanceof Undefined) throw a.error();
  if (!isNum(a)) throw templateError(`bad operand type for unary ${op}: '${pyType(a)}'`);
  const n = op === '-' ? -Number(a) : Number(a);
  return a instanceof PyFloat ? pyFloat(n) : n;
}

/** printf-style formatting: `'%s-%05.2f' % (a, b)`, `'%(name)s' % d`. */
export function pyPercentFormat(fmt: string, args: unknown): string {
  const re = /%(\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\d+))?([sdifrxXoeEgGc%])/g;
  const specs = [...fmt.matchAll(re)].filter((m) => m[6] !== '%').length;
  let list: unknown[];
  if (Array.isArray(args) && (specs > 1 || (specs === 1 && args.length === 1))) list = args;
  else list = [args];
  let i = 0;
  const out = fmt.replace(re, (_m, _g, key: string | undefined, flags: string, width?: string, prec?: string, conv?: string) => {
    if (conv === '%') return '%';
    let v: unknown;
    if (key !== undefined) {
      if (!isDict(args) || !hasKey(args, key)) throw templateError(`format key '${key}' not found`);
      v = args[key];
    } else {
      if (i >= list.length) throw templateError('not enough arguments for format string');
      v = list[i++];
    }
    if (v instanceof Undefined) throw v.error();
    let s: string;
    switch (conv) {
      case 's':
        s = pyStr(v);
        break;
      case 'r':
        s = pyRepr(v);
        break;
      case 'd':
      case 'i':
        s = String(Math.trunc(toNumber(v, conv)));
        break;
      case 'x':
      case 'X':
      case 'o': {
        const n = Math.trunc(toNumber(v, conv));
        s = n.toString(conv === 'o' ? 8 : 16);
        if (conv === 'X') s = s.toUpperCase();
        break;
      }
      case 'e':
      case 'E':
        s = toNumber(v, conv).toExponential(prec === undefined ? 6 : Number(prec));
        if (conv === 'E') s = s.toUpperCase();
        break;
      case 'c':
        s = typeof v === 'number' ? String.fromCodePoint(v) : pyStr(v);
        break;
      default:
        s = toFixedPy(toNumber(v, conv ?? 'f'), prec === undefined ? 6 : Number(prec));
    }
    if (prec !== undefined && (conv === 's' || conv === 'r')) s = s.slice(0, Number(prec));
    if (flags.includes('+') && /^[0-9]/.test(s) && conv !== 's') s = '+' + s;
    const w = width && width !== '*' ? Number(width) : 0;
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && conv !== 's') {
        const sign = /^[-+]/.test(s) ? s[0] : '';
        s = sign + s.slice(sign.length).padStart(w - sign.length, '0');
      } else s = s.padStart(w);
    }
    return s;
  });
  const named = /%\([^)]*\)/.test(fmt);
  if (!named && i < list.length && !(specs === 0 && isDict(args))) {
    throw templateError('not all arguments converted during string formatting');
  }
  return out;
}

function toNumber(v: unknown, conv: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw templateError(`%${conv} format: a number is required, not ${pyType(v)}`);
}

/** Build a dict from [key, value] pairs (dict literals). */
export function makeDict(pairs: Array<[unknown, unknown]>): Dict {
  const out: Dict = {};
  for (const [k, v] of pairs) {
    if (k instanceof Undefined) throw k.error();
    setKey(out, typeof k === 'string' ? k : pyStr(k), v);
  }
  return out;
}

/** obj[key] = value, also for "__proto__". */
export function setKey(obj: Dict, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

const NAMESPACE = Symbol('kbs.namespace');

/** Mark a dict as a Jinja2 `namespace()`: the one object `{% set ns.attr = v %}` may change. */
export function makeNamespace(d: Dict): Dict {
  Object.defineProperty(d, NAMESPACE, { value: true });
  return d;
}

export function isNamespace(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && (v as { [NAMESPACE]?: boolean })[NAMESPACE] === true;
}
