/**
 * Interrupting a run, in-process against local-connection hosts: the CLI's signal hook fires while
 * a long command runs; kbs starts no further task, stops the commands it started (the run tag in
 * their command lines, interrupt.ts), reports the interruption and returns 130 / 143. Also the
 * stop script itself: it never names the tag literally and signals only tagged process groups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { stopScript, tagCommand, tagProcess } from '../../src/transport/interrupt.js';
import { tempDir } from '../helpers/local.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test('the stop script signals the process groups whose command line holds the tag, and no other', async () => {
  const tag = `kbs-run-test${process.pid}`;
  const mine = spawn('/bin/sh', ['-c', tagCommand(`sleep 301.${process.pid} & sleep 302.${process.pid}; true`, tag)], { detached: true, stdio: 'ignore' });
  const other = spawn('/bin/sh', ['-c', `sleep 303.${process.pid}`], { detached: true, stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && pgrep(`sleep 30[12].${process.pid}`).length < 2; i++) await sleep(50);
    const script = stopScript(tag, 'TERM');
    assert.ok(!script.includes(tag), 'the script does not hold the tag (it would signal itself)');
    assert.equal(execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).trim(), '1', 'one group signalled');
    for (let i = 0; i < 50 && pgrep(`sleep 30[12].${process.pid}`).length; i++) await sleep(50);
    assert.deepEqual(pgrep(`sleep 30[12].${process.pid}`), [], 'both sleeps of the tagged group are gone, the background one too');
    assert.ok(pgrep(`sleep 303.${process.pid}`).length > 0, 'an untagged process is left alone');
  } finally {
    for (const c of [mine, other]) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
});

test('a tagged process keeps its tag when the command ends in exec; its exit status is the command\'s', async () => {
  const tag = `kbs-run-exec${process.pid}`;
  const pat = `^sleep 304.${process.pid}`;
  const mine = spawn('/bin/sh', ['-c', tagProcess(`exec sleep 304.${process.pid}`, tag)], { detached: true, stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && pgrep(pat).length < 1; i++) await sleep(50);
    assert.equal(pgrep(pat).length, 1, 'the sleep runs');
    assert.equal(execFileSync('/bin/sh', ['-c', stopScript(tag, 'TERM')], { encoding: 'utf8' }).trim(), '1', 'its group is found by the tag');
    for (let i = 0; i < 50 && pgrep(pat).length; i++) await sleep(50);
    assert.deepEqual(pgrep(pat), [], 'the exec-ed sleep is gone');
  } finally {
    try {
      process.kill(-mine.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const [cmd, rc] of [['exit 7', 7], ['exec sh -c "exit 3"', 3], ['true', 0], ['cat <<EOF\nx\nEOF', 0]] as const) {
    const r = spawnSync('/bin/sh', ['-c', tagProcess(cmd, tag)], { encoding: 'utf8' });
    assert.equal(r.status, rc, cmd);
  }
});

test('SIGTERM during a long local command: no further task, the command is gone, interrupted event, 143', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const mark = `${process.pid}${Date.now() % 100000}`;
  writeFileSync(join(dir, 'inv.yml'), 'all:\n  vars: {ansible_connection: local}\n  hosts:\n    a: {}\n    b: {}\n');
  writeFileSync(
    join(dir, 'pb.yml'),
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: long\n      shell: "sleep 300.${mark}; echo finished"\n    - name: never\n      command: "true"\n`,
  );
  let fire: ((sig: 'SIGINT' | 'SIGTERM') => void) | undefined;
  let unsubscribed = false;
  let out = '';
  const run = main(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.yml'), '-o', 'json'], {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    isTTY: false,
    env: process.env,
    onSignal: (h) => {
      fire = h;
      return () => (unsubscribed = true);
    },
  });
  try {
    await interruptLocal(run, mark, () => fire, () => unsubscribed, () => out);
  } finally {
    for (const p of pgrep(`sleep 300.${mark}`)) process.kill(p, 'SIGKILL'); // only when the test failed
  }
});

async function interruptLocal(
  run: Promise<number>,
  mark: string,
  fireOf: () => ((sig: 'SIGINT' | 'SIGTERM') => void) | undefined,
  unsubscribed: () => boolean,
  outOf: () => string,
): Promise<void> {
  // each host: its shell and its sleep
  for (let i = 0; i < 200 && pgrep(`sleep 300.${mark}`).length < 4; i++) await sleep(50);
  const out0 = outOf();
  const fire = fireOf();
  assert.ok(pgrep(`sleep 300.${mark}`).length >= 2, `both sleeps run:\n${out0}`);
  assert.ok(fire, 'the CLI subscribed to signals for the run');
  const t0 = Date.now();
  fire('SIGTERM');
  const code = await run;
  const out = outOf();
  assert.ok(Date.now() - t0 < 4000, 'the command ended on SIGTERM, before the grace period ran out');
  assert.equal(code, 143, out);
  assert.ok(unsubscribed(), 'the signal hook is released after the run');
  assert.deepEqual(pgrep(`sleep 300.${mark}`), []);
  const events = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as EngineEvent);
  const ev = events.find((e) => e.type === 'interrupted');
  assert.ok(ev && ev.type === 'interrupted');
  assert.deepEqual([ev.signal, ev.forced, ev.running.map((r) => [r.task, [...r.hosts].sort()])], ['SIGTERM', false, [['long', ['a', 'b']]]]);
  assert.ok(!events.some((e) => e.type === 'task_start' && e.task === 'never'));
  assert.ok(!events.some((e) => e.type === 'host_result' && e.task === 'long'), 'results of the cut-short task are not counted');
}
