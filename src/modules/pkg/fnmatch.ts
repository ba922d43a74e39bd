/** Python's fnmatch.fnmatch (POSIX: case-sensitive): * ? [seq] [!seq], the whole string. */
import { globToRegExp } from '../../util/glob.js';

const cache = new Map<string, RegExp>();

export function fnmatchRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  re = globToRegExp(pattern);
  cache.set(pattern, re);
  return re;
}

export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegex(pattern).test(name);
}

export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/** the same pattern as a POSIX extended regex (for grep -E -x on the host) */
export function globToEre(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 2);
      if (j < 0) out += '\\[';
      else {
        let body = pattern.slice(i + 1, j);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body}]`;
        i = j;
      }
    } else out += /[.+^${}()|\\]/.test(c) ? `\\${c}` : c;
  }
  return out;
}
