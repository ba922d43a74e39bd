/** toFixedPy: Python's '%.Nf' rounding (an exact tie goes to the even digit; JavaScript's toFixed rounds it up). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toFixedPy } from '../../src/util/pyfloat.js';
import { pyPercentFormat } from '../../src/template/python.js';

test('exact ties round half to even; other values as toFixed', () => {
  const cases: [number, number, string][] = [
    [1.125, 2, '1.12'],
    [0.375, 2, '0.38'],
    [-1.125, 2, '-1.12'],
    [0.5, 0, '0'],
    [1.5, 0, '2'],
    [2.5, 0, '2'],
    [1.005, 2, '1.00'], // not a tie: the double is below 1.005
    [2.675, 2, '2.67'],
    [123.456, 1, '123.5'],
    [1e22, 2, '10000000000000000000000.00'],
  ];
  for (const [x, d, want] of cases) assert.equal(toFixedPy(x, d), want, `${x} to ${d}`);
  assert.equal(pyPercentFormat('%.2f KB', 1.125), '1.12 KB');
});
