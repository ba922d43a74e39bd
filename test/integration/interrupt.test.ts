/**
 * SIGINT / SIGTERM to `kbs run` (a child process) while a long remote command runs on a real sshd:
 * kbs starts no further task, the remote commands are gone afterwards (checked with pgrep on this
 * machine, which is the sshd's host, by a marker unique to the test), the interruption is
 * reported as an event, and the exit status is 130 / 143. Both ways of running commands: the
 * long-lived remote shell, and one exec channel per command (--no-remote-shell); one host logs
 * in as root, the other becomes root through sudo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Sshd } from '../helpers/sshd.js';
import { startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('interrupt'));
});
after(() => stopHosts(sshd, work));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pids of processes whose command line holds PATTERN (pgrep -f), without pgrep itself */
function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** A number unique to this test, usable as the fraction of sleep's seconds. */
function marker(): string {
  return `${process.pid}${Date.now() % 1_000_000}`;
}

async function interrupted(sig: 'SIGINT' | 'SIGTERM', module: 'shell' | 'command', extra: string[]) {
  const mark = marker();
  const pattern = `sleep 300.${mark}`;
  const pb = join(work, `pb-${mark}.yml`);
  const cmd = module === 'shell' ? `sleep 300.${mark} && echo finished` : `sleep 300.${mark}`;
  writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: long\n      ${module}: "${cmd}"\n    - name: never\n      command: "true"\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/entry.ts'), 'run', pb, '-i', inv, '-o', 'json', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  try {
    // both hosts' sleeps themselves are running (not only the shells and sudo that start them:
    // the command module's `exec` has by then replaced the shell holding the run's tag)
    const until = Date.now() + 90_000;
    while (pgrep(`^${pattern}`).length < 2 && Date.now() < until) await sleep(100);
    assert.ok(pgrep(`^${pattern}`).length >= 2, `the remote sleeps never started:\n${out.slice(-2000)}\n${err.slice(-2000)}`);
    child.kill(sig);
    const { code, signal } = await exited;
    // what kbs stopped is gone by the time it exits (a little slack for the kernel to reap)
    let left = pgrep(pattern);
    for (let i = 0; i < 20 && left.length; i++) {
      await sleep(100);
      left = pgrep(pattern);
    }
    assert.deepEqual(left, [], `remote commands still running after kbs exited: ${left.join(' ')}`);
    assert.equal(code, sig === 'SIGINT' ? 130 : 143, `exit status (signal ${signal})\n${err.slice(-2000)}`);
    const events = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as EngineEvent);
    const ev = events.find((e) => e.type === 'interrupted');
    assert.ok(ev && ev.type === 'interrupted', `an interrupted event:\n${out.slice(-2000)}`);
    assert.equal(ev.signal, sig);
    assert.deepEqual(
      ev.running.map((r) => [r.task, [...r.hosts].sort()]),
      [['long', ['asroot', 'asuser']]],
    );
    assert.ok(ev.stopped >= 2, `process groups signalled: ${ev.stopped}`);
    assert.ok(!events.some((e) => e.type === 'task_start' && e.task === 'never'), 'no task started after the signal');
    assert.ok(events.some((e) => e.type === 'recap'), 'the recap is still printed');
  } finally {
    child.kill('SIGKILL');
    for (const p of pgrep(pattern)) process.kill(p, 'SIGKILL');
  }
}

test('SIGINT during a long shell command (remote shell): exit 130, reported, no remote process left', async () => {
  await interrupted('SIGINT', 'shell', []);
});

test('SIGTERM during a long command (--no-remote-shell): exit 143, reported, no remote process left', async () => {
  await interrupted('SIGTERM', 'command', ['--no-remote-shell']);
});
