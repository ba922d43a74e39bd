import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KbsError } from '../../src/errors.js';
import { expandHostRange } from '../../src/inventory/range.js';

test('numeric ranges keep zero padding', () => {
  assert.deepEqual(expandHostRange('node[01:03].lan'), ['node01.lan', 'node02.lan', 'node03.lan']);
  assert.deepEqual(expandHostRange('n[8:10]'), ['n8', 'n9', 'n10']);
  assert.deepEqual(expandHostRange('n[008:010]'), ['n008', 'n009', 'n010']);
});

test('letter ranges, steps, a missing start, several ranges', () => {
  assert.deepEqual(expandHostRange('web[a:c]'), ['weba', 'webb', 'webc']);
  assert.deepEqual(expandHostRange('w[y:B]'), ['wy', 'wz', 'wA', 'wB']);
  assert.deepEqual(expandHostRange('n[1:10:3]'), ['n1', 'n4', 'n7', 'n10']);
  assert.deepEqual(expandHostRange('n[a:e:2]'), ['na', 'nc', 'ne']);
  assert.deepEqual(expandHostRange('n[:2]'), ['n0', 'n1', 'n2']);
  assert.deepEqual(expandHostRange('r[1:2]-n[a:b]'), ['r1-na', 'r1-nb', 'r2-na', 'r2-nb']);
  assert.deepEqual(expandHostRange('plain.example.com'), ['plain.example.com']);
});

test('bad ranges are INVENTORY errors carrying the given position', () => {
  const pos = { file: 'hosts.yml', line: 3, col: 5 };
  const cases: [string, RegExp][] = [
    ['node[1:]', /no end value/],
    ['node[5:1]', /end 1 is smaller than the start 5/],
    ['node[c:a]', /comes before/],
    ['node[01:100]', /same length/],
    ['node[a:5]', /mixes a letter/],
    ['node[1:5:0]', /step "0"/],
    ['node[1:5:x]', /step "x"/],
    ['node[1]', /start:end/],
    ['node[1:2:3:4]', /start:end/],
    ['node[1:2', /unbalanced/],
    ['node1:2]', /unbalanced/],
    ['node[aa:bb]', /neither a number range/],
  ];
  for (const [name, why] of cases) {
    assert.throws(
      () => expandHostRange(name, pos),
      (e: unknown) => e instanceof KbsError && e.code === 'INVENTORY' && why.test(e.message) && e.where() === 'hosts.yml:3:5' && !!e.hint,
      name,
    );
  }
});
