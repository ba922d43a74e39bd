/**
 * Python `re` syntax on JavaScript RegExp, shared by the modules (lineinfile, replace, ...) and
 * the templates (regex_* filters and tests): named groups (?P<n>...), (?P=n), \A, \Z, (?#...),
 * leading inline flags (?imsx), Python's `$` (also before a final newline), and match.expand()
 * templates (\1, \g<1>, \g<name>, \n ...). Callers say how an error reads through `fail`.
 */

/** Makes the caller's error from Python's reason (and an optional hint). */
export type Fail = (why: string, hint?: string) => Error;

/**
 * Compile a Python pattern. `flags` are JavaScript flags to start with (i, m, s from options,
 * g, d ...); the pattern's leading (?ims) group adds to them.
 */
export function compilePy(pattern: string, flags: string, fail: Fail): RegExp {
  const t = translate(pattern, flags, fail);
  try {
    return new RegExp(t.source, t.flags);
  } catch (e) {
    throw fail((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

/** Translate a Python pattern to JavaScript source plus flags. */
export function translate(pattern: string, flags: string, fail: Fail): { source: string; flags: string } {
  let src = pattern;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    for (const f of lead[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  // (?x): unescaped whitespace and # comments outside character classes are dropped
  const verbose = lead?.[1].includes('x') ?? false;
  // Python's $ (without MULTILINE) also matches before a newline at the very end
  const dollar = flags.includes('m') ? '$' : '(?=\\n?(?![\\s\\S]))';
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '$' && !inClass) {
      out += dollar;
      continue;
    }
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += c + n;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // a ']' (or '^]') right after '[' is literal in Python
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (verbose && /\s/.test(c)) continue;
    else if (verbose && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      if (end < 0) throw fail('missing ), unterminated name');
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
    } else if (src.startsWith('(?#', i)) {
      const end = src.indexOf(')', i);
      if (end < 0) throw fail('missing ), unterminated comment');
      i = end;
    } else out += c;
  }
  return { source: out, flags };
}

/** A parsed replacement template: literal text and group references. */
export type ReplPart = string | { group: number | string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Parse a match.expand() template: \1..\99, \g<n>, \g<name>, \0oo (octal), \n \t ... */
export function parseRepl(template: string, fail: Fail): ReplPart[] {
  const parts: ReplPart[] = [];
  let lit = '';
  const ref = (group: number | string) => {
    if (lit) parts.push(lit);
    lit = '';
    parts.push({ group });
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '\\') {
      lit += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw fail('bad escape (end of pattern)');
    if (n === 'g') {
      const g = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!g) throw fail(`missing group name: \\g at position ${i}`);
      ref(/^\d+$/.test(g[1]) ? Number(g[1]) : g[1]);
      i += 2 + g[0].length - 1;
    } else if (n === '0') {
      const o = /^[0-7]{1,3}/.exec(template.slice(i + 1))![0];
      lit += String.fromCharCode(parseInt(o, 8));
      i += o.length;
    } else if (/[1-9]/.test(n)) {
      const d = /^[0-9]{1,2}/.exec(template.slice(i + 1))![0];
      ref(Number(d));
      i += d.length;
    } else if (n in ESCAPES) {
      lit += ESCAPES[n];
      i++;
    } else if (/[A-Za-z]/.test(n)) {
      throw fail(`bad escape \\${n}`, 'write \\\\ for a literal backslash');
    } else {
      lit += '\\' + n;
      i++;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

/** Fill parsed template parts from a match; unmatched groups are ''. */
export function fillRepl(parts: ReplPart[], m: RegExpExecArray | RegExpMatchArray, fail: Fail): string {
  let out = '';
  for (const p of parts) out += typeof p === 'string' ? p : groupOf(m, p.group, fail);
  return out;
}

function groupOf(m: RegExpExecArray | RegExpMatchArray, ref: number | string, fail: Fail): string {
  if (typeof ref === 'number') {
    if (ref >= m.length) throw fail(`invalid group reference ${ref}`);
    return m[ref] ?? '';
  }
  if (!m.groups || !(ref in m.groups)) throw fail(`unknown group name '${ref}'`);
  return m.groups[ref] ?? '';
}
