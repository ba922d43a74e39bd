/**
 * JSON read as Python's json.loads reads it: a number written with a fraction or an exponent is a
 * float even when its value is whole (`5.0` stays 5.0, a PyFloat), and NaN, Infinity and
 * -Infinity are accepted. Used where Ansible reads JSON with Python (from_json, uri's json,
 * custom modules' results), so that a float prints as Ansible prints it.
 */
import { PyFloat } from './pyfloat.js';

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;
const WORDS: [string, unknown][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

/** Parse JSON text; a SyntaxError for text that is not JSON. */
export function parsePyJson(text: string): unknown {
  // the common case has no whole float: JSON.parse is faster and gives the same value
  if (!/\d[.eE]|NaN|Infinity/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, ''))) return JSON.parse(text);
  let at = 0;
  const fail = (): never => {
    throw new SyntaxError(`Unexpected token in JSON at position ${at}`);
  };
  const space = (): void => {
    SPACE.lastIndex = at;
    SPACE.exec(text);
    at = SPACE.lastIndex;
  };
  const value = (): unknown => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const o: Record<string, unknown> = {};
      space();
      if (text[at] === '}') return at++, o;
      for (;;) {
        space();
        if (text[at] !== '"') fail();
        const k = str();
        space();
        if (text[at++] !== ':') fail();
        o[k] = value();
        space();
        const d = text[at++];
        if (d === '}') return o;
        if (d !== ',') fail();
      }
    }
    if (c === '[') {
      at++;
      const a: unknown[] = [];
      space();
      if (text[at] === ']') return at++, a;
      for (;;) {
        a.push(value());
        space();
        const d = text[at++];
        if (d === ']') return a;
        if (d !== ',') fail();
      }
    }
    if (c === '"') return str();
    for (const [w, v] of WORDS) if (text.startsWith(w, at)) return (at += w.length), v;
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) return fail();
    at = NUMBER.lastIndex;
    const n = Number(m[0]);
    return (m[1] || m[2]) && Number.isInteger(n) ? new PyFloat(n) : n;
  };
  const str = (): string => {
    STRING.lastIndex = at;
    const m = STRING.exec(text);
    if (!m) return fail();
    at = STRING.lastIndex;
    return JSON.parse(m[0]) as string;
  };
  const v = value();
  space();
  if (at !== text.length) fail();
  return v;
}
