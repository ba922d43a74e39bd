/**
 * Shell-style globs as Python's fnmatch (POSIX: case-sensitive): `*`, `?`, `[seq]`, `[!seq]`;
 * everything else literal. One translation for host patterns, the setup `filter` and package
 * version globs.
 */

/**
 * Python's fnmatch.translate: the JavaScript source (no anchors) for a RegExp with the `s` flag
 * (so `*` and `?` also match newlines, as in Python).
 */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) out += '\\[';
      else {
        // backslashes are literal in a set; a ']' first in it too (JavaScript needs it escaped)
        let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\').replace(/]/g, '\\]');
        if (body[0] === '!') body = '^' + body.slice(1);
        else if (body[0] === '^') body = '\\' + body;
        out += `[${body}]`;
        i = j;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** A RegExp that matches a whole string against the glob (fnmatch.fnmatchcase). */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^(?:${globToRegex(glob)})$`, 's');
}
