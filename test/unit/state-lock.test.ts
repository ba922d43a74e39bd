/** The cluster lock's pure parts (src/state/lock.ts): its holder, its expiry, the time since its last release. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expired, parseHolder, releasedAgo, releasedDuring } from '../../src/state/lock.js';

test('releasedAgo: seconds from the last release to the acquire, on the lock host\'s clock', () => {
  assert.equal(releasedAgo('acquired'), undefined, 'never released there');
  assert.equal(releasedAgo('acquired 1733440000.750000000 1733439990.250000000'), 10.5);
  assert.equal(releasedAgo('acquired 100 102.5'), 0, 'a release time ahead of the clock counts as now');
  assert.equal(releasedAgo('held\n{"host":"w"}'), undefined);
});

test('releasedDuring: a release after the read began counts; one before it does not, even when the read went on long after', () => {
  const start = 1_000_000;
  // released 50 ms after the read began; the acquire ran 100 ms after the start, answered at 110 ms
  assert.equal(releasedDuring(0.05, start, start + 110), true);
  // released 150 ms before the read began (the previous apply, just before this one started):
  // the acquire 100 ms into the read; the read itself ends much later, which does not count
  assert.equal(releasedDuring(0.25, start, start + 110), false);
  // the two closer than the acquire's answer took: counted (a second read, never a missed one)
  assert.equal(releasedDuring(0.105, start, start + 110), true);
  assert.equal(releasedDuring(undefined, start, start + 110), false, 'never released there');
});

test('parseHolder and expired: a gone process of this workstation, an old lock, an unreadable one', () => {
  const h = parseHolder('{"host":"ws","pid":4242,"started":"2026-12-05T10:00:00Z"}');
  assert.deepEqual(h, { host: 'ws', pid: 4242, started: '2026-12-05T10:00:00Z' });
  assert.equal(parseHolder('not json'), undefined);
  assert.match(String(expired(undefined, new Date())), /names no holder/);
  const now = new Date('2026-12-05T11:00:00Z');
  assert.equal(expired({ host: 'other', pid: 1, started: '2026-12-05T10:00:00Z' }, now, 'ws'), undefined, 'another workstation, 1 h old: may still run');
  assert.match(String(expired({ host: 'other', pid: 1, started: '2026-12-05T04:00:00Z' }, now, 'ws')), /more than 6 h ago/);
  assert.equal(expired({ host: 'ws', pid: process.pid, started: '2026-12-05T10:30:00Z' }, now, 'ws'), undefined, 'this process runs');
});
