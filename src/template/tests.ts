/** Jinja2 and Ansible tests (`x is defined`, `result is failed`, `v is version('1.30', '>=')`...). */
import { isFloatValue, isPyFloat, unbox } from './float.js';
import { bind } from './args.js';
import { pyRegex } from './regex.js';
import { type Dict, hasKey, isDict, isStr, pyEquals, pyIn, pyOrder, pyStr, pyType, templateError, truthy } from './python.js';
import { NET_TESTS } from './filters-net.js';
import { Undefined } from './undefined.js';
import { FILTERS } from './filters.js';
import { isSafeString } from './nunjucks.js';
import { versionCompare } from './version.js';
import { FILE_TESTS } from './tests-files.js';
import { urlsplit } from './filters-extra.js';

export type TestFn = (value: unknown, ...args: unknown[]) => boolean;

/** Tests that accept an undefined value; every other test raises on it. */
export const UNDEFINED_OK = new Set(['defined', 'undefined']);

function result(name: string, v: unknown): Dict {
  if (!isDict(v)) {
    throw templateError(`the '${name}' test expects a dictionary (a registered result), got ${pyType(v)}`);
  }
  return v;
}

function flag(d: Dict, key: string): boolean {
  return hasKey(d, key) ? truthy(d[key]) : false;
}

function regexTest(value: unknown, args: unknown[], mode: string, name: string): boolean {
  const a = bind(name, args, { pattern: '', ignorecase: false, multiline: false, match_type: mode });
  const type = pyStr(a.match_type);
  if (type !== 'search' && type !== 'match' && type !== 'fullmatch') {
    throw templateError(`invalid match_type '${type}'`, 'use search, match or fullmatch');
  }
  const opts = { ignorecase: truthy(a.ignorecase), multiline: truthy(a.multiline) };
  const s = pyStr(value);
  if (type === 'search') return pyRegex(pyStr(a.pattern), opts).test(s);
  // re.match / re.fullmatch: anchored at the start (sticky), whatever the multiline flag
  const src = type === 'fullmatch' ? `(?:${pyStr(a.pattern)})\\Z` : pyStr(a.pattern);
  const re = pyRegex(src, opts, 'y');
  re.lastIndex = 0;
  return re.test(s);
}

function toSet(name: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isStr(v)) return Array.from(String(v));
  if (isDict(v)) return Object.keys(v);
  throw templateError(`the '${name}' test expects a list, got ${pyType(v)}`);
}

const eq: TestFn = (v, other) => pyEquals(v, other);

/** urllib.parse.urlparse's scheme and netloc; undefined where it raises (not text, a bad IPv6 address) */
function parsedUrl(v: unknown): { scheme: string; netloc: string } | undefined {
  if (!isStr(v)) return undefined;
  try {
    const p = urlsplit(pyStr(v));
    return { scheme: String(p.scheme), netloc: String(p.netloc) };
  } catch {
    return undefined;
  }
}

/** is_uri: text urlparse reads, with a scheme among SCHEMES when they are given */
function uriOf(v: unknown, schemes: unknown): { scheme: string; netloc: string } | undefined {
  const p = parsedUrl(v);
  return p && schemeAllowed(p.scheme, schemes) ? p : undefined;
}

function schemeAllowed(scheme: string, schemes: unknown): boolean {
  if (schemes === null || schemes === undefined || (Array.isArray(schemes) && !schemes.length) || schemes === '') return true;
  return Array.isArray(schemes) ? schemes.some((x) => pyEquals(x, scheme)) : isStr(schemes) && String(schemes).includes(scheme);
}

export const TESTS: Record<string, TestFn> = {
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  none: (v) => v === null || v === undefined,
  // `x is vault_encrypted` on a variable is compiled to a look at where it comes from (codegen.ts); a value alone (select('vault_encrypted')) is plain
  vault_encrypted: () => false,

  failed: (v) => flag(result('failed', v), 'failed'),
  succeeded: (v) => !flag(result('succeeded', v), 'failed'),
  changed: (v) => flag(result('changed', v), 'changed'),
  skipped: (v) => flag(result('skipped', v), 'skipped'),
  unreachable: (v) => flag(result('unreachable', v), 'unreachable'),
  reachable: (v) => !flag(result('reachable', v), 'unreachable'),

  match: (v, ...a) => regexTest(v, a, 'match', 'match'),
  search: (v, ...a) => regexTest(v, a, 'search', 'search'),
  regex: (v, ...a) => regexTest(v, a, 'search', 'regex'),

  version: (v, ...a) => {
    const b = bind('version', a, { version: '', operator: 'eq', strict: false, version_type: null as unknown });
    return versionCompare(v, b.version, b.operator, b.strict, b.version_type);
  },

  string: (v) => isStr(v),
  number: (v) => typeof v === 'number' || typeof v === 'boolean' || isPyFloat(v),
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => isFloatValue(v),
  mapping: (v) => isDict(v),
  sequence: (v) => Array.isArray(v) || isStr(v) || isDict(v),
  iterable: (v) => Array.isArray(v) || isStr(v) || isDict(v),
  list: (v) => Array.isArray(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  callable: (v) => typeof v === 'function',
  lower: (v) => isStr(v) && String(v) === String(v).toLowerCase(),
  upper: (v) => isStr(v) && String(v) === String(v).toUpperCase(),
  odd: (v) => typeof v === 'number' && Math.abs(v % 2) === 1,
  even: (v) => typeof v === 'number' && v % 2 === 0,
  divisibleby: (v, n) => typeof v === 'number' && typeof n === 'number' && n !== 0 && v % n === 0,

  in: (v, seq) => pyIn(v, seq),
  contains: (seq, v) => pyIn(v, seq),
  equalto: eq,
  eq,
  '==': eq,
  ne: (v, o) => !pyEquals(v, o),
  '!=': (v, o) => !pyEquals(v, o),
  lt: (v, o) => pyOrder(v, o, '<') < 0,
  '<': (v, o) => pyOrder(v, o, '<') < 0,
  lessthan: (v, o) => pyOrder(v, o, '<') < 0,
  le: (v, o) => pyOrder(v, o, '<=') <= 0,
  '<=': (v, o) => pyOrder(v, o, '<=') <= 0,
  gt: (v, o) => pyOrder(v, o, '>') > 0,
  '>': (v, o) => pyOrder(v, o, '>') > 0,
  greaterthan: (v, o) => pyOrder(v, o, '>') > 0,
  ge: (v, o) => pyOrder(v, o, '>=') >= 0,
  '>=': (v, o) => pyOrder(v, o, '>=') >= 0,
  sameas: (v, o) => v === o || (v === null && o === undefined) || (v === undefined && o === null),

  truthy: (v, ...a) => {
    const b = bind('truthy', a, { convert_bool: false });
    return truthy(b.convert_bool ? toBool(v) : v);
  },
  falsy: (v, ...a) => {
    const b = bind('falsy', a, { convert_bool: false });
    return !truthy(b.convert_bool ? toBool(v) : v);
  },

  subset: (v, other) => {
    const big = toSet('subset', other);
    return toSet('subset', v).every((x) => big.some((y) => pyEquals(x, y)));
  },
  superset: (v, other) => {
    const mine = toSet('superset', v);
    return toSet('superset', other).every((x) => mine.some((y) => pyEquals(x, y)));
  },
  issubset: (v, other) => TESTS.subset(v, other),
  issuperset: (v, other) => TESTS.superset(v, other),
  // ansible.builtin's uri, url and urn tests (plugins/test/uri.py: urllib's urlparse)
  uri: (v, ...a) => uriOf(v, bind('uri', a, { schemes: null as unknown }).schemes) !== undefined,
  url: (v, ...a) => {
    const p = uriOf(v, bind('url', a, { schemes: null as unknown }).schemes);
    return !!p && (p.netloc !== '' || p.scheme === 'file');
  },
  urn: (v) => uriOf(v, ['urn']) !== undefined,
  any: (v) => toSet('any', v).some((x) => truthy(x)),
  all: (v) => toSet('all', v).every((x) => truthy(x)),
  // ansible.utils: ip, ipv4, ipv6, ip_address, ipv4_address, ipv6_address, in_network
  ...NET_TESTS,
  // paths on the workstation: exists, file, directory, link, abs, same_file, mount...
  ...FILE_TESTS,
  // async results (Ansible's core tests): finished / started are 0 or 1 there
  finished: (v) => asyncFlag(result('finished', v), 'finished'),
  started: (v) => asyncFlag(result('started', v), 'started'),
  // Ansible's mathstuff: math.isnan, False for what is not a number
  nan: (v) => {
    const n = unbox(v);
    return typeof n === 'number' && Number.isNaN(n);
  },
};

/** `finished`/`started` of an async result (the value 1); a result without the key counts as true, as in Ansible. */
function asyncFlag(d: Dict, key: string): boolean {
  return hasKey(d, key) ? pyEquals(d[key], 1) : true;
}

// Ansible aliases
TESTS.success = TESTS.succeeded;
TESTS.successful = TESTS.succeeded;
TESTS.isnan = TESTS.nan;

// Jinja2 3's `filter` and `test` (does a filter / test of that name exist, FQCN too; the filters
// are read when the test runs, filters.ts being loaded by then) and `escaped` (marked safe)
const own = (reg: object, v: unknown) => typeof v === 'string' && Object.prototype.hasOwnProperty.call(reg, v.replace(/^ansible\.builtin\./, ''));
TESTS.filter = (v) => own(FILTERS, v);
TESTS.test = (v) => own(TESTS, v);
TESTS.escaped = (v) => isSafeString(v);
TESTS.failure = TESTS.failed;
TESTS.change = TESTS.changed;
TESTS.skip = TESTS.skipped;
TESTS.version_compare = TESTS.version;

/** Ansible's `bool` conversion: true for True, 'yes', 'on', '1', 'true', 1. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (typeof v === 'number') return v === 1;
  const s = pyStr(v).trim().toLowerCase();
  return s === 'yes' || s === 'on' || s === '1' || s === 'true';
}
