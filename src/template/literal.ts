/**
 * Python's ast.literal_eval for the text a template renders to, as Ansible applies it (with
 * `true`/`false`/`null` read as JSON's): strings, numbers, True/False/None, lists, tuples and
 * dicts, unary signs on numbers, comments and line breaks between tokens. Anything else (names,
 * calls, operators, sets, complex numbers) is not a literal: the caller keeps the text.
 */
import { makeTuple, setKey, type Dict } from './python.js';
import { readPyString } from './strlit.js';
import { pyFloat } from './float.js';

const NOT_LITERAL = Symbol('not a literal');

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  /** skip spaces, line breaks and # comments */
  ws(): void {
    const s = this.s;
    for (;;) {
      while (this.i < s.length && /[ \t\r\n\f\\]/.test(s[this.i])) {
        if (s[this.i] === '\\' && s[this.i + 1] !== '\n') throw NOT_LITERAL;
        this.i += s[this.i] === '\\' ? 2 : 1;
      }
      if (s[this.i] !== '#') return;
      while (this.i < s.length && s[this.i] !== '\n') this.i++;
    }
  }

  peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }

  take(c: string): boolean {
    if (this.peek() !== c) return false;
    this.i++;
    return true;
  }

  value(): unknown {
    const c = this.peek();
    if (c === '[') return this.seq(']', (items) => items);
    if (c === '(') return this.paren();
    if (c === '{') return this.dict();
    if (c === '"' || c === "'") return this.str();
    if (c === '-' || c === '+') {
      this.i++;
      const v = this.value();
      if (typeof v !== 'number' && !isFloatBox(v)) throw NOT_LITERAL;
      return c === '-' ? negate(v) : v;
    }
    if (/[0-9.]/.test(c)) return this.num();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      switch (m[0]) {
        case 'True':
        case 'true':
          return true;
        case 'False':
        case 'false':
          return false;
        case 'None':
        case 'null':
          return null;
      }
    }
    throw NOT_LITERAL;
  }

  str(): string {
    let out = '';
    // adjacent string literals concatenate, as in Python
    while (this.peek() === '"' || this.peek() === "'") {
      const q = this.s[this.i];
      if (this.s.startsWith(q.repeat(3), this.i)) throw NOT_LITERAL;
      const { value, end } = readPyString(this.s, this.i);
      if (this.s[end - 1] !== q || end - 1 === this.i) throw NOT_LITERAL;
      if (/[\n]/.test(this.s.slice(this.i, end)) && !/\\\n/.test(this.s.slice(this.i, end))) throw NOT_LITERAL;
      out += value;
      this.i = end;
    }
    return out;
  }

  num(): unknown {
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+|^(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][-+]?\d(?:_?\d)*)?/.exec(rest);
    const text = m?.[0] ?? '';
    if (text === '' || text === '.' || /^[eE]/.test(text)) throw NOT_LITERAL;
    this.i += text.length;
    if (/^[A-Za-z0-9_]/.test(this.s.slice(this.i))) throw NOT_LITERAL; // 1j, 12abc
    const clean = text.replace(/_/g, '');
    if (/^0[xob]/i.test(clean)) return Number(clean.toLowerCase());
    if (/[.eE]/.test(clean)) return pyFloat(Number(clean));
    if (/^0\d/.test(clean) && /[1-9]/.test(clean)) throw NOT_LITERAL; // 012 is a syntax error
    return Number(clean);
  }

  seq(close: string, make: (items: unknown[]) => unknown): unknown {
    this.i++;
    const items: unknown[] = [];
    while (!this.take(close)) {
      items.push(this.value());
      if (this.take(close)) break;
      if (!this.take(',')) throw NOT_LITERAL;
    }
    return make(items);
  }

  paren(): unknown {
    this.i++;
    if (this.take(')')) return makeTuple([]);
    const first = this.value();
    if (this.take(')')) return first;
    if (!this.take(',')) throw NOT_LITERAL;
    const items = [first];
    while (!this.take(')')) {
      items.push(this.value());
      if (this.take(')')) break;
      if (!this.take(',')) throw NOT_LITERAL;
    }
    return makeTuple(items);
  }

  dict(): Dict {
    this.i++;
    const out: Dict = {};
    while (!this.take('}')) {
      const k = this.value();
      if (!this.take(':')) throw NOT_LITERAL; // a set, or not a literal
      const v = this.value();
      if (k !== null && typeof k === 'object') throw NOT_LITERAL; // unhashable key
      setKey(out, typeof k === 'string' ? k : keyText(k), v);
      if (this.take('}')) break;
      if (!this.take(',')) throw NOT_LITERAL;
    }
    return out;
  }
}

function isFloatBox(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'pyFloat' in v;
}

function negate(v: unknown): unknown {
  if (typeof v === 'number') return -v;
  return pyFloat(-Number(v));
}

function keyText(k: unknown): string {
  if (k === null) return 'None';
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  return String(Number(k));
}

/** The value of `text` as Python's literal_eval reads it, or `undefined` when it is not a literal. */
export function literalEval(text: string): { value: unknown } | undefined {
  const r = new Reader(text);
  try {
    const value = r.value();
    r.ws();
    if (r.i !== text.length) return undefined;
    return { value };
  } catch (e) {
    if (e === NOT_LITERAL) return undefined;
    throw e;
  }
}
