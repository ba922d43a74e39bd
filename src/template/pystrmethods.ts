/**
 * Python str methods whose meaning depends on Unicode or on code points rather than UTF-16 units:
 * whitespace (str.isspace's set: \x1c-\x1f and \x85 are whitespace, U+FEFF is not), character
 * classes (isalpha, isdigit, islower, ...), case (title, capitalize, swapcase), and positions
 * and lengths counted in code points (find, index, count, zfill, ljust, center). Compared with
 * Python in test/unit/template-pystrmethods.test.ts.
 */
import { templateError } from './python.js';
import { PY_SPACE as WS_CLASS } from './textwrap.js';
import { pyLen } from '../util/pystr.js';

const WS_RUN = new RegExp(`[${WS_CLASS}]+`);
const WS_HEAD = new RegExp(`^[${WS_CLASS}]+`);
const WS_TAIL = new RegExp(`[${WS_CLASS}]+$`);
const ALL_WS = new RegExp(`^[${WS_CLASS}]+$`);
/** everything up to the last whitespace character */
const TO_LAST_WS = new RegExp(`[^]*[${WS_CLASS}]`);

/** str.isdigit() beyond the decimal digits (\p{Nd}): superscripts, subscripts, circled digits... (Numeric_Type=Digit) */
const DIGIT_EXTRA =
  '\\u00b2\\u00b3\\u00b9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079\\u2080-\\u2089\\u2460-\\u2468\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792\\u{10a40}-\\u{10a43}\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}';
const DIGITS = new RegExp(`^[\\p{Nd}${DIGIT_EXTRA}]+$`, 'u');
const DECIMALS = /^\p{Nd}+$/u;
const ALPHA = /^\p{L}+$/u;
const ALNUM = new RegExp(`^[\\p{L}\\p{N}${DIGIT_EXTRA}]+$`, 'u');
/** str.isnumeric() beyond \\p{N}: letters with a numeric value (CJK numerals 一, 二, 万, ...) */
const NUMERIC_EXTRA = '\\u3405\\u3483\\u382a\\u3b4d\\u4e00\\u4e03\\u4e07\\u4e09\\u4e5d\\u4e8c\\u4e94\\u4e96\\u4ebf-\\u4ec0\\u4edf\\u4ee8\\u4f0d\\u4f70\\u5104\\u5146\\u5169\\u516b\\u516d\\u5341\\u5343-\\u5345\\u534c\\u53c1-\\u53c4\\u56db\\u58f1\\u58f9\\u5e7a\\u5efe-\\u5eff\\u5f0c-\\u5f0e\\u5f10\\u62fe\\u634c\\u67d2\\u6f06\\u7396\\u767e\\u8086\\u842c\\u8cae\\u8cb3\\u8d30\\u9621\\u9646\\u964c\\u9678\\u96f6\\uf96b\\uf973\\uf978\\uf9b2\\uf9d1\\uf9d3\\uf9fd\\u{20001}\\u{20064}\\u{200e2}\\u{20121}\\u{2092a}\\u{20983}\\u{2098c}\\u{2099c}\\u{20aea}\\u{20afd}\\u{20b19}\\u{22390}\\u{22998}\\u{23b1b}\\u{2626d}\\u{2f890}';
const NUMERIC = new RegExp(`^[\\p{N}${NUMERIC_EXTRA}]+$`, 'u');
const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const TITLE = /\p{Lt}/u;
/** what str.isprintable() refuses (the space aside): other, separators */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const IDENT = /^[\p{XID_Start}_]\p{XID_Continue}*$/u;

export function pyIsspace(s: string): boolean {
  return ALL_WS.test(s);
}

/** str.split() / str.rsplit() without a separator: runs of whitespace, at most `max` splits (-1: all) */
export function splitWhitespace(s: string, max: number, fromRight: boolean): string[] {
  if (!fromRight) {
    const out: string[] = [];
    let rest = s.replace(WS_HEAD, '');
    while (rest !== '') {
      if (max >= 0 && out.length === max) {
        out.push(rest);
        return out;
      }
      const m = WS_RUN.exec(rest);
      if (!m) {
        out.push(rest);
        return out;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const out: string[] = [];
  let rest = s.replace(WS_TAIL, '');
  while (rest !== '') {
    if (max >= 0 && out.length === max) {
      out.unshift(rest);
      return out;
    }
    const m = TO_LAST_WS.exec(rest);
    if (!m) {
      out.unshift(rest);
      return out;
    }
    out.unshift(rest.slice(m[0].length));
    rest = rest.slice(0, m[0].length).replace(WS_TAIL, '');
  }
  return out;
}

export function stripWhitespace(s: string, left: boolean, right: boolean): string {
  if (left) s = s.replace(WS_HEAD, '');
  if (right) s = s.replace(WS_TAIL, '');
  return s;
}

/** the code points of `s` */
function cps(s: string): string[] {
  return Array.from(s);
}

/**
 * Python's slice bounds (start, end as given to find/count/index), in code points: negative ones
 * count from the end; the end is clamped, a start past the end is kept (nothing is found there)
 */
function bounds(len: number, start: unknown, end: unknown): [number, number] {
  const norm = (v: unknown, dflt: number) => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw templateError('slice indices must be integers or None or have an __index__ method');
    return v < 0 ? Math.max(0, len + v) : v;
  };
  return [norm(start, 0), Math.min(len, norm(end, len))];
}

/** str.find / rfind in code points, with Python's optional start and end */
export function pyFind(s: string, sub: string, start: unknown, end: unknown, fromRight: boolean): number {
  const c = cps(s);
  const [a, b] = bounds(c.length, start, end);
  const subLen = pyLen(sub);
  if (a > c.length || b - a < subLen) return -1;
  const hay = c.slice(a, b).join('');
  const i = fromRight ? hay.lastIndexOf(sub) : hay.indexOf(sub);
  return i < 0 ? -1 : a + pyLen(hay.slice(0, i));
}

/** str.count: non-overlapping occurrences in s[start:end] (an empty sub: one more than the code points) */
export function pyCount(s: string, sub: string, start: unknown, end: unknown): number {
  const c = cps(s);
  const [a, b] = bounds(c.length, start, end);
  if (a > c.length || b < a) return 0;
  if (sub === '') return b - a + 1;
  return c.slice(a, b).join('').split(sub).length - 1;
}

function fillChar(f: unknown, method: string): string {
  if (f === undefined) return ' ';
  if (typeof f !== 'string' || pyLen(f) !== 1) throw templateError(`The fill character must be exactly one character long (${method})`);
  return f;
}

function widthOf(w: unknown): number {
  if (typeof w !== 'number' || !Number.isInteger(w)) throw templateError(`'${typeof w}' object cannot be interpreted as an integer`);
  return w;
}

export function pyJust(s: string, w: unknown, f: unknown, how: 'ljust' | 'rjust' | 'center'): string {
  const width = widthOf(w);
  const fill = fillChar(f, how);
  const len = pyLen(s);
  const marg = width - len;
  if (marg <= 0) return s;
  if (how === 'ljust') return s + fill.repeat(marg);
  if (how === 'rjust') return fill.repeat(marg) + s;
  // CPython: left = marg / 2 + (marg & width & 1)
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return fill.repeat(left) + s + fill.repeat(marg - left);
}

export function pyZfill(s: string, w: unknown): string {
  const width = widthOf(w);
  const len = pyLen(s);
  if (len >= width) return s;
  const fill = '0'.repeat(width - len);
  return s[0] === '+' || s[0] === '-' ? s[0] + fill + s.slice(1) : fill + s;
}

const isUpper = (c: string) => UPPER.test(c);
const isLower = (c: string) => LOWER.test(c);
const isTitle = (c: string) => TITLE.test(c);
const isCased = (c: string) => isUpper(c) || isLower(c) || isTitle(c);

/** every cased character passes `is`, none is of the `not` kinds (titlecase is neither), and there is one */
function allCased(s: string, is: (c: string) => boolean, not: (c: string) => boolean): boolean {
  let cased = false;
  for (const c of s) {
    if (not(c) || isTitle(c)) return false;
    if (is(c)) cased = true;
  }
  return cased;
}

export function pyIslower(s: string): boolean {
  return allCased(s, isLower, isUpper);
}

export function pyIsupper(s: string): boolean {
  return allCased(s, isUpper, isLower);
}

/** str.istitle: uppercase and titlecase characters only after uncased ones, lowercase only after cased ones */
export function pyIstitle(s: string): boolean {
  let cased = false;
  let previousCased = false;
  for (const c of s) {
    if (isUpper(c) || isTitle(c)) {
      if (previousCased) return false;
      previousCased = true;
      cased = true;
    } else if (isLower(c)) {
      if (!previousCased) return false;
      previousCased = true;
      cased = true;
    } else previousCased = false;
  }
  return cased;
}

/**
 * The title case of one character: its titlecase mapping where it is not its uppercase (Unicode's
 * SpecialCasing and UnicodeData, as Python's str.title() has them: ǆ → ǅ, ß → Ss, ﬁ → Fi; the
 * Georgian letters U+10D0-U+10FF stay as they are), else the uppercase.
 */
function toTitle(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  if (cp >= 0x10d0 && cp <= 0x10ff && GEORGIAN_SELF.test(c)) return c;
  return TITLECASE[c] ?? c.toUpperCase();
}
const GEORGIAN_SELF = /[\u10d0-\u10fa\u10fd-\u10ff]/;
const TITLECASE: Record<string, string> = {
  '\u00df': '\u0053\u0073', '\u01c4': '\u01c5', '\u01c5': '\u01c5', '\u01c6': '\u01c5', '\u01c7': '\u01c8', '\u01c8': '\u01c8', '\u01c9': '\u01c8', '\u01ca': '\u01cb', '\u01cb': '\u01cb', '\u01cc': '\u01cb', '\u01f1': '\u01f2', '\u01f2': '\u01f2', '\u01f3': '\u01f2', '\u0587': '\u0535\u0582', '\u1f80': '\u1f88', '\u1f81': '\u1f89', '\u1f82': '\u1f8a', '\u1f83': '\u1f8b', '\u1f84': '\u1f8c', '\u1f85': '\u1f8d', '\u1f86': '\u1f8e', '\u1f87': '\u1f8f', '\u1f88': '\u1f88', '\u1f89': '\u1f89', '\u1f8a': '\u1f8a', '\u1f8b': '\u1f8b', '\u1f8c': '\u1f8c', '\u1f8d': '\u1f8d', '\u1f8e': '\u1f8e', '\u1f8f': '\u1f8f', '\u1f90': '\u1f98', '\u1f91': '\u1f99', '\u1f92': '\u1f9a', '\u1f93': '\u1f9b', '\u1f94': '\u1f9c', '\u1f95': '\u1f9d', '\u1f96': '\u1f9e', '\u1f97': '\u1f9f', '\u1f98': '\u1f98', '\u1f99': '\u1f99', '\u1f9a': '\u1f9a', '\u1f9b': '\u1f9b', '\u1f9c': '\u1f9c', '\u1f9d': '\u1f9d', '\u1f9e': '\u1f9e', '\u1f9f': '\u1f9f', '\u1fa0': '\u1fa8', '\u1fa1': '\u1fa9', '\u1fa2': '\u1faa', '\u1fa3': '\u1fab', '\u1fa4': '\u1fac', '\u1fa5': '\u1fad', '\u1fa6': '\u1fae', '\u1fa7': '\u1faf', '\u1fa8': '\u1fa8', '\u1fa9': '\u1fa9', '\u1faa': '\u1faa', '\u1fab': '\u1fab', '\u1fac': '\u1fac', '\u1fad': '\u1fad', '\u1fae': '\u1fae', '\u1faf': '\u1faf', '\u1fb2': '\u1fba\u0345', '\u1fb3': '\u1fbc', '\u1fb4': '\u0386\u0345', '\u1fb7': '\u0391\u0342\u0345', '\u1fbc': '\u1fbc', '\u1fc2': '\u1fca\u0345', '\u1fc3': '\u1fcc', '\u1fc4': '\u0389\u0345', '\u1fc7': '\u0397\u0342\u0345', '\u1fcc': '\u1fcc', '\u1ff2': '\u1ffa\u0345', '\u1ff3': '\u1ffc', '\u1ff4': '\u038f\u0345', '\u1ff7': '\u03a9\u0342\u0345', '\u1ffc': '\u1ffc', '\ufb00': '\u0046\u0066', '\ufb01': '\u0046\u0069', '\ufb02': '\u0046\u006c', '\ufb03': '\u0046\u0066\u0069', '\ufb04': '\u0046\u0066\u006c', '\ufb05': '\u0053\u0074', '\ufb06': '\u0053\u0074', '\ufb13': '\u0544\u0576', '\ufb14': '\u0544\u0565', '\ufb15': '\u0544\u056b', '\ufb16': '\u054e\u0576', '\ufb17': '\u0544\u056d',
};

/** the lowercase of c, the character at `at` (UTF-16 index) of s: a capital sigma by its place in s (final or not) */
function lowerIn(s: string, at: number, c: string): string {
  if (c !== '\u03a3') return c.toLowerCase();
  return s.toLowerCase()[s.slice(0, at).toLowerCase().length];
}

/** str.title: the first cased character of each run of cased characters in title case, the others lower */
export function pyTitle(s: string): string {
  let out = '';
  let previousCased = false;
  let at = 0;
  for (const c of s) {
    out += previousCased ? lowerIn(s, at, c) : toTitle(c);
    previousCased = isCased(c);
    at += c.length;
  }
  return out;
}

/** str.capitalize (Python 3.8+): the first character in title case, the rest lower */
export function pyCapitalize(s: string): string {
  const c = cps(s);
  if (!c.length) return s;
  let out = toTitle(c[0]);
  let at = c[0].length;
  for (const x of c.slice(1)) {
    out += lowerIn(s, at, x);
    at += x.length;
  }
  return out;
}

/** str.casefold, character by character (no final-sigma context): ß → ss, ς → σ */
export function pyCasefold(s: string): string {
  let out = '';
  for (const c of s) out += c.toUpperCase().toLowerCase();
  return out;
}

export function pySwapcase(s: string): string {
  let out = '';
  let at = 0;
  for (const c of s) {
    out += isUpper(c) ? lowerIn(s, at, c) : isLower(c) ? c.toUpperCase() : c;
    at += c.length;
  }
  return out;
}

export const STR_PREDICATES: Record<string, (s: string) => boolean> = {
  isspace: pyIsspace,
  isdigit: (s) => DIGITS.test(s),
  isdecimal: (s) => DECIMALS.test(s),
  isnumeric: (s) => NUMERIC.test(s),
  isalpha: (s) => ALPHA.test(s),
  isalnum: (s) => ALNUM.test(s),
  islower: pyIslower,
  isupper: pyIsupper,
  istitle: pyIstitle,
  isascii: (s) => /^[\x00-\x7f]*$/.test(s),
  isidentifier: (s) => IDENT.test(s),
  isprintable: (s) => !NOT_PRINTABLE.test(s.replace(/ /g, '')),
};

const JINJA_WORD_SPLIT = new RegExp(`([-${WS_CLASS}({\\[<]+)`);

/** Jinja2's title filter (not str.title): each piece between runs of -, whitespace, (, {, [ and < gets its first character upper, the rest lower */
export function jinjaTitle(s: string): string {
  return s
    .split(JINJA_WORD_SPLIT)
    .filter((item) => item !== '')
    .map((item) => {
      const first = String.fromCodePoint(item.codePointAt(0) ?? 0);
      return first.toUpperCase() + item.slice(first.length).toLowerCase();
    })
    .join('');
}
