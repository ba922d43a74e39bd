/**
 * Jinja2's pprint filter: Python's pprint.pformat with its defaults (indent 1, width 80, dict keys
 * sorted, not compact), ported from Python 3.11's pprint.py for the values a template holds:
 * mappings, lists, tuples and text broken over lines; any other value is its repr(). A value that
 * fits in the width is its repr() with sorted keys; one that does not is broken item by item, and
 * text at any depth into pieces at whitespace (in parentheses at the top).
 */
import { isDict, isStr, isTuple, pyRepr } from './python.js';
import { PY_SPACE, pySplitlinesKeep } from './textwrap.js';
import { byCodePoint, pyLen as len } from '../util/pystr.js';

const WIDTH = 80;

const sortedKeys = (d: Record<string, unknown>) => Object.keys(d).sort(byCodePoint);

/** pprint's _safe_repr: repr() with every mapping's keys sorted */
function safeRepr(v: unknown, seen: Set<object>): string {
  if (v === null || typeof v !== 'object' || seen.has(v)) return pyRepr(v);
  if (Array.isArray(v)) {
    seen.add(v);
    const items = v.map((x) => safeRepr(x, seen)).join(', ');
    seen.delete(v);
    if (!isTuple(v)) return `[${items}]`;
    return v.length === 1 ? `(${items},)` : `(${items})`;
  }
  if (!isDict(v)) return pyRepr(v);
  seen.add(v);
  const items = sortedKeys(v).map((k) => `${pyRepr(k)}: ${safeRepr(v[k], seen)}`);
  seen.delete(v);
  return `{${items.join(', ')}}`;
}

class Printer {
  out = '';
  private readonly seen = new Set<object>();

  format(v: unknown, indent: number, allowance: number, level: number): void {
    const rep = safeRepr(v, this.seen);
    if (len(rep) > WIDTH - indent - allowance && !(typeof v === 'object' && v !== null && this.seen.has(v))) {
      if (Array.isArray(v)) return this.within(v, () => this.items(v, indent, allowance, level + 1));
      if (isDict(v)) return this.within(v, () => this.dict(v, indent, allowance, level + 1));
      if (isStr(v)) return this.str(String(v), indent, allowance, level + 1);
    }
    this.out += rep;
  }

  private within(v: object, f: () => void): void {
    this.seen.add(v);
    f();
    this.seen.delete(v);
  }

  private dict(d: Record<string, unknown>, indent: number, allowance: number, level: number): void {
    this.out += '{';
    const keys = sortedKeys(d);
    indent += 1;
    keys.forEach((k, i) => {
      const last = i === keys.length - 1;
      const rep = pyRepr(k);
      this.out += rep + ': ';
      this.format(d[k], indent + len(rep) + 2, last ? allowance + 1 : 1, level);
      if (!last) this.out += ',\n' + ' '.repeat(indent);
    });
    this.out += '}';
  }

  /** a list, or a tuple (its one item followed by a comma) */
  private items(v: unknown[], indent: number, allowance: number, level: number): void {
    const tuple = isTuple(v);
    const end = !tuple ? ']' : v.length === 1 ? ',)' : ')';
    this.out += tuple ? '(' : '[';
    allowance += len(end);
    indent += 1;
    v.forEach((x, i) => {
      const last = i === v.length - 1;
      if (i > 0) this.out += ',\n' + ' '.repeat(indent);
      this.format(x, indent, last ? allowance : 1, level);
    });
    this.out += end;
  }

  private str(s: string, indent: number, allowance: number, level: number): void {
    if (!s) {
      this.out += pyRepr(s);
      return;
    }
    const chunks: string[] = [];
    const lines = pySplitlinesKeep(s);
    if (level === 1) {
      indent += 1;
      allowance += 1;
    }
    const maxWidth = WIDTH - indent;
    let maxWidth1 = maxWidth;
    let rep = '';
    lines.forEach((line, i) => {
      rep = pyRepr(line);
      const lastLine = i === lines.length - 1;
      if (lastLine) maxWidth1 -= allowance;
      if (len(rep) <= maxWidth1) {
        chunks.push(rep);
        return;
      }
      // alternating runs of non-space and space, as re.findall(r'\S*\s*', line) without its empty end
      const parts = line.match(WORDS) ?? [];
      let maxWidth2 = maxWidth;
      let current = '';
      parts.forEach((part, j) => {
        const candidate = current + part;
        if (j === parts.length - 1 && lastLine) maxWidth2 -= allowance;
        if (len(pyRepr(candidate)) > maxWidth2) {
          if (current) chunks.push(pyRepr(current));
          current = part;
        } else current = candidate;
      });
      if (current) chunks.push(pyRepr(current));
    });
    if (chunks.length === 1) {
      this.out += rep;
      return;
    }
    if (level === 1) this.out += '(';
    this.out += chunks.join('\n' + ' '.repeat(indent));
    if (level === 1) this.out += ')';
  }
}

const WORDS = new RegExp(`[^${PY_SPACE}]+[${PY_SPACE}]*|[${PY_SPACE}]+`, 'gu');

/** pprint.pformat(value) */
export function pformat(v: unknown): string {
  const p = new Printer();
  p.format(v, 0, 0, 0);
  return p.out;
}
