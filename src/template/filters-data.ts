/** List and dict filters: set operations, map/select, combine, dict2items, sort, flatten, zip... */
import { bind, splitArgs } from './args.js';
import { parsePyFloat, type Filter } from './filters-text.js';
import { type Dict, hasKey, isDict, isStr, makeNamedTuple, namedField, pyArith, pyEquals, pyOrder, pyStr, pyType, setKey, templateError, truthy } from './python.js';
import { type KbsContext, memberLookup } from './runtime.js';
import { Undefined } from './undefined.js';
import { pyMethod } from './pymethods.js';
import { toFixedPy } from './float.js';

/** Python iteration of a value: lists, strings (chars), dicts (keys). */
export function seq(name: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isStr(v)) return Array.from(String(v));
  if (isDict(v)) return Object.keys(v);
  if (v instanceof Set) return [...v];
  throw templateError(`${name} expects a list, got ${pyType(v)}`);
}

function dict(name: string, v: unknown): Dict {
  if (!isDict(v)) throw templateError(`${name} expects a dictionary, got ${pyType(v)}`);
  return v;
}

function uniq(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of items) if (!out.some((y) => pyEquals(x, y))) out.push(x);
  return out;
}

const contains = (list: unknown[], x: unknown) => list.some((y) => pyEquals(x, y));

/** Jinja's attribute getter: 'a.b.0' walks dicts and lists; missing -> Undefined. */
export function attrGetter(attribute: unknown): (item: unknown) => unknown {
  if (typeof attribute === 'number') return (item) => memberLookup(item, attribute, `[${attribute}]`);
  const parts = pyStr(attribute)
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return (item) => {
    let v = item;
    for (const p of parts) v = memberLookup(v, p, pyStr(attribute));
    return v;
  };
}

function sortKey(caseSensitive: boolean) {
  return (v: unknown): unknown => (!caseSensitive && typeof v === 'string' ? v.toLowerCase() : v);
}

function applyTest(ctx: KbsContext, item: unknown, args: unknown[]): boolean {
  if (!args.length) return truthy(item);
  const [name, ...rest] = args;
  return ctx.env.getTest(pyStr(name)).call(ctx, item, ...rest) === true;
}

type ListMerge = 'replace' | 'keep' | 'append' | 'prepend' | 'append_rp' | 'prepend_rp';

/** Ansible's merge_hash(x, y): y wins. */
function mergeHash(x: Dict, y: Dict, recursive: boolean, listMerge: ListMerge): Dict {
  if (Object.keys(x).length === 0 || pyEquals(x, y)) return { ...y };
  const out: Dict = { ...x };
  if (!recursive && listMerge === 'replace') {
    for (const k of Object.keys(y)) setKey(out, k, y[k]);
    return out;
  }
  for (const k of Object.keys(y)) {
    const yv = y[k];
    if (!hasKey(out, k)) {
      setKey(out, k, yv);
      continue;
    }
    const xv = out[k];
    if (isDict(xv) && isDict(yv)) {
      out[k] = recursive ? mergeHash(xv, yv, recursive, listMerge) : yv;
    } else if (Array.isArray(xv) && Array.isArray(yv)) {
      switch (listMerge) {
        case 'replace':
          out[k] = yv;
          break;
        case 'append':
          out[k] = [...xv, ...yv];
          break;
        case 'prepend':
          out[k] = [...yv, ...xv];
          break;
        case 'append_rp':
          out[k] = [...xv.filter((z) => !contains(yv, z)), ...yv];
          break;
        case 'prepend_rp':
          out[k] = [...yv, ...xv.filter((z) => !contains(yv, z))];
          break;
        case 'keep':
          break;
      }
    } else {
      out[k] = yv;
    }
  }
  return out;
}

function combine(this: unknown, ...terms: unknown[]): unknown {
  const [pos, kw] = splitArgs(terms);
  const recursive = truthy(kw.recursive ?? false);
  const listMerge = pyStr(kw.list_merge ?? 'replace') as ListMerge;
  for (const k of Object.keys(kw)) {
    if (k !== 'recursive' && k !== 'list_merge') {
      throw templateError(`combine() got an unexpected keyword argument '${k}'`, "'recursive' and 'list_merge' are the only valid keyword arguments");
    }
  }
  if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(listMerge)) {
    throw templateError(`combine: invalid list_merge '${listMerge}'`, 'use replace, keep, append, prepend, append_rp or prepend_rp');
  }
  const dicts: Dict[] = [];
  for (const t of pos) {
    for (const d of Array.isArray(t) ? t : [t]) {
      if (d instanceof Undefined) throw d.error();
      dicts.push(dict('combine', d));
    }
  }
  if (!dicts.length) return {};
  if (dicts.length === 1) return dicts[0];
  let result = dicts[dicts.length - 1];
  for (let i = dicts.length - 2; i >= 0; i--) result = mergeHash(dicts[i], result, recursive, listMerge);
  return result;
}

function flatten(list: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const el of list) {
    if (skipNulls && (el === null || el === undefined || el === 'None' || el === 'null')) continue;
    if (Array.isArray(el)) {
      if (levels === null) out.push(...flatten(el, null, skipNulls));
      else if (levels > 1) out.push(...flatten(el, levels - 1, skipNulls));
      else out.push(...el);
    } else out.push(el);
  }
  return out;
}

function aggregate(name: string, value: unknown, args: unknown[], pick: (c: number) => boolean): unknown {
  const a = bind(name, args, { case_sensitive: false, attribute: null as unknown });
  const items = seq(name, value);
  if (!items.length) return new Undefined(name, 'No aggregated item, sequence was empty.');
  const get = a.attribute === null ? (x: unknown) => x : attrGetter(a.attribute);
  const key = sortKey(truthy(a.case_sensitive));
  let best = items[0];
  for (const x of items.slice(1)) if (pick(pyOrder(key(get(x)), key(get(best))))) best = x;
  return best;
}

export const DATA_FILTERS: Record<string, Filter> = {
  length: (v) => {
    if (isStr(v)) return String(v).length;
    if (Array.isArray(v)) return v.length;
    if (isDict(v)) return Object.keys(v).length;
    throw templateError(`object of type '${pyType(v)}' has no len()`);
  },
  first: (v) => {
    const s = seq('first', v);
    return s.length ? s[0] : new Undefined('first', 'No first item, sequence was empty.');
  },
  last: (v) => {
    const s = seq('last', v);
    return s.length ? s[s.length - 1] : new Undefined('last', 'No last item, sequence was empty.');
  },
  list: (v) => [...seq('list', v)],
  dict(v) {
    const out: Dict = {};
    for (const pair of seq('dict', v)) {
      if (!Array.isArray(pair) || pair.length !== 2) throw templateError('dict expects a list of [key, value] pairs');
      setKey(out, pyStr(pair[0]), pair[1]);
    }
    return out;
  },
  join(v, ...args) {
    const a = bind('join', args, { d: '' as unknown, attribute: null as unknown });
    let items = seq('join', v);
    if (a.attribute !== null) items = items.map(attrGetter(a.attribute));
    return items.map((x) => pyStr(x)).join(pyStr(a.d));
  },
  unique(v, ...args) {
    const a = bind('unique', args, { case_sensitive: null as unknown, attribute: null as unknown });
    const items = seq('unique', v);
    if (a.attribute === null && a.case_sensitive === null) return uniq(items);
    const get = a.attribute === null ? (x: unknown) => x : attrGetter(a.attribute);
    const key = sortKey(truthy(a.case_sensitive));
    const seen: unknown[] = [];
    const out: unknown[] = [];
    for (const x of items) {
      const k = key(get(x));
      if (!contains(seen, k)) {
        seen.push(k);
        out.push(x);
      }
    }
    return out;
  },
  union: (a, b) => uniq([...seq('union', a), ...seq('union', b)]),
  intersect: (a, b) => {
    const other = seq('intersect', b);
    return uniq(seq('intersect', a).filter((x) => contains(other, x)));
  },
  difference: (a, b) => {
    const other = seq('difference', b);
    return uniq(seq('difference', a).filter((x) => !contains(other, x)));
  },
  symmetric_difference: (a, b) => {
    const x = seq('symmetric_difference', a);
    const y = seq('symmetric_difference', b);
    return uniq([...x.filter((e) => !contains(y, e)), ...y.filter((e) => !contains(x, e))]);
  },
  map(this: unknown, v, ...args) {
    const ctx = this as KbsContext;
    const items = seq('map', v);
    const [pos, kw] = splitArgs(args);
    if (!pos.length && hasKey(kw, 'attribute')) {
      const get = attrGetter(kw.attribute);
      const hasDefault = hasKey(kw, 'default');
      return items.map((x) => {
        const r = get(x);
        return r instanceof Undefined && hasDefault ? kw.default : r;
      });
    }
    if (!pos.length) throw templateError('map() needs a filter name or attribute=');
    const filter = ctx.env.getFilter(pyStr(pos[0]));
    const rest = Object.keys(kw).length ? [...pos.slice(1), { ...kw, __keywords: true }] : pos.slice(1);
    return items.map((x) => filter.call(ctx, x, ...rest));
  },
  select(this: unknown, v, ...args) {
    return seq('select', v).filter((x) => applyTest(this as KbsContext, x, args));
  },
  reject(this: unknown, v, ...args) {
    return seq('reject', v).filter((x) => !applyTest(this as KbsContext, x, args));
  },
  selectattr(this: unknown, v, attr, ...args) {
    const get = attrGetter(attr);
    return seq('selectattr', v).filter((x) => applyTest(this as KbsContext, get(x), args));
  },
  rejectattr(this: unknown, v, attr, ...args) {
    const get = attrGetter(attr);
    return seq('rejectattr', v).filter((x) => !applyTest(this as KbsContext, get(x), args));
  },
  combine,
  dict2items(v, ...args) {
    const a = bind('dict2items', args, { key_name: 'key' as unknown, value_name: 'value' as unknown });
    const d = dict('dict2items', v);
    return Object.keys(d).map((k) => ({ [pyStr(a.key_name)]: k, [pyStr(a.value_name)]: d[k] }));
  },
  items2dict(v, ...args) {
    const a = bind('items2dict', args, { key_name: 'key' as unknown, value_name: 'value' as unknown });
    const kn = pyStr(a.key_name);
    const vn = pyStr(a.value_name);
    const out: Dict = {};
    for (const item of seq('items2dict', v)) {
      if (!isDict(item) || !hasKey(item, kn) || !hasKey(item, vn)) {
        throw templateError(`items2dict: each item needs '${kn}' and '${vn}' keys`, 'set key_name= / value_name= for other key names');
      }
      setKey(out, pyStr(item[kn]), item[vn]);
    }
    return out;
  },
  items: (v) => {
    const d = dict('items', v);
    return Object.keys(d).map((k) => [k, d[k]]);
  },
  dictsort(v, ...args) {
    const a = bind('dictsort', args, { case_sensitive: false, by: 'key' as unknown, reverse: false });
    const d = dict('dictsort', v);
    const idx = pyStr(a.by) === 'value' ? 1 : 0;
    const key = sortKey(truthy(a.case_sensitive));
    const pairs = Object.keys(d).map((k) => [k, d[k]] as [string, unknown]);
    pairs.sort((x, y) => pyOrder(key(x[idx]), key(y[idx])));
    return truthy(a.reverse) ? pairs.reverse() : pairs;
  },
  sort(v, ...args) {
    const a = bind('sort', args, { reverse: false, case_sensitive: false, attribute: null as unknown });
    const get = a.attribute === null ? (x: unknown) => x : attrGetter(a.attribute);
    const key = sortKey(truthy(a.case_sensitive));
    const out = [...seq('sort', v)].sort((x, y) => pyOrder(key(get(x)), key(get(y))));
    return truthy(a.reverse) ? out.reverse() : out;
  },
  /**
   * Jinja2's groupby(attribute, default=None, case_sensitive=False): (grouper, list) namedtuples,
   * sorted by the attribute (without case, and then the grouper is the first item's own value);
   * `default` stands in for a missing attribute.
   */
  groupby(v, ...args) {
    const a = bind('groupby', args, { attribute: undefined as unknown, default: null as unknown, case_sensitive: false });
    if (a.attribute === undefined) throw templateError("groupby() missing 1 required positional argument: 'attribute'");
    const at = attrGetter(a.attribute);
    const get = (x: unknown): unknown => {
      const r = at(x);
      if (!(r instanceof Undefined)) return r;
      if (a.default !== null) return a.default;
      throw r.error();
    };
    const key = sortKey(truthy(a.case_sensitive));
    const sorted = [...seq('groupby', v)].sort((x, y) => pyOrder(key(get(x)), key(get(y))));
    const groups: { k: unknown; grouper: unknown; list: unknown[] }[] = [];
    for (const item of sorted) {
      const k = key(get(item));
      const last = groups[groups.length - 1];
      if (last && pyEquals(last.k, k)) last.list.push(item);
      else groups.push({ k, grouper: get(item), list: [item] });
    }
    return groups.map((g) => makeNamedTuple([g.grouper, g.list], ['grouper', 'list']));
  },
  /** Jinja2's attr: an attribute (a method, a namedtuple's field), never a mapping's key */
  attr(v, name) {
    const k = pyStr(name);
    if (Array.isArray(v)) {
      const f = namedField(v, k);
      if (f !== undefined) return v[f];
    }
    const m = v !== null && v !== undefined && (typeof v === 'object' || isStr(v)) ? pyMethod(isStr(v) ? String(v) : v, k) : undefined;
    return m ?? new Undefined('attr', `'${pyType(v)} object' has no attribute '${k}'`);
  },
  /** Jinja2's filesizeformat: bytes in kB, MB... (powers of 1000) or KiB, MiB... (binary=true) */
  filesizeformat(v, ...args) {
    const a = bind('filesizeformat', args, { binary: false as unknown });
    // Python's float(): 'inf', 'nan', '1_000' and spaces read; '' and '0x10' do not
    const bytes = parsePyFloat(v);
    if (bytes === undefined) {
      if (isStr(v)) throw templateError(`could not convert string to float: '${pyStr(v)}'`);
      throw templateError(`float() argument must be a string or a real number, not '${pyType(v)}'`);
    }
    const binary = truthy(a.binary);
    const base = binary ? 1024 : 1000;
    const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
    if (bytes === 1) return '1 Byte';
    if (bytes < base) {
      // "%d Bytes"
      if (!Number.isFinite(bytes)) throw templateError('cannot convert float infinity to integer');
      return `${Math.trunc(bytes)} Bytes`;
    }
    let unit = base;
    let prefix = '';
    for (let i = 0; i < prefixes.length; i++) {
      unit = base ** (i + 2);
      prefix = prefixes[i];
      if (bytes < unit) break;
    }
    const size = (base * bytes) / unit;
    // "%.1f": inf and nan as Python prints them
    return `${Number.isNaN(size) ? 'nan' : size === Infinity ? 'inf' : toFixedPy(size, 1)} ${prefix}`;
  },
  reverse: (v) => (isStr(v) ? Array.from(String(v)).reverse().join('') : [...seq('reverse', v)].reverse()),
  min: (v, ...args) => aggregate('min', v, args, (c) => c < 0),
  max: (v, ...args) => aggregate('max', v, args, (c) => c > 0),
  sum(v, ...args) {
    const a = bind('sum', args, { attribute: null as unknown, start: 0 as unknown });
    let items = seq('sum', v);
    if (a.attribute !== null) items = items.map(attrGetter(a.attribute));
    return items.reduce((acc, x) => pyArith('+', acc, x), a.start);
  },
  flatten(v, ...args) {
    const a = bind('flatten', args, { levels: null as unknown, skip_nulls: true });
    return flatten(seq('flatten', v), a.levels === null ? null : Number(a.levels), truthy(a.skip_nulls));
  },
  zip(v, ...others) {
    const lists = [seq('zip', v), ...others.map((o) => seq('zip', o))];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => l[i]));
  },
  zip_longest(v, ...args) {
    const [pos, kw] = splitArgs(args);
    const fill = hasKey(kw, 'fillvalue') ? kw.fillvalue : null;
    const lists = [seq('zip_longest', v), ...pos.map((o) => seq('zip_longest', o))];
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
  },
  product(v, ...others) {
    let out: unknown[][] = [[]];
    for (const l of [seq('product', v), ...others.map((o) => seq('product', o))]) {
      out = out.flatMap((prefix) => l.map((x) => [...prefix, x]));
    }
    return out;
  },
  extract(item, container, morekeys = null) {
    const keys = morekeys === null ? [item] : Array.isArray(morekeys) ? [item, ...morekeys] : [item, morekeys];
    let v = container;
    for (const k of keys) v = memberLookup(v, k, `${pyStr(k)}`);
    return v;
  },
  subelements(v, ...args) {
    const a = bind('subelements', args, { subelements: '' as unknown, skip_missing: false });
    const items = isDict(v) ? Object.values(v) : seq('subelements', v);
    const path = pyStr(a.subelements).split('.');
    const out: unknown[] = [];
    for (const item of items) {
      let sub: unknown = item;
      let missing = false;
      for (const p of path) {
        if (isDict(sub) && hasKey(sub, p)) sub = sub[p];
        else {
          missing = true;
          break;
        }
      }
      if (missing) {
        if (truthy(a.skip_missing)) continue;
        throw templateError(`subelements: could not find '${path.join('.')}' in an item`, 'use skip_missing=True to skip such items');
      }
      if (!Array.isArray(sub)) throw templateError(`subelements: '${path.join('.')}' should point to a list, got ${pyType(sub)}`);
      for (const s of sub) out.push([item, s]);
    }
    return out;
  },
};

DATA_FILTERS.count = DATA_FILTERS.length;
