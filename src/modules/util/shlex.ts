/** Python's shlex.split(s) (POSIX mode, no comments): how Ansible's command module splits a string. */
import { KbsError } from '../../errors.js';

export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let tok = '';
  let inTok = false; // a token has started (even if empty, e.g. '')
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inTok) out.push(tok);
      tok = '';
      inTok = false;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw noClosing();
      tok += s.slice(i + 1, end);
      inTok = true;
      i = end + 1;
    } else if (c === '"') {
      inTok = true;
      i++;
      for (;;) {
        if (i >= s.length) throw noClosing();
        const d = s[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          if (i + 1 >= s.length) throw noClosing();
          const n = s[i + 1];
          tok += n === '"' || n === '\\' ? n : '\\' + n;
          i += 2;
        } else {
          tok += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new KbsError('TASK', `cannot split command line: no escaped character at the end: ${s}`);
      tok += s[i + 1];
      inTok = true;
      i += 2;
    } else {
      tok += c;
      inTok = true;
      i++;
    }
  }
  if (inTok) out.push(tok);
  return out;
}

function noClosing(): KbsError {
  return new KbsError('TASK', 'cannot split command line: no closing quotation', {
    hint: 'balance the quotes, or use argv: with a list',
  });
}
