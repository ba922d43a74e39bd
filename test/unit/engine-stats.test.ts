/** The recap counts of one task outcome (src/engine/stats.ts), as Ansible's AggregateStats. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countOutcome } from '../../src/engine/stats.js';
import { HostState } from '../../src/engine/state.js';
import { rootInherited } from '../../src/engine/inherit.js';
import type { HostOutcome, TaskRun } from '../../src/engine/task.js';

const task = (rescuable: boolean): TaskRun => ({
  id: 1,
  name: 't',
  task: { kind: 'task', module: 'command', args: {}, kw: {}, pos: { file: 'site.yml', line: 1, col: 1 } },
  inh: { ...rootInherited([]), rescuable },
});

test('each status adds to the counts Ansible adds to, and marks the host', () => {
  const cases: [HostOutcome['status'], Record<string, unknown>, boolean, Partial<Record<string, number>>, Partial<HostState>][] = [
    ['ok', {}, false, { ok: 1 }, {}],
    ['changed', { changed: true }, false, { ok: 1, changed: 1 }, {}],
    ['skipped', { skipped: true }, false, { skipped: 1 }, {}],
    ['failed', { failed: true }, false, { failed: 1 }, { failed: true }],
    ['failed', { failed: true }, true, { rescued: 1 }, { failed: true }],
    ['ignored', { failed: true }, false, { ok: 1, ignored: 1 }, {}],
    ['ignored', { failed: true, changed: true }, false, { ok: 1, ignored: 1, changed: 1 }, {}],
    ['unreachable', { unreachable: true }, false, { unreachable: 1 }, { unreachable: true }],
    ['unreachable', { unreachable: true, host_key_refused: true }, false, { unreachable: 1 }, { unreachable: true, refused: true }],
  ];
  for (const [status, result, rescuable, counts, marks] of cases) {
    const s = new HostState('h1');
    countOutcome(s, task(rescuable), { status, result: { changed: false, ...result }, noLog: false } as HostOutcome);
    const want = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...counts };
    assert.deepEqual({ ...s.stats }, { ...s.stats, ...want }, `${status} ${JSON.stringify(result)}`);
    for (const k of Object.keys(want)) assert.equal((s.stats as unknown as Record<string, number>)[k], want[k as keyof typeof want], `${status} ${k}`);
    assert.equal(s.failed, marks.failed ?? false);
    assert.equal(s.unreachable, marks.unreachable ?? false);
    assert.equal(s.refused, marks.refused ?? false);
  }
});

test('a rescued failure hands the rescue ansible_failed_task and ansible_failed_result', () => {
  const s = new HostState('h1');
  const result = { changed: false, failed: true, msg: 'boom' };
  countOutcome(s, task(true), { status: 'failed', result, noLog: false } as HostOutcome);
  // a task without a name: Ansible's serialised task has name '' (the display name 't' is not it)
  assert.deepEqual(s.setFacts.ansible_failed_task, { name: '', action: 'command' });
  assert.equal(s.setFacts.ansible_failed_result, result);
  const named = task(true);
  named.task.kw.name = 'Fails on purpose';
  countOutcome(s, named, { status: 'failed', result, noLog: false } as HostOutcome);
  assert.deepEqual(s.setFacts.ansible_failed_task, { name: 'Fails on purpose', action: 'command' });
});
