/**
 * Python `re` patterns in JavaScript: named groups (?P<n>...), (?P=n), \A, \Z, (?#...), leading
 * inline flags (?imsx). Plus Python's match.expand() for backrefs (\1, \g<1>, \g<name>).
 */
import { KbsError } from '../../errors.js';

export function pyRegex(pattern: string, what = 'regexp'): RegExp {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    for (const f of lead[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    if (lead[1].includes('x')) src = stripVerbose(src);
  }
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
    } else if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      if (end < 0) throw bad(pattern, what, 'missing ), unterminated name');
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
    } else if (src.startsWith('(?#', i)) {
      const end = src.indexOf(')', i);
      if (end < 0) throw bad(pattern, what, 'missing ), unterminated comment');
      i = end;
    } else out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    throw bad(pattern, what, (e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

function bad(pattern: string, what: string, why: string): KbsError {
  return new KbsError('TASK', `invalid ${what} ${JSON.stringify(pattern)}: ${why}`, {
    hint: 'the pattern is a Python regular expression; escape special characters with \\',
  });
}

/** (?x): drop unescaped whitespace and # comments outside character classes. */
function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (/\s/.test(c)) continue;
    else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else out += c;
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Python's match.expand(template): \1..\99, \g<n>, \g<name>, \n \t ...; unmatched groups are ''. */
export function pyExpand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new KbsError('TASK', 'bad escape (end of pattern) in line');
    if (n === 'g') {
      const g = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!g) throw new KbsError('TASK', `missing group name in line: \\g at position ${i}`);
      out += group(m, g[1]);
      i += 2 + g[0].length - 1;
    } else if (n === '0') {
      const o = /^[0-7]{1,3}/.exec(template.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(o, 8));
      i += o.length;
    } else if (/[1-9]/.test(n)) {
      const d = /^[0-9]{1,2}/.exec(template.slice(i + 1))![0];
      out += group(m, d);
      i += d.length;
    } else if (n in ESCAPES) {
      out += ESCAPES[n];
      i++;
    } else if (/[A-Za-z]/.test(n)) {
      throw new KbsError('TASK', `bad escape \\${n} in line`, { hint: 'write \\\\ for a literal backslash' });
    } else {
      out += '\\' + n;
      i++;
    }
  }
  return out;
}

function group(m: RegExpExecArray, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const k = Number(ref);
    if (k >= m.length) throw new KbsError('TASK', `invalid group reference ${k} in line`);
    return m[k] ?? '';
  }
  if (!m.groups || !(ref in m.groups)) throw new KbsError('TASK', `unknown group name '${ref}' in line`);
  return m.groups[ref] ?? '';
}
