/** Command arguments as sh words. */
import { shq } from '../../transport/shell.js';

/**
 * An argument as an sh word. With `expand` (Ansible's expand_argument_vars), $NAME, ${NAME} and a
 * leading ~ / ~user expand on the host as Python's expandvars/expanduser do: unset variables stay as written.
 */
export function argWord(s: string, expand: boolean): string {
  if (!expand || (!s.includes('$') && !s.startsWith('~'))) return shq(s);
  let out = '';
  let rest = s;
  const tilde = /^~([A-Za-z_][A-Za-z0-9_.-]*)?(?=\/|$)/.exec(rest);
  if (tilde) {
    // the slash stays unquoted: a quoted one would end the tilde prefix unexpanded (~'/a b')
    out += tilde[0] + (rest[tilde[0].length] === '/' ? '/' : '');
    rest = rest.slice(out.length);
  }
  const re = /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;
  let last = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index > last) out += shq(rest.slice(last, m.index));
    const name = m[1] ?? m[2];
    out += m[1] ? `"\${${name}-\\$${name}}"` : `"\${${name}-\\\${${name}\\}}"`;
    last = m.index + m[0].length;
  }
  if (last < rest.length) out += shq(rest.slice(last));
  return out === '' ? "''" : out;
}
