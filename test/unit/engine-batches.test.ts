import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batches } from '../../src/engine/batches.js';
import { tagsSelected } from '../../src/engine/tags.js';

const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

test('serial: none, number, percent, list with repeating last size', () => {
  assert.deepEqual(batches(hosts, undefined), [hosts]);
  assert.deepEqual(batches(hosts, [3]), [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  assert.deepEqual(batches(hosts, ['30%']), [['a', 'b'], ['c', 'd'], ['e', 'f'], ['g']]);
  assert.deepEqual(batches(hosts, [1, '50%']), [['a'], ['b', 'c', 'd'], ['e', 'f', 'g']]);
  assert.deepEqual(batches([], [2]), []);
  assert.throws(() => batches(hosts, ['lots']), /serial value "lots"/);
});

test('tags: only, skip, always, never, tagged, untagged', () => {
  const f = (only: string[], skip: string[] = []) => ({ only, skip });
  assert.equal(tagsSelected([], f([])), true);
  assert.equal(tagsSelected(['x'], f(['y'])), false);
  assert.equal(tagsSelected(['x', 'y'], f(['y'])), true);
  assert.equal(tagsSelected(['always'], f(['y'])), true);
  assert.equal(tagsSelected(['always'], f(['y'], ['always'])), false);
  assert.equal(tagsSelected(['never'], f([])), false);
  assert.equal(tagsSelected(['never', 'debug'], f(['debug'])), true);
  assert.equal(tagsSelected(['x'], f([], ['x'])), false);
  assert.equal(tagsSelected([], f(['untagged'])), true);
  assert.equal(tagsSelected(['x'], f(['untagged'])), false);
  assert.equal(tagsSelected(['x'], f(['tagged'])), true);
});
