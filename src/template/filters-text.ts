/** String, number, regex, encoding and path filters. */
import { isPyFloat, pyFloat } from './float.js';
import { createHash, getHashes } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { bind, splitArgs } from './args.js';
import { pySplit, pyStrFormat, stripChars } from './pymethods.js';
import { jinjaTitle, pyCapitalize } from './pystrmethods.js';
import { expandTemplate, pyRegex, pySub } from './regex.js';
import { isStr, pyPercentFormat, pyStr, pyType, templateError, truthy } from './python.js';
import { Undefined } from './undefined.js';
import { wordwrap } from './textwrap.js';

export type Filter = (this: unknown, value: unknown, ...args: unknown[]) => unknown;

const INT_RE: Record<number, RegExp> = {
  2: /^[-+]?(0b)?[01](_?[01])*$/i,
  8: /^[-+]?(0o)?[0-7](_?[0-7])*$/i,
  10: /^[-+]?\d(_?\d)*$/,
  16: /^[-+]?(0x)?[0-9a-f](_?[0-9a-f])*$/i,
};

/** Python int(str, base). */
function parsePyInt(s: string, base: number): number | undefined {
  const t = s.trim();
  if (base === 0) {
    const m = /^([-+]?)0([box])/i.exec(t);
    const b = m ? { b: 2, o: 8, x: 16 }[m[2].toLowerCase() as 'b' | 'o' | 'x'] : 10;
    return parsePyInt(t, b);
  }
  const re = INT_RE[base];
  if (re ? !re.test(t) : !new RegExp(`^[-+]?[0-9a-z]+$`, 'i').test(t)) return undefined;
  const neg = t.startsWith('-');
  const digits = t.replace(/^[-+]/, '').replace(/^0[box]/i, '').replace(/_/g, '');
  const n = parseInt(digits, base);
  if (Number.isNaN(n)) return undefined;
  return neg ? -n : n;
}

const FLOAT_RE = /^[-+]?((\d(_?\d)*)?\.?\d(_?\d)*([eE][-+]?\d+)?|\d(_?\d)*\.|inf(inity)?|nan)$/i;

/** Python float(); undefined when not convertible. */
export function parsePyFloat(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (isPyFloat(v)) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (!isStr(v)) return undefined;
  const t = String(v).trim();
  if (!FLOAT_RE.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/_/g, '');
  if (/inf/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/nan/.test(lower)) return NaN;
  return Number(lower);
}

function toInt(value: unknown, dflt: unknown, base: number): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : dflt;
  if (isStr(value)) {
    const n = parsePyInt(String(value), base);
    if (n !== undefined) return n;
  }
  if (base !== 10 && isStr(value)) return dflt;
  const f = parsePyFloat(value);
  return f !== undefined && Number.isFinite(f) ? Math.trunc(f) : dflt;
}

function pySplitlines(s: string): string[] {
  if (s === '') return [];
  return s.replace(/(\r\n|\r|\n)$/, '').split(/\r\n|\r|\n/);
}

/** Jinja's indent(width=4, first=False, blank=False). */
function indent(value: unknown, ...args: unknown[]): string {
  const a = bind('indent', args, { width: 4 as unknown, first: false, blank: false, indentfirst: false });
  const pad = typeof a.width === 'number' ? ' '.repeat(a.width) : pyStr(a.width);
  const s = pyStr(value) + '\n';
  let rv: string;
  if (truthy(a.blank)) rv = pySplitlines(s).join('\n' + pad);
  else {
    const lines = s.split('\n');
    lines.pop(); // the added newline
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((l) => (l ? pad + l : l)).join('\n');
  }
  return truthy(a.first) || truthy(a.indentfirst) ? pad + rv : rv;
}

/** Python's shlex.quote. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

function hashOf(value: unknown, type: string): string {
  const algo = type.toLowerCase();
  if (!getHashes().includes(algo)) throw templateError(`unknown hash type '${type}'`, 'use sha256, sha1, md5, sha512...');
  return createHash(algo).update(pyStr(value), 'utf8').digest('hex');
}

function regexFlags(kw: Record<string, unknown>): { ignorecase: boolean; multiline: boolean } {
  return { ignorecase: truthy(kw.ignorecase ?? false), multiline: truthy(kw.multiline ?? false) };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const TEXT_FILTERS: Record<string, Filter> = {
  bool(v) {
    if (typeof v === 'boolean') return v;
    if (v === null || v === undefined) return false;
    if (typeof v === 'number') return v === 1;
    const s = pyStr(v).trim().toLowerCase();
    return s === 'yes' || s === 'on' || s === '1' || s === 'true';
  },
  int(v, ...args) {
    const a = bind('int', args, { default: 0 as unknown, base: 10 as unknown });
    return toInt(v, a.default, Number(a.base));
  },
  float(v, ...args) {
    const a = bind('float', args, { default: 0 as unknown });
    const f = parsePyFloat(v);
    return f === undefined ? a.default : pyFloat(f);
  },
  string: (v) => pyStr(v),
  /** Jinja2's wordwrap (src/template/textwrap.ts); wrapstring: the environment's newline, \n */
  wordwrap(v, ...args) {
    const a = bind('wordwrap', args, { width: 79 as unknown, break_long_words: true as unknown, wrapstring: null as unknown, break_on_hyphens: true as unknown });
    if (!isStr(v)) throw templateError(`'${pyType(v)}' object has no attribute 'splitlines'`);
    const width = Number(a.width);
    if (!Number.isInteger(width) || width <= 0) throw templateError(`invalid width ${pyStr(a.width)} (must be > 0)`);
    const wrap = a.wrapstring === null || a.wrapstring === undefined ? '\n' : pyStr(a.wrapstring);
    return wordwrap(pyStr(v), width, truthy(a.break_long_words), wrap, truthy(a.break_on_hyphens));
  },
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  // Jinja2's capitalize: str.capitalize()
  capitalize: (v) => pyCapitalize(pyStr(v)),
  title: (v) => jinjaTitle(pyStr(v)),
  // Jinja2's trim: str.strip(chars)
  trim(v, ...args) {
    const a = bind('trim', args, { chars: null as unknown });
    return stripChars(pyStr(v), a.chars, true, true);
  },
  replace(v, ...args) {
    const a = bind('replace', args, { old: '' as unknown, new: '' as unknown, count: null as unknown });
    const s = pyStr(v);
    const from = pyStr(a.old);
    const to = pyStr(a.new);
    const parts = s.split(from);
    const n = typeof a.count === 'number' && a.count >= 0 ? a.count : Infinity;
    if (parts.length - 1 <= n) return parts.join(to);
    return parts.slice(0, n + 1).join(to) + from + parts.slice(n + 1).join(from);
  },
  split(v, ...args) {
    const a = bind('split', args, { separator: null as unknown, maxsplit: -1 as unknown });
    return pySplit(pyStr(v), a.separator, a.maxsplit);
  },
  format(v, ...args) {
    const [pos, kw] = splitArgs(args);
    if (Object.keys(kw).length) return pyPercentFormat(pyStr(v), kw);
    return pyPercentFormat(pyStr(v), pos.length === 1 && !Array.isArray(pos[0]) ? pos[0] : pos);
  },
  str_format(v, ...args) {
    const [pos, kw] = splitArgs(args);
    return pyStrFormat(pyStr(v), pos, kw);
  },
  indent,
  abs(v) {
    if (typeof v !== 'number' && typeof v !== 'boolean' && !isPyFloat(v)) throw templateError(`bad operand type for abs(): '${pyType(v)}'`);
    return isPyFloat(v) ? pyFloat(Math.abs(v.value)) : Math.abs(Number(v));
  },
  round(v, ...args) {
    const a = bind('round', args, { precision: 0 as unknown, method: 'common' as unknown });
    const f = parsePyFloat(v);
    if (f === undefined) throw templateError(`round expects a number, got ${pyType(v)}`);
    const p = Number(a.precision);
    const k = Math.pow(10, p);
    const method = pyStr(a.method);
    if (method === 'ceil') return pyFloat(Math.ceil(f * k) / k);
    if (method === 'floor') return pyFloat(Math.floor(f * k) / k);
    if (method !== 'common') throw templateError(`method must be common, ceil or floor, not '${method}'`);
    return pyFloat(roundHalfEven(f * k) / k);
  },

  regex_replace(v, ...args) {
    const a = bind('regex_replace', args, {
      pattern: '' as unknown,
      replacement: '' as unknown,
      ignorecase: false as unknown,
      multiline: false as unknown,
      count: 0 as unknown,
      mandatory_count: 0 as unknown,
    });
    const s = pyStr(v ?? '');
    const pattern = pyStr(a.pattern);
    const flags = regexFlags(a);
    if (Number(a.mandatory_count) > 0) {
      const n = [...s.matchAll(pyRegex(pattern, flags, 'g'))].length;
      if (n !== Number(a.mandatory_count)) {
        throw templateError(`'${pattern}' matched ${n} times, expected ${Number(a.mandatory_count)}`);
      }
    }
    return pySub(s, pattern, pyStr(a.replacement), flags, Number(a.count));
  },
  regex_search(v, ...args) {
    const [pos, kw] = splitArgs(args);
    if (!pos.length) throw templateError('regex_search() needs a pattern');
    for (const k of Object.keys(kw)) {
      if (k !== 'ignorecase' && k !== 'multiline') throw templateError(`regex_search() got an unexpected keyword argument '${k}'`);
    }
    const groups = pos.slice(1).map((g) => {
      const s = pyStr(g);
      const named = /^\\g<(\S+)>$/.exec(s);
      if (named) return named[1];
      const num = /^\\(\d+)$/.exec(s);
      if (num) return num[1];
      throw templateError(`regex_search: unknown argument '${s}'`, "group arguments look like '\\\\1' or '\\\\g<name>'");
    });
    const m = pyRegex(pyStr(pos[0]), regexFlags(kw)).exec(pyStr(v));
    if (!m) return null;
    if (!groups.length) return m[0];
    return groups.map((g) => expandTemplate(`\\g<${g}>`, m));
  },
  regex_findall(v, ...args) {
    const a = bind('regex_findall', args, { pattern: '' as unknown, multiline: false as unknown, ignorecase: false as unknown });
    const re = pyRegex(pyStr(a.pattern), regexFlags(a), 'g');
    return [...pyStr(v).matchAll(re)].map((m) => {
      if (m.length === 1) return m[0];
      if (m.length === 2) return m[1] ?? '';
      return m.slice(1).map((x) => x ?? '');
    });
  },
  regex_escape(v, ...args) {
    const a = bind('regex_escape', args, { re_type: 'python' as unknown });
    const s = pyStr(v);
    if (pyStr(a.re_type) === 'posix_basic') return s.replace(/[.^$*[\]\\]/g, '\\$&');
    return s.replace(/[^A-Za-z0-9_]/g, (c) => (c.charCodeAt(0) > 127 ? c : '\\' + c));
  },

  b64encode(v, ...args) {
    bind('b64encode', args, { encoding: 'utf-8' as unknown });
    return Buffer.from(pyStr(v), 'utf8').toString('base64');
  },
  b64decode(v, ...args) {
    bind('b64decode', args, { encoding: 'utf-8' as unknown });
    return Buffer.from(pyStr(v), 'base64').toString('utf8');
  },
  hash(v, ...args) {
    const a = bind('hash', args, { hashtype: 'sha1' as unknown });
    return hashOf(v, pyStr(a.hashtype));
  },
  checksum: (v) => hashOf(v, 'sha1'),
  sha1: (v) => hashOf(v, 'sha1'),
  md5: (v) => hashOf(v, 'md5'),
  quote: (v) => shellQuote(v === null || v === undefined ? '' : pyStr(v)),

  basename: (v) => pyBasename(pyStr(v)),
  dirname: (v) => pyDirname(pyStr(v)),
  expanduser: (v) => pyStr(v).replace(/^~(?=$|\/)/, os.homedir()),
  splitext(v) {
    const s = pyStr(v);
    const ext = path.posix.extname(s);
    return [s.slice(0, s.length - ext.length), ext];
  },
  path_join(v) {
    const parts = Array.isArray(v) ? v.map((x) => pyStr(x)) : [pyStr(v)];
    let out = '';
    for (const p of parts) out = p.startsWith('/') || out === '' ? p : out.endsWith('/') ? out + p : out + '/' + p;
    return out;
  },
  type_debug: (v) => (v instanceof Undefined ? 'AnsibleUndefined' : pyType(v)),
};

/** os.path.basename: the part after the last slash ("a/b/" -> ""). */
function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** os.path.dirname: everything before the last slash, trailing slashes removed ("/a" -> "/"). */
function pyDirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}
