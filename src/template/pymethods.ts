/**
 * Python methods on template values, as Jinja2 exposes them: `'a,b'.split(',')`,
 * `name.startswith('k8s')`, `d.items()`, `d.get('x', 1)`, `list.index(x)`...
 * Only these names are reachable: JavaScript prototype members (constructor, __proto__, ...) are not.
 */
import { isKwargs } from './nunjucks.js';
import { type Dict, hasKey, makeTuple, pyEquals, pyStr, pyType, isStr, templateError, setKey } from './python.js';
import { Undefined } from './undefined.js';
import { toFixedPy } from './float.js';
import { pySplitlines } from './textwrap.js';
import { pyCapitalize, pyCasefold, pyCount, pyFind, pyJust, pySwapcase, pyTitle, pyZfill, splitWhitespace, stripWhitespace, STR_PREDICATES } from './pystrmethods.js';

type Method = (self: never, ...args: unknown[]) => unknown;

function plain(args: unknown[]): unknown[] {
  const out = args.length && isKwargs(args[args.length - 1]) ? args.slice(0, -1) : args;
  for (const a of out) if (a instanceof Undefined) throw a.error();
  return out;
}

/** Python str.split / rsplit semantics (sep None = runs of whitespace, maxsplit keeps the rest). */
export function pySplit(s: string, sep?: unknown, maxsplit: unknown = -1, fromRight = false): string[] {
  const max = typeof maxsplit === 'number' ? maxsplit : -1;
  if (sep === undefined || sep === null) return splitWhitespace(s, max, fromRight);
  const sepStr = pyStr(sep);
  if (sepStr === '') throw templateError('empty separator');
  const parts = s.split(sepStr);
  if (max < 0 || parts.length <= max + 1) return parts;
  if (fromRight) return [parts.slice(0, parts.length - max).join(sepStr), ...parts.slice(parts.length - max)];
  return [...parts.slice(0, max), parts.slice(max).join(sepStr)];
}

/** str.strip / lstrip / rstrip: Python's whitespace, or the characters of `chars` */
export function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) return stripWhitespace(s, left, right);
  const set = new Set(Array.from(pyStr(chars)));
  const c = Array.from(s);
  let a = 0;
  let b = c.length;
  if (left) while (a < b && set.has(c[a])) a++;
  if (right) while (b > a && set.has(c[b - 1])) b--;
  return c.slice(a, b).join('');
}

function affix(s: string, x: unknown, fn: (p: string) => boolean): boolean {
  if (Array.isArray(x)) return x.some((p) => fn(pyStr(p)));
  return fn(pyStr(x));
}

/** Python str.format: '{}', '{0}', '{name}', '{0[key]}' is not supported. */
export function pyStrFormat(fmt: string, args: unknown[], kw: Dict): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::([^{}]*))?\}/g, (m, field: string | undefined, spec?: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    let v: unknown;
    const f = field ?? '';
    if (f === '') v = args[auto++];
    else if (/^\d+$/.test(f)) v = args[Number(f)];
    else v = hasKey(kw, f) ? kw[f] : undefined;
    if (v === undefined) throw templateError(`format field '{${f}}' has no value`);
    let s = pyStr(v);
    const fm = spec ? /^(\d*)\.(\d+)f$/.exec(spec) : null;
    if (fm && typeof v === 'number') s = toFixedPy(v, Number(fm[2]));
    return s;
  });
}

const STR: Record<string, (s: string, ...a: unknown[]) => unknown> = {
  split: (s, sep, max) => pySplit(s, sep, max),
  rsplit: (s, sep, max) => pySplit(s, sep, max, true),
  splitlines: (s) => pySplitlines(s),
  strip: (s, c) => stripChars(s, c, true, true),
  lstrip: (s, c) => stripChars(s, c, true, false),
  rstrip: (s, c) => stripChars(s, c, false, true),
  startswith: (s, p) => affix(s, p, (x) => s.startsWith(x)),
  endswith: (s, p) => affix(s, p, (x) => s.endsWith(x)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => pyCasefold(s),
  capitalize: (s) => pyCapitalize(s),
  title: (s) => pyTitle(s),
  swapcase: (s) => pySwapcase(s),
  replace: (s, a, b, count) => {
    const from = pyStr(a);
    const to = pyStr(b);
    const n = typeof count === 'number' && count >= 0 ? count : Infinity;
    const parts = s.split(from);
    if (parts.length - 1 <= n) return parts.join(to);
    return parts.slice(0, n + 1).join(to) + from + parts.slice(n + 1).join(from);
  },
  find: (s, x, a, b) => pyFind(s, pyStr(x), a, b, false),
  rfind: (s, x, a, b) => pyFind(s, pyStr(x), a, b, true),
  index: (s, x, a, b) => {
    const i = pyFind(s, pyStr(x), a, b, false);
    if (i < 0) throw templateError('substring not found');
    return i;
  },
  rindex: (s, x, a, b) => {
    const i = pyFind(s, pyStr(x), a, b, true);
    if (i < 0) throw templateError('substring not found');
    return i;
  },
  count: (s, x, a, b) => pyCount(s, pyStr(x), a, b),
  join: (s, items) => {
    if (!Array.isArray(items)) throw templateError(`can only join an iterable, not ${pyType(items)}`);
    return items.map((x) => pyStr(x)).join(s);
  },
  ...STR_PREDICATES,
  zfill: (s, w) => pyZfill(s, w),
  ljust: (s, w, f) => pyJust(s, w, f, 'ljust'),
  rjust: (s, w, f) => pyJust(s, w, f, 'rjust'),
  center: (s, w, f) => pyJust(s, w, f, 'center'),
  removeprefix: (s, p) => {
    const x = pyStr(p);
    return x && s.startsWith(x) ? s.slice(x.length) : s;
  },
  removesuffix: (s, p) => {
    const x = pyStr(p);
    return x && s.endsWith(x) ? s.slice(0, s.length - x.length) : s;
  },
  rpartition: (s, sep) => {
    const p = pyStr(sep);
    if (p === '') throw templateError('empty separator');
    const i = s.lastIndexOf(p);
    return makeTuple(i < 0 ? ['', '', s] : [s.slice(0, i), p, s.slice(i + p.length)]);
  },
  partition: (s, sep) => {
    const p = pyStr(sep);
    if (p === '') throw templateError('empty separator');
    const i = s.indexOf(p);
    return makeTuple(i < 0 ? [s, '', ''] : [s.slice(0, i), p, s.slice(i + p.length)]);
  },
};

const DICT: Record<string, (d: Dict, ...a: unknown[]) => unknown> = {
  items: (d) => Object.keys(d).map((k) => [k, d[k]]),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  get: (d, k, def = null) => {
    const key = pyStr(k);
    return hasKey(d, key) && d[key] !== undefined ? d[key] : def;
  },
  copy: (d) => ({ ...d }),
  update: (d, other) => {
    if (other && typeof other === 'object') for (const k of Object.keys(other)) setKey(d, k, (other as Dict)[k]);
    return null;
  },
  pop: (d, k, ...def) => {
    const key = pyStr(k);
    if (hasKey(d, key)) {
      const v = d[key];
      delete d[key];
      return v;
    }
    if (def.length) return def[0];
    throw templateError(`KeyError: '${key}'`);
  },
  setdefault: (d, k, def = null) => {
    const key = pyStr(k);
    if (!hasKey(d, key)) setKey(d, key, def);
    return d[key];
  },
};

const LIST: Record<string, (l: unknown[], ...a: unknown[]) => unknown> = {
  index: (l, x) => {
    const i = l.findIndex((y) => pyEquals(x, y));
    if (i < 0) throw templateError('value is not in list');
    return i;
  },
  count: (l, x) => l.filter((y) => pyEquals(x, y)).length,
  append: (l, x) => {
    l.push(x);
    return null;
  },
  extend: (l, x) => {
    if (Array.isArray(x)) l.push(...x);
    return null;
  },
  insert: (l, i, x) => {
    l.splice(Number(i), 0, x);
    return null;
  },
  pop: (l, i) => {
    if (!l.length) throw templateError('pop from empty list');
    const idx = i === undefined ? l.length - 1 : Number(i) < 0 ? l.length + Number(i) : Number(i);
    return l.splice(idx, 1)[0];
  },
  copy: (l) => [...l],
};

/** The bound Python method `name` of `obj`, or undefined if there is none. */
export function pyMethod(obj: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  let table: Record<string, Method> | undefined;
  let self: unknown = obj;
  if (isStr(obj) && name === 'format') {
    return (...args: unknown[]) => {
      const kw = args.length && isKwargs(args[args.length - 1]) ? (args.pop() as Dict) : {};
      return pyStrFormat(String(obj), plain(args), kw);
    };
  }
  if (isStr(obj)) {
    table = STR as Record<string, Method>;
    self = String(obj);
  } else if (Array.isArray(obj)) table = LIST as Record<string, Method>;
  else if (typeof obj === 'object' && obj !== null) table = DICT as Record<string, Method>;
  if (!table || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const fn = table[name];
  return (...args: unknown[]) => fn(self as never, ...plain(args));
}
