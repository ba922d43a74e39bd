/**
 * Live progress: each host's result (and each loop item) is reported as it finishes, not when the
 * slowest host of the task ends; a running task reports the hosts still working (task_progress);
 * the plain view prints results in arrival order and a line for the hosts still working.
 * Hosts use the local connection; `sleep`s make one host slower than another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execute, prepare } from '../../src/cli/run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { runLocal, tempDir } from '../helpers/local.js';

/** slow comes first in the inventory, so an engine that reports in host order shows it first */
const INV = `all:
  vars: {ansible_connection: local}
  hosts:
    slow: {nap: 1.5, naps: [0, 2.5]}
    fast: {nap: 0, naps: [1.2]}
`;

const at = (events: EngineEvent[], pred: (e: EngineEvent) => boolean): number => {
  const i = events.findIndex(pred);
  assert.notEqual(i, -1, 'event not found');
  return i;
};
const resultOf = (task: string, host: string) => (e: EngineEvent) => e.type === 'host_result' && e.task === task && e.host === host;

test("each host's result and each loop item are reported as they finish, in task order", async () => {
  const r = await runLocal(
    `- hosts: all
  gather_facts: false
  tasks:
    - name: nap
      command: "sleep {{ nap }}"
    - name: naps
      command: "sleep {{ item }}"
      loop: "{{ naps }}"
      no_log: "{{ inventory_hostname == 'fast' }}"
`,
    { inventory: INV },
  );
  assert.equal(r.code, 0, r.stdout);
  const ev = r.events;
  // a fast host's result arrives before a slow host's, whatever the inventory order
  assert.ok(at(ev, resultOf('nap', 'fast')) < at(ev, resultOf('nap', 'slow')), 'fast before slow');

  // loop items arrive one by one: slow's first item, then fast's whole result, then slow's second
  const item = (host: string, label: string) => (e: EngineEvent) => e.type === 'item_result' && e.task === 'naps' && e.host === host && e.label === label;
  const slow1 = at(ev, item('slow', '0'));
  const fastDone = at(ev, resultOf('naps', 'fast'));
  const slow2 = at(ev, item('slow', '2.5'));
  assert.ok(slow1 < fastDone && fastDone < slow2 && slow2 < at(ev, resultOf('naps', 'slow')), `order ${slow1} ${fastDone} ${slow2}`);
  // no_log still censors items reported on the fly
  const fastItem = ev.find((e) => e.type === 'item_result' && e.task === 'naps' && e.host === 'fast');
  assert.ok(fastItem && fastItem.type === 'item_result');
  assert.equal(fastItem.label, '(censored)');
  assert.ok(!JSON.stringify(fastItem.result).includes('sleep'), JSON.stringify(fastItem.result));

  // per task: task_start, then each host's host_start before its results, task_end after all
  for (const task of ['nap', 'naps']) {
    const start = ev.findIndex((e) => e.type === 'task_start' && e.task === task);
    const end = ev.findIndex((e) => e.type === 'task_end' && e.task === task);
    assert.ok(start >= 0 && end > start);
    const end_ = ev[end];
    assert.ok(end_.type === 'task_end' && typeof end_.durationMs === 'number');
    for (const host of ['slow', 'fast']) {
      const hs = ev.findIndex((e) => e.type === 'host_start' && e.task === task && e.host === host);
      const mine = ev.map((e, i) => ((e.type === 'host_result' || e.type === 'item_result') && e.task === task && e.host === host ? i : -1)).filter((i) => i >= 0);
      assert.ok(hs > start, `${task}/${host}: host_start after task_start`);
      assert.ok(mine.length > 0 && mine.every((i) => i > hs && i < end), `${task}/${host}: results between host_start and task_end`);
    }
  }
  // the recap counts are unchanged by the order
  assert.deepEqual(
    Object.fromEntries(Object.entries(r.recap).map(([h, s]) => [h, [s.ok, s.changed, s.failed]])),
    { slow: [2, 2, 0], fast: [2, 2, 0] },
  );
});

/** Run through the CLI's execute() with plain output, a short progress interval, and the events. */
async function runPlain(playbook: string, inventory: string, forks = 50) {
  const dir = tempDir();
  writeFileSync(join(dir, 'inv.yml'), inventory);
  writeFileSync(join(dir, 'pb.yml'), playbook);
  const { pb, inv, opts } = prepare(join(dir, 'pb.yml'), { inventory: [join(dir, 'inv.yml')], forks: String(forks) });
  opts.progressIntervalMs = 300;
  let stdout = '';
  const events: EngineEvent[] = [];
  await execute(pb, inv, opts, 'plain', { stdout: (s) => (stdout += s), stderr: () => undefined, isTTY: false, env: process.env }, (e) => events.push(e));
  return { stdout, events };
}

test('the plain view prints results as they arrive and names the hosts still working', async () => {
  const { stdout, events } = await runPlain(`- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: nap, command: "sleep {{ nap }}"}\n`, INV);
  const fast = stdout.indexOf('changed: [fast]');
  const slow = stdout.indexOf('changed: [slow]');
  assert.ok(fast > 0 && slow > 0 && fast < slow, stdout);

  // while slow sleeps, progress events name it (and not fast, once fast is done)
  const progress = events.filter((e): e is Extract<EngineEvent, { type: 'task_progress' }> => e.type === 'task_progress' && e.task === 'nap');
  assert.ok(progress.length >= 2, `${progress.length} progress events`);
  const late = progress[progress.length - 1];
  assert.deepEqual(late.running.map((x) => x.host), ['slow']);
  assert.equal(late.done, 1);
  assert.equal(late.queued, 0);
  assert.equal(late.play, 'all');
  assert.ok(late.elapsedMs >= 300 && late.running[0].elapsedMs <= late.elapsedMs);
  assert.ok(progress[0].elapsedMs < late.elapsedMs);
  // none after the task ended
  const end = events.findIndex((e) => e.type === 'task_end' && e.task === 'nap');
  assert.ok(events.every((e, i) => e.type !== 'task_progress' || i < end));
  // and the plain view printed them, after fast's result and before slow's
  const line = stdout.split('\n').filter((l) => l.startsWith('... TASK [nap]')).pop() ?? '';
  assert.match(line, /still working: slow \(\d+s\); 1 of 2 hosts done$/);
  assert.ok(stdout.indexOf(line) > fast && stdout.indexOf(line) < slow, stdout);
});

test('with fewer forks than hosts, a host starts when a fork is free and progress counts the waiting ones', async () => {
  const { events } = await runPlain(`- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: nap, command: "sleep {{ nap }}"}\n`, INV, 1);
  const slowDone = at(events, resultOf('nap', 'slow'));
  const fastStart = at(events, (e) => e.type === 'host_start' && e.host === 'fast');
  assert.ok(slowDone < fastStart, 'fast waits for the fork');
  const during = events.find((e) => e.type === 'task_progress');
  assert.ok(during && during.type === 'task_progress');
  assert.deepEqual([during.running.map((x) => x.host), during.done, during.queued], [['slow'], 0, 1]);
});

test('an include that cannot be evaluated or loaded is reported as a task of its own', async () => {
  for (const [task, file] of [['bad template', '"{{ no_such_var }}.yml"'], ['missing file', `"{{ 'missing' }}.yml"`]]) {
    const r = await runLocal(`- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ${task}\n      include_tasks: ${file}\n`, { inventory: INV });
    assert.equal(r.code, 2, r.stdout);
    const mine = r.events.filter((e) => 'task' in e && e.task === task);
    const kinds = mine.map((e) => e.type);
    assert.equal(kinds[0], 'task_start', `${task}: ${kinds.join(' ')}`);
    assert.equal(kinds[kinds.length - 1], 'task_end', `${task}: ${kinds.join(' ')}`);
    for (const host of ['slow', 'fast']) {
      const hs = mine.findIndex((e) => e.type === 'host_start' && e.host === host);
      const hr = mine.findIndex((e) => e.type === 'host_result' && e.host === host);
      assert.ok(hs > 0 && hr > hs, `${task}/${host}: ${kinds.join(' ')}`);
      assert.equal(mine[hr].type === 'host_result' && mine[hr].status, 'failed');
    }
  }
});
