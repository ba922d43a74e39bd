/**
 * Python `re` patterns for the modules (lineinfile, replace, blockinfile, ...): the translation
 * lives in src/util/pyregex.ts; here errors become the module's task errors.
 */
import { KbsError } from '../../errors.js';
import { compilePy, fillRepl, parseRepl, type Fail } from '../../util/pyregex.js';

export function pyRegex(pattern: string, what = 'regexp'): RegExp {
  return compilePy(pattern, '', (why) => bad(pattern, what, why));
}

function bad(pattern: string, what: string, why: string): KbsError {
  return new KbsError('TASK', `invalid ${what} ${JSON.stringify(pattern)}: ${why}`, {
    hint: 'the pattern is a Python regular expression; escape special characters with \\',
  });
}

const inLine: Fail = (why, hint) => new KbsError('TASK', `${why} in line`, hint ? { hint } : {});

/** Python's match.expand(template): \1..\99, \g<n>, \g<name>, \n \t ...; unmatched groups are ''. */
export function pyExpand(template: string, m: RegExpExecArray): string {
  return fillRepl(parseRepl(template, inLine), m, inLine);
}
