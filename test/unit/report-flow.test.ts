/** The views' text for the flow modules: include_vars failures (`message`) and set_stats data (CUSTOM STATS). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customStatsLines, failureDetail } from '../../src/report/format.js';

test('a failure reported under message (include_vars) is shown; msg wins when both are there', () => {
  assert.equal(failureDetail({ changed: false, failed: true, message: 'x.yml must be stored as a dictionary/hash' }), 'message: x.yml must be stored as a dictionary/hash');
  assert.equal(failureDetail({ changed: false, failed: true, msg: 'm', message: 'other' }), 'msg: m');
});

test('custom stats print as Ansible prints them: hosts sorted, then RUN, JSON on one line', () => {
  const lines = customStatsLines({ _run: { b: [1, 2], a: { y: 1 } }, w2: { n: 1 }, w1: { s: 'é' } });
  assert.deepEqual(lines, [
    '',
    `CUSTOM STATS: ${'*'.repeat(66)}`,
    '\tw1: { "s": "é"}',
    '\tw2: { "n": 1}',
    '',
    '\tRUN: { "a": {  "y": 1 }, "b": [  1,  2 ]}',
    '',
  ]);
});
