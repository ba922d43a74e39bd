/** The kept-templates file's size rule (src/template/persist.ts): all of it, or what the run used once it is too big. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toKeep, type PersistedTemplate } from '../../src/template/persist.js';

const entry = (size: number): PersistedTemplate => ({ code: 'x'.repeat(size), names: { filters: [], tests: [] } });

test('under the limit everything stays; over it only what the run used', () => {
  const all = new Map([
    ['t\0a', entry(1000)],
    ['t\0b', entry(1000)],
    ['t\0c', entry(1000)],
  ]);
  const used = new Set(['t\0b']);
  assert.equal(toKeep(all, used, 10_000), all);
  assert.deepEqual([...toKeep(all, used, 2_000).keys()], ['t\0b']);
  assert.deepEqual([...toKeep(all, new Set(), 2_000).keys()], []);
});
