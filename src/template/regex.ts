/**
 * Python `re` syntax on JavaScript RegExp: `(?P<name>...)`, `(?P=name)`, inline flags `(?i)`,
 * `\A`, `\Z`, Python's `$` (also before a final newline), and replacement templates with `\1`,
 * `\g<1>`, `\g<name>` — translated by src/util/pyregex.ts; here: options, a cache, re.sub.
 */
import { compilePy, fillRepl, parseRepl, type Fail } from '../util/pyregex.js';
import { templateError } from './python.js';

export interface RegexOpts {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

const cache = new Map<string, RegExp>();
const CACHE_MAX = 2000;

const fail = (pattern: string): Fail => (why) => templateError(`invalid regular expression '${pattern}': ${why}`);
const replFail: Fail = (why, hint) => templateError(why, hint);

/** Compile (and cache) a Python pattern. `extraFlags` adds JS flags such as 'g'. */
export function pyRegex(pattern: string, opts: RegexOpts = {}, extraFlags = ''): RegExp {
  const flags = `${opts.ignorecase ? 'i' : ''}${opts.multiline ? 'm' : ''}${opts.dotall ? 's' : ''}`;
  const key = `${flags}/${extraFlags}/${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  const re = compilePy(pattern, flags + extraFlags, fail(pattern));
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, re);
  return re;
}

/** Expand a Python replacement template for one match. */
export function expandTemplate(repl: string, m: RegExpExecArray | RegExpMatchArray): string {
  return fillRepl(parseRepl(repl, replFail), m, replFail);
}

/** re.sub(pattern, repl, s, count). */
export function pySub(s: string, pattern: string, repl: string, opts: RegexOpts, count = 0): string {
  const re = pyRegex(pattern, opts, 'g');
  const parts = parseRepl(repl, replFail);
  let n = 0;
  re.lastIndex = 0;
  return s.replace(re, (...args: unknown[]) => {
    if (count > 0 && n >= count) return String(args[0]);
    n++;
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = (hasGroups ? args[args.length - 1] : undefined) as Record<string, string> | undefined;
    const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
    const m = Object.assign(captures, { groups }) as unknown as RegExpMatchArray;
    return fillRepl(parts, m, replFail);
  });
}
