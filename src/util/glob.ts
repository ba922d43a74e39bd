/**
 * Shell-style globs as Python's fnmatch (POSIX: case-sensitive): `*`, `?`, `[seq]`, `[!seq]`,
 * ranges; everything else literal. The one glob translation of kbs: host patterns, the setup
 * `filter`, find's patterns, package names and versions, `--start-at-task`. A glob is parsed once
 * into parts (with fnmatch.translate's rules for sets: `]` first is literal, `!` negates, `^` and
 * backslashes are literal, a range running backwards is empty) and written out as a JavaScript
 * RegExp or, for grep on a host, a POSIX extended regex.
 */

/** One piece of a glob: `*`, `?`, a literal character, or a set of ranges. */
type Part = { kind: 'star' } | { kind: 'one' } | { kind: 'char'; c: string } | { kind: 'set'; negate: boolean; ranges: [string, string][] };

/** The ranges of a set body (between `[` or `[!` and `]`), as fnmatch.translate reads them. */
function setRanges(body: string): [string, string][] {
  // split at the hyphens that join two characters; a hyphen first in the set is literal
  const chunks: string[] = [];
  let start = 0;
  let k = 1;
  for (;;) {
    k = body.indexOf('-', k);
    if (k < 0) break;
    chunks.push(body.slice(start, k));
    start = k + 1;
    k += 3;
  }
  const last = body.slice(start);
  if (last) chunks.push(last);
  else chunks[chunks.length - 1] += '-';
  // a backwards range (z-a) is empty: drop it, joining its neighbours
  for (let i = chunks.length - 1; i > 0; i--) {
    if (chunks[i - 1].slice(-1) > chunks[i][0]) {
      chunks[i - 1] = chunks[i - 1].slice(0, -1) + chunks[i].slice(1);
      chunks.splice(i, 1);
    }
  }
  // a chunk's last character starts a range that the next chunk's first character ends
  const ranges: [string, string][] = [];
  chunks.forEach((chunk, i) => {
    const chars = [...chunk];
    const lo = i < chunks.length - 1 ? chars.pop() : undefined;
    if (i > 0 && chars.length) ranges.push([ranges.pop()![0], chars.shift()!]);
    for (const c of chars) ranges.push([c, c]);
    if (lo !== undefined) ranges.push([lo, lo]);
  });
  return ranges;
}

/** The parts of a glob, as fnmatch.translate reads it (an unclosed `[` is literal). */
export function parseGlob(glob: string): Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') parts.push({ kind: 'star' });
    else if (c === '?') parts.push({ kind: 'one' });
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) parts.push({ kind: 'char', c });
      else {
        const negate = glob[i + 1] === '!';
        parts.push({ kind: 'set', negate, ranges: setRanges(glob.slice(negate ? i + 2 : i + 1, j)) });
        i = j;
      }
    } else parts.push({ kind: 'char', c });
  }
  return parts;
}

const jsSetChar = (c: string) => (/[\\\]^[-]/.test(c) ? `\\${c}` : c);

/**
 * Python's fnmatch.translate: the JavaScript source (no anchors) for a RegExp with the `s` flag
 * (so `*` and `?` also match newlines, as in Python).
 */
export function globToRegex(glob: string): string {
  return parseGlob(glob)
    .map((p) => {
      if (p.kind === 'star') return '.*';
      if (p.kind === 'one') return '.';
      if (p.kind === 'char') return p.c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      if (!p.ranges.length) return p.negate ? '.' : '(?!)';
      const body = p.ranges.map(([lo, hi]) => (lo === hi ? jsSetChar(lo) : `${jsSetChar(lo)}-${jsSetChar(hi)}`)).join('');
      return `[${p.negate ? '^' : ''}${body}]`;
    })
    .join('');
}

/** A RegExp that matches a whole string against the glob (fnmatch.fnmatchcase). */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^(?:${globToRegex(glob)})$`, 's');
}

const cache = new Map<string, RegExp>();

/** Python's fnmatch.fnmatch on POSIX: the whole name against the glob, case-sensitive. */
export function fnmatch(name: string, glob: string): boolean {
  let re = cache.get(glob);
  if (!re) cache.set(glob, (re = globToRegExp(glob)));
  return re.test(name);
}

/** True if the text has a glob character (`*`, `?`, `[`). */
export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

/**
 * The same glob as a POSIX extended regex (for `grep -E -x` on the host): in a bracket
 * expression `]` goes first, `-` last, `^` never first, and backslashes are literal.
 */
export function globToEre(glob: string): string {
  return parseGlob(glob)
    .map((p) => {
      if (p.kind === 'star') return '.*';
      if (p.kind === 'one') return '.';
      if (p.kind === 'char') return /[.[\\()*+?{}|^$]/.test(p.c) ? `\\${p.c}` : p.c;
      // an empty set never matches (a character, then the start of the line)
      if (!p.ranges.length) return p.negate ? '.' : '.^';
      const lone = (c: string) => p.ranges.some(([lo, hi]) => lo === c && hi === c);
      const rest = p.ranges.filter(([lo, hi]) => !(lo === hi && (lo === ']' || lo === '-' || lo === '^')));
      let body = (lone(']') ? ']' : '') + rest.map(([lo, hi]) => (lo === hi ? lo : `${lo}-${hi}`)).join('');
      if (lone('^')) {
        if (body) body += '^';
        else if (lone('-')) return `[${p.negate ? '^' : ''}-^]`;
        else return p.negate ? '[^^]' : '\\^';
      }
      if (lone('-')) body += '-';
      return `[${p.negate ? '^' : ''}${body}]`;
    })
    .join('');
}
