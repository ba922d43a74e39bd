/**
 * ansible.builtin's math filters (plugins/filter/mathstuff.py in ansible-core 2.14): log, pow,
 * root, human_readable, human_to_bytes (module_utils formatters), combinations, permutations and
 * rekey_on_member, with Python's results: float results are floats, rounding is Python's round
 * (half to even), tuples are tuples.
 */
import { bind } from './args.js';
import type { Filter } from './filters-text.js';
import { pyFloat, unbox } from './float.js';
import { hasKey, isDict, isStr, makeTuple, pyPercentFormat, pyStr, pyType, templateError, truthy } from './python.js';
import { Undefined } from './undefined.js';

function number(fname: string, v: unknown): number {
  const x = unbox(v);
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  throw templateError(`${fname}() can only be used on numbers: must be real number, not ${pyType(v)}`);
}

/** math.log / math.log10 / math.pow / math.sqrt raise ValueError outside their domain */
function domain(fname: string, r: number): number | ReturnType<typeof pyFloat> {
  if (Number.isNaN(r)) throw templateError(`${fname}() failed: math domain error`);
  return pyFloat(r);
}

function log(v: unknown, ...args: unknown[]): unknown {
  const a = bind('log', args, { base: Math.E as unknown });
  const x = number('log', v);
  const base = number('log', a.base);
  if (x <= 0 || base <= 0) throw templateError('log() failed: math domain error');
  if (base === 10) return domain('log', Math.log10(x));
  if (base === 1) throw templateError('log() failed: float division by zero');
  return domain('log', Math.log(x) / Math.log(base));
}

function pow(v: unknown, ...args: unknown[]): unknown {
  const a = bind('pow', args, { y: undefined as unknown });
  if (a.y === undefined) throw templateError("pow() missing 1 required positional argument: 'y'");
  const x = number('pow', v);
  const y = number('pow', a.y);
  if (x < 0 && !Number.isInteger(y)) throw templateError('pow() failed: math domain error');
  if (x === 0 && y < 0) throw templateError('pow() failed: math domain error');
  return domain('pow', Math.pow(x, y));
}

function root(v: unknown, ...args: unknown[]): unknown {
  const a = bind('root', args, { base: 2 as unknown });
  const x = number('root', v);
  const base = number('root', a.base);
  if (base === 2) {
    if (x < 0) throw templateError('root() can only be used on numbers: math domain error');
    return pyFloat(Math.sqrt(x));
  }
  if (base === 0) throw templateError('root() failed: float division by zero');
  if (x < 0 && !Number.isInteger(1 / base)) throw templateError('root() can only be used on numbers: math domain error');
  return pyFloat(Math.pow(x, 1 / base));
}

/** Python's round() to an integer: half to even */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const SIZE_RANGES: [string, number][] = [
  ['Y', 2 ** 80],
  ['Z', 2 ** 70],
  ['E', 2 ** 60],
  ['P', 2 ** 50],
  ['T', 2 ** 40],
  ['G', 2 ** 30],
  ['M', 2 ** 20],
  ['K', 2 ** 10],
  ['B', 1],
];

function humanReadable(v: unknown, ...args: unknown[]): unknown {
  const a = bind('human_readable', args, { isbits: false as unknown, unit: null as unknown });
  const size = unbox(v);
  if (typeof size !== 'number' && typeof size !== 'boolean') {
    if (isStr(size)) throw templateError(`human_readable() failed on bad input: '>=' not supported between instances of 'str' and 'int'`);
    throw templateError(`human_readable() can't interpret following string: ${pyStr(v)}`);
  }
  const n = Number(size);
  const unit = a.unit === null || a.unit === undefined ? undefined : pyStr(a.unit).toUpperCase();
  let suffix = 'B';
  let limit = 1;
  for ([suffix, limit] of SIZE_RANGES) if ((unit === undefined && n >= limit) || (unit !== undefined && unit[0] === suffix)) break;
  const base = truthy(a.isbits) ? 'bits' : 'Bytes';
  const text = limit !== 1 ? suffix + base[0] : base;
  return `${pyPercentFormat('%.2f', pyFloat(n / limit))} ${text}`;
}

function humanToBytes(v: unknown, ...args: unknown[]): unknown {
  const a = bind('human_to_bytes', args, { default_unit: null as unknown, isbits: false as unknown });
  const text = pyStr(v);
  const fail = (why: string) => templateError(`human_to_bytes() can't interpret following string: ${text}`, why);
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  if (!m || m[1] === '' || m[1] === '.') throw fail(`the number part "${m?.[1] ?? ''}" is not a number`);
  const num = Number(m[1]);
  const unit = m[2] ?? (a.default_unit === null ? undefined : pyStr(a.default_unit));
  if (unit === undefined) return roundHalfEven(num);
  const key = unit[0].toUpperCase();
  const range = SIZE_RANGES.find(([s]) => s === key);
  if (!range) throw fail(`the suffix must be one of ${SIZE_RANGES.map(([s]) => s).join(', ')}`);
  const bits = truthy(a.isbits);
  const cls = bits ? 'b' : 'B';
  if (unit.length > 1 && !unit.toLowerCase().includes(bits ? 'bit' : 'byte') && unit[1] !== cls) {
    throw fail(key === 'B' ? `expect ${cls} or ${bits ? 'bit' : 'byte'}` : `expect ${key}${cls} or ${key}`);
  }
  return roundHalfEven(num * range[1]);
}

function items(fname: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isStr(v)) return Array.from(String(v));
  if (isDict(v)) return Object.keys(v);
  throw templateError(`${fname}: '${pyType(v)}' object is not iterable`);
}

/** itertools.combinations(v, r) as a list of tuples */
function combinations(v: unknown, ...args: unknown[]): unknown {
  const a = bind('combinations', args, { r: undefined as unknown });
  const pool = items('combinations', v);
  const r = a.r === undefined ? NaN : Number(unbox(a.r));
  if (!Number.isInteger(r)) throw templateError("combinations() missing required argument 'r' (an integer)");
  if (r < 0) throw templateError('r must be non-negative');
  const out: unknown[] = [];
  const pick = (start: number, chosen: unknown[]) => {
    if (chosen.length === r) return void out.push(makeTuple([...chosen]));
    for (let i = start; i < pool.length; i++) pick(i + 1, [...chosen, pool[i]]);
  };
  if (r <= pool.length) pick(0, []);
  return out;
}

/** itertools.permutations(v, r=None) as a list of tuples, in Python's order */
function permutations(v: unknown, ...args: unknown[]): unknown {
  const a = bind('permutations', args, { r: null as unknown });
  const pool = items('permutations', v);
  const r = a.r === null || a.r === undefined ? pool.length : Number(unbox(a.r));
  if (!Number.isInteger(r)) throw templateError(`Expected int as r, got ${pyType(a.r)}`);
  if (r < 0) throw templateError('r must be non-negative');
  const out: unknown[] = [];
  const used = new Array<boolean>(pool.length).fill(false);
  const pick = (chosen: unknown[]) => {
    if (chosen.length === r) return void out.push(makeTuple([...chosen]));
    for (let i = 0; i < pool.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      pick([...chosen, pool[i]]);
      used[i] = false;
    }
  };
  if (r <= pool.length) pick([]);
  return out;
}

function rekeyOnMember(v: unknown, ...args: unknown[]): unknown {
  const a = bind('rekey_on_member', args, { key: undefined as unknown, duplicates: 'error' as unknown });
  if (a.key instanceof Undefined) throw a.key.error();
  if (a.duplicates !== 'error' && a.duplicates !== 'overwrite') throw templateError(`duplicates parameter to rekey_on_member has unknown value: ${pyStr(a.duplicates)}`);
  const list = isDict(v) ? Object.values(v) : Array.isArray(v) ? v : undefined;
  if (!list) throw templateError('Type is not a valid list, set, or dict');
  const key = pyStr(a.key);
  const out: Record<string, unknown> = {};
  for (const item of list) {
    if (!isDict(item)) throw templateError('List item is not a valid dict');
    if (!hasKey(item, key)) throw templateError(`Key ${key} was not found`);
    const k = pyStr(item[key]);
    if (hasKey(out, k) && a.duplicates === 'error') throw templateError(`Key ${k} is not unique, cannot correctly turn into dict`);
    out[k] = item;
  }
  return out;
}

export const MATH_FILTERS: Record<string, Filter> = {
  log,
  pow,
  root,
  human_readable: humanReadable,
  human_to_bytes: humanToBytes,
  combinations,
  permutations,
  rekey_on_member: rekeyOnMember,
};
