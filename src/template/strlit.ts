/**
 * Jinja2 string literals are unescaped as Python's "unicode-escape" codec does: \n \t \r \\ \' \"
 * \a \b \f \v, octal \ooo, \xhh, \uXXXX, \UXXXXXXXX, a backslash-newline is dropped, and any other
 * backslash stays as it is (so '\.' in a regex_replace pattern reaches the regex as \.). nunjucks
 * drops the backslash of unknown escapes; nunjucks.ts installs this reader in its lexer instead.
 */
const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/**
 * A literal read as Ansible reads one inside `{{ }}` in playbook data (escape_backslashes: its
 * backslashes are doubled before Jinja2 unescapes them): the text between the quotes as written.
 */
export function readRawString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let i = start + 1;
  while (i < src.length && src[i] !== quote) i += src[i] === '\\' ? 2 : 1;
  return { value: src.slice(start + 1, Math.min(i, src.length)), end: Math.min(i + 1, src.length) };
}

/** Reads a literal whose opening quote is at src[start]; returns the value and the index after the closing quote. */
export function readPyString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let i = start + 1;
  let out = '';
  while (i < src.length && src[i] !== quote) {
    const c = src[i];
    if (c !== '\\' || i + 1 >= src.length) {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e in SIMPLE) {
      out += SIMPLE[e];
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(src.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 8));
      i += 1 + m.length;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(i + 2, i + 2 + n);
      if (hex.length === n && /^[0-9a-fA-F]+$/.test(hex)) {
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + n;
      } else {
        out += '\\' + e;
        i += 2;
      }
    } else {
      out += '\\' + e;
      i += 2;
    }
  }
  return { value: out, end: Math.min(i + 1, src.length) };
}
