/**
 * Python `re` syntax on JavaScript RegExp: `(?P<name>...)`, `(?P=name)`, inline flags `(?i)`,
 * `\A`, `\Z`, Python's `$` (also before a final newline), and replacement templates with `\1`,
 * `\g<1>`, `\g<name>`.
 */
import { templateError } from './python.js';

export interface RegexOpts {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

const cache = new Map<string, RegExp>();
const CACHE_MAX = 2000;

function stripVerbose(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      out += c + (p[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < p.length && p[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/** Translate a Python pattern to JavaScript source plus flags. */
export function translate(pattern: string, opts: RegexOpts = {}): { source: string; flags: string } {
  let p = pattern;
  const flags = new Set<string>();
  if (opts.ignorecase) flags.add('i');
  if (opts.multiline) flags.add('m');
  if (opts.dotall) flags.add('s');
  let verbose = false;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(p);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'i' || f === 'm' || f === 's') flags.add(f);
      if (f === 'x') verbose = true;
    }
    p = p.slice(lead[0].length);
  }
  if (verbose) p = stripVerbose(p);
  const multiline = flags.has('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      i++;
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += '\\' + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (p[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (c === '(' && p.startsWith('(?P=', i)) {
      const end = p.indexOf(')', i);
      if (end < 0) throw templateError(`invalid regular expression '${pattern}': missing )`);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    if (c === '(' && p.startsWith('(?#', i)) {
      const end = p.indexOf(')', i);
      i = end < 0 ? p.length : end;
      continue;
    }
    if (c === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += c;
  }
  return { source: out, flags: [...flags].join('') };
}

/** Compile (and cache) a Python pattern. `extraFlags` adds JS flags such as 'g'. */
export function pyRegex(pattern: string, opts: RegexOpts = {}, extraFlags = ''): RegExp {
  const key = `${opts.ignorecase ? 'i' : ''}${opts.multiline ? 'm' : ''}${opts.dotall ? 's' : ''}/${extraFlags}/${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const { source, flags } = translate(pattern, opts);
  let re: RegExp;
  try {
    re = new RegExp(source, flags + extraFlags);
  } catch (e) {
    throw templateError(`invalid regular expression '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, re);
  return re;
}

type Part = string | { group: number | string };

/** Parse a Python replacement template into literal text and group references. */
function parseRepl(repl: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== '\\' || i === repl.length - 1) {
      lit += c;
      continue;
    }
    const n = repl[i + 1];
    if (/[0-9]/.test(n)) {
      let j = i + 1;
      let digits = '';
      while (j < repl.length && /[0-9]/.test(repl[j]) && digits.length < 2) digits += repl[j++];
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ group: Number(digits) });
      i = j - 1;
    } else if (n === 'g' && repl[i + 2] === '<') {
      const end = repl.indexOf('>', i + 3);
      if (end < 0) throw templateError(`bad group reference in replacement '${repl}'`);
      const ref = repl.slice(i + 3, end);
      if (lit) parts.push(lit);
      lit = '';
      parts.push({ group: /^\d+$/.test(ref) ? Number(ref) : ref });
      i = end;
    } else {
      const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', f: '\f', v: '\v', a: '\x07', b: '\b' };
      lit += esc[n] ?? '\\' + n;
      i++;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

function groupOf(m: RegExpExecArray | RegExpMatchArray, ref: number | string): string | undefined {
  if (typeof ref === 'number') {
    if (ref >= m.length) throw templateError(`invalid group reference ${ref}`);
    return m[ref];
  }
  if (!m.groups || !(ref in m.groups)) throw templateError(`unknown group name '${ref}'`);
  return m.groups[ref];
}

/** Expand a Python replacement template for one match. */
export function expandTemplate(repl: string, m: RegExpExecArray | RegExpMatchArray): string {
  return parseRepl(repl)
    .map((p) => (typeof p === 'string' ? p : (groupOf(m, p.group) ?? '')))
    .join('');
}

/** re.sub(pattern, repl, s, count). */
export function pySub(s: string, pattern: string, repl: string, opts: RegexOpts, count = 0): string {
  const re = pyRegex(pattern, opts, 'g');
  const parts = parseRepl(repl);
  let n = 0;
  re.lastIndex = 0;
  return s.replace(re, (...args: unknown[]) => {
    if (count > 0 && n >= count) return String(args[0]);
    n++;
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = (hasGroups ? args[args.length - 1] : undefined) as Record<string, string> | undefined;
    const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
    const m = Object.assign(captures, { groups }) as unknown as RegExpMatchArray;
    return parts.map((p) => (typeof p === 'string' ? p : (groupOf(m, p.group) ?? ''))).join('');
  });
}
