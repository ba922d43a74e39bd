import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../fleet/lock.js';
import { KbsError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';

/** Hold `path` with flock(1) from a process we control; resolves once the lock is held. */
async function holdWithFlock(path: string) {
  const child = spawn('flock', [path, 'sh', '-c', 'echo held; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return {
    release: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** A pid that is certainly not running: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

test('a lock held by a live process is refused at once, naming it', async () => {
  const path = join(tempDir('kbs-lock-'), 'x.lock');
  const held = await holdWithFlock(path);
  writeFileSync(path, `${process.pid}\n`);
  try {
    const t0 = Date.now();
    await assert.rejects(acquireLock(path, 'thing'), (e: unknown) => e instanceof KbsError && e.code === 'LOCK' && e.message.includes(`pid ${process.pid}`));
    assert.ok(Date.now() - t0 < 5000, 'a live holder must not be waited for');
  } finally {
    await held.release();
  }
});

test('a lock whose recorded holder is dead is waited for while its helper lets go', async () => {
  // what a killed `fleet up` leaves for a moment: its pid in the file, its flock helper still exiting
  const path = join(tempDir('kbs-lock-'), 'x.lock');
  const held = await holdWithFlock(path);
  writeFileSync(path, `${await deadPid()}\n`);
  const letGo = new Promise<void>((resolve) => setTimeout(() => void held.release().then(resolve), 700));
  const lock = await acquireLock(path, 'thing');
  await letGo;
  await lock.release();
  // and it is free again afterwards
  const again = await acquireLock(path, 'thing');
  await again.release();
});
