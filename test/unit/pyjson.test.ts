/**
 * parsePyJson reads JSON as Python's json.loads: whole floats stay floats, NaN/Infinity accepted,
 * anything else exactly as JSON.parse (the expected values are json.loads' on the same text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePyJson } from '../../src/util/pyjson.js';
import { isPyFloat } from '../../src/util/pyfloat.js';

/** the value with each PyFloat written as 'F<n>' so that deepEqual sees the difference */
const show = (v: unknown): unknown => {
  if (isPyFloat(v)) return `F${v.value}`;
  if (Array.isArray(v)) return v.map(show);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)]));
  return v;
};

test('whole floats are floats, integers are integers, as json.loads', () => {
  const cases: [string, unknown][] = [
    ['5.0', 'F5'],
    ['5', 5],
    ['[1e2, 1E+2, 2.5, -0.0, 10]', ['F100', 'F100', 2.5, 'F0', 10]],
    [' {"a" : {"b": [1.0, "1.0", true, false, null]}} ', { a: { b: ['F1', '1.0', true, false, null] } }],
    ['{"k\\u00e9": "x\\n\\"y"}', { 'ké': 'x\n"y' }],
    ['[]', []],
    ['{}', {}],
    ['"plain"', 'plain'],
    ['[true, false]', [true, false]],
  ];
  for (const [text, want] of cases) assert.deepEqual(show(parsePyJson(text)), want, text);
  const [nan, inf, ninf] = parsePyJson('[NaN, Infinity, -Infinity]') as number[];
  assert.ok(Number.isNaN(nan));
  assert.deepEqual([inf, ninf], [Infinity, -Infinity]);
});

test('text that is not JSON is a SyntaxError, as in JSON.parse', () => {
  for (const bad of ['[1.0,]', '{"a": 1.0', '1.0 2', '[01.0]', "{'a': 1.0}", '[1.]', '', '[1.0] x', '"a\u0001"']) {
    assert.throws(() => parsePyJson(bad), SyntaxError, bad);
  }
});
